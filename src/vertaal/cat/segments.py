"""What every bilingual file is read into: segments whose inline codes are placeholder characters.

A :class:`Segment` is what a CAT tool shows as one row: an XLIFF 1.2 ``<trans-unit>`` (or one
``<mrk mtype="seg">`` of a segmented one, as Trados and Okapi write), an XLIFF 2 ``<segment>``,
a PO entry (or one plural form). Its source and target hold each inline code as one character
(:mod:`vertaal.engine.placeholders`); `codes` says what each character stands for in the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..text.codes import CLOSE, CODE, OPEN, Code, codes_in, kind_of

NEW, DRAFT, FINAL = "new", "draft", "final"  # empty; translated, not approved; approved/final/signed off


@dataclass
class Segment:
    """One translatable segment of a bilingual file."""

    id: str
    source: str  # inline codes as placeholder characters
    target: str
    codes: dict[str, Code] = field(default_factory=dict)
    target_codes: dict[str, Code] = field(default_factory=dict)  # the target's own, as read
    state: str = NEW  # NEW, DRAFT or FINAL
    locked: bool = False  # locked, translate="no": never written
    handle: Any = None  # the format's own object (an element, a PO unit)

    @property
    def empty(self) -> bool:
        return not self.target.strip()

    def label(self, text: str, codes: dict[str, Code] | None = None) -> str:
        """`text` with each code written as the file writes it."""
        known = self.codes if codes is None else codes
        return CODE.sub(lambda m: known[m.group()].label if m.group() in known else "", text)

    def refs(self, target: bool = False) -> list[tuple[str, str, str]]:
        """(kind, key, label) of each code of the source (or the target, as read), in order. A
        ``bpt``/``ept`` (``sc``/``ec``, ...) is an opening or closing code by what it is, also where
        its partner is not in the same segment (then it is decoded as a standalone code)."""
        text, codes = (self.target, self.target_codes) if target else (self.source, self.codes)
        return [(_role(c, codes[c]), codes[c].key, codes[c].label) for c in codes_in(text) if c in codes]

    def target_in_source_codes(self) -> str | None:
        """The target with its codes written as the source's characters (what the memory keeps),
        or None when it holds a code the source does not."""
        by_key = {(kind_of(c)[0], code.key): c for c, code in self.codes.items()}
        out = []
        for ch in self.target:
            if ch in self.target_codes:
                mapped = by_key.get((kind_of(ch)[0], self.target_codes[ch].key))
                if mapped is None:
                    return None
                out.append(mapped)
            else:
                out.append(ch)
        return "".join(out)


def _role(char: str, code: Code) -> str:
    kind = code.data[0] if isinstance(code.data, tuple) and code.data else None
    return OPEN if kind == "start" else CLOSE if kind == "end" else kind_of(char)[0]


class BilingualFile(Protocol):
    """A bilingual file read into segments; `set_target` changes one, `save` writes the file."""

    path: Path
    source_lang: str
    target_lang: str
    segments: list[Segment]
    dialect: str

    def set_target(self, segment: Segment, target: str, note: str) -> None: ...

    def save(self, path: str | Path) -> None: ...
