"""Argument and option types shared by several commands (one definition, one help text)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Optional

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


class Engine(StrEnum):
    ctranslate2 = "ctranslate2"
    torch = "torch"


EngineOption = Annotated[
    Engine,
    typer.Option(
        "--engine",
        help="ctranslate2 (default): int8, about 3x faster, no torch unless a sentence needs the "
        "constrained decoder (a missed term is placed in its output, or the sentence repaired); "
        "torch: transformers fp32, every sentence with terms through the constrained decoder.",
    ),
]
FastOption = Annotated[
    bool,
    typer.Option(
        "--fast", help="The default now (--engine ctranslate2); kept so that scripts that pass it still work."
    ),
]
ComputeTypeOption = Annotated[
    str,
    typer.Option(
        "--compute-type",
        metavar="TYPE",
        help="The ctranslate2 engine's precision: int8 (default: about 3x fp32's speed on a CPU with a "
        "quarter of the memory, output close to fp32; see benchmarks/README.md), float32, int8_float16, "
        "float16, ... The model is converted once per type.",
    ),
]


def engine_choice(engine: Engine, fast: bool) -> str:
    """The engine a run uses: --fast is the ctranslate2 engine, and contradicts --engine torch."""
    from ..errors import UsageError

    if fast and engine is Engine.torch:
        raise UsageError("--fast is the ctranslate2 engine; drop it to use --engine torch")
    return Engine.ctranslate2.value if fast else engine.value


WIDE = 100_000  # columns: a table written to a pipe or file is never wrapped or cut


def table_console(file: Any = None) -> Any:
    """A rich console for tables: the terminal's width on a terminal; elsewhere (a pipe, a file)
    as wide as the table, so no cell is cut."""
    from rich.console import Console

    if file is None and sys.stdout.isatty():
        return Console()
    return Console(width=WIDE, file=file, record=file is not None)


def run_editor(path: str, kept: str) -> str:
    """Run $VISUAL or $EDITOR on `path` and read back what it saved, with one-line errors."""
    import shlex
    import subprocess

    from .. import config
    from ..errors import GlossaryError, UsageError

    editor = config.editor()
    try:
        command = shlex.split(editor)
    except ValueError as exc:
        raise UsageError(f"cannot read $EDITOR {editor!r}: {exc}; fix the quoting") from exc
    if not command:
        raise UsageError("$EDITOR is empty; set it to an editor, e.g. EDITOR=nano")
    try:
        result = subprocess.run([*command, path], check=False)
    except OSError as exc:
        raise GlossaryError(f"cannot start the editor {editor!r}: {exc.strerror}; set $EDITOR") from exc
    if result.returncode != 0:
        raise GlossaryError(f"the editor exited with status {result.returncode}; {kept}")
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise GlossaryError("the editor deleted the file; nothing changed") from exc
    except IsADirectoryError as exc:
        raise GlossaryError(f"the editor left a folder at {path}, not a file; nothing changed") from exc
    except UnicodeDecodeError as exc:
        raise GlossaryError(f"the editor saved the file in another encoding than UTF-8; {kept}") from exc


class Conflict(StrEnum):
    """What an import does with a term the glossary defines otherwise."""

    fail = "fail"
    skip = "skip"
    replace = "replace"
