"""The translation memory in SQLite: look up, store, import/export, search and clear segments.

A machine translation is reused only for the same model and revision and the same glossary
fingerprint (a hash of the entries that apply to the segment), so a glossary change makes
exactly the segments holding an affected term miss again. Human and edited translations are
reused whatever the model and glossary, and take precedence over machine ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..db.connection import Database, now, transaction
from ..text.reflow import collapse, strip_control

ORIGINS = ("machine", "human", "edited")
_PRECEDENCE = "CASE origin WHEN 'edited' THEN 0 WHEN 'human' THEN 1 ELSE 2 END"


@dataclass
class Unit:
    """One translation unit."""

    source: str
    target: str
    source_lang: str = "nl"
    target_lang: str = "en"
    origin: str = "machine"
    model: str = ""
    revision: str = ""
    fingerprint: str = ""
    created: str | None = None
    last_used: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


@dataclass(frozen=True)
class StoreReport:
    """Units stored; `added` are new, the rest were merged into units already there."""

    stored: int
    added: int

    @property
    def merged(self) -> int:
        return self.stored - self.added


class _Counted:
    """An iterator that counts what passes through it."""

    def __init__(self, items: Iterable[Any]) -> None:
        self._items = iter(items)
        self.count = 0

    def __iter__(self) -> _Counted:
        return self

    def __next__(self) -> Any:
        item = next(self._items)
        self.count += 1
        return item


_FIELDS = "source_lang, target_lang, source, target, origin, model, revision, fingerprint, created, last_used"


class MemoryStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def lookup(
        self, sources: list[str], pair: tuple[str, str], model: str, revision: str, fingerprints: list[str]
    ) -> list[str | None]:
        """The remembered target of each source, or None; hits are marked as used."""
        found: list[str | None] = []
        used: list[int] = []
        for source, fingerprint in zip(sources, fingerprints, strict=True):
            row = self.db.execute(
                f"SELECT id, target FROM memory WHERE source_lang = ? AND target_lang = ? AND source_key = ? "
                f"AND (origin != 'machine' OR (model = ? AND revision = ? AND fingerprint = ?)) "
                f"ORDER BY {_PRECEDENCE}, last_used DESC LIMIT 1",
                [*pair, collapse(source), model, revision, fingerprint],
            ).fetchone()
            found.append(row[1] if row else None)
            if row:
                used.append(row[0])
        if used:
            stamp = now()
            with transaction(self.db):
                self.db.conn.executemany(
                    "UPDATE memory SET last_used = ? WHERE id = ?", [(stamp, i) for i in used]
                )
        return found

    def store(self, units: Iterable[Unit], before_commit: Callable[[], None] | None = None) -> StoreReport:
        """Insert or refresh units in one transaction, streaming; a unit that is already there
        (same source, pair, origin, model and fingerprint) is merged: its target and date refreshed.

        `before_commit` may raise to roll everything back (an import under --strict).
        """
        stamp = now()
        rows = (
            (
                u.source_lang,
                u.target_lang,
                collapse(strip_control(u.source)),
                strip_control(u.source),
                strip_control(u.target),
                u.origin,
                u.model,
                u.revision,
                u.fingerprint,
                u.created or stamp,
                u.last_used or stamp,
            )
            for u in units
        )
        counted = _Counted(rows)
        with transaction(self.db):
            # a new row's id is above every id before it (rowid, no AUTOINCREMENT): counting rows above
            # the old maximum counts the new ones without scanning the table (this runs on every
            # translation that remembers)
            before = self.db.execute("SELECT coalesce(max(id), 0) FROM memory").fetchone()[0]
            self.db.conn.executemany(
                "INSERT INTO memory (source_lang, target_lang, source_key, source, target, origin, model,"
                " revision, fingerprint, created, last_used) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (source_lang, target_lang, source_key, origin, model, revision, fingerprint) "
                "DO UPDATE SET target = excluded.target, source = excluded.source,"
                " last_used = excluded.last_used",
                counted,
            )
            added = self.db.execute("SELECT count(*) FROM memory WHERE id > ?", [before]).fetchone()[0]
            if before_commit is not None:
                before_commit()
        return StoreReport(stored=counted.count, added=added)

    def export_units(self, pair: tuple[str, str] | None = None) -> list[Unit]:
        """One unit per source segment and pair: edited over human over machine, then the latest."""
        where = "WHERE source_lang = ? AND target_lang = ?" if pair else ""
        rows = self.db.execute(
            f"SELECT {_FIELDS} FROM (SELECT *, row_number() OVER (PARTITION BY source_lang, target_lang, "
            f"source_key ORDER BY {_PRECEDENCE}, last_used DESC) AS rank FROM memory {where}) "
            "WHERE rank = 1 ORDER BY source_lang, target_lang, source_key",
            list(pair) if pair else [],
        )
        names = [name.strip() for name in _FIELDS.split(",")]
        return [Unit(**dict(zip(names, row, strict=True))) for row in rows]

    def stats(self) -> dict[str, Any]:
        total = self.db.execute("SELECT count(*), count(DISTINCT source_key) FROM memory").fetchone()
        by_origin = dict(self.db.execute("SELECT origin, count(*) FROM memory GROUP BY origin").fetchall())
        by_model = self.db.execute(
            "SELECT model, revision, count(*) FROM memory WHERE origin = 'machine' GROUP BY model, revision "
            "ORDER BY count(*) DESC"
        ).fetchall()
        pairs = self.db.execute(
            "SELECT source_lang || '-' || target_lang, count(*) FROM memory GROUP BY 1"
        ).fetchall()
        span = self.db.execute("SELECT min(created), max(last_used) FROM memory").fetchone()
        return {
            "units": total[0],
            "segments": total[1],
            "by_origin": {o: by_origin.get(o, 0) for o in ORIGINS},
            "by_pair": dict(pairs),
            "by_model": [{"model": m, "revision": r, "units": n} for m, r, n in by_model],
            "oldest": span[0],
            "last_used": span[1],
        }

    def search(
        self, text: str, pair: tuple[str, str] | None = None, limit: int = 10, cutoff: float = 50.0
    ) -> list[tuple[float, Unit]]:
        """Fuzzy matches of `text` among the stored sources, best first, with a 0-100 score."""
        from rapidfuzz import fuzz, process

        units = self.export_units(pair)
        choices = [collapse(u.source) for u in units]
        matches = process.extract(
            collapse(text), choices, scorer=fuzz.ratio, limit=limit, score_cutoff=cutoff
        )
        return [(round(score, 1), units[index]) for _, score, index in matches]

    def clear(self, before: str | None = None) -> int:
        with transaction(self.db):
            if before:
                cursor = self.db.execute("DELETE FROM memory WHERE last_used < ?", [before])
            else:
                cursor = self.db.execute("DELETE FROM memory")
        return cursor.rowcount
