"""The one place that opens the database and applies migrations, and the write transaction."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from ..config import data_dir, db_path
from ..errors import StoreError
from .migrations import KNOWN, migrations
from .sqlite_utils_fence import sqlite_utils

BUSY_TIMEOUT_MS = 30_000


class Database(sqlite_utils.Database):
    """A sqlite-utils database that knows its file and whether (and why not) it may be written."""

    def __init__(self, connection: sqlite3.Connection, path: Path, *, read_only: bool = False) -> None:
        super().__init__(connection)
        self.path = path
        self.read_only = read_only
        self.newer = False  # written by a newer vertaal: read with a warning, never written

    @property
    def warning(self) -> str | None:
        """What a user should know before relying on this database, if anything."""
        if self.newer:
            return f"the database {self.path} was written by a newer vertaal; it is read but never changed"
        return None

    def refuse_writes(self) -> None:
        """A one-line StoreError when this database may not be written."""
        if self.newer:
            raise StoreError(
                f"the database {self.path} was written by a newer vertaal; upgrade vertaal to change it"
            )
        if self.read_only:
            raise StoreError(f"the database {self.path} is read-only; pass --db with a writable file")


def damaged(file: Path, exc: BaseException) -> StoreError:
    """The one-line error for a database file SQLite cannot read, with the way back."""
    return StoreError(
        f"the database {file} is damaged ({exc}); recover it with 'sqlite3 {file} .recover | sqlite3 new.db'"
        " or restore it from an export (vertaal glossary export, vertaal memory export)"
    )


def database_problem(exc: BaseException, file: Path | str = "DB") -> str:
    """One line for an SQLite error met in the middle of a command: what happened and what to do."""
    text = str(exc)
    lower = text.lower()
    if "readonly" in lower or "read-only" in lower:
        return f"the database cannot be written ({text}); pass --db with a writable file"
    if "full" in lower:
        return f"the disk is full ({text}); nothing was changed: free some space and try again"
    if _is_damage(exc):
        return str(damaged(Path(file), exc))
    return f"database error: {text}; nothing was changed"


def _is_damage(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text or "file is encrypted" in text


def now() -> str:
    """The current UTC time as stored in the database (ISO 8601, microseconds)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def open_db(path: str | os.PathLike[str] | None = None, *, create: bool = True) -> Database:
    """Open (creating if needed) the vertaal database: WAL mode, busy timeout, migrations applied."""
    file = db_path(path)
    if not create and not file.exists():
        raise StoreError(f"no database at {file}; add a glossary entry or import a glossary first")
    if file != data_dir() / "vertaal.db" and not file.parent.is_dir():
        where = file.parent
        raise StoreError(f"cannot open the database {file}: folder {where} does not exist; create it first")
    try:
        file.parent.mkdir(parents=True, exist_ok=True)  # the default location is made on first use
        connection = sqlite3.connect(  # SQLite is built serialized (threadsafety 3): the server's
            str(file), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )  # model thread may use a connection its preloading thread opened
        db = Database(connection, file)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA synchronous = NORMAL")
        if _unknown_migrations(db):
            db.newer = True
            return db
        migrations.apply(db)
    except (sqlite3.DatabaseError, OSError) as exc:
        if _is_damage(exc):
            raise damaged(file, exc) from exc
        if file.is_file() and os.access(file, os.R_OK):
            return _open_read_only(file)
        raise StoreError(f"cannot open the database {file}: {exc}; pass --db with a writable path") from exc
    return db


def _unknown_migrations(db: Database) -> list[str]:
    """Migrations applied to `db` that this vertaal does not know: a newer vertaal wrote it."""
    return [m.name for m in migrations.applied(db) if m.name not in KNOWN]


def _open_read_only(file: Path) -> Database:
    """A database we may read but not write (a read-only disk or directory): no migrations, no writes.

    Read-only mode sees what the write-ahead log holds; where even that cannot be opened (no
    access to the -shm file), the file is read as immutable.
    """
    db = None
    for options in ("mode=ro", "mode=ro&immutable=1"):
        try:
            uri = f"{file.resolve().as_uri()}?{options}"
            connection = sqlite3.connect(uri, uri=True, isolation_level=None)
            db = Database(connection, file, read_only=True)
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            break
        except sqlite3.DatabaseError as exc:
            if _is_damage(exc):
                raise damaged(file, exc) from exc
            error = exc
    else:
        reason = f"cannot read the database {file}: {error}"
        raise StoreError(f"{reason}; pass --db with a readable file") from error
    assert db is not None
    db.newer = bool(_unknown_migrations(db))
    if not db.newer and migrations.pending(db):
        raise StoreError(
            f"the database {file} is read-only and needs an upgrade; open it once where it "
            "is writable, or pass --db"
        )
    return db


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """A write transaction that takes the write lock at once (BEGIN IMMEDIATE).

    Taking it up front lets a second process wait on the busy timeout instead of failing when
    its read snapshot turns out stale. Nested use becomes a savepoint.
    """
    if isinstance(db, Database):
        db.refuse_writes()
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
