"""The server's one owner of the glossaries: stores opened per request, matchers per stored version.

Every write to a glossary (through the UI, the REST API, or the CLI in another process) adds a
history event, which changes :meth:`GlossaryStore.version`. :func:`vertaal.glossary.matchers.load_matcher`
goes through :func:`~vertaal.glossary.matchers.matcher_for`, whose cache is keyed by that version:
asking for a glossary's matcher reads its version first, so each request gets the matcher of the
glossary as it is now, and the same :class:`~vertaal.Matcher` object while the glossary is unchanged.
"""

from __future__ import annotations

import threading
from typing import Any

from ..db import open_db
from ..glossary.matchers import load_matcher
from ..glossary.store import GlossaryStore
from ..languages import Pair
from ..terms.matcher import Matcher


class Glossaries:
    """Glossary stores on the server's database, and the current matcher of each glossary."""

    def __init__(self, db: Any) -> None:
        self.db = db
        self._lock = threading.Lock()  # matcher_for's cache is shared by the model thread and the pool

    def reader(self) -> GlossaryStore:
        """A store to read (a connection of its own, for the thread that asks)."""
        return GlossaryStore(open_db(self.db))

    def writer(self) -> GlossaryStore:
        """A store to write; a read-only database says so in one line."""
        database = open_db(self.db)
        database.refuse_writes()
        return GlossaryStore(database)

    def names(self) -> list[str]:
        return [row["name"] for row in self.reader().names()]

    def import_upload(
        self, name: str, data: bytes, filename: str | None, pair: Pair, **options: Any
    ) -> tuple[Any, list[str]]:
        """Import an uploaded glossary file (TSV, CSV, TBX) all or nothing, from a file the server
        names; its messages name the client's file, never the server's path."""
        import tempfile
        from pathlib import Path

        from ..errors import VertaalError
        from ..glossary.importing import import_glossary

        shown = Path(filename or "the upload").name
        suffix = Path(shown).suffix.lower()
        suffix = suffix if suffix in (".tsv", ".csv", ".tbx", ".txt", ".xml") else ".txt"
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"upload{suffix}"
            path.write_bytes(data)
            try:
                report, warnings = import_glossary(self.writer(), name, str(path), pair=pair, **options)
            except VertaalError as error:
                raise type(error)(str(error).replace(str(path), shown)) from None
        return report, [warning.replace(str(path), shown) for warning in warnings]

    def named(self, glossary: str | None) -> str | None:
        """`glossary`, once it is known to exist (``default`` may be missing: then none is used);
        404 for another name that no glossary has."""
        from ..errors import NotFoundError
        from ..glossary import DEFAULT_GLOSSARY

        if glossary is None or glossary == DEFAULT_GLOSSARY or self.reader().exists(glossary):
            return glossary
        raise NotFoundError(f"no glossary named {glossary!r}; GET /api/glossaries lists them")

    def matcher(self, glossary: str | None, pair: Pair) -> Matcher | None:
        """The matcher of `glossary`'s entries for `pair` at its current version; None for no
        glossary, a missing ``default`` or an empty one; a one-line error for another missing name."""
        with self._lock:
            return load_matcher(glossary, self.db, pair)
