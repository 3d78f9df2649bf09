"""TSV and CSV glossaries.

TSV is the DeepL and OmegaT convention: ``source<TAB>target[<TAB>note]``, no header. CSV is the
Amazon Translate convention: a header row of language codes (``nl,en`` or ``nl-NL,en-US,de``),
then one term per language column. Exactly the pair's two columns are read; a header without
one of them is refused. In a file with more languages, a row without a term in one of the
pair's languages is skipped and counted, and rows that repeat an entry to carry a variant in a
third language are merged. Fields vertaal needs beyond those (kind, case sensitivity,
alternatives, forbidden targets) go into one extra column holding a JSON object, written only
for entries that need it, so plain entries stay plain and other tools read the file as usual.
"""

from __future__ import annotations

import csv
import io
import json
import re

from ..errors import GlossaryError
from ..languages import primary
from ..skips import Skipped
from ..terms.entry import FLAGS, LISTS, Entry
from . import Row

_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}([-_][A-Za-z0-9]{2,8})*$")
_META_COLUMN = "vertaal"
_NOTE_COLUMNS = ("note", "description", "comment")


def _meta(entry: Entry) -> str:
    meta: dict[str, object] = {}
    if entry.kind != "preferred":
        meta["kind"] = entry.kind
    for flag in FLAGS:
        if getattr(entry, flag):
            meta[flag] = True
    if entry.alternatives:
        meta["alternatives"] = entry.alternatives
    if entry.forbidden:
        meta["forbidden"] = entry.forbidden
    return json.dumps(meta, ensure_ascii=False) if meta else ""


def _entry(
    name: str, line: int, source: str, target: str, note: str, meta: str, pair: tuple[str, str]
) -> Entry:
    fields: dict[str, object] = {}
    if meta.strip():
        try:
            fields = json.loads(meta)
            if not isinstance(fields, dict):
                raise ValueError
        except ValueError as exc:
            raise GlossaryError(f"{name}:{line}: the {_META_COLUMN} column is not a JSON object") from exc
    unknown = set(fields) - {"kind", *FLAGS, *LISTS}
    if unknown:
        raise GlossaryError(f"{name}:{line}: unknown field(s) {', '.join(sorted(unknown))}")
    problem = _field_types(fields)
    if problem:
        raise GlossaryError(f"{name}:{line}: in the {_META_COLUMN} column, {problem}")
    kind = str(fields.get("kind", "preferred"))
    entry = Entry(
        source=source,
        target=target,
        kind=kind,
        **{flag: bool(fields.get(flag)) for flag in FLAGS},
        alternatives=list(fields.get("alternatives", [])),  # type: ignore[arg-type]
        forbidden=list(fields.get("forbidden", [])),  # type: ignore[arg-type]
        note=note,
        source_lang=pair[0],
        target_lang=pair[1],
    )
    if not (source.strip() and (target.strip() or kind != "preferred")):
        return entry  # an empty term: refused or skipped by read()
    problem = entry.problem()
    if problem:
        raise GlossaryError(f"{name}:{line}: {problem}")
    return entry


def _field_types(fields: dict[str, object]) -> str | None:
    """What is wrong with the types in the extra-fields object, or None."""
    if "kind" in fields and not isinstance(fields["kind"], str):
        return '"kind" must be a string'
    for flag in FLAGS:
        if flag in fields and not isinstance(fields[flag], bool):
            return f'"{flag}" must be true or false'
    for name in LISTS:
        value = fields.get(name, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            return f'"{name}" must be a list of strings'
    return None


def read(name: str, text: str, pair: tuple[str, str], fmt: str, skipped: Skipped | None = None) -> list[Row]:
    """Parse TSV or CSV text; raises GlossaryError naming file:line on the first bad row.

    With `skipped` (an import), a row with an empty source or target term is skipped and counted
    with its line instead; without it (an edit), it is an error to fix.
    """
    rows = _read_tsv(name, text, pair) if fmt == "tsv" else _read_csv(name, text, pair, skipped or Skipped())
    if skipped is None:
        found = list(rows)
        for row in found:
            problem = row.entry.problem()
            if problem:
                raise GlossaryError(f"{name}:{row.line}: {problem}")
        return found
    return [row for row in rows if not _empty(row, pair, skipped)]


def _empty(row: Row, pair: tuple[str, str], skipped: Skipped) -> bool:
    entry = row.entry
    for lang, term in (
        (pair[0], entry.source),
        (pair[1], entry.target if entry.kind == "preferred" else "x"),
    ):
        if not term.strip():
            skipped.add(f"empty {lang} term", row.line, listed=True)
            return True
    return False


def _read_tsv(name: str, text: str, pair: tuple[str, str]):
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip() or line.startswith("#"):
            continue
        columns = line.split("\t")
        if columns[0].startswith("\\"):
            columns[0] = columns[0][1:]  # an escaped leading # or backslash
        if len(columns) < 2:
            raise GlossaryError(f"{name}:{number}: missing target column (expected source<TAB>target)")
        if len(columns) > 4:
            raise GlossaryError(f"{name}:{number}: {len(columns)} columns; expected source, target, note")
        columns += [""] * (4 - len(columns))
        yield Row(_entry(name, number, *columns[:4], pair=pair), number)


def _language_columns(name: str, header: list[str], pair: tuple[str, str]) -> tuple[int, int, int]:
    """The source and target columns (exactly the pair's languages, by primary subtag) and how many
    language columns the header has; a header without one of them is refused, never guessed."""
    languages = [(i, h) for i, h in enumerate(header) if _LANGUAGE_CODE.match(h.lower())]
    if not languages:
        raise GlossaryError(
            f"{name}:1: the first row must name the languages, e.g. "
            f"{pair[0]},{pair[1]} (Amazon Translate CSV)"
        )
    columns = []
    for lang in pair:
        found = [(i, h) for i, h in languages if primary(h) == lang]
        if not found:
            listed = ", ".join(h for _, h in languages)
            raise GlossaryError(
                f"{name}:1: the header has no {lang} column (it has {listed}); "
                "pass --pair with two of those languages"
            )
        if len(found) > 1:
            raise GlossaryError(
                f"{name}:1: the header has {len(found)} {lang} columns ({', '.join(h for _, h in found)}); "
                "keep one of them"
            )
        columns.append(found[0][0])
    return columns[0], columns[1], len(languages)


def _read_csv(name: str, text: str, pair: tuple[str, str], skipped: Skipped):
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        raise GlossaryError(f"{name}:1: {exc}") from exc
    header = [h.strip() for h in header]
    source_col, target_col, languages = _language_columns(name, header, pair)
    lower = [h.lower() for h in header]
    note_col = next((i for i, h in enumerate(lower) if h in _NOTE_COLUMNS), None)
    meta_col = lower.index(_META_COLUMN) if _META_COLUMN in lower else None
    seen: dict[tuple[str, ...], tuple[str, ...]] = {}
    try:
        for row in reader:
            number = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) <= max(source_col, target_col):
                raise GlossaryError(f"{name}:{number}: missing column (expected {len(header)} columns)")
            row = [_unneutralise(cell) for cell in row]
            note = row[note_col] if note_col is not None and note_col < len(row) else ""
            meta = row[meta_col] if meta_col is not None and meta_col < len(row) else ""
            start = number - row[source_col].count("\n") - row[target_col].count("\n")
            if languages > 2 and not (row[source_col].strip() and row[target_col].strip()):
                missing = pair[0] if not row[source_col].strip() else pair[1]
                skipped.add(f"no {missing} term", start)
                continue
            ours = (row[source_col], row[target_col], note, meta)
            if ours in seen and seen[ours] != tuple(row):
                skipped.merged += 1  # the same entry, repeated for another language's variant
                continue
            seen.setdefault(ours, tuple(row))
            yield Row(_entry(name, start, row[source_col], row[target_col], note, meta, pair), start)
    except csv.Error as exc:
        raise GlossaryError(f"{name}:{reader.line_num}: {exc}") from exc


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula (OWASP): a leading ' before = + - @ tab CR."""
    return "'" + cell if cell.startswith(_FORMULA) else cell


def _unneutralise(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(_FORMULA) else cell


def _escape_hash(source: str) -> str:
    """A TSV source that starts with # (or a backslash) is escaped, so it is not read as a comment."""
    return "\\" + source if source.startswith(("#", "\\")) else source


def write(entries: list[Entry], pair: tuple[str, str], fmt: str, raw: bool = False) -> str:
    """TSV or CSV text; CSV cells are neutralised against formula injection unless `raw`."""
    out = io.StringIO()
    metas = [_meta(e) for e in entries]
    if fmt == "tsv":
        for entry, meta in zip(entries, metas, strict=True):
            columns = [_escape_hash(entry.source), entry.target]
            if entry.note or meta:
                columns.append(entry.note)
            if meta:
                columns.append(meta)
            out.write("\t".join(columns) + "\n")
        return out.getvalue()
    writer = csv.writer(out, lineterminator="\n")
    with_note = any(e.note for e in entries)
    with_meta = any(metas)
    header = (
        [pair[0], pair[1]]
        + (["note"] if with_note or with_meta else [])
        + ([_META_COLUMN] if with_meta else [])
    )
    writer.writerow(header)
    for entry, meta in zip(entries, metas, strict=True):
        row = [entry.source, entry.target]
        if with_note or with_meta:
            row.append(entry.note)
        if with_meta:
            row.append(meta)
        writer.writerow(row if raw else [neutralise(cell) for cell in row])
    return out.getvalue()
