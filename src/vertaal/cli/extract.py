"""`vertaal extract`: a file's blocks as `translate` reads them, without loading a model."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import Annotated

import typer

from .arguments import Encoding, table_console


class ExtractFormat(StrEnum):
    text = "text"
    jsonl = "jsonl"


def extract(
    file: Annotated[str, typer.Argument(metavar="FILE", help="A document, an XLIFF or PO file, or text.")],
    output_format: Annotated[
        ExtractFormat, typer.Option("--format", "-f", help="text: a table; jsonl: one object per block.")
    ] = ExtractFormat.text,
    encoding: Encoding = "utf-8",
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="List what reading left out on stderr.")
    ] = False,
) -> None:
    """Print the blocks `translate` would send to the model (headings, paragraphs, list items,
    table cells, notes; an XLIFF or PO file's segments to fill), each with its kind and place."""
    from rich.table import Table
    from rich.text import Text

    from ..inputs import extract as blocks

    left_out: list[str] = []
    found = blocks(file, encoding, left_out)
    for line in left_out if verbose else []:
        typer.echo(f"left out: {line}", err=True)
    if output_format is ExtractFormat.jsonl:
        for block in found:
            sys.stdout.write(json.dumps(block.to_dict(), ensure_ascii=False) + "\n")
        return
    table = Table("kind", "place", "text")
    for block in found:
        kind = f"{block.kind} {block.level}" if block.level else block.kind
        table.add_row(kind, block.place, Text(block.text))
    table_console().print(table)
