"""What every runner of `vertaal translate` shares: the run's settings, the progress bar, notices,
--verbose times, failed terms and --report."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer

from ...errors import GlossaryError

PROGRESS_MIN_SENTENCES = 5
PROGRESS_MIN_CHARACTERS = 100_000


@dataclass(frozen=True)
class Run:
    """How the command line asked for one run, beside the TranslateOptions: where output goes
    and in what form. `direction` is None when the user gave none (a CAT file has its own)."""

    output: Path | None = None
    direction: str | None = None
    jsonl: bool = False
    encoding: str = "utf-8"
    bilingual: bool = False
    report: Path | None = None
    overwrite: bool = False
    verbose: bool = False
    cluster: str | None = None
    workers: int = 2
    gpus_per_worker: float = 0.0


def warn(message: str) -> None:
    typer.echo(f"warning: {message}", err=True)


def print_notices(translator: Any) -> None:
    """The Translator's notices (model fallbacks, a memory that could not be written), once each."""
    for notice in dict.fromkeys(translator.notices):
        warn(notice)


def report_times(translator: Any, document: Any, total: float) -> None:
    """--verbose: sentences from memory, model load time, and translation time on stderr."""
    load = translator.load_seconds
    if document.remembered:
        typer.echo(
            f"{document.remembered} of {len(document.sentences)} sentences from the translation memory",
            err=True,
        )
    loaded = f"loaded in {load:.2f} s" if translator.loaded else "not loaded"
    parts = translator.engine.load_parts() if translator.loaded else {}
    if parts:
        loaded += " (" + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in parts.items()) + ")"
    if translator.fast and translator.placed:
        loaded += f"; terms placed in {translator.placed} sentence(s) of CTranslate2's output"
    if translator.fast and translator.repaired:
        loaded += f"; {translator.repaired} sentence(s) repaired by the constrained decoder"
    typer.echo(
        f"model {translator.spec.model_id}: {loaded}; "
        f"{len(document.sentences)} sentences translated in {total - load:.2f} s",
        err=True,
    )


def check_report(translator: Any, document: Any, report: Path, sources: str | None, output: Any) -> None:
    """--report: check the translation as 'vertaal check' does and write the report."""
    from ...qa.alignment import SegmentPair
    from ...qa.checks import check_segments
    from ..check import write_report

    segments = (SegmentPair(i, r.source, r.target, r.paragraph + 1) for i, r in enumerate(document.sentences))
    checked = check_segments(
        segments,
        translator.options.glossary_name,
        translator.pair,
        matcher=translator.matcher,
        source=sources,
        target=str(output) if output else None,
        pair=translator.spec.direction,
    )
    write_report(checked, report, None)


def report_failed_terms(document: Any, strict: bool) -> None:
    """Terms not in the translation: a warning, or with --strict an error (exit status 1)."""
    failed = document.failed_terms()
    if not failed:
        return
    listed = ", ".join(f"{term.surface!r} -> {term.target!r}" for _, term in failed[:5])
    more = f" and {len(failed) - 5} more" if len(failed) > 5 else ""
    message = f"{len(failed)} glossary term(s) could not be enforced: {listed}{more}"
    if strict:
        raise GlossaryError(message + " (see --format jsonl)")
    warn(message)


class Progress:
    """A progress bar on stderr, only when stderr is a terminal and the input is long.

    A long input shows a spinner from the start (reading, segmenting, matching terms, the memory)
    that becomes the bar once the number of sentences is known.
    """

    def __init__(self, console: Any = None) -> None:
        self._console = console  # tests pass one; else stderr, and only when it is a terminal
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> Progress:
        return self

    def _open(self) -> bool:
        if self._bar is None:
            if self._console is None and not sys.stderr.isatty():
                return False
            from rich.console import Console
            from rich.progress import Progress as Bar

            self._bar = Bar(console=self._console or Console(stderr=True), transient=True)
            self._bar.start()
        return True

    def prepare(self, characters: int) -> None:
        """Before segmenting: a spinner for an input that takes a while to prepare."""
        if characters >= PROGRESS_MIN_CHARACTERS and self._open():
            self._task = self._bar.add_task(f"preparing {characters:,} characters", total=None)

    def start(self, total: int) -> None:
        if self._task is not None:
            self._bar.update(self._task, description="translating", total=total, completed=0)
        elif total >= PROGRESS_MIN_SENTENCES and self._open():
            self._task = self._bar.add_task("translating", total=total)

    def advance(self, count: int) -> None:
        if self._task is not None:
            self._bar.advance(self._task, count)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()


def refuse_missing_folder(target: Path) -> None:
    """The one message (and exit code) for an output whose folder does not exist."""
    from ...errors import InputError

    if not Path(target).resolve().parent.is_dir():
        raise InputError(f"cannot write {target}: directory {Path(target).parent} does not exist")
