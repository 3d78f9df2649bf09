"""The translation memory as the Translator uses it: keys, fingerprints, and failing soft.

A memory that cannot be opened or written (a read-only database, say) never stops a
translation: it is switched off and one notice says so.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from ..engine.registry import ModelSpec, directory_digest
from ..errors import StoreError
from ..terms.matcher import Hit
from .store import MemoryStore, Unit


def model_key(spec: ModelSpec) -> tuple[str, str]:
    """(model, revision) naming the weights, found without loading them (or torch)."""
    if spec.is_local:
        path = Path(spec.model_id).expanduser().resolve()
        return str(path), directory_digest(path)
    if spec.revision:
        return spec.model_id, spec.revision
    from huggingface_hub import try_to_load_from_cache

    found = try_to_load_from_cache(spec.model_id, "config.json")
    return spec.model_id, Path(found).parent.name if isinstance(found, str) else ""


def fingerprint(hits: list[Hit]) -> str:
    """A hash of the glossary entries that apply to a segment ('' when none do)."""
    if not hits:
        return ""
    contents = sorted({json.dumps(hit.entry.to_row(), ensure_ascii=False, sort_keys=True) for hit in hits})
    return hashlib.sha256("\n".join(contents).encode()).hexdigest()[:16]


class Memory:
    """Lookups and stores for one model and language pair; turns itself off on storage errors."""

    def __init__(
        self,
        db: str | os.PathLike[str] | None,
        spec: ModelSpec,
        pair: tuple[str, str],
        notice: Callable[[str], None],
        variant: str = "",
    ) -> None:
        self.pair = pair
        self.notice = notice
        self.variant = variant  # "int8" for --fast, whose output may differ from fp32
        self.model, self.revision = self._key(spec)
        self.store: MemoryStore | None = None
        try:
            from ..db import open_db

            database = open_db(db)
        except StoreError as exc:
            self.notice(f"translation memory unavailable ({exc}); translating without it")
            return
        if database.read_only or database.newer:
            self.notice(
                f"{database.warning or f'the database {database.path} is read-only'};"
                " translating without the translation memory"
            )
            return
        self.store = MemoryStore(database)

    def _key(self, spec: ModelSpec) -> tuple[str, str]:
        model, revision = model_key(spec)
        return model, f"{revision}+{self.variant}" if self.variant else revision

    def _off(self, message: str) -> None:
        if self.store is not None:
            self.notice(message)
        self.store = None

    def lookup(self, sources: list[str], fingerprints: list[str]) -> list[str | None]:
        if self.store is None:
            return [None] * len(sources)
        try:
            return self.store.lookup(sources, self.pair, self.model, self.revision, fingerprints)
        except sqlite3.DatabaseError as exc:
            self._off(f"translation memory unavailable ({exc}); translating without it")
            return [None] * len(sources)

    def remember(
        self, sources: list[str], targets: list[str], fingerprints: list[str], spec: ModelSpec
    ) -> None:
        if self.store is None or not sources:
            return
        if not self.revision.split("+")[0]:  # the first use downloaded the model: now its revision is known
            self.model, self.revision = self._key(spec)
        units = [
            Unit(s, t, *self.pair, "machine", self.model, self.revision, f)
            for s, t, f in zip(sources, targets, fingerprints, strict=True)
            if t
        ]
        try:
            self.store.store(units)
        except sqlite3.DatabaseError as exc:
            self._off(f"cannot write the translation memory ({exc}); continuing without it")
