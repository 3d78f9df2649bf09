"""`vertaal translate -i DIR|GLOB... -o OUTDIR [--cluster ...]`: a corpus into a mirrored tree."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import typer

from ..errors import GlossaryError, UsageError


def translate_corpus(
    inputs: list[str],
    output: Path | None,
    direction: str,
    encoding: str,
    options: dict[str, Any],
    strict: bool,
    cluster: str | None,
    workers: int,
    gpus_per_worker: float,
) -> None:
    """Plan the files, translate them here or on Ray, print the summary; exit 1 naming failed files."""
    from .. import corpus
    from ..api import Translator

    if output is None or str(output) == "-":
        raise UsageError("a folder or glob is translated into a folder: -o OUTDIR")
    if output.exists() and not output.is_dir():
        raise UsageError(f"-o {output}: not a folder; a corpus is written into a folder")
    jobs = corpus.plan(inputs, output)
    output.mkdir(parents=True, exist_ok=True)
    translator = Translator(direction, **options)
    warn = lambda message: typer.echo(f"warning: {message}", err=True)  # noqa: E731
    with CorpusProgress() as progress:
        if cluster:
            from ..corpus import cluster as ray_cluster

            per_call = max(ray_cluster.BATCH, options.get("batch_size") or 0)  # a GPU actor wants big calls
            settings = ray_cluster.ClusterSettings(cluster, workers, gpus_per_worker, per_call)
            cluster_options = {k: v for k, v in options.items() if k not in ("glossary", "db", "memory")}
            summary, report = ray_cluster.run(
                translator, jobs, settings, direction, cluster_options, encoding, progress, warn
            )
        else:
            from ..corpus.local import Runner

            summary, report = Runner(translator, encoding, progress, warn).run(jobs), None
    for notice in dict.fromkeys(translator.notices):
        warn(notice)
    lines = summary.lines()
    if report is not None:
        lines[0] += f"; {report.translated:,} translated on the cluster by {workers} actor(s)"
    for line in lines:
        typer.echo(line, err=True)
    if summary.failed:
        raise typer.Exit(1)
    failed_terms = sum(o.terms_failed for o in summary.outcomes)
    if strict and failed_terms:
        raise GlossaryError(f"{failed_terms} glossary term(s) could not be enforced")


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
