"""Glossaries in SQLite: named glossaries, entries, search, bulk import and history."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from ..db.connection import Database, now, transaction
from ..db.migrations import history_json
from ..errors import ConflictError, GlossaryError, NotFoundError, UsageError, shown
from ..skips import Skipped
from ..terms.entry import END, STORED, Entry
from ..text.reflow import collapse
from . import DEFAULT_GLOSSARY

CONFLICT_POLICIES = ("fail", "skip", "replace")
BULK_ROWS = 100
_COLUMNS = ("id", *STORED, "created", "updated")
_SELECT = ", ".join(_COLUMNS)


def _entry(row: tuple[Any, ...]) -> Entry:
    return Entry.from_row(dict(zip(_COLUMNS, row, strict=True)))


def _values(entry: Entry) -> dict[str, Any]:
    return entry.to_row() | {"source_key": entry.key}


@dataclass
class ImportReport:
    """What an import did (or, with conflicts under 'fail', would have done)."""

    added: int = 0
    replaced: int = 0
    skipped: int = 0
    unchanged: int = 0
    conflicts: list[tuple[Entry, Entry]] = field(default_factory=list)
    skipped_rows: Skipped = field(default_factory=Skipped)  # what the file held for other languages


@dataclass
class EditReport:
    """What an edit changed, or the sources that changed meanwhile (then nothing was applied)."""

    added: list[Entry] = field(default_factory=list)
    changed: list[tuple[Entry | None, Entry]] = field(default_factory=list)
    removed: list[Entry] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


# The rule, as a JSON Schema pattern too (the server's API describes names with it)
NAME_PATTERN = rf"^(?!\.\.?{END})[\w.-]{{1,100}}{END}"
NAME = re.compile(NAME_PATTERN)


def check_name(name: str) -> None:
    """A glossary name is 1 to 100 letters, digits, '.', '-' and '_' (no space, no control or
    bidirectional character, not '.' or '..'): the same rule for the CLI, the API and the UI."""
    if not NAME.match(name):
        shown = name if len(name) <= 40 else name[:40] + "…"
        raise UsageError(f"{shown!r} is not a glossary name: use 1 to 100 letters, digits, '.', '-' or '_'")


class GlossaryStore:
    """Glossary operations on an open database (see :func:`vertaal.db.open_db`)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- named glossaries -------------------------------------------------------------------
    def names(self) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT g.name, g.description, g.created, count(e.id) FROM glossaries g "
            "LEFT JOIN entries e ON e.glossary_id = g.id GROUP BY g.id ORDER BY g.name"
        ).fetchall()
        return [{"name": n, "description": d, "created": c, "entries": k} for n, d, c, k in rows]

    def glossary_id(self, name: str, *, create: bool = False) -> int:
        row = self.db.execute("SELECT id FROM glossaries WHERE name = ?", [name]).fetchone()
        if row:
            return row[0]
        if not create:
            raise NotFoundError(f"no glossary named {name!r}; see 'vertaal glossary names'")
        return self.create(name)

    def exists(self, name: str) -> bool:
        return self.db.execute("SELECT 1 FROM glossaries WHERE name = ?", [name]).fetchone() is not None

    def create(self, name: str, description: str = "") -> int:
        check_name(name)
        if self.exists(name):
            raise ConflictError(f"a glossary named {name!r} exists already")
        with transaction(self.db):
            cursor = self.db.execute(
                "INSERT INTO glossaries (name, description) VALUES (?, ?)", [name, description]
            )
        return cursor.lastrowid

    def delete(self, name: str) -> int:
        gid = self.glossary_id(name)
        with transaction(self.db):
            count = self.db.execute("SELECT count(*) FROM entries WHERE glossary_id = ?", [gid]).fetchone()[0]
            self.db.execute("DELETE FROM entries WHERE glossary_id = ?", [gid])
            self.db.execute("DELETE FROM glossaries WHERE id = ?", [gid])
        return count

    def version(self, name: str) -> int:
        """A number that changes whenever the glossary's entries change."""
        row = self.db.execute(
            "SELECT g.id, (SELECT max(id) FROM history h WHERE h.glossary_id = g.id) "
            "FROM glossaries g WHERE g.name = ?",
            [name],
        ).fetchone()
        return row[1] or 0 if row else -1

    # -- entries ----------------------------------------------------------------------------
    def entries(self, name: str = DEFAULT_GLOSSARY, pair: tuple[str, str] | None = None) -> list[Entry]:
        gid = self.glossary_id(name)
        sql = f"SELECT {_SELECT} FROM entries WHERE glossary_id = ?"
        params: list[Any] = [gid]
        if pair:
            sql += " AND source_lang = ? AND target_lang = ?"
            params += list(pair)
        return [_entry(r) for r in self.db.execute(sql + " ORDER BY source_key COLLATE NOCASE, id", params)]

    def search(
        self, name: str, query: str, pair: tuple[str, str] | None = None, limit: int | None = None
    ) -> list[Entry]:
        """Entries whose source, target or note match `query` (FTS5 prefix search)."""
        gid = self.glossary_id(name)
        words = [w.replace('"', '""') for w in query.split()]
        if not words:
            return self.entries(name, pair)
        match = " ".join(f'"{w}"*' for w in words)
        sql = (
            f"SELECT {', '.join('e.' + c for c in _COLUMNS)} FROM entries_fts "
            "JOIN entries e ON e.rowid = entries_fts.rowid WHERE entries_fts MATCH ? AND e.glossary_id = ?"
        )
        params: list[Any] = [match, gid]
        if pair:
            sql += " AND e.source_lang = ? AND e.target_lang = ?"
            params += list(pair)
        sql += " ORDER BY entries_fts.rank"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [_entry(r) for r in self.db.execute(sql, params)]

    def get(self, name: str, source: str, pair: tuple[str, str]) -> Entry:
        gid = self.glossary_id(name)
        row = self.db.execute(
            f"SELECT {_SELECT} FROM entries WHERE glossary_id = ? AND source_lang = ? AND target_lang = ? "
            "AND source_key = ?",
            [gid, *pair, collapse(source)],
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no entry {source!r} in glossary {name!r} ({'-'.join(pair)})")
        return _entry(row)

    def add(self, name: str, entry: Entry, *, replace: bool = False) -> Entry:
        entry = _checked(entry)
        with transaction(self.db):
            gid = self.glossary_id(name, create=True)
            pair = (entry.source_lang, entry.target_lang)
            try:
                existing = self.get(name, entry.source, pair)
            except NotFoundError:
                existing = None
            if existing and not replace:
                raise ConflictError(
                    f"{entry.source!r} is already in glossary {name!r}; "
                    "use 'vertaal glossary update' to change it"
                )
            if existing:
                self._update(existing.id, entry)
            else:
                self._insert(gid, [entry])
        return self.get(name, entry.source, pair)

    def update(self, name: str, term: str, pair: tuple[str, str], **changes: Any) -> Entry:
        """Change fields of the entry for source `term`; None values leave a field as it is."""
        current = self.get(name, term, pair)
        fields = current.to_dict() | {k: v for k, v in changes.items() if v is not None}
        for key in ("created", "updated"):
            fields.pop(key)
        if fields["kind"] == "keep":
            fields["target"] = fields["source"]
        new = _checked(Entry(**fields))
        if new.key != current.key:
            try:
                self.get(name, new.source, pair)
            except NotFoundError:
                pass
            else:
                raise ConflictError(f"{new.source!r} is already in glossary {name!r}")
        with transaction(self.db):
            self._update(current.id, new)
        return self.get(name, new.source, pair)

    def remove(self, name: str, source: str, pair: tuple[str, str]) -> Entry:
        entry = self.get(name, source, pair)
        with transaction(self.db):
            self.db.execute("DELETE FROM entries WHERE id = ?", [entry.id])
        return entry

    def _insert(self, gid: int, entries: Iterable[Entry]) -> int:
        """Insert entries (inside a transaction). Large batches fill history and FTS set-wise."""
        stamp = now()
        names = [*STORED, "source_key", "glossary_id", "created", "updated"]
        rows = [(*e.to_row().values(), e.key, gid, e.created or stamp, stamp) for e in entries]
        sql = f"INSERT INTO entries ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
        if len(rows) < BULK_ROWS:
            self.db.conn.executemany(sql, rows)
            return len(rows)
        assert self.db.conn.in_transaction
        last = self.db.execute("SELECT coalesce(max(id), 0) FROM entries").fetchone()[0]
        self.db.execute("INSERT INTO bulk_insert VALUES (1)")
        self.db.conn.executemany(sql, rows)
        self.db.execute("DELETE FROM bulk_insert")
        self.db.execute(
            "INSERT INTO entries_fts (rowid, source, target, note) "
            "SELECT id, source, target, note FROM entries WHERE id > ?",
            [last],
        )
        self.db.execute(
            "INSERT INTO history (glossary_id, entry_id, action, new, grp) SELECT glossary_id, id, 'add',"
            f" {history_json('entries')}, (SELECT id FROM history_group) FROM entries WHERE id > ?",
            [last],
        )
        return len(rows)

    def _update(self, entry_id: int, entry: Entry) -> None:
        values = _values(entry) | {"updated": now()}
        assignments = ", ".join(f"{k} = ?" for k in values)
        self.db.execute(f"UPDATE entries SET {assignments} WHERE id = ?", [*values.values(), entry_id])

    # -- bulk -------------------------------------------------------------------------------
    def import_entries(
        self, name: str, entries: list[Entry], on_conflict: str = "fail", *, checked: bool = False
    ) -> ImportReport:
        """Add many entries in one transaction; conflicts follow `on_conflict`.

        Under 'fail', any conflict leaves the database unchanged and is listed in the report.
        """
        if on_conflict not in CONFLICT_POLICIES:
            raise UsageError(f"--on-conflict must be one of {', '.join(CONFLICT_POLICIES)}")
        if not checked:
            entries = [_checked(e) for e in entries]
        report = ImportReport()
        with self.group("import"):
            existing: dict[tuple[str, str, str], Entry] = {}
            if self.exists(name):
                existing = {(e.source_lang, e.target_lang, e.key): e for e in self.entries(name)}
            new, replacing = [], []
            for entry in entries:
                old = existing.get((entry.source_lang, entry.target_lang, entry.key))
                if old is None:
                    new.append(entry)
                elif old.content() == entry.content():
                    report.unchanged += 1
                else:
                    report.conflicts.append((old, entry))
                    replacing.append((old, entry))
            if report.conflicts and on_conflict == "fail":
                return report
            gid = self.glossary_id(name, create=True)
            report.added = self._insert(gid, new)
            if on_conflict == "replace":
                for old, entry in replacing:
                    self._update(old.id, entry)
                report.replaced = len(replacing)
            else:
                report.skipped = len(replacing)
        return report

    @contextmanager
    def group(self, action: str) -> Iterator[int]:
        """One write transaction whose history events form one group (restorable at once)."""
        with transaction(self.db):
            group = self.db.execute(
                "INSERT INTO history_groups (action, at) VALUES (?, ?)", [action, now()]
            ).lastrowid
            self.db.execute("DELETE FROM history_group")
            self.db.execute("INSERT INTO history_group VALUES (?)", [group])
            try:
                yield group
            finally:
                self.db.execute("DELETE FROM history_group")

    def apply_edit(
        self, name: str, pair: tuple[str, str], before: list[Entry], after: list[Entry]
    ) -> EditReport:
        """Apply the difference between `before` (what an editor was shown) and `after` (what it saved)
        to the entries of `name` and `pair`, all or nothing.

        Entries that changed in the database meanwhile are left alone unless the edit touches them
        too; then nothing is applied and the conflicts are reported.
        """
        shown = {e.key: e for e in before}
        saved = {e.key: _checked(e) for e in after}
        report = EditReport()
        with self.group("edit"):
            gid = self.glossary_id(name, create=True)
            current = {e.key: e for e in self.entries(name, pair)}
            for key, old in shown.items():
                now_there = current.get(key)
                new = saved.get(key)
                if new is not None and new.content() == old.content():
                    continue  # untouched by the edit
                if now_there is not None and now_there.content() != old.content():
                    report.conflicts.append(old.source)
                elif new is None and now_there is not None:
                    report.removed.append(now_there)
                elif new is not None:
                    report.changed.append((now_there, new))
            for key, new in saved.items():
                if key in shown:
                    continue
                now_there = current.get(key)
                if now_there is None:
                    report.added.append(new)
                elif now_there.content() != new.content():
                    report.conflicts.append(new.source)
            if report.conflicts:
                raise _Rollback(report)
            for entry in report.removed:
                self.db.execute("DELETE FROM entries WHERE id = ?", [entry.id])
            for old, new in report.changed:
                if old is None:
                    self._insert(gid, [new])
                else:
                    self._update(old.id, new)
            self._insert(gid, report.added)
        return report

    def restore_group(self, group: int) -> int:
        """Undo every change of history group `group` (one edit or import), newest first.

        Each entry the group touched goes back to what it was before the group; returns the
        number of events undone.
        """
        rows = self.db.execute(
            "SELECT g.id, h.action, h.old, h.new FROM history h"
            " JOIN glossaries g ON g.id = h.glossary_id WHERE h.grp = ? ORDER BY h.id DESC",
            [group],
        ).fetchall()
        if not rows:
            raise GlossaryError(f"no history group {group}; see 'vertaal glossary history'")
        with self.group(f"restore group {group}"):
            for gid, action, old, new in rows:
                state = json.loads(new if action == "add" else old)
                self.db.execute(
                    "DELETE FROM entries WHERE glossary_id = ? AND source_lang = ? AND target_lang = ?"
                    " AND source_key = ?",
                    [gid, state["source_lang"], state["target_lang"], collapse(state["source"])],
                )
                if action in ("update", "remove"):
                    self._insert(gid, [_from_history(state)])
        return len(rows)

    # -- history ----------------------------------------------------------------------------
    def history(self, name: str, source: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        gid = self.glossary_id(name)
        sql = "SELECT id, entry_id, action, old, new, at, grp FROM history WHERE glossary_id = ?"
        params: list[Any] = [gid]
        if source:
            key = collapse(source)
            sql += (
                " AND (json_extract(old, '$.source') = ? OR json_extract(new, '$.source') = ?"
                " OR entry_id IN (SELECT id FROM entries WHERE source_key = ?))"
            )
            params += [key, key, key]
        sql += " ORDER BY id DESC"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [
            {
                "event": i,
                "entry": e,
                "action": a,
                "old": json.loads(o) if o else None,
                "new": json.loads(n) if n else None,
                "at": at,
                "group": g,
            }
            for i, e, a, o, n, at, g in self.db.execute(sql, params)
        ]

    def restore(self, event_id: int) -> Entry:
        """Put back the entry as it was before history event `event_id` (a removal or an update)."""
        row = self.db.execute("SELECT glossary_id, old FROM history WHERE id = ?", [event_id]).fetchone()
        if row is None or row[1] is None:  # an addition: nothing was there before it
            raise ConflictError(
                f"history event {event_id} has no earlier state to restore; see 'vertaal glossary history'"
            )
        name_row = self.db.execute("SELECT name FROM glossaries WHERE id = ?", [row[0]]).fetchone()
        if name_row is None:
            raise GlossaryError(f"the glossary of history event {event_id} was deleted")
        return self.add(name_row[0], _from_history(json.loads(row[1])), replace=True)


def _from_history(old: dict[str, Any]) -> Entry:
    return Entry.from_row({k: v for k, v in old.items() if k not in ("id", "updated", "glossary_id")})


class _Rollback(GlossaryError):
    """Raised inside an edit's transaction to undo it; carries the conflicts."""

    def __init__(self, report: EditReport) -> None:
        listed = ", ".join(repr(s) for s in report.conflicts[:5])
        more = f" and {len(report.conflicts) - 5} more" if len(report.conflicts) > 5 else ""
        super().__init__(f"changed in the database while you edited: {listed}{more}; nothing applied")
        self.report = report


def _checked(entry: Entry) -> Entry:
    problem = entry.problem()
    if problem:
        raise GlossaryError(f"invalid entry {shown(repr(entry.source))}: {problem}")
    return entry.normalised()
