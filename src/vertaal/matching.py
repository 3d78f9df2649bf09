"""Matchers for stored glossaries, built once per glossary version and reused."""

from __future__ import annotations

from collections import OrderedDict

from .store.glossary import GlossaryStore
from .terms import Matcher

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
