"""Matchers for stored glossaries, built once per glossary version and reused."""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterable

from ..errors import GlossaryError
from ..terms.entry import Entry
from ..terms.matcher import Matcher
from . import DEFAULT_GLOSSARY
from .store import GlossaryStore

_CACHE: OrderedDict[tuple[object, ...], Matcher] = OrderedDict()
_CACHE_SIZE = 8


def matcher_for(
    store: GlossaryStore,
    glossary: str,
    pair: tuple[str, str],
    *,
    fold_diacritics: bool = False,
    language: str = "nl",
) -> Matcher:
    """The matcher for `glossary` (entries of `pair`); rebuilt only when the glossary changed."""
    database = store.db.execute("PRAGMA database_list").fetchone()[2]
    key = (database, glossary, pair, store.version(glossary), fold_diacritics, language)
    matcher = _CACHE.get(key)
    if matcher is None:
        matcher = Matcher(store.entries(glossary, pair), fold_diacritics=fold_diacritics, language=language)
        _CACHE[key] = matcher
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    _CACHE.move_to_end(key)
    return matcher


def load_matcher(
    glossary: str | Iterable[Entry] | Matcher | None,
    db: str | os.PathLike[str] | None,
    pair: tuple[str, str],
) -> Matcher | None:
    """The matcher for a glossary given by name (a missing ``default`` means none), entries, or None."""
    if glossary is None:
        return None
    if isinstance(glossary, Matcher):
        return glossary
    if not isinstance(glossary, str):
        return Matcher(glossary, language=pair[0])
    from ..config import db_path
    from ..db import open_db

    if glossary == DEFAULT_GLOSSARY and not db_path(db).exists():
        return None  # nothing stored yet: work without a glossary
    store = GlossaryStore(open_db(db))
    if not store.exists(glossary):
        if glossary == DEFAULT_GLOSSARY:
            return None
        raise GlossaryError(f"no glossary named {glossary!r}; see 'vertaal glossary names'")
    matcher = matcher_for(store, glossary, pair, language=pair[0])
    return matcher if len(matcher) else None
