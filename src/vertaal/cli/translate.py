"""`vertaal translate`."""

from __future__ import annotations

import json
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import GlossaryError, UsageError
from .options import Db, Encoding, Model

PROGRESS_MIN_SENTENCES = 5
PROGRESS_MIN_CHARACTERS = 100_000


class Strategy(StrEnum):
    direct = "direct"
    repair = "repair"


class OutputFormat(StrEnum):
    text = "text"
    jsonl = "jsonl"


TextOption = Annotated[
    Optional[list[str]],
    typer.Argument(metavar="TEXT", show_default=False, help="Text to translate; joined by spaces."),
]

InputFilesOption = Annotated[
    Optional[list[Path]],
    typer.Option(
        "--input", "-i", metavar="FILE", show_default=False, help="Read FILE ('-' for stdin); repeatable."
    ),
]

OutputOption = Annotated[
    Optional[Path],
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        show_default=False,
        help="Write the translation to FILE (atomically) instead of stdout.",
    ),
]

OutputFormatOption = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="text, or jsonl: one JSON object per sentence.")
]

BeamsOption = Annotated[
    Optional[int],
    typer.Option(
        "--beams",
        min=1,
        max=64,
        metavar="N",
        show_default=False,
        help="Beam size; default from the model's generation config.",
    ),
]

BatchSizeOption = Annotated[
    int, typer.Option("--batch-size", min=1, max=1024, metavar="N", help="Sentences per batch.")
]

DeviceOption = Annotated[str, typer.Option("--device", metavar="NAME", help="cpu, cuda or cuda:N.")]

GlossaryOption = Annotated[
    str, typer.Option("--glossary", "-g", metavar="NAME", help="Glossary to enforce.")
]

NoGlossaryOption = Annotated[bool, typer.Option("--no-glossary", help="Translate without a glossary.")]

StrictOption = Annotated[
    bool,
    typer.Option("--strict", help="Exit with status 1 when any glossary term could not be enforced."),
]

StrategyOption = Annotated[
    Strategy,
    typer.Option(
        "--strategy",
        help="direct: decode sentences with terms under constraints; repair: "
        "decode freely, redo only sentences that miss a term.",
    ),
]

FastOption = Annotated[
    bool,
    typer.Option(
        "--fast",
        help="Faster, int8: CTranslate2 first (if installed); a sentence that misses a term gets it placed "
        "in CTranslate2's output, or is repaired by the constrained decoder on an int8 model. Output may "
        "differ slightly from the default.",
    ),
]

NoMemoryOption = Annotated[
    bool, typer.Option("--no-memory", help="Neither look up nor store translations in the memory.")
]

ReportOption = Annotated[
    Optional[Path],
    typer.Option(
        "--report",
        metavar="FILE",
        show_default=False,
        help="Also check the translation (as 'vertaal check' does) and write the report to FILE "
        "(.html, .json, or a text table).",
    ),
]

BilingualOption = Annotated[
    bool,
    typer.Option(
        "--bilingual",
        help="Documents: write source and target side by side for review (.docx, .odt or .html).",
    ),
]

DirectionOption = Annotated[
    Optional[str],
    typer.Option(
        "--direction",
        "-d",
        metavar="DIR",
        show_default=False,
        help="nl-en or en-nl (see models.txt); default nl-en, or a bilingual file's own languages.",
    ),
]

OverwriteOption = Annotated[
    bool,
    typer.Option(
        "--overwrite",
        help="XLIFF/PO: translate every segment that is not locked or final, not only the empty ones.",
    ),
]

ClusterOption = Annotated[
    Optional[str],
    typer.Option(
        "--cluster",
        metavar="auto|ray://HOST:PORT",
        show_default=False,
        help="Folders and globs: run the translation on a Ray cluster (pip install \"vertaal[cluster]\").",
    ),
]

WorkersOption = Annotated[
    int, typer.Option("--workers", min=1, max=4096, metavar="N", help="--cluster: translation actors.")
]

GpusOption = Annotated[
    float,
    typer.Option("--gpus-per-worker", min=0.0, max=16.0, metavar="G", help="--cluster: GPUs per actor."),
]

VerboseOption = Annotated[
    bool, typer.Option("--verbose", "-v", help="Report model load and translation times on stderr.")
]


def translate(
    text: TextOption = None,
    input_files: InputFilesOption = None,
    output: OutputOption = None,
    direction: DirectionOption = None,
    model: Model = None,
    output_format: OutputFormatOption = OutputFormat.text,
    beams: BeamsOption = None,
    batch_size: BatchSizeOption = 16,
    device: DeviceOption = "cpu",
    encoding: Encoding = "utf-8",
    glossary: GlossaryOption = "default",
    no_glossary: NoGlossaryOption = False,
    strict: StrictOption = False,
    strategy: StrategyOption = Strategy.direct,
    fast: FastOption = False,
    no_memory: NoMemoryOption = False,
    db: Db = None,
    report: ReportOption = None,
    bilingual: BilingualOption = False,
    overwrite: OverwriteOption = False,
    cluster: ClusterOption = None,
    workers: WorkersOption = 2,
    gpus_per_worker: GpusOption = 0.0,
    verbose: VerboseOption = False,
) -> None:
    """Translate text, files or standard input; a PDF, DOCX, ODT, HTML or Markdown file is
    translated as a document, its structure kept (-o's extension picks the output format); an
    XLIFF or PO file is pre-translated: its empty segments filled, inline codes kept."""
    from ..api import Translator
    from ..corpus import is_corpus_input
    from ..text.files import read_file, refuse_overwriting_inputs, write_atomic

    if input_files and any(is_corpus_input(str(f)) for f in input_files):
        if text or output_format is OutputFormat.jsonl or bilingual or report or overwrite:
            raise UsageError("folders and globs take -i and -o OUTDIR only (no TEXT, --format jsonl, "
                             "--bilingual, --report or --overwrite)")
        from .corpus import translate_corpus

        options = dict(
            model=model, device=device, beams=beams, batch_size=batch_size, db=db, fast=fast,
            glossary=None if no_glossary else glossary, strategy=strategy.value, memory=not no_memory,
        )
        translate_corpus(
            [str(f) for f in input_files], output, direction or "nl-en", encoding, options, strict,
            cluster, workers, gpus_per_worker,
        )
        return
    if cluster:
        raise UsageError("--cluster is for folders and globs: vertaal translate -i DIR -o OUT --cluster auto")
    cat_file = _bilingual_input(text, input_files)
    if cat_file is not None and (bilingual or report):
        raise UsageError(
            f"{cat_file} is bilingual already: pre-translate it, then run vertaal check on the result"
        )
    if cat_file is not None:
        from .pretranslate import pretranslate_file

        options = dict(
            model=model, device=device, beams=beams, batch_size=batch_size, db=db, fast=fast,
            glossary=None if no_glossary else glossary, strategy=strategy.value, memory=not no_memory,
        )
        jsonl = output_format is OutputFormat.jsonl
        times = _report_times if verbose else None
        pretranslate_file(cat_file, output, direction, jsonl, overwrite, strict, options, _Progress(), times)
        return
    if overwrite:
        raise UsageError("--overwrite is for XLIFF and PO files")
    direction = direction or "nl-en"
    document_file = _document_input(text, input_files)
    if bilingual and document_file is None:
        raise UsageError("--bilingual is for documents (.pdf, .docx, .odt, .html, .md)")
    refuse_overwriting_inputs(output, list(input_files or []))
    source = "" if document_file else _read_source(text, input_files, encoding, read_file)
    translator = Translator(
        direction,
        model=model,
        device=device,
        beams=beams,
        batch_size=batch_size,
        glossary=None if no_glossary else glossary,
        db=db,
        strategy=strategy.value,
        memory=not no_memory,
        fast=fast,
    )
    if document_file is not None:
        _translate_document_file(
            document_file, output, translator, output_format, bilingual, encoding, verbose,
            report, strict, None if no_glossary else glossary,
        )
        return
    started = time.perf_counter()
    with _Progress() as progress:
        progress.prepare(len(source))
        document = translator.translate_document(
            source, on_progress=progress.advance, on_start=progress.start
        )
    for notice in dict.fromkeys(translator.notices):
        typer.echo(f"warning: {notice}", err=True)
    if verbose:
        _report_times(translator, document, time.perf_counter() - started)
    rendered = _render(document, output_format)
    if output is not None and str(output) != "-":
        write_atomic(output, rendered)
    else:
        sys.stdout.write(rendered)
        sys.stdout.flush()
    if report:
        sources = ", ".join(map(str, input_files or [])) or None
        _check_report(translator, document, report, sources, output, None if no_glossary else glossary)
    _report_failed_terms(document, strict)


def _bilingual_input(text: list[str] | None, files: list[Path] | None) -> Path | None:
    """The one XLIFF or PO file to pre-translate, or None."""
    from ..cat import format_of

    named = [f for f in files or [] if format_of(f)]
    if not named and text and len(text) == 1 and format_of(text[0]) and Path(text[0]).is_file():
        named = [Path(text[0])]
    if named and (len(files or []) + len(text or []) > 1):
        raise UsageError("pre-translate one XLIFF or PO file at a time: vertaal translate FILE.xlf [-o OUT]")
    return named[0] if named else None


def _document_input(text: list[str] | None, files: list[Path] | None) -> Path | None:
    """The one document file to translate (`-i FILE` or `vertaal translate FILE`), or None for text."""
    from ..documents import UNSUPPORTED, format_of

    for given in [*(files or []), *(text or [])[:1]]:
        suffix = Path(str(given)).suffix.lower()
        if suffix in UNSUPPORTED and (files or Path(str(given)).is_file()):
            kind = UNSUPPORTED[suffix]
            raise UsageError(f"{given}: {kind} files cannot be read; save it as .docx, .odt or .pdf")
    documents = [f for f in files or [] if format_of(f)]
    if documents and (len(files or []) > 1 or text):
        raise UsageError("translate one document at a time: vertaal translate FILE.docx [-o OUT]")
    if documents:
        return documents[0]
    if text and len(text) == 1 and format_of(text[0]) and Path(text[0]).is_file():
        return Path(text[0])
    return None


def _translate_document_file(
    path: Path, output, translator, output_format, bilingual, encoding, verbose, report, strict, glossary
) -> None:
    """A document in, the same structure out: read into blocks, translate, write, summarise."""
    from .. import documents
    from ..text.files import refuse_overwriting_inputs

    warn = lambda message: typer.echo(f"warning: {message}", err=True)  # noqa: E731
    document = documents.open_document(path, None if encoding == "utf-8" else encoding, warn=warn)
    target, fmt = documents.output_path(path, output, translator.pair[1])
    refuse_overwriting_inputs(target, [path])
    if not Path(target).resolve().parent.is_dir():
        raise UsageError(f"cannot write {target}: directory {Path(target).parent} does not exist")
    started = time.perf_counter()
    with _Progress() as progress:
        progress.prepare(sum(len(b.text) for b in document.blocks))
        result, translated = documents.translate(translator, document, progress.advance, progress.start)
    for notice in dict.fromkeys(translator.notices):
        warn(notice)
    documents.write(document, translated, target, fmt, bilingual, translator.pair[1])
    if verbose:
        _report_times(translator, result, time.perf_counter() - started)
    if output_format is OutputFormat.jsonl:
        for row in result.sentences:
            data = {"place": document.blocks[row.paragraph].place, **row.to_dict()}
            sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    summary = f"{path} -> {target}: {len(document.blocks)} blocks, {len(result.sentences)} sentences"
    if result.remembered:
        summary += f" ({result.remembered} from memory)"
    dropped = documents.dropped_summary(translated)
    typer.echo(summary + (f"; {dropped}" if dropped else ""), err=True)
    if report:
        _check_report(translator, result, report, str(path), target, glossary)
    _report_failed_terms(result, strict)


def _report_times(translator, document, total: float) -> None:
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


def _render(document, output_format: OutputFormat) -> str:
    if output_format is OutputFormat.jsonl:
        return "".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in document.sentences)
    return document.text() + "\n" if document.sentences else ""


def _check_report(translator, document, report: Path, sources, output, glossary) -> None:
    """--report: check the translation as 'vertaal check' does and write the report."""
    from ..qa.alignment import SegmentPair
    from ..qa.checks import Checker
    from .check import write_report

    segments = (SegmentPair(i, r.source, r.target, r.paragraph + 1) for i, r in enumerate(document.sentences))
    checked = Checker(translator.matcher, translator.pair).check(
        segments,
        source=sources,
        target=str(output) if output else None,
        glossary=None if translator.matcher is None else glossary,
        pair=translator.spec.direction,
    )
    write_report(checked, report, None)


def _report_failed_terms(document, strict: bool) -> None:
    """Terms not in the translation: a warning, or with --strict an error (exit status 1)."""
    failed = document.failed_terms()
    if not failed:
        return
    listed = ", ".join(f"{term.surface!r} -> {term.target!r}" for _, term in failed[:5])
    more = f" and {len(failed) - 5} more" if len(failed) > 5 else ""
    message = f"{len(failed)} glossary term(s) could not be enforced: {listed}{more}"
    if strict:
        raise GlossaryError(message + " (see --format jsonl)")
    typer.echo(f"warning: {message}", err=True)


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
    """A progress bar on stderr, only when stderr is a terminal and the input is long.

    A long input shows a spinner from the start (reading, segmenting, matching terms, the memory)
    that becomes the bar once the number of sentences is known.
    """

    def __init__(self, console=None) -> None:
        self._console = console  # tests pass one; else stderr, and only when it is a terminal
        self._bar = None
        self._task = None

    def __enter__(self) -> _Progress:
        return self

    def _open(self) -> bool:
        if self._bar is None:
            if self._console is None and not sys.stderr.isatty():
                return False
            from rich.console import Console
            from rich.progress import Progress

            self._bar = Progress(console=self._console or Console(stderr=True), transient=True)
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
