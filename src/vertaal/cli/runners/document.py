"""Document runner: a PDF, DOCX, ODT, HTML or Markdown file in, the same structure out."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import typer

from ...inputs import Input
from ...options import TranslateOptions
from .common import (
    Progress,
    Run,
    check_report,
    print_notices,
    refuse_missing_folder,
    report_failed_terms,
    report_times,
    warn,
)


def run(given: Input, options: TranslateOptions, settings: Run) -> None:
    """Read into blocks, translate, write, summarise."""
    from ... import documents
    from ...api import Translator
    from ...text.files import refuse_overwriting_inputs

    path = given.path
    assert path is not None
    encoding = None if settings.encoding == "utf-8" else settings.encoding
    document = documents.open_document(path, encoding, warn=warn)
    target, fmt = documents.output_path(path, settings.output, options.pair.target)
    refuse_overwriting_inputs(target, [path])
    refuse_missing_folder(Path(target))
    translator = Translator.from_options(options)
    started = time.perf_counter()
    with Progress() as progress:
        progress.prepare(sum(len(b.text) for b in document.blocks))
        result, translated = documents.translate(translator, document, progress.advance, progress.start)
    print_notices(translator)
    documents.write(document, translated, target, fmt, settings.bilingual, options.pair.target)
    if settings.verbose:
        report_times(translator, result, time.perf_counter() - started)
        for line in getattr(document, "left_out", []):
            typer.echo(f"left out: {line}", err=True)
    if settings.jsonl:
        for row in result.sentences:
            data = {"place": document.blocks[row.paragraph].place, **row.to_dict()}
            sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    summary = f"{path} -> {target}: {len(document.blocks)} blocks, {len(result.sentences)} sentences"
    if result.remembered:
        summary += f" ({result.remembered} from memory)"
    typer.echo(summary, err=True)
    if settings.report:
        check_report(translator, result, settings.report, str(path), target)
    report_failed_terms(result, options.strict)
