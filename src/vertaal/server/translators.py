"""The resident model: one Translator per pair, loaded once, shared by every glossary.

A request's Translator is the resident one with the matcher of its glossary at the glossary's
current version (:class:`~vertaal.server.glossaries.Glossaries`); it is made again only when the
glossary changed, and it never loads the model again (:meth:`vertaal.api.Translator.with_glossary`).
"""

from __future__ import annotations

import threading

from ..api import Translator
from ..languages import Pair
from ..options import TranslateOptions
from ..terms.matcher import Matcher
from .glossaries import Glossaries


class Translators:
    """Translators made from the server's options: one model per pair, one matcher per glossary version."""

    def __init__(self, options: TranslateOptions, glossaries: Glossaries) -> None:
        self.options = options
        self.glossaries = glossaries
        self._resident: dict[Pair, Translator] = {}
        self._current: dict[tuple[Pair, str], tuple[Matcher, Translator]] = {}
        self._lock = threading.Lock()

    def resident(self, pair: Pair) -> Translator:
        """The pair's Translator without a glossary; its model loads here, once."""
        with self._lock:
            translator = self._resident.get(pair)
            if translator is None:
                translator = Translator.from_options(self.options.but(pair=pair, glossary=None))
                translator.engine  # noqa: B018 - the model loads here, once
                self._resident[pair] = translator
            return translator

    def translator(self, pair: Pair, glossary: str | None) -> Translator:
        """The resident Translator enforcing `glossary` as it is now (None: no glossary)."""
        resident = self.resident(pair)
        matcher = self.glossaries.matcher(glossary, pair)
        if matcher is None or glossary is None:
            return resident
        with self._lock:
            known = self._current.get((pair, glossary))
            if known is None or known[0] is not matcher:  # one Matcher per stored version
                known = (matcher, resident.with_glossary(matcher))
                self._current[(pair, glossary)] = known
            return known[1]
