"""`vertaal translate -i DIR|GLOB... -o OUTDIR [--cluster ...]`: a corpus into a mirrored tree."""

from __future__ import annotations

import sys
import time
from typing import Any

import typer

from ...errors import GlossaryError, UsageError
from ...inputs import Input
from ...options import TranslateOptions
from .common import Run, print_notices, warn


def run(given: Input, options: TranslateOptions, settings: Run) -> None:
    """Plan the files, translate them here or on Ray, print the summary; exit 1 naming failed files."""
    from ... import corpus
    from ...api import Translator

    output = settings.output
    if output is None or str(output) == "-":
        raise UsageError("a folder or glob is translated into a folder: -o OUTDIR")
    if output.exists() and not output.is_dir():
        raise UsageError(f"-o {output}: not a folder; a corpus is written into a folder")
    notes: list[str] = []
    jobs = corpus.plan(given.inputs, output, notes)
    if settings.verbose:
        for note in notes:
            typer.echo(note, err=True)
    output.mkdir(parents=True, exist_ok=True)
    translator = Translator.from_options(options)
    with CorpusProgress() as progress:
        if settings.cluster:
            summary, report = _on_cluster(translator, jobs, settings, progress)
        else:
            from ...corpus.local import Runner

            summary, report = Runner(translator, settings.encoding, progress, warn).run(jobs), None
    print_notices(translator)
    lines = summary.lines()
    if report is not None:
        lines[0] += f"; {report.translated:,} translated on the cluster by {settings.workers} actor(s)"
    for line in lines:
        typer.echo(line, err=True)
    if summary.failed:
        raise typer.Exit(1)
    failed_terms = sum(o.terms_failed for o in summary.outcomes)
    if options.strict and failed_terms:
        raise GlossaryError(f"{failed_terms} glossary term(s) could not be enforced")


def _on_cluster(translator: Any, jobs: list, settings: Run, progress: Any) -> tuple[Any, Any]:
    from ...corpus import cluster as ray_cluster

    per_call = max(ray_cluster.BATCH, translator.options.batch_size)  # a GPU actor wants big calls
    gpus = settings.gpus_per_worker
    cluster = ray_cluster.ClusterSettings(settings.cluster, settings.workers, gpus, per_call)
    return ray_cluster.run(translator, jobs, cluster, settings.encoding, progress, warn)


class CorpusProgress:
    """One bar for the whole run on stderr (only on a terminal): files done, sentences/s, and the
    time left, estimated from the bytes read."""

    def __init__(self, console: Any = None) -> None:
        self._console = console
        self._bar: Any = None
        self._task: Any = None
        self.files = self.done = self.sentences = 0
        self._started = time.perf_counter()

    def __enter__(self) -> CorpusProgress:
        return self

    def start(self, total_bytes: int, files: int) -> None:
        self.files, self._started = files, time.perf_counter()
        if self._console is None and not sys.stderr.isatty():
            return
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        self._bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TimeRemainingColumn(),
            console=self._console or Console(stderr=True),
            transient=True,
        )
        self._bar.start()
        self._task = self._bar.add_task(self._describe(), total=max(1, total_bytes))

    def _describe(self) -> str:
        rate = self.sentences / max(1e-9, time.perf_counter() - self._started)
        return f"{self.done}/{self.files} files, {rate:,.1f} sentences/s"

    def advance(self, done_bytes: int, sentences: int) -> None:
        self.sentences += sentences
        if self._task is not None:
            self._bar.update(self._task, advance=done_bytes, description=self._describe())

    def file_done(self) -> None:
        self.done += 1
        if self._task is not None:
            self._bar.update(self._task, description=self._describe())

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()
