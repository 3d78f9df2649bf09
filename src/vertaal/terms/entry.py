"""Glossary entries: the term model shared by the store, the file formats, the matcher and the decoder."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..text.reflow import INVISIBLE, collapse

KINDS = ("preferred", "keep", "forbidden")
FLAGS = ("case_sensitive", "compounds", "fold_diacritics")
LISTS = ("alternatives", "forbidden")
STORED = ("source_lang", "target_lang", "source", "target", "kind", *FLAGS, *LISTS, "note")
MAX_TERM_CHARS = 300
DEFAULT_PAIR = ("nl", "en")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Bidirectional controls (embeddings, overrides, isolates, marks): a term that holds one displays
# in another order than it matches ("Trojan Source"); no glossary needs them.
BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NOT_IN_TERM = (  # controls, INVISIBLE and BIDI
    "\\x00-\\x1f\\x7f-\\x9f\\u00ad\\u200b-\\u200f\\u2060\\ufeff\\u061c\\u202a-\\u202e\\u2066-\\u2069"
)
END = "(?![\\s\\S])"  # the end of the text: in a JSON Schema pattern, '$' also matches before a last newline
# What :func:`term_problem` accepts, as a JSON Schema pattern (the server's API describes terms so).
TERM_PATTERN = f"^[^{_NOT_IN_TERM}]*[^\\s{_NOT_IN_TERM}][^{_NOT_IN_TERM}]*{END}"
NOTE_PATTERN = f"^[^\\n\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f]*{END}"


def term_problem(text: str, what: str = "term") -> str | None:
    """Why `text` cannot be a term, or None when it can."""
    if _ANY_CONTROL.search(text):  # rare: find out which
        if "\n" in text or "\r" in text:
            return f"a newline inside the {what}"
        if _CONTROL.search(text):
            return f"a control character in the {what}"
    if not text.strip():
        return f"an empty {what}"
    if INVISIBLE.search(text):
        return f"a soft hyphen or zero-width character inside the {what}; type the term without it"
    if BIDI.search(text):
        return f"a right-to-left or bidirectional control character inside the {what}; type it without"
    if len(text) > MAX_TERM_CHARS:
        return f"the {what} is longer than {MAX_TERM_CHARS} characters"
    return None


@dataclass
class Entry:
    """One glossary entry: a source term and what its translation must (not) be.

    kind: *preferred* (use `target`), *keep* (do not translate: the target is the source), or
    *forbidden* (no required translation, but the `forbidden` targets must never be used).
    Matching flags: `case_sensitive` (match only in this case), `compounds` (also match as the
    first or last part of a closed compound: "raad" in "gemeenteraad"), `fold_diacritics`
    ("Coordinator" matches "Coördinator").
    """

    source: str
    target: str = ""
    kind: str = "preferred"
    case_sensitive: bool = False
    compounds: bool = False
    fold_diacritics: bool = False
    alternatives: list[str] = field(default_factory=list)
    forbidden: list[str] = field(default_factory=list)
    note: str = ""
    source_lang: str = DEFAULT_PAIR[0]
    target_lang: str = DEFAULT_PAIR[1]
    id: int | None = None
    created: str | None = None
    updated: str | None = None

    def normalised(self) -> Entry:
        """A copy with terms normalised and the target filled in for *keep* entries."""
        source = collapse(self.source)
        target = source if self.kind == "keep" else collapse(self.target)
        kind = "keep" if self.kind == "preferred" and target == source else self.kind
        return Entry(
            source=source,
            target=target,
            kind=kind,
            case_sensitive=self.case_sensitive,
            compounds=self.compounds,
            fold_diacritics=self.fold_diacritics,
            alternatives=_unique(collapse(a) for a in self.alternatives) if self.alternatives else [],
            forbidden=_unique(collapse(f) for f in self.forbidden) if self.forbidden else [],
            note=self.note.strip(),
            source_lang=self.source_lang,
            target_lang=self.target_lang,
            id=self.id,
            created=self.created,
            updated=self.updated,
        )

    def problem(self) -> str | None:
        """Why this entry is invalid, or None."""
        if self.kind not in KINDS:
            return f"unknown kind {self.kind!r} (use {', '.join(KINDS)})"
        problem = term_problem(self.source, "source term")
        if problem:
            return problem
        if self.kind == "preferred":
            problem = term_problem(self.target, "target term")
        elif self.kind == "forbidden" and not self.forbidden:
            problem = "a forbidden entry needs at least one forbidden target"
        for term in [*self.alternatives, *self.forbidden]:
            problem = problem or term_problem(term, "alternative or forbidden term")
        if problem is None and ("\n" in self.note or _CONTROL.search(self.note)):
            problem = "a newline or control character in the note"
        return problem

    @property
    def key(self) -> str:
        """The uniqueness key of the source term (per glossary and language pair)."""
        return collapse(self.source)

    def content(self) -> tuple[Any, ...]:
        """The fields that a change can alter (ids and times excluded)."""
        return tuple(self.to_row().values())

    def to_row(self) -> dict[str, Any]:
        """The stored fields: flags as 0/1, lists as JSON."""
        row: dict[str, Any] = {}
        for name in STORED:
            value = getattr(self, name)
            if name in FLAGS:
                value = int(bool(value))
            elif name in LISTS:
                value = json.dumps(value, ensure_ascii=False) if value else "[]"
            row[name] = value
        return row

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Entry:
        """An entry from stored fields (the inverse of :meth:`to_row`), ids and times included."""
        values = {k: v for k, v in row.items() if k in STORED or k in ("id", "created", "updated")}
        for name in FLAGS:
            values[name] = bool(values.get(name))
        for name in LISTS:
            value = values.get(name) or []
            if isinstance(value, str):
                values[name] = json.loads(value) if value != "[]" else []
            else:
                values[name] = list(value)
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in STORED}
        return data | {"created": self.created, "updated": self.updated}


def _unique(items: Any) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        if item:
            seen.setdefault(item, None)
    return list(seen)
