"""Errors a user can cause. The CLI turns each into a one-line message."""

from __future__ import annotations

ECHO = 80  # the most characters of a user's input an error line repeats


def shown(value: object, limit: int = ECHO) -> str:
    """A user's input as an error line repeats it: whole when short, else its start and its length
    (a 100 KB term is never echoed whole)."""
    text = str(value)
    if len(text) <= limit:
        return text
    return f"{text[: limit - 20]}… ({len(text):,} characters)"


class VertaalError(Exception):
    """Base error: its message is one line that says what to do."""

    exit_code = 1


class UsageError(VertaalError):
    """A wrong option value or combination (exit code 2)."""

    exit_code = 2


class InputError(VertaalError):
    """Input text or file that cannot be read."""


class ModelError(VertaalError):
    """A model that cannot be found, downloaded or loaded."""


class GlossaryError(VertaalError):
    """A glossary, entry or glossary file that is missing or malformed."""


class NotFoundError(GlossaryError):
    """A glossary, entry or history event that does not exist."""


class ConflictError(GlossaryError):
    """A glossary or entry that exists already."""


class StoreError(VertaalError):
    """The SQLite database cannot be opened or written."""
