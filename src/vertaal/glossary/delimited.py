"""TSV and CSV glossaries.

TSV is the DeepL and OmegaT convention: ``source<TAB>target[<TAB>note]``, no header. CSV is the
Amazon Translate convention: a header row of language codes (``nl,en``), then one term pair per
row. Fields vertaal needs beyond those (kind, case sensitivity, alternatives, forbidden targets)
go into one extra column holding a JSON object, written only for entries that need it, so plain
entries stay plain and other tools read the file as usual.
"""

from __future__ import annotations

import csv
import io
import json
import re

from ..errors import GlossaryError
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
    if not target.strip() and kind == "preferred":
        raise GlossaryError(f"{name}:{line}: an empty target term")
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


def read(name: str, text: str, pair: tuple[str, str], fmt: str) -> list[Row]:
    """Parse TSV or CSV text; raises GlossaryError naming file:line on the first bad row."""
    if fmt == "tsv":
        return list(_read_tsv(name, text, pair))
    return list(_read_csv(name, text, pair))


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


def _read_csv(name: str, text: str, pair: tuple[str, str]):
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        raise GlossaryError(f"{name}:1: {exc}") from exc
    header = [h.strip() for h in header]
    codes = [i for i, h in enumerate(header) if _LANGUAGE_CODE.match(h.lower())]
    if len(codes) < 2:
        raise GlossaryError(
            f"{name}:1: the first row must name the languages, e.g. "
            f"{pair[0]},{pair[1]} (Amazon Translate CSV)"
        )
    lower = [h.lower().replace("_", "-") for h in header]
    try:
        source_col = lower.index(pair[0]) if pair[0] in lower else codes[0]
        target_col = lower.index(pair[1]) if pair[1] in lower else codes[1]
    except ValueError as exc:  # pragma: no cover - guarded above
        raise GlossaryError(f"{name}:1: languages {pair} not in header") from exc
    note_col = next((i for i, h in enumerate(lower) if h in _NOTE_COLUMNS), None)
    meta_col = lower.index(_META_COLUMN) if _META_COLUMN in lower else None
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
