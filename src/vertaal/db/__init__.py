"""SQLite storage through sqlite-utils: one database file, opened and migrated in one place."""

from .connection import Database, open_db, transaction

__all__ = ["Database", "open_db", "transaction"]
