"""`vertaal translate`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Optional

import typer

from .arguments import ComputeTypeOption, Db, Encoding, Engine, EngineOption, FastOption, Model, engine_choice


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

GlossaryOption = Annotated[str, typer.Option("--glossary", "-g", metavar="NAME", help="Glossary to enforce.")]

NoGlossaryOption = Annotated[bool, typer.Option("--no-glossary", help="Translate without a glossary.")]

StrictOption = Annotated[
    bool,
    typer.Option("--strict", help="Exit with status 1 when any glossary term could not be enforced."),
]

StrategyOption = Annotated[
    Strategy,
    typer.Option(
        "--strategy",
        help="--engine torch: direct decodes sentences with terms under constraints; repair "
        "decodes freely and redoes only sentences that miss a term.",
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
        help='Folders and globs: run the translation on a Ray cluster (pip install "vertaal[cluster]").',
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
    engine: EngineOption = Engine.ctranslate2,
    fast: FastOption = False,
    compute_type: ComputeTypeOption = "int8",
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
    from ..inputs import classify
    from ..languages import Pair
    from ..options import TranslateOptions, glossary_choice
    from .runners import Run, dispatch

    options = TranslateOptions(
        Pair.parse(direction or "nl-en"), model, glossary_choice(glossary, no_glossary), db, not no_memory,
        engine_choice(engine, fast), strategy.value, beams, batch_size, device, strict=strict,
        compute_type=compute_type,
    )  # fmt: skip
    jsonl = output_format is OutputFormat.jsonl
    settings = Run(
        output, direction, jsonl, encoding, bilingual, report, overwrite, verbose, cluster, workers,
        gpus_per_worker,
    )  # fmt: skip
    dispatch(classify(text, input_files), options, settings)
