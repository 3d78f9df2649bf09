"""Bilingual runner: pre-translate a CAT tool's XLIFF or PO file (`vertaal translate FILE.xlf|.po`)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import typer

from ...errors import GlossaryError, UsageError
from ...inputs import Input
from ...options import TranslateOptions
from .common import Progress, Run, print_notices, refuse_missing_folder, report_times


def run(given: Input, options: TranslateOptions, settings: Run) -> None:
    """Read, check the languages, translate the chosen segments, write, summarise."""
    from ... import cat
    from ...api import Translator
    from ...text.files import refuse_overwriting_inputs

    path = given.path
    assert path is not None
    file = cat.open_bilingual(path)
    if settings.output is not None and str(settings.output) == "-":
        raise UsageError("write a pre-translated file to a file: -o OUT" + path.suffix)
    pair = file_pair(path, file, settings.direction)
    target = settings.output or path.with_name(f"{path.stem}.{pair.target}{path.suffix}")
    if cat.format_of(target) != cat.format_of(path):
        raise UsageError(f"-o {target}: a {path.suffix} file is written as {path.suffix}")
    refuse_overwriting_inputs(target, [path])
    refuse_missing_folder(Path(target))
    translator = Translator.from_options(options.but(pair=pair))
    started = time.perf_counter()
    with Progress() as progress:
        report = cat.pretranslate(translator, file, settings.overwrite, progress.advance, progress.start)
    print_notices(translator)
    file.save(target)
    if settings.verbose and report.translated:
        from ...results import DocumentResult

        rows = [row for _, results in report.translated for row in results]
        report_times(translator, DocumentResult(rows, len(report.translated)), time.perf_counter() - started)
    if settings.jsonl:
        for row in report.rows():
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    typer.echo(f"{path} -> {target} ({file.dialect}): {report.summary()}", err=True)
    _report_failures(report, options.strict)


def file_pair(path: Path, file: Any, direction: str | None) -> Any:
    """The pair to translate: --direction when given (checked against the file), else the file's own
    languages, which must be a direction vertaal has a model for."""
    from ... import cat
    from ...engine.registry import directions

    return cat.file_pair(file, direction, "--direction", directions())


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
