"""`vertaal check`: term and consistency QA of a source text and its translation."""

from __future__ import annotations

import io
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from ..options import glossary_choice
from .arguments import Db, Encoding, GlossaryName, OptionalPair, table_console


class Align(StrEnum):
    paragraph = "paragraph"
    line = "line"


class Level(StrEnum):
    error = "error"
    warning = "warning"


SourceArgument = Annotated[
    str,
    typer.Argument(
        metavar="SOURCE",
        help="Source text, one TSV/JSONL file of segments, or an XLIFF or PO file (tags checked too).",
    ),
]

TargetArgument = Annotated[
    Optional[str],
    typer.Argument(metavar="TARGET", help="Target text aligned with SOURCE.", show_default=False),
]

FormatOption = Annotated[
    Optional[str],
    typer.Option(
        "--format",
        "-f",
        metavar="table|json|html",
        show_default=False,
        help="Default: from the --output extension, else table.",
    ),
]

OutputOption = Annotated[
    Optional[Path],
    typer.Option("--output", "-o", metavar="FILE", show_default=False, help="Write the report to FILE."),
]


def check(
    source: SourceArgument,
    target: TargetArgument = None,
    align: Annotated[
        Align, typer.Option("--align", help="Align two files by paragraph or by line.")
    ] = Align.paragraph,
    output_format: FormatOption = None,
    output: OutputOption = None,
    fail_on: Annotated[
        Level, typer.Option("--fail-on", help="Exit 1 on problems of this level or worse.")
    ] = Level.warning,
    glossary: GlossaryName = "default",
    no_glossary: Annotated[bool, typer.Option("--no-glossary", help="Check without a glossary.")] = False,
    pair: OptionalPair = None,
    encoding: Encoding = "utf-8",
    db: Db = None,
) -> None:
    """Check a translation against the glossary and for consistency (exit 0 clean, 1 problems); an
    XLIFF or PO file is checked segment by segment, inline codes too."""
    from ..languages import Pair
    from ..qa.checks import check_segments
    from ..text.files import refuse_overwriting_inputs

    refuse_overwriting_inputs(output, [source, target])
    pair_given = _file_pair(source, target, pair) or "nl-en"
    segments = _segments(source, target, align.value, encoding)
    highlight = (output_format or _format_of(output)) == "html"
    report = check_segments(
        segments,
        glossary_choice(glossary, no_glossary),
        Pair.parse(pair_given),
        db,
        spans=highlight,
        source=source,
        target=target,
        pair=pair_given,
    )
    write_report(report, output, output_format)
    if not no_glossary and report.meta.get("glossary") is None and _has_glossary(glossary, db):
        typer.echo(
            f"warning: glossary {glossary!r} has no {pair_given} entries, so no term was checked;"
            " pass the --pair of its entries (see 'vertaal glossary list'), or --no-glossary",
            err=True,
        )
    if report.fails(fail_on.value):
        raise typer.Exit(1)


def _segments(source: str, target: str | None, by: str, encoding: str) -> Any:
    """The segment pairs to check, by what the inputs are (`vertaal.inputs`): one bilingual file,
    one table (TSV or JSONL), two documents block by block, or two aligned text files."""
    from ..errors import UsageError
    from ..inputs import Kind, file_kind
    from ..qa import alignment

    kinds = (file_kind(source), file_kind(target) if target is not None else None)
    if target is None:
        if kinds[0] is Kind.BILINGUAL:
            return alignment.bilingual(source)
        return alignment.from_table(source, encoding)
    if kinds == (Kind.DOCUMENT, Kind.DOCUMENT):
        return alignment.documents(source, target, None if encoding == "utf-8" else encoding)
    if Kind.DOCUMENT in kinds:
        raise UsageError(
            "check compares two documents (.pdf .docx .odt .html .md) block by block, or two text "
            f"files; {source} and {target} are one of each"
        )
    return alignment.aligned(source, target, by=by, encoding=encoding)


def write_report(report, output: Path | None, output_format: str | None) -> None:
    """Render a report to a file (atomically) or stdout, in the format asked or implied."""
    from ..errors import UsageError
    from ..qa.reports import FORMATS, render_html, render_table, write_json
    from ..text.files import write_atomic

    fmt = output_format or _format_of(output)
    if fmt not in FORMATS:
        raise UsageError(f"unknown report format {fmt!r}; use table, json or html")
    if fmt == "table":
        if output is None or str(output) == "-":
            render_table(report, table_console())
            return
        console = table_console(io.StringIO())
        render_table(report, console)
        write_atomic(output, console.export_text())
        return
    content = (lambda handle: write_json(report, handle)) if fmt == "json" else render_html(report)
    write_atomic("-" if output is None else output, content)


def _has_glossary(name: str, db: str | None) -> bool:
    """Whether the database holds a glossary of this name (without creating the database)."""
    from ..config import db_path
    from ..db import open_db
    from ..glossary.store import GlossaryStore

    return db_path(db).exists() and GlossaryStore(open_db(db)).exists(name)


def _file_pair(source: str, target: str | None, pair: str | None) -> str | None:
    """--pair, checked against a bilingual file's own languages; else the file's."""
    from ..cat import file_pair, format_of, open_bilingual

    if target is not None or not format_of(source):
        return pair
    return "-".join(file_pair(open_bilingual(source), pair, "--pair"))


def _format_of(output: Path | None) -> str:
    if output is None:
        return "table"
    return {".html": "html", ".htm": "html", ".json": "json"}.get(output.suffix.lower(), "table")
