"""`vertaal translate FILE.xlf|.po`: pre-translate a CAT tool's bilingual file."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import typer

from ..errors import GlossaryError, InputError, UsageError


def pretranslate_file(
    path: Path,
    output: Path | None,
    direction: str | None,
    jsonl: bool,
    overwrite: bool,
    strict: bool,
    options: dict[str, Any],
    progress: Any,
    report_times: Any = None,
) -> None:
    """Read, check the languages, translate the chosen segments, write, summarise (`progress`:
    the translate command's progress bar; `report_times`: its --verbose report, if asked)."""
    from .. import cat
    from ..api import Translator
    from ..engine.registry import directions
    from ..languages import parse_pair
    from ..text.files import refuse_overwriting_inputs

    file = cat.open_bilingual(path)
    if output is not None and str(output) == "-":
        raise UsageError("write a pre-translated file to a file: -o OUT" + path.suffix)
    chosen = direction or cat.file_direction(file) or "nl-en"
    if direction is None and chosen not in directions():
        raise InputError(
            f"{path}: the file is {chosen}; vertaal translates {', '.join(directions())} "
            "(pass --direction to override the file)"
        )
    pair = parse_pair(chosen)
    cat.check_languages(file, pair, direction is not None)
    target = Path(output) if output is not None else path.with_name(f"{path.stem}.{pair[1]}{path.suffix}")
    if cat.format_of(target) != cat.format_of(path):
        raise UsageError(f"-o {target}: a {path.suffix} file is written as {path.suffix}")
    refuse_overwriting_inputs(target, [path])
    if not target.resolve().parent.is_dir():
        raise UsageError(f"cannot write {target}: directory {target.parent} does not exist")
    translator = Translator(chosen, **options)
    started = time.perf_counter()
    with progress:
        report = cat.pretranslate(translator, file, overwrite, progress.advance, progress.start)
    for notice in dict.fromkeys(translator.notices):
        typer.echo(f"warning: {notice}", err=True)
    file.save(target)
    if report_times is not None and report.translated:
        from ..results import DocumentResult

        rows = [row for _, results in report.translated for row in results]
        report_times(translator, DocumentResult(rows, len(report.translated)), time.perf_counter() - started)
    if jsonl:
        for row in report.rows():
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    typer.echo(f"{path} -> {target} ({file.dialect}): {report.summary()}", err=True)
    _report_failures(report, strict)


def _report_failures(report: Any, strict: bool) -> None:
    """Terms and codes that could not be placed: a warning, or with --strict exit status 1."""
    terms = [
        (segment, term)
        for segment, rows in report.translated
        for row in rows
        for term in row.terms or []
        if term.status == "failed"
    ]
    codes = report.failed_codes()
    if not terms and not codes:
        return
    parts = []
    if terms:
        listed = ", ".join(f"{term.surface!r} -> {term.target!r}" for _, term in terms[:5])
        parts.append(f"{len(terms)} glossary term(s) could not be enforced: {listed}")
    if codes:
        listed = ", ".join(f"{label} in {segment.id}" for segment, label in codes[:5])
        parts.append(
            f"{len(codes)} inline code(s) could not be placed (added at the segment's end): {listed}"
        )
    message = "; ".join(parts)
    if strict:
        raise GlossaryError(message + " (see --format jsonl)")
    typer.echo(f"warning: {message}", err=True)
