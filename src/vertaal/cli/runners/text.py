"""Text runner: TEXT words, -i text files or stdin, translated sentence by sentence."""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from ...inputs import Input
from ...options import TranslateOptions
from .common import Progress, Run, check_report, print_notices, report_failed_terms, report_times


def run(given: Input, options: TranslateOptions, settings: Run) -> None:
    """Read, translate, write (stdout or -o atomically), check and report."""
    from ...api import Translator
    from ...text.files import refuse_overwriting_inputs, write_atomic

    refuse_overwriting_inputs(settings.output, given.files)
    source = read_source(given, settings.encoding)
    translator = Translator.from_options(options)
    started = time.perf_counter()
    with Progress() as progress:
        progress.prepare(len(source))
        document = translator.translate_document(
            source, on_progress=progress.advance, on_start=progress.start
        )
    print_notices(translator)
    if settings.verbose:
        report_times(translator, document, time.perf_counter() - started)
    rendered = render(document, settings.jsonl)
    if settings.output is not None and str(settings.output) != "-":
        write_atomic(settings.output, rendered)
    else:
        sys.stdout.write(rendered)
        sys.stdout.flush()
    if settings.report:
        sources = ", ".join(map(str, given.files)) or None
        check_report(translator, document, settings.report, sources, settings.output)
    report_failed_terms(document, options.strict)


def read_source(given: Input, encoding: str) -> str:
    """The TEXT words, then each -i file; stdin when neither is given."""
    from ...text.files import read_file

    parts = [" ".join(given.text)] if given.text else []
    parts += [read_file(file, encoding) for file in given.files]
    return "\n\n".join(parts or [read_file("-", encoding)])


def render(document: Any, jsonl: bool) -> str:
    if jsonl:
        return "".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in document.sentences)
    return document.text() + "\n" if document.sentences else ""
