"""Candidate terms and their files: JSONL (one candidate a line, every field), TSV (what `glossary
import` reads: source, target, note) and TBX (ISO 30042, the proposed target *admitted*, not
preferred, so that a termbase shows it as a proposal)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from lxml import etree

from ..errors import InputError, UsageError
from ..glossary.tbx import TBX3_NS, skeleton

FORMATS = ("jsonl", "tsv", "tbx")
KINDS = ("name", "phrase", "compound", "abbreviation")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass
class Proposal:
    """A proposed target: the text, its score, and where it comes from (`memory`: co-occurrence
    over the user's segment pairs; `model`: the model's translation, a fallback)."""

    text: str
    score: float
    origin: str = "memory"
    evidence: str = ""


@dataclass
class Example:
    """A segment that holds the candidate, with its translation when the source had one."""

    source: str
    target: str | None = None


@dataclass
class Candidate:
    """One proposed glossary term."""

    source: str
    score: float
    frequency: int
    kind: str = "phrase"
    variants: list[str] = field(default_factory=list)
    abbreviation: str | None = None  # the short form of this written-out name
    expansion: str | None = None  # the written-out form of this abbreviation
    targets: list[Proposal] = field(default_factory=list)
    examples: list[Example] = field(default_factory=list)

    @property
    def target(self) -> str | None:
        """The best proposed target, or None."""
        return self.targets[0].text if self.targets else None

    def to_dict(self) -> dict[str, Any]:
        row: dict[str, Any] = {
            "source": self.source,
            "score": round(self.score, 3),
            "frequency": self.frequency,
            "kind": self.kind,
            "variants": self.variants,
        }
        if self.expansion is not None:
            row["expansion"] = self.expansion
        else:
            row["abbreviation"] = self.abbreviation
        row["target"] = self.target
        row["targets"] = [asdict(p) | {"score": round(p.score, 3)} for p in self.targets]
        row["examples"] = [asdict(e) for e in self.examples]
        return row

    @classmethod
    def from_dict(cls, row: dict[str, Any]) -> Candidate:
        """A candidate from its JSON object; a field of the wrong type raises ValueError."""
        if not isinstance(row.get("source"), str) or not row["source"].strip():
            raise ValueError("no source term")
        for proposal in row.get("targets") or []:
            if not isinstance(proposal, dict) or not isinstance(proposal.get("text"), str):
                raise ValueError("a target without text")
            score = proposal.get("score", 0.0)
            if isinstance(score, bool) or not isinstance(score, int | float):
                raise ValueError("a target's score is not a number")
        if not isinstance(row.get("examples") or [], list) or not all(
            isinstance(e, dict) for e in row.get("examples") or []
        ):
            raise ValueError("examples are not objects")
        targets = [Proposal(**p) for p in row.get("targets") or []]
        if not targets and row.get("target"):
            targets = [Proposal(str(row["target"]), 1.0, "file")]
        return cls(
            source=str(row["source"]),
            score=float(row.get("score") or 0.0),
            frequency=int(row.get("frequency") or 0),
            kind=str(row.get("kind") or "phrase"),
            variants=[str(v) for v in row.get("variants") or []],
            abbreviation=row.get("abbreviation"),
            expansion=row.get("expansion"),
            targets=targets,
            examples=[Example(str(e.get("source", "")), e.get("target")) for e in row.get("examples") or []],
        )

    def note(self) -> str:
        """What a glossary entry's note keeps of the evidence."""
        parts = [f"extracted: score {self.score:.2f}, {self.frequency}x"]
        if self.abbreviation:
            parts.append(f"abbreviation {self.abbreviation}")
        if self.expansion:
            parts.append(f"stands for {self.expansion}")
        if self.targets:
            best = self.targets[0]
            parts.append(f"target from {best.origin}" + (f" ({best.evidence})" if best.evidence else ""))
        return "; ".join(parts)


def write(candidates: list[Candidate], fmt: str, pair: tuple[str, str]) -> str:
    """The candidates as JSONL, TSV or TBX text."""
    if fmt == "jsonl":
        return "".join(json.dumps(c.to_dict(), ensure_ascii=False) + "\n" for c in candidates)
    if fmt == "tsv":
        return "".join(f"{_cell(c.source)}\t{_cell(c.target or '')}\t{_cell(c.note())}\n" for c in candidates)
    if fmt == "tbx":
        return _tbx(candidates, pair)
    raise UsageError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def _cell(text: str) -> str:
    return " ".join(text.split())


def _tbx(candidates: list[Candidate], pair: tuple[str, str]) -> str:
    """TBX v3 (TBX-Basic, DCA style): each proposed target is an admitted term, the examples are
    contexts, the evidence is a note."""
    ns = f"{{{TBX3_NS}}}"
    root, body = skeleton(pair[0], "Candidate terms extracted by vertaal (targets proposed)")
    for number, candidate in enumerate(candidates, start=1):
        concept = etree.SubElement(body, f"{ns}conceptEntry", id=f"c{number}")
        etree.SubElement(concept, f"{ns}note").text = candidate.note()
        source = etree.SubElement(concept, f"{ns}langSec")
        source.set(XML_LANG, pair[0])
        term = etree.SubElement(source, f"{ns}termSec")
        etree.SubElement(term, f"{ns}term").text = candidate.source
        etree.SubElement(term, f"{ns}termNote", type="administrativeStatus").text = "admittedTerm-admn-sts"
        for example in candidate.examples[:1]:
            etree.SubElement(term, f"{ns}descrip", type="context").text = example.source
        if candidate.targets:
            target = etree.SubElement(concept, f"{ns}langSec")
            target.set(XML_LANG, pair[1])
            for proposal in candidate.targets[:1]:
                sec = etree.SubElement(target, f"{ns}termSec")
                etree.SubElement(sec, f"{ns}term").text = proposal.text
                status = etree.SubElement(sec, f"{ns}termNote", type="administrativeStatus")
                status.text = "admittedTerm-admn-sts"
    text = etree.tostring(root, encoding="unicode", pretty_print=True)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + text


def read_jsonl(name: str, text: str) -> list[Candidate]:
    """Candidates from JSONL (what ``--format jsonl`` writes); a bad line is one error with its number."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict) or not isinstance(row.get("source"), str):
                raise ValueError
            found.append(Candidate.from_dict(row))
        except (ValueError, TypeError, KeyError, AttributeError):
            raise InputError(
                f'{name}:{number}: not a candidate (a JSON object with "source"); '
                "write candidates with vertaal glossary extract --format jsonl"
            ) from None
    return found
