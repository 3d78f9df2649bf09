"""What a translation returns: per-sentence results with typed per-term statuses.

They become dicts only at the JSON edge (:meth:`SentenceResult.to_dict`, what
``vertaal translate --format jsonl`` writes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ENFORCED = "enforced"  # the decoder had to put the term in
UNFORCED = "unforced"  # the model produced it unprompted
FAILED = "failed"  # not in the translation as a whole word (or a forbidden target is)
MEMORY = "memory"  # the translation came from the memory and holds the term
STATUSES = (ENFORCED, UNFORCED, FAILED, MEMORY)
PLACED = "placement"  # an enforced term put into CTranslate2's output at a word start
DECODED = "constrained decoder"  # an enforced term the constrained beam search had to write


@dataclass
class TermStatus:
    """What became of one glossary term occurrence in a translation."""

    source: str
    target: str
    surface: str
    kind: str
    status: str  # one of STATUSES
    forbidden_used: list[str] = field(default_factory=list)
    by: str = ""  # an enforced term: PLACED (in CTranslate2's output) or DECODED (under constraints)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "source": self.source,
            "target": self.target,
            "surface": self.surface,
            "kind": self.kind,
            "status": self.status,
            "forbidden_used": list(self.forbidden_used),
        }
        if self.by:
            data["by"] = self.by
        return data


@dataclass
class CodeStatus:
    """What became of one inline code (a placeholder character) in a translation: the statuses
    of terms; `label` is how the file writes the code (``<g id="1">``, ``%s``), set by the
    bilingual-file layer."""

    code: str
    status: str  # one of STATUSES
    label: str = ""

    def to_dict(self) -> dict[str, Any]:
        from .text.codes import kind_of

        kind, k = kind_of(self.code)
        return {"code": self.label or f"{{{kind} {k}}}", "kind": kind, "status": self.status}


@dataclass
class SentenceResult:
    """One translated sentence, its place in the document, and where it came from.

    `terms` is None when no glossary applied, else one status per term occurrence;
    `memory` is True when the translation was taken from the translation memory; `codes` holds
    one status per inline code of the sentence (none: no codes).
    """

    paragraph: int
    sentence: int
    source: str
    target: str
    terms: list[TermStatus] | None = None
    memory: bool = False
    codes: list[CodeStatus] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "paragraph": self.paragraph,
            "sentence": self.sentence,
            "source": self.source,
            "target": self.target,
        }
        if self.terms is not None:
            data["terms"] = [t.to_dict() for t in self.terms]
        if self.codes:
            data["codes"] = [c.to_dict() for c in self.codes]
        if self.memory:
            data["memory"] = True
        return data


@dataclass
class DocumentResult:
    """All sentences of a document, grouped into paragraphs."""

    sentences: list[SentenceResult]
    paragraph_count: int

    def paragraphs(self) -> list[str]:
        grouped: list[list[str]] = [[] for _ in range(self.paragraph_count)]
        for result in self.sentences:
            grouped[result.paragraph].append(result.target)
        return [" ".join(t for t in targets if t) for targets in grouped]

    def text(self) -> str:
        return "\n\n".join(self.paragraphs())

    def failed_terms(self) -> list[tuple[SentenceResult, TermStatus]]:
        """Glossary terms that are not in the translation, with the sentence they belong to."""
        return [(r, term) for r in self.sentences for term in r.terms or [] if term.status == FAILED]

    def failed_codes(self) -> list[tuple[SentenceResult, CodeStatus]]:
        """Inline codes the decoder could not place (added at the sentence's end instead)."""
        return [(r, code) for r in self.sentences for code in r.codes if code.status == FAILED]

    @property
    def remembered(self) -> int:
        """How many sentences came from the translation memory."""
        return sum(r.memory for r in self.sentences)
