"""Finding glossary terms in Dutch text the way a translator would.

Terms match on whole tokens (never "AIVD" inside "AIVDX"), case-insensitively unless an entry
is case-sensitive or an all-capital acronym, in inflected forms (see :mod:`vertaal.dutch`), as
parts of hyphenated compounds (AIVD-gebouw, oud-AIVD'er), across line wraps and runs of spaces,
and, for entries that ask for it, as parts of closed compounds (gemeenteraad). Overlapping
matches resolve leftmost-longest, so a nested term is not counted twice.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from .dutch import base_forms
from .entry import Entry

_TOKEN = re.compile(r"\w+(?:['\u2019]\w+)*|[^\w\s]")
_SENTENCE_END = frozenset(".!?:")
_LINKING = ("s", "en", "e", "")  # gemeenteraadsvergadering: raad + s + vergadering
MIN_COMPOUND_PART = 3

Key = tuple[str, ...]


@dataclass(frozen=True)
class Hit:
    """One occurrence of a glossary entry in a text."""

    entry: Entry
    start: int
    end: int
    surface: str
    inflected: bool
    compound: bool = False

    def to_dict(self) -> dict[str, object]:
        return {
            "source": self.entry.source,
            "target": self.entry.target,
            "kind": self.entry.kind,
            "surface": self.surface,
            "start": self.start,
            "end": self.end,
            "inflected": self.inflected,
            "compound": self.compound,
        }


def fold(text: str) -> str:
    """Remove diacritics: Coördinator -> Coordinator."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def is_acronym(term: str) -> bool:
    """All-capital terms such as AIVD or NCTV, which match only in capitals by default."""
    letters = [c for c in term if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


@dataclass(frozen=True)
class _Mode:
    exact_case: bool
    folded: bool

    def key(self, token: str) -> str:
        token = token if self.exact_case else token.lower()
        return fold(token) if self.folded else token


_MODES = [_Mode(c, f) for c in (False, True) for f in (False, True)]


class Matcher:
    """A term matcher for one set of entries; build it once and reuse it."""

    def __init__(
        self, entries: Iterable[Entry], *, fold_diacritics: bool = False, language: str = "nl"
    ) -> None:
        self.entries = [e.normalised() for e in entries if e.source.strip()]
        self.language = language
        self._index: dict[_Mode, dict[str, list[tuple[Key, int]]]] = {}
        self._compound: dict[_Mode, dict[str, int]] = {}
        for number, entry in enumerate(self.entries):
            mode = _Mode(
                entry.case_sensitive or is_acronym(entry.source), fold_diacritics or entry.fold_diacritics
            )
            words = tokens(entry.source)
            key = tuple(mode.key(w) for w in words)
            self._index.setdefault(mode, {}).setdefault(key[0], []).append((key, number))
            if entry.compounds and len(words) == 1:
                self._compound.setdefault(mode, {}).setdefault(key[0], number)
        for table in self._index.values():
            for candidates in table.values():
                candidates.sort(key=lambda item: -len(item[0]))
        self._modes = list(self._index)

    def __len__(self) -> int:
        return len(self.entries)

    def find(self, text: str) -> list[Hit]:
        """Every occurrence of every entry, in text order; overlaps resolve leftmost-longest."""
        spans = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
        words = [text[a:b] for a, b in spans]
        hits: list[Hit] = []
        i = 0
        while i < len(words):
            best = self._longest_at(words, i, self._sentence_start(text, words, spans, i), self.language)
            if best is None:
                compound = self._compound_hit(text, words[i], spans[i][0])
                if compound:
                    hits.append(compound)
                i += 1
                continue
            length, number, inflected = best
            start, end = spans[i][0], spans[i + length - 1][1]
            surface = " ".join(text[start:end].split())
            compound = _in_hyphen_compound(words, i, length)
            hits.append(Hit(self.entries[number], start, end, surface, inflected, compound))
            i += length
        return hits

    def _longest_at(
        self, words: list[str], i: int, sentence_start: bool, language: str
    ) -> tuple[int, int, bool] | None:
        best: tuple[int, int, bool] | None = None
        for mode in self._modes:
            table = self._index[mode]
            for form, inflected in _forms(words[i], mode, sentence_start, language):
                for key, number in table.get(form, ()):
                    if best and len(key) < best[0]:
                        break  # sorted longest first: nothing longer follows
                    if best and len(key) == best[0] and number >= best[1]:
                        continue
                    rest = _match_rest(words, i, key, mode, language)
                    if rest is not None:
                        best = (len(key), number, inflected or rest)
                        break
        return best

    def _compound_hit(self, text: str, word: str, offset: int) -> Hit | None:
        for mode, table in self._compound.items():
            found = _compound_part(word, mode, table, self.language)
            if found:
                a, b, number, inflected = found
                return Hit(self.entries[number], offset + a, offset + b, word[a:b], inflected, True)
        return None

    @staticmethod
    def _sentence_start(text: str, words: list[str], spans: list[tuple[int, int]], i: int) -> bool:
        if i == 0:
            return True
        if words[i - 1] in _SENTENCE_END:
            return True
        return text.count("\n", spans[i - 1][1], spans[i][0]) >= 2


def _forms(word: str, mode: _Mode, sentence_start: bool, language: str) -> tuple[tuple[str, bool], ...]:
    """Keys under which `word` can match in `mode`, each with whether it is an inflected form."""
    forms = _word_forms(word, mode, language)
    if sentence_start and mode.exact_case and word[:1].isupper() and not word.isupper():
        lowered = word[:1].lower() + word[1:]
        forms = forms + tuple(f for f in _word_forms(lowered, mode, language) if f not in forms)
    return forms


@lru_cache(maxsize=500_000)
def _word_forms_cached(
    word: str, exact_case: bool, folded: bool, language: str
) -> tuple[tuple[str, bool], ...]:
    mode = _Mode(exact_case, folded)
    seen = {mode.key(word): False}
    for base in base_forms(word) if language == "nl" else _other_base_forms(word):
        seen.setdefault(mode.key(base), True)
    return tuple(seen.items())


def _other_base_forms(word: str) -> tuple[str, ...]:
    """For non-Dutch source text: clitics and regular English plurals only."""
    for mark in ("'", "\u2019"):
        if mark in word:
            return (word.split(mark, 1)[0],)
    lower = word.lower()
    if lower.endswith("ies") and len(word) > 4:
        return (word[:-3] + "y",)
    if lower.endswith("es") and len(word) > 4:
        return (word[:-2], word[:-1])
    if lower.endswith("s") and not lower.endswith("ss") and len(word) > 3:
        return (word[:-1],)
    return ()


def _word_forms(word: str, mode: _Mode, language: str = "nl") -> tuple[tuple[str, bool], ...]:
    return _word_forms_cached(word, mode.exact_case, mode.folded, language)


def _match_rest(words: list[str], i: int, key: Key, mode: _Mode, language: str) -> bool | None:
    """None if tokens after i do not continue `key`; else whether any of them was inflected."""
    if i + len(key) > len(words):
        return None
    inflected = False
    for offset in range(1, len(key)):
        forms = dict(_word_forms(words[i + offset], mode, language))
        if key[offset] not in forms:
            return None
        inflected = inflected or forms[key[offset]]
    return inflected


def _in_hyphen_compound(words: list[str], i: int, length: int) -> bool:
    before = i > 0 and words[i - 1] == "-"
    after = i + length < len(words) and words[i + length] == "-"
    return before or after


def _compound_part(
    word: str, mode: _Mode, table: dict[str, int], language: str
) -> tuple[int, int, int, bool] | None:
    """A compound-matching entry as the last or first part of `word`: (start, end, entry, inflected)."""
    n = len(word)
    for cut in range(MIN_COMPOUND_PART, n - MIN_COMPOUND_PART + 1):
        tail = word[cut:]
        for form, inflected in _word_forms(tail, mode, language):
            if form in table:
                return cut, n, table[form], inflected
    for cut in range(n - MIN_COMPOUND_PART, MIN_COMPOUND_PART - 1, -1):
        head = word[:cut]
        for link in _LINKING:
            if link and not head.endswith(link):
                continue
            stem = head[: len(head) - len(link)] if link else head
            key = mode.key(stem)
            if len(stem) >= MIN_COMPOUND_PART and key in table:
                return 0, len(stem), table[key], False
    return None


def line_column(text: str) -> Callable[[int], tuple[int, int]]:
    """A function mapping an offset in `text` to a 1-based (line, column)."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(starts, offset) - 1
        return line + 1, offset - starts[line] + 1

    return position
