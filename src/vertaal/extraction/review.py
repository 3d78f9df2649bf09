"""Reviewed candidates into the glossary: read a candidates file, turn each accepted candidate into
an entry, and import them the way every import goes (one history group, restorable at once)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..glossary.store import GlossaryStore, ImportReport
from ..terms.entry import Entry
from ..text.files import decode, display_name, read_bytes
from .candidates import Candidate, Proposal, read_jsonl

EDITOR_HEADER = (
    "# vertaal glossary review: one candidate a line, source<TAB>target<TAB>note. Keep a line to accept it\n"
    "# (edit the target as you like; the target the source itself: keep untranslated); delete it or\n"
    "# put # before it to reject it. A line without a target is skipped. Lines starting with # are ignored.\n"
)


def read_candidates(
    path: str, pair: tuple[str, str], warn: Callable[[str], None] | None = None
) -> list[Candidate]:
    """Candidates from JSONL (``glossary extract --format jsonl``), or from a TSV or TBX file (its
    entries, each with its target as the proposal)."""
    name = display_name(path)
    data = read_bytes(path)
    suffix = Path(name).suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json") or data.lstrip()[:1] == b"{":
        return read_jsonl(name, decode(data, name))
    from ..glossary.formats import read
    from ..skips import Skipped

    skipped = Skipped()
    rows = read(name, data, pair=pair, skipped=skipped)
    if skipped.total and warn is not None:  # a candidate the file gives no target: nothing to accept
        warn(f"{name}: {skipped.total} rows without a target left out; the JSONL output lists them")
    return [Candidate(r.entry.source, 0.0, 0, targets=[Proposal(r.entry.target, 1.0, "file")]) for r in rows]


def entry_for(candidate: Candidate, target: str, pair: tuple[str, str]) -> Entry:
    """The glossary entry for an accepted candidate: its target, or kept untranslated when the
    target is the source itself (AIVD); the evidence goes into the note."""
    target = " ".join(target.split())
    kind = "keep" if target == candidate.source else "preferred"
    return Entry(
        candidate.source, target, kind, note=candidate.note(), source_lang=pair[0], target_lang=pair[1]
    )


def import_reviewed(
    store: GlossaryStore, glossary: str, entries: list[Entry], on_conflict: str = "skip"
) -> ImportReport:
    """Import the accepted entries in one transaction, recorded in the history as one import."""
    return store.import_entries(glossary, entries, on_conflict)


def editor_text(candidates: list[Candidate]) -> str:
    """The candidates as the TSV a reviewer edits: each with its evidence and examples as comments."""
    lines = [EDITOR_HEADER]
    for candidate in candidates:
        lines.append(f"\n# {candidate.note()}\n")
        for proposal in candidate.targets[1:]:
            lines.append(f"#   or: {_one_line(proposal.text)} ({proposal.origin}, {proposal.score:.2f})\n")
        for example in candidate.examples[:2]:
            lines.append(f"#   > {_one_line(example.source)[:200]}\n")
            if example.target:
                lines.append(f"#   < {_one_line(example.target)[:200]}\n")
        lines.append(f"{_one_line(candidate.source)}\t{_one_line(candidate.target or '')}\t\n")
    return "".join(lines)


def read_editor_text(name: str, text: str, candidates: list[Candidate], pair: tuple[str, str]) -> list[Entry]:
    """The entries a reviewer kept in :func:`editor_text`'s file (notes kept from the candidates)."""
    from ..glossary import delimited
    from ..glossary.importing import check_duplicates
    from ..skips import Skipped

    rows = delimited.read(name, text, pair, "tsv", Skipped())
    check_duplicates(name, rows)
    notes = {" ".join(c.source.split()): c.note() for c in candidates}
    entries = []
    for row in rows:
        entry = row.entry
        if not entry.note:
            entry.note = notes.get(entry.source, "")
        entries.append(entry)
    return entries


def _one_line(text: str) -> str:
    return " ".join(text.replace("\t", " ").split())
