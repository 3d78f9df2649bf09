"""`vertaal memory`: the translation memory — TMX import and export, stats, fuzzy search, clear."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .arguments import Db, Encoding, OptionalPair, Pair, open_database, parse_pair

app = typer.Typer(
    help="Manage the translation memory: TMX import/export, stats, search, clear.", no_args_is_help=True
)


def _store(db, *, write: bool = False):
    from ..memory.store import MemoryStore

    return MemoryStore(open_database(db, write=write))


@app.command("import")
def import_tmx(
    file: Annotated[
        str,
        typer.Argument(
            help="TMX 1.4 file ('-' for stdin), or an XLIFF or PO file: its approved segments are learnt."
        ),
    ],
    origin: Annotated[
        str, typer.Option("--origin", metavar="human|edited|machine", help="Origin of units that do not say.")
    ] = "human",
    strict: Annotated[
        bool, typer.Option("--strict", help="Refuse the file if any unit lacks one of the pair's languages.")
    ] = False,
    encoding: Encoding = "utf-8",
    pair: OptionalPair = None,
    db: Db = None,
) -> None:
    """Import a TMX file, all or nothing, streamed; units of other languages are skipped and counted.
    From an XLIFF or PO file, the approved, final or signed-off segments (PO: translated entries
    that are not fuzzy), inline codes kept as placeholders."""
    from ..cat import format_of
    from ..errors import InputError, UsageError
    from ..memory import tmx
    from ..memory.store import ORIGINS
    from ..skips import Skipped
    from ..text.files import display_name, open_input

    if origin not in ORIGINS:
        raise UsageError(f"--origin must be one of {', '.join(ORIGINS)}")
    name = display_name(file)
    skipped = Skipped()
    if format_of(file):
        _import_bilingual(file, origin, strict, pair, db)
        return
    if file != "-" and Path(file).suffix.lower() not in TMX_SUFFIXES:
        raise UsageError(
            f"{name}: memory import reads TMX ({', '.join(TMX_SUFFIXES)}), XLIFF (.xlf, .xliff, .sdlxliff, "
            ".mqxliff) and PO (.po); to translate a document, use vertaal translate"
        )
    store = _store(db, write=True)
    with open_input(file) as handle:
        units = tmx.iter_units(
            name, handle, parse_pair(pair or "nl-en"), origin, encoding=encoding, skipped=skipped
        )
        refuse = (lambda: skipped.refuse(name, InputError)) if strict else None
        report = store.store(units, before_commit=refuse)
    _imported(name, report, skipped)


TMX_SUFFIXES = (".tmx", ".xml")


def _imported(name: str, report, skipped, unapproved: int = 0) -> None:
    parts = [f"{report.stored} translation units imported ({report.added} new, {report.merged} merged)"]
    if unapproved:
        parts.append(f"{unapproved} segment{'s' * (unapproved != 1)} not approved (left out)")
    if skipped.total:
        parts.append(skipped.summary())
    typer.echo(f"{name}: " + ", ".join(parts), err=True)


def _import_bilingual(file: str, origin: str, strict: bool, pair: str | None, db) -> None:
    """The approved segments of an XLIFF or PO file, as human translations."""
    from .. import cat
    from ..errors import InputError

    bilingual = cat.open_bilingual(file)
    languages = cat.file_pair(bilingual, pair, "--pair")
    units, skipped, unapproved = cat.approved_units(bilingual, languages, origin)
    store = _store(db, write=True)
    refuse = (lambda: skipped.refuse(file, InputError)) if strict else None
    _imported(file, store.store(units, before_commit=refuse), skipped, unapproved)


@app.command()
def export(
    file: Annotated[str, typer.Argument(help="Output TMX file; '-' or nothing for stdout.")] = "-",
    pair: Pair = "nl-en",
    db: Db = None,
) -> None:
    """Export the memory as TMX 1.4b; a human translation takes precedence over a machine one."""
    from ..memory import tmx
    from ..text.files import write_atomic

    src_tgt = parse_pair(pair)
    text = tmx.write(_store(db).export_units(src_tgt), src_tgt[0])
    if file == "-":
        sys.stdout.write(text)
    else:
        write_atomic(file, text)


@app.command()
def stats(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
    db: Db = None,
) -> None:
    """Units per origin, language pair and model."""
    data = _store(db).stats()
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    typer.echo(f"units:     {data['units']} ({data['segments']} distinct source segments)")
    typer.echo("origin:    " + ", ".join(f"{k} {v}" for k, v in data["by_origin"].items()))
    typer.echo("pairs:     " + (", ".join(f"{k} {v}" for k, v in data["by_pair"].items()) or "-"))
    for row in data["by_model"]:
        typer.echo(f"model:     {row['model']} @ {row['revision'] or '-'}: {row['units']}")
    typer.echo(f"oldest:    {data['oldest'] or '-'}")
    typer.echo(f"last used: {data['last_used'] or '-'}")


@app.command()
def search(
    text: Annotated[str, typer.Argument(help="Source text to look for.")],
    limit: Annotated[int, typer.Option("--limit", min=1)] = 10,
    cutoff: Annotated[
        float, typer.Option("--min-score", min=0, max=100, help="Lowest similarity, 0-100.")
    ] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per match.")] = False,
    pair: Pair = "nl-en",
    db: Db = None,
) -> None:
    """Fuzzy matches of TEXT among the remembered sources, with a similarity score."""
    for score, unit in _store(db).search(text, parse_pair(pair), limit, cutoff):
        if as_json:
            typer.echo(json.dumps({"score": score, **unit.to_dict()}, ensure_ascii=False))
        else:
            typer.echo(f"{score:5.1f}  {unit.source}\n       {unit.target}  [{unit.origin}]")


@app.command()
def clear(
    before: Annotated[
        Optional[str],
        typer.Option(
            "--before",
            metavar="DATE",
            show_default=False,
            help="Only units last used before DATE (YYYY-MM-DD).",
        ),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    db: Db = None,
) -> None:
    """Delete remembered translations (all, or those not used since DATE)."""
    from datetime import date

    from ..errors import UsageError

    if before:
        try:
            before = date.fromisoformat(before).isoformat()
        except ValueError as exc:
            raise UsageError(f"--before needs a date like 2026-01-31, not {before!r}") from exc
    store = _store(db, write=True)
    what = f"units last used before {before}" if before else "all units"
    if not yes and not typer.confirm(f"Delete {what} from the translation memory?"):
        raise typer.Exit(1)
    typer.echo(f"deleted {store.clear(before)} units", err=True)
