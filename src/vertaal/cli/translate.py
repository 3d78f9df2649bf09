"""`vertaal translate`."""

from __future__ import annotations

import json
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Optional

import typer

PROGRESS_MIN_SENTENCES = 5


class OutputFormat(StrEnum):
    text = "text"
    jsonl = "jsonl"


def translate(
    text: Annotated[
        Optional[list[str]], typer.Argument(help="Text to translate; joined by spaces.", show_default=False)
    ] = None,
    input_files: Annotated[
        Optional[list[Path]],
        typer.Option("--input", "-i", help="Read FILE ('-' for stdin); repeatable.", show_default=False),
    ] = None,
    output: Annotated[
        Optional[Path],
        typer.Option(
            "--output", "-o", help="Write the translation to FILE instead of stdout.", show_default=False
        ),
    ] = None,
    direction: Annotated[
        str, typer.Option("--direction", "-d", help="nl-en or en-nl (see models.txt).")
    ] = "nl-en",
    model: Annotated[
        Optional[str],
        typer.Option(
            "--model",
            "-m",
            help="Hub id or local model directory; overrides the registry and $VERTAAL_MODEL.",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text, or jsonl: one JSON object per sentence.")
    ] = OutputFormat.text,
    beams: Annotated[
        Optional[int],
        typer.Option(
            "--beams",
            min=1,
            max=64,
            help="Beam size; default from the model's generation config.",
            show_default=False,
        ),
    ] = None,
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, max=1024, help="Sentences per batch.")
    ] = 16,
    device: Annotated[str, typer.Option("--device", help="cpu, cuda or cuda:N.")] = "cpu",
    encoding: Annotated[str, typer.Option("--encoding", help="Encoding of input files and stdin.")] = "utf-8",
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Report model load and translation times on stderr.")
    ] = False,
) -> None:
    """Translate text, files or standard input."""
    from ..pipeline import Translator
    from ..textio import read_file, write_atomic

    source = _read_source(text, input_files, encoding, read_file)
    translator = Translator(direction, model=model, device=device, beams=beams, batch_size=batch_size)
    started = time.perf_counter()
    with _Progress() as progress:
        document = translator.translate_document(
            source, on_progress=progress.advance, on_start=progress.start
        )
    if verbose:
        total = time.perf_counter() - started
        load = translator.load_seconds
        typer.echo(
            f"model {translator.spec.model_id}: loaded in {load:.2f} s; "
            f"{len(document.sentences)} sentences translated in {total - load:.2f} s",
            err=True,
        )
    if output_format is OutputFormat.jsonl:
        rendered = "".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in document.sentences)
    else:
        rendered = document.text() + "\n" if document.sentences else ""
    if output:
        write_atomic(output, rendered)
    else:
        sys.stdout.write(rendered)
        sys.stdout.flush()


def _read_source(text: list[str] | None, files: list[Path] | None, encoding: str, read_file) -> str:
    parts = []
    if text:
        parts.append(" ".join(text))
    for file in files or []:
        parts.append(read_file(file, encoding))
    if not parts:
        parts.append(read_file("-", encoding))
    return "\n\n".join(parts)


class _Progress:
    """A progress bar on stderr, only when stderr is a terminal and the input is long."""

    def __init__(self) -> None:
        self._bar = None
        self._task = None

    def __enter__(self) -> _Progress:
        return self

    def start(self, total: int) -> None:
        if total < PROGRESS_MIN_SENTENCES or not sys.stderr.isatty():
            return
        from rich.console import Console
        from rich.progress import Progress

        self._bar = Progress(console=Console(stderr=True), transient=True)
        self._bar.start()
        self._task = self._bar.add_task("translating", total=total)

    def advance(self, count: int) -> None:
        if self._bar is not None:
            self._bar.advance(self._task, count)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()
