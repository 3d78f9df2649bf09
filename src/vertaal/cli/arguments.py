"""Argument and option types shared by several commands (one definition, one help text)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

Direction = Annotated[
    str, typer.Option("--direction", "-d", metavar="DIR", help="nl-en or en-nl (see models.txt).")
]
Model = Annotated[
    Optional[str],
    typer.Option(
        "--model",
        "-m",
        metavar="ID|DIR",
        show_default=False,
        help="Hub id or local model directory; overrides models.txt and $VERTAAL_MODEL.",
    ),
]
Encoding = Annotated[
    str, typer.Option("--encoding", metavar="NAME", help="Encoding of input files and stdin.")
]
Db = Annotated[
    Optional[Path],
    typer.Option(
        "--db",
        metavar="FILE",
        show_default=False,
        envvar="VERTAAL_DB",
        help="SQLite database; default $VERTAAL_DB or $XDG_DATA_HOME/vertaal/vertaal.db.",
    ),
]
GlossaryName = Annotated[str, typer.Option("--glossary", "-g", metavar="NAME", help="Which named glossary.")]
Pair = Annotated[
    str, typer.Option("--pair", metavar="SRC-TGT", help="Language pair, e.g. nl-en, en-nl or nl-NL-en-GB.")
]

OptionalPair = Annotated[
    Optional[str],
    typer.Option(
        "--pair",
        metavar="SRC-TGT",
        show_default=False,
        help="Language pair, e.g. nl-en or nl-NL-en-GB; default nl-en, or a bilingual file's own languages.",
    ),
]


def parse_pair(pair: str) -> tuple[str, str]:
    """'nl-en' or 'nl-NL-en-GB' -> ('nl', 'en'), or a usage error (see `vertaal.languages`)."""
    from ..languages import parse_pair as parse

    return parse(pair)


def open_database(db: Path | None, *, write: bool = False):
    """The database for a command: for a command that writes, one line if it may not be written;
    for one that reads, its warning (a newer vertaal wrote it) on stderr."""
    from ..db import open_db

    database = open_db(db)
    if write:
        database.refuse_writes()
    elif database.warning:
        typer.echo(f"warning: {database.warning}", err=True)
    return database
