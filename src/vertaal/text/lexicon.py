"""simplemma's dictionaries (Dutch unless another language is asked for), loaded in milliseconds:
which words they know and their lemmas.

simplemma's default dictionary decodes a compressed stream of 370,000 entries on first use, about
0.4 s of every command that matches terms or judges a line-end hyphen. Its trie-backed dictionary
(the ``marisa-trie`` extra) maps a file instead; the file is built once (about 1 s) and cached in
vertaal's cache directory, keyed by simplemma's version. It is written under a private name and
renamed into place, so that processes starting together never read half a file. Where the cache
cannot be written, the default dictionary is used: the answers are the same, only slower. This
module is the one place that reaches into simplemma's strategies.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from ..config import cache_dir

LANGUAGE = "nl"


def is_known(word: str, language: str = LANGUAGE) -> bool:
    """Whether simplemma's dictionary of `language` holds `word` (as simplemma.is_known)."""
    lookup, _ = _tools(language)
    return lookup(word)


def lemma(word: str, language: str = LANGUAGE) -> str:
    """simplemma's lemma of `word` in `language` (as simplemma.lemmatize, not greedy)."""
    _, lemmatize = _tools(language)
    return lemmatize(word)


@cache
def _tools(language: str) -> tuple[Any, Any]:
    import simplemma

    factory = _trie_factory(simplemma.__version__, language)
    if factory is None:
        return (
            lambda word: not _unsafe(word) and simplemma.is_known(word, lang=language),
            lambda word: word if _unsafe(word) else simplemma.lemmatize(word, lang=language),
        )
    from simplemma.lemmatizer import normalize_token  # what simplemma.is_known does first
    from simplemma.strategies import DefaultStrategy, DictionaryLookupStrategy

    lookup = DictionaryLookupStrategy(dictionary_factory=factory)
    lemmatizer = simplemma.Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=factory))

    def known(word: str) -> bool:
        return not _unsafe(word) and lookup.get_lemma(normalize_token(word), language) is not None

    def lemma(word: str) -> str:
        return word if _unsafe(word) else lemmatizer.lemmatize(word, language)

    return known, lemma


def _unsafe(word: str) -> bool:
    """A word no dictionary holds and the trie cannot look up: a NUL (marisa keys are C strings,
    so it would answer for a prefix, with bytes that are not UTF-8) or a lone surrogate (which
    UTF-8 cannot encode; JSON can carry one to the server)."""
    return "\x00" in word or (not word.isascii() and any("\ud800" <= c <= "\udfff" for c in word))


def _trie_factory(version: str, language: str) -> Any | None:
    """A trie dictionary factory over the cached file, building it first if need be; None where
    the trie extra is missing or the cache cannot be written."""
    try:
        from simplemma.lemmatizer import normalize_token  # noqa: F401  (checked here, used above)
        from simplemma.strategies.dictionaries import TrieDictionaryFactory
    except ImportError:
        return None
    folder = cache_dir() / "simplemma" / version
    final = folder / f"{language}.dic"
    try:
        if not final.exists():
            _build(TrieDictionaryFactory, folder, final, language)
        return TrieDictionaryFactory(disk_cache_dir=str(folder))
    except (ImportError, OSError):
        return None


def _build(factory_class: Any, folder: Path, final: Path, language: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    private = Path(tempfile.mkdtemp(prefix=".build-", dir=folder))
    try:
        logging.getLogger("simplemma").disabled = True  # its "cannot cache" warning is ours to handle
        factory_class(disk_cache_dir=str(private)).get_dictionary(language)
        built = private / final.name
        if not built.exists():
            raise OSError(f"simplemma wrote no trie to {private}")
        os.replace(built, final)
    finally:
        logging.getLogger("simplemma").disabled = False
        shutil.rmtree(private, ignore_errors=True)
