"""`vertaal glossary`: edit, search, import and export the term glossary."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Optional

import typer

from .arguments import (
    Conflict,
    Db,
    Encoding,
    GlossaryName,
    Pair,
    open_database,
    parse_pair,
    run_editor,
    table_console,
)
from .candidates import extract as extract_candidates
from .candidates import review as review_candidates

app = typer.Typer(
    help="Manage term glossaries (SQLite): add, list, import, export, history.", no_args_is_help=True
)


class ListFormat(StrEnum):
    table = "table"
    tsv = "tsv"
    json = "json"


def _store(db: Path | None, *, write: bool = False):
    from ..glossary.store import GlossaryStore

    return GlossaryStore(open_database(db, write=write))


def _echo_entry(entry) -> None:
    typer.echo(json.dumps(entry.to_dict(), ensure_ascii=False, indent=2))


Multi = Annotated[Optional[list[str]], typer.Option(show_default=False)]


@app.command()
def add(
    source: Annotated[str, typer.Argument(help="Source term.")],
    target: Annotated[
        Optional[str], typer.Argument(help="Target term (omit with --keep or --forbid).", show_default=False)
    ] = None,
    note: Annotated[str, typer.Option("--note", help="Where the term comes from, or how to use it.")] = "",
    case_sensitive: Annotated[
        bool, typer.Option("--case-sensitive", help="Match only in this case.")
    ] = False,
    compounds: Annotated[
        bool,
        typer.Option("--compounds", help="Also match as part of a closed compound (raad: gemeenteraad)."),
    ] = False,
    fold_diacritics: Annotated[
        bool, typer.Option("--fold-diacritics", help="Match without accents (Coordinator: Coördinator).")
    ] = False,
    keep: Annotated[bool, typer.Option("--keep", help="Do not translate: the target is the source.")] = False,
    forbid: Annotated[
        Optional[list[str]],
        typer.Option(
            "--forbid", metavar="TERM", show_default=False, help="A translation never to use; repeatable."
        ),
    ] = None,
    alt: Annotated[
        Optional[list[str]],
        typer.Option(
            "--alt", metavar="TERM", show_default=False, help="Another acceptable translation; repeatable."
        ),
    ] = None,
    glossary: GlossaryName = "default",
    pair: Pair = "nl-en",
    db: Db = None,
) -> None:
    """Add one entry."""
    from ..errors import UsageError
    from ..terms.entry import Entry

    if keep and target and target.strip() != source.strip():
        raise UsageError("--keep takes no TARGET (the target is the source)")
    kind = "keep" if keep else "preferred" if target else "forbidden"
    if kind == "forbidden" and not forbid:
        raise UsageError("give a TARGET, --keep, or at least one --forbid TERM")
    src, tgt = parse_pair(pair)
    flags = dict(case_sensitive=case_sensitive, compounds=compounds, fold_diacritics=fold_diacritics)
    entry = Entry(source, target or "", kind, alternatives=alt or [], forbidden=forbid or [], note=note,
                  source_lang=src, target_lang=tgt, **flags)  # fmt: skip
    added = _store(db, write=True).add(glossary, entry)
    typer.echo(
        f"added {added.source!r} -> {added.target or '(forbidden: ' + ', '.join(added.forbidden) + ')'!s}"
        f" to glossary {glossary!r}",
        err=True,
    )


@app.command("list")
def list_entries(
    search: Annotated[
        Optional[str],
        typer.Option(
            "--search",
            "-s",
            metavar="TEXT",
            show_default=False,
            help="Full-text search in source, target and note.",
        ),
    ] = None,
    output_format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.table,
    limit: Annotated[Optional[int], typer.Option("--limit", min=1, show_default=False)] = None,
    glossary: GlossaryName = "default",
    pair: Pair = "nl-en",
    db: Db = None,
) -> None:
    """List entries, optionally those matching a search."""
    from ..glossary.formats import write

    store = _store(db)
    src_tgt = parse_pair(pair)
    entries = store.search(glossary, search, src_tgt, limit) if search else store.entries(glossary, src_tgt)
    if limit:
        entries = entries[:limit]
    if output_format is ListFormat.json:
        typer.echo(json.dumps([e.to_dict() for e in entries], ensure_ascii=False, indent=2))
    elif output_format is ListFormat.tsv:
        sys.stdout.write(write(entries, "tsv", src_tgt))
    else:
        _table(entries)


_FLAG_LABELS = {"case_sensitive": "case", "compounds": "compounds", "fold_diacritics": "no accents"}


def _table(entries) -> None:
    from rich.table import Table
    from rich.text import Text  # user text as it is: "[/]" in a term is no markup

    table = Table("source", "target", "kind", "match", "alternatives", "forbidden", "note")
    for e in entries:
        flags = [label for flag, label in _FLAG_LABELS.items() if getattr(e, flag)]
        lists = [", ".join(flags), ", ".join(e.alternatives), ", ".join(e.forbidden)]
        table.add_row(*map(Text, [e.source, e.target, e.kind, *lists, e.note]))
    table_console().print(table)


@app.command()
def show(
    source: Annotated[str, typer.Argument(help="Source term.")],
    glossary: GlossaryName = "default",
    pair: Pair = "nl-en",
    db: Db = None,
) -> None:
    """Show one entry with all its fields."""
    _echo_entry(_store(db).get(glossary, source, parse_pair(pair)))


@app.command()
def remove(
    source: Annotated[str, typer.Argument(help="Source term.")],
    glossary: GlossaryName = "default",
    pair: Pair = "nl-en",
    db: Db = None,
) -> None:
    """Remove one entry (it can be restored from the history)."""
    entry = _store(db, write=True).remove(glossary, source, parse_pair(pair))
    typer.echo(f"removed {entry.source!r} from glossary {glossary!r}", err=True)


@app.command()
def update(
    source: Annotated[str, typer.Argument(help="Source term of the entry to change.")],
    target: Annotated[Optional[str], typer.Option("--target", show_default=False)] = None,
    new_source: Annotated[
        Optional[str], typer.Option("--source", show_default=False, help="Rename the source term.")
    ] = None,
    note: Annotated[Optional[str], typer.Option("--note", show_default=False)] = None,
    case_sensitive: Annotated[
        Optional[bool], typer.Option("--case-sensitive/--case-insensitive", show_default=False)
    ] = None,
    compounds: Annotated[
        Optional[bool], typer.Option("--compounds/--no-compounds", show_default=False)
    ] = None,
    fold_diacritics: Annotated[
        Optional[bool], typer.Option("--fold-diacritics/--keep-diacritics", show_default=False)
    ] = None,
    kind: Annotated[
        Optional[str], typer.Option("--kind", metavar="preferred|keep|forbidden", show_default=False)
    ] = None,
    forbid: Annotated[
        Optional[list[str]],
        typer.Option("--forbid", metavar="TERM", show_default=False, help="Replace the forbidden targets."),
    ] = None,
    alt: Annotated[
        Optional[list[str]],
        typer.Option("--alt", metavar="TERM", show_default=False, help="Replace the alternatives."),
    ] = None,
    glossary: GlossaryName = "default",
    pair: Pair = "nl-en",
    db: Db = None,
) -> None:
    """Change fields of one entry."""
    entry = _store(db, write=True).update(
        glossary,
        source,
        parse_pair(pair),
        target=target,
        source=new_source,
        note=note,
        case_sensitive=case_sensitive,
        compounds=compounds,
        fold_diacritics=fold_diacritics,
        kind=kind,
        forbidden=forbid,
        alternatives=alt,
    )
    _echo_entry(entry)


@app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(help="TSV, CSV or TBX file ('-' for stdin).")],
    input_format: Annotated[
        Optional[str],
        typer.Option(
            "--format",
            "-f",
            metavar="tsv|csv|tbx",
            show_default=False,
            help="Override the format from the extension.",
        ),
    ] = None,
    on_conflict: Annotated[
        Conflict,
        typer.Option(
            "--on-conflict", help="Entries that differ from existing ones: fail (list them), skip or replace."
        ),
    ] = Conflict.fail,
    encoding: Encoding = "utf-8",
    strict: Annotated[
        bool,
        typer.Option(
            "--strict", help="Refuse the file if any concept or row lacks one of the pair's languages."
        ),
    ] = False,
    glossary: GlossaryName = "default",
    pair: Pair = "nl-en",
    db: Db = None,
) -> None:
    """Import a glossary file, all or nothing; concepts in other languages only are skipped and counted."""
    from ..glossary.importing import import_glossary

    report, warnings = import_glossary(
        _store(db, write=True),
        glossary,
        str(file),
        fmt=input_format,
        on_conflict=on_conflict.value,
        encoding=encoding,
        pair=parse_pair(pair),
        strict=strict,
    )
    for warning in warnings:
        typer.echo(f"warning: {warning}", err=True)
    parts = [f"{report.added} added", f"{report.replaced} replaced"]
    if report.skipped:
        parts.append(f"{report.skipped} kept as they were (--on-conflict skip)")
    parts.append(f"{report.unchanged} unchanged")
    if report.skipped_rows.total:
        parts.append(report.skipped_rows.summary())
    if report.skipped_rows.merged:
        parts.append(f"{report.skipped_rows.merged} rows merged (same terms, another language differs)")
    typer.echo(f"{file}: " + ", ".join(parts), err=True)


@app.command()
def export(
    file: Annotated[str, typer.Argument(help="Output file; '-' or nothing for stdout.")] = "-",
    output_format: Annotated[
        Optional[str],
        typer.Option(
            "--format",
            "-f",
            metavar="tsv|csv|tbx",
            show_default=False,
            help="Default: from the extension, else tsv.",
        ),
    ] = None,
    raw: Annotated[
        bool,
        typer.Option("--raw", help="CSV: write cells as they are (no ' before a leading = + - @ tab CR)."),
    ] = False,
    glossary: GlossaryName = "default",
    pair: Pair = "nl-en",
    db: Db = None,
) -> None:
    """Export a glossary as TSV, CSV or TBX."""
    from ..glossary.formats import detect, write
    from ..text.files import write_atomic

    src_tgt = parse_pair(pair)
    fmt = detect(file, "", output_format) if file != "-" or output_format else "tsv"
    text = write(_store(db).entries(glossary, src_tgt), fmt, src_tgt, raw)
    if file == "-":
        sys.stdout.write(text)
    else:
        write_atomic(file, text)


QUIET_REMOVALS = 3  # an edit that removes more asks first (a truncated or emptied file)


@app.command()
def edit(
    yes: Annotated[
        bool,
        typer.Option(
            "--yes", "-y", help=f"Remove more than {QUIET_REMOVALS} entries, or every entry, without asking."
        ),
    ] = False,
    glossary: GlossaryName = "default",
    pair: Pair = "nl-en",
    db: Db = None,
) -> None:
    """Edit a glossary as TSV in $EDITOR; only what you change is applied, in one transaction."""
    from ..errors import GlossaryError
    from ..glossary import delimited
    from ..glossary.formats import write
    from ..glossary.importing import check_duplicates

    store = _store(db, write=True)
    src_tgt = parse_pair(pair)
    shown = store.entries(glossary, src_tgt) if store.exists(glossary) else []
    header = (
        f"# vertaal glossary {glossary} ({pair}): source<TAB>target<TAB>note<TAB>{{json}}; "
        "delete a line to remove it. Lines starting with # are ignored.\n"
    )
    fd, path = tempfile.mkstemp(prefix=f"vertaal-{glossary}-", suffix=".tsv")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(header + write(shown, "tsv", src_tgt))
    kept = f"nothing changed (your edits are in {path})"
    text = run_editor(path, kept)
    try:
        rows = delimited.read(path, text, src_tgt, "tsv")
        check_duplicates(path, rows)
    except GlossaryError as exc:
        raise GlossaryError(f"{exc}; {kept}") from exc
    saved = [r.entry for r in rows]
    removing = len({e.key for e in shown} - {e.key for e in saved})
    emptied = bool(shown) and not saved  # an emptied file: every entry, however few
    if (removing > QUIET_REMOVALS or emptied) and not yes:
        question = f"The edit removes {removing} of {len(shown)} entries. Apply it?"
        if not sys.stdin.isatty() or not typer.confirm(question):
            raise GlossaryError(f"the edit would remove {removing} entries; {kept}; use --yes to apply it")
    try:
        report = store.apply_edit(glossary, src_tgt, shown, saved)
    except GlossaryError as exc:
        raise GlossaryError(f"{exc} ({kept.split('(', 1)[1]}") from exc
    Path(path).unlink()
    typer.echo(
        f"glossary {glossary!r}: {len(report.added)} added, {len(report.changed)} changed, "
        f"{len(report.removed)} removed",
        err=True,
    )




@app.command()
def history(
    source: Annotated[
        Optional[str], typer.Argument(help="Only this source term.", show_default=False)
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1)] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per event.")] = False,
    glossary: GlossaryName = "default",
    db: Db = None,
) -> None:
    """Every change, newest first: time, old and new value. Restore with 'glossary restore EVENT'."""
    events = _store(db).history(glossary, source, limit)
    for event in events:
        if as_json:
            typer.echo(json.dumps(event, ensure_ascii=False))
            continue
        old, new = event["old"], event["new"]

        def show(e):  # noqa: E306
            return "-" if e is None else f"{e['source']} -> {e['target'] or e['forbidden']} ({e['kind']})"

        group = f"g{event['group']}" if event["group"] else "-"
        change = f"{event['action']:<7} {show(old)}  =>  {show(new)}"
        typer.echo(f"{event['event']:>6}  {group:>5}  {event['at']}  {change}")


@app.command()
def restore(
    event: Annotated[
        Optional[int],
        typer.Argument(help="History event number (see 'glossary history').", show_default=False),
    ] = None,
    group: Annotated[
        Optional[int],
        typer.Option(
            "--group", metavar="G", show_default=False, help="Undo every change of history group G at once."
        ),
    ] = None,
    db: Db = None,
) -> None:
    """Restore an entry as it was before a history event, or undo a whole group (one edit or import)."""
    from ..errors import UsageError

    if (event is None) == (group is None):
        raise UsageError("give a history EVENT or --group G (see 'vertaal glossary history')")
    if group is not None:
        undone = _store(db, write=True).restore_group(group)
        typer.echo(f"undid the {undone} changes of history group {group}", err=True)
        return
    _echo_entry(_store(db, write=True).restore(event))


@app.command()
def create(
    name: Annotated[str, typer.Argument(help="Glossary name.")],
    description: Annotated[str, typer.Option("--description")] = "",
    db: Db = None,
) -> None:
    """Create a named glossary."""
    _store(db, write=True).create(name, description)
    typer.echo(f"created glossary {name!r}", err=True)


@app.command()
def delete(
    name: Annotated[str, typer.Argument(help="Glossary name.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    db: Db = None,
) -> None:
    """Delete a named glossary and all its entries."""
    store = _store(db, write=True)
    store.glossary_id(name)
    if not yes and not typer.confirm(f"Delete glossary {name!r} and all its entries?"):
        raise typer.Exit(1)
    count = store.delete(name)
    typer.echo(f"deleted glossary {name!r} ({count} entries)", err=True)


@app.command()
def names(db: Db = None) -> None:
    """List the named glossaries and their entry counts."""
    for row in _store(db).names():
        typer.echo(f"{row['name']}\t{row['entries']}\t{row['description']}")


@app.command()
def scan(
    file: Annotated[str, typer.Argument(help="Dutch text file; '-' or nothing for stdin.")] = "-",
    output_format: Annotated[
        ListFormat, typer.Option("--format", "-f", help="table or json.")
    ] = ListFormat.table,
    summary: Annotated[
        bool, typer.Option("--summary", help="Counts per entry instead of each occurrence.")
    ] = False,
    fold_diacritics: Annotated[
        bool, typer.Option("--fold-diacritics", help="Match every entry without accents.")
    ] = False,
    encoding: Encoding = "utf-8",
    glossary: GlossaryName = "default",
    pair: Pair = "nl-en",
    db: Db = None,
) -> None:
    """Find every glossary term in a text: entry, surface form, line:column."""
    from ..glossary.matchers import matcher_for
    from ..glossary.scan import hit_rows, summarise, write_scan_json
    from ..text.files import read_file, write_atomic

    if output_format is ListFormat.tsv:
        from ..errors import UsageError

        raise UsageError("scan writes --format table or json")
    text = read_file(file, encoding)
    store = _store(db)
    store.glossary_id(glossary)
    matcher = matcher_for(store, glossary, parse_pair(pair), fold_diacritics=fold_diacritics)
    hits = matcher.find(text)
    if output_format is ListFormat.json:
        names = {"file": file, "glossary": glossary, "pair": pair}
        write_atomic("-", lambda out: write_scan_json(text, hits, out, **names))
        return
    from rich.table import Table
    from rich.text import Text  # user text as it is: "[/]" in a term is no markup

    if summary:
        table = Table("entry", "target", "kind", "count")
        for row in summarise(hits):
            table.add_row(Text(row["source"]), Text(row["target"]), row["kind"], str(row["count"]))
    else:
        table = Table("line:col", "entry", "found as", "inflected", "compound")
        for hit in hit_rows(text, hits):
            table.add_row(
                f"{hit['line']}:{hit['column']}",
                Text(hit["source"]),
                Text(hit["surface"]),
                "yes" if hit["inflected"] else "",
                "yes" if hit["compound"] else "",
            )
    table_console().print(table)


app.command("extract", no_args_is_help=True)(extract_candidates)  # in cli/candidates.py
app.command("review", no_args_is_help=True)(review_candidates)
