"""Importing glossary files into the store: parse, validate, then apply all or nothing."""

from __future__ import annotations

from ..errors import GlossaryError
from ..skips import Skipped
from ..text.files import display_name, read_bytes
from . import Row
from .formats import read
from .store import GlossaryStore, ImportReport

MAX_LISTED = 5


def check_duplicates(name: str, rows: list[Row], skipped: Skipped | None = None) -> list[str]:
    """Normalise rows in place; a source term listed twice with different content (a conflicting
    row, a homonym) is skipped and counted with its line when `skipped` is given (the first is
    kept), else it fails.

    Returns warnings for exact repeats, which are then imported once.
    """
    seen: dict[tuple[str, str, str], Row] = {}
    warnings = []
    kept = []
    for row in rows:
        row.entry = entry = row.entry.normalised()
        key = (entry.source_lang, entry.target_lang, entry.source)
        first = seen.get(key)
        if first is None:
            seen[key] = row
            kept.append(row)
        elif first.entry.content() == entry.content():
            warnings.append(f"{name}:{row.line}: {entry.source!r} repeats line {first.line}; imported once")
        elif skipped is not None:
            skipped.add("defined differently on an earlier line", row.line, listed=True)
        else:
            raise GlossaryError(
                f"{name}:{row.line}: {entry.source!r} is already defined differently on line "
                f"{first.line}; keep one of them"
            )
    rows[:] = kept
    return warnings


def import_glossary(
    store: GlossaryStore,
    glossary: str,
    file: str,
    *,
    fmt: str | None = None,
    on_conflict: str = "fail",
    encoding: str = "utf-8",
    pair: tuple[str, str] = ("nl", "en"),
    strict: bool = False,
) -> tuple[ImportReport, list[str]]:
    """Import `file` into `glossary`; the database is unchanged unless every row is valid.

    Concepts or rows without a term in one of the pair's languages, empty terms and a term defined
    again differently (the first is kept) are skipped and counted in the report; `strict` refuses
    the file instead.
    """
    name = display_name(file)
    skipped = Skipped()
    rows = read(name, read_bytes(file), pair=pair, fmt=fmt, encoding=encoding, skipped=skipped)
    warnings = check_duplicates(name, rows, skipped)
    if strict:
        skipped.refuse(name, GlossaryError)
    unique: dict[tuple[str, str, str], Row] = {}
    for row in rows:
        unique.setdefault((row.entry.source_lang, row.entry.target_lang, row.entry.source), row)
    lines = {key: row.line for key, row in unique.items()}
    report = store.import_entries(glossary, [r.entry for r in unique.values()], on_conflict, checked=True)
    report.skipped_rows = skipped
    if report.conflicts and on_conflict == "fail":
        listed = "; ".join(
            f"line {lines.get((new.source_lang, new.target_lang, new.key), '?')}: {new.source!r} -> "
            f"{new.target!r}, existing -> {old.target!r}"
            for old, new in report.conflicts[:MAX_LISTED]
        )
        more = len(report.conflicts) - MAX_LISTED
        if more > 0:
            listed += f"; and {more} more"
        raise GlossaryError(
            f"{name}: {len(report.conflicts)} entries conflict with glossary {glossary!r} ({listed});"
            " nothing imported; use --on-conflict skip or replace"
        )
    return report, warnings
