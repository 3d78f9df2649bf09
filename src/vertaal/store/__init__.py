"""SQLite storage through sqlite-utils: one database file, opened and migrated in one place."""

from .db import open_db

__all__ = ["open_db"]
