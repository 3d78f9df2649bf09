"""Finding glossary terms in Dutch text the way a translator would.

Terms match on whole tokens (never "AIVD" inside "AIVDX"), case-insensitively unless an entry
is case-sensitive or has a capital inside a word (AIVD, ATb: matched exactly), in inflected forms
(see :mod:`vertaal.terms.dutch`), as parts of hyphenated compounds (AIVD-gebouw, oud-AIVD'er),
across line wraps and runs of spaces, and, for entries that ask for it, as parts of closed
compounds (gemeenteraad). Overlapping matches resolve leftmost-longest, so a nested term is not
counted twice. Rules for real government prose:

* a multi-word name written with capitals matches only where those words are capitalised
  ("Tweede Kamer" is not in "de tweede kamer van het museum");
* the last word of a multi-word term may open a closed compound ("Tweede Kamercommissie",
  "Tweede Kamerleden" hold "Tweede Kamer");
* an abbreviation in brackets may stand inside a name ("Wet op de inlichtingen- en
  veiligheidsdiensten (Wiv 2002)" holds "Wet op de inlichtingen- en veiligheidsdiensten 2002");
* a coordinated compound with an elided head holds two terms: "inlichtingen- en
  veiligheidsdiensten" holds inlichtingendienst (as "inlichtingen-") and veiligheidsdienst; both
  hits carry the pair in `coordination`, so the English coordination ("intelligence and security
  services") counts for both (see :mod:`vertaal.terms.forms`);
* soft hyphens and zero-width characters inside a word do not hide a term.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache

from ..text.reflow import INVISIBLE
from . import english
from .dutch import base_forms
from .entry import Entry

_SPACE = re.compile(r"\s")
_TOKEN = re.compile(r"\w+(?:['\u2019]\w+)*|[^\w\s]")
_SENTENCE_END = frozenset(".!?:")
_LINKING = ("s", "en", "e", "")  # gemeenteraadsvergadering: raad + s + vergadering
_CONJUNCTIONS = frozenset(("en", "of", "tot"))
MIN_COMPOUND_PART = 3
CHUNK = 65_536  # characters matched at once in a long text ...
OVERLAP = 2_048  # ... and how far a window reaches past it (longer than any term with its context)

Key = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Hit:
    """One occurrence of a glossary entry in a text."""

    entry: Entry
    start: int
    end: int
    surface: str
    inflected: bool
    compound: bool = False
    coordination: tuple[Entry, Entry] | None = None  # "inlichtingen- en veiligheidsdiensten": both entries

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


def is_case_marked(term: str) -> bool:
    """Terms with a capital inside a word (AIVD, NCTV, ATb), which match only as written."""
    return any(any(c.isupper() for c in word[1:]) for word in _TOKEN.findall(term))


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
        self._modes_of: list[_Mode] = []
        self._capitals: list[tuple[bool, ...] | None] = []  # multi-word names: which words need a capital
        for number, entry in enumerate(self.entries):
            mode = _Mode(
                entry.case_sensitive or is_case_marked(entry.source), fold_diacritics or entry.fold_diacritics
            )
            words = tokens(entry.source)
            self._modes_of.append(mode)
            capitals = tuple(w[:1].isupper() for w in words)
            self._capitals.append(capitals if len(words) > 1 and any(capitals) else None)
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
        return list(self.iter_find(text))

    def iter_find(self, text: str) -> Iterator[Hit]:
        """The hits of :meth:`find`, one at a time.

        A long text is matched in windows of about CHUNK characters that overlap by OVERLAP, so the
        token lists stay small whatever the text's length (a 20 MB single-line file, say).
        """
        if len(text) <= CHUNK + OVERLAP:
            yield from self._find_visible(text)
            return
        start, last_end = 0, 0
        while start < len(text):
            end = _boundary(text, start + CHUNK)
            window_end = _boundary(text, end + OVERLAP)
            for hit in self._find_visible(text[start:window_end]):
                if hit.start + start >= end and window_end < len(text):
                    break  # the next window finds it, with its full context
                last_end = hit.end + start
                yield replace(hit, start=hit.start + start, end=last_end)
            if window_end >= len(text):
                break
            start = max(end, last_end)

    def _find_visible(self, text: str) -> list[Hit]:
        if not INVISIBLE.search(text):
            return self._find(text)
        kept = [i for i, c in enumerate(text) if not INVISIBLE.match(c)]
        hits = self._find("".join(text[i] for i in kept))
        return [replace(h, start=kept[h.start], end=kept[h.end - 1] + 1) for h in hits]

    def _find(self, text: str) -> list[Hit]:
        spans = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
        words = [text[a:b] for a, b in spans]
        hits: list[Hit] = []
        i = 0
        while i < len(words):
            best = self._longest_at(words, i, self._sentence_start(text, words, spans, i), self.language)
            if best is None:
                pair = self._coordinated(text, words, spans, i)
                if pair:
                    hits += pair
                    i += 4
                    continue
                compound = self._compound_hit(text, words[i], spans[i][0])
                if compound:
                    hits.append(compound)
                i += 1
                continue
            length, number, inflected, cut = best
            start, end = spans[i][0], spans[i + length - 1][1]
            if cut is not None:  # the last word opens a closed compound (Tweede Kamercommissie)
                end = spans[i + length - 1][0] + cut
            elif i + length < len(words) and words[i + length] == ")" and "(" in words[i : i + length]:
                end = spans[i + length][1]  # the bracket around an inserted abbreviation
            surface = " ".join(text[start:end].split())
            compound = cut is not None or _in_hyphen_compound(words, i, length)
            hits.append(Hit(self.entries[number], start, end, surface, inflected, compound))
            i += length
        return hits

    def _longest_at(
        self, words: list[str], i: int, sentence_start: bool, language: str
    ) -> tuple[int, int, bool, int | None] | None:
        """(tokens spanned, entry, inflected, cut in the last word or None) of the longest match at i."""
        best: tuple[int, int, bool, int | None] | None = None
        for mode in self._modes:
            table = self._index[mode]
            for form, inflected in _forms(words[i], mode, sentence_start, language):
                for key, number in table.get(form, ()):
                    if best and len(key) < best[0]:
                        break  # sorted longest first: nothing longer follows
                    rest = _match_rest(words, i, key, mode, language)
                    if rest is None or not self._capitalised(number, words, rest[2], sentence_start):
                        continue
                    length = rest[2][-1] - i + 1
                    if best and (length, -number) <= (best[0], -best[1]):
                        continue
                    best = (length, number, inflected or rest[0], rest[1])
                    break
        return best

    def _capitalised(self, number: int, words: list[str], matched: list[int], sentence_start: bool) -> bool:
        """Whether the words of a multi-word name carry the capitals the entry writes."""
        capitals = self._capitals[number]
        if capitals is None:
            return True
        return all(words[j][:1].isupper() for j, cap in zip(matched, capitals, strict=True) if cap)

    def _coordinated(
        self, text: str, words: list[str], spans: list[tuple[int, int]], i: int
    ) -> list[Hit] | None:
        """Two hits for "inlichtingen- en veiligheidsdiensten": the elided head completes the first."""
        if i + 3 >= len(words) or words[i + 1] != "-" or words[i + 2].lower() not in _CONJUNCTIONS:
            return None
        second = self._longest_at(words, i + 3, False, self.language)
        head_word = words[i + 3]
        for cut in range(MIN_COMPOUND_PART, len(head_word) - MIN_COMPOUND_PART + 1):
            joined = words[i] + head_word[cut:]
            first = self._longest_at([joined], 0, self._sentence_start(text, words, spans, i), self.language)
            if first is None:
                continue
            entry = self.entries[first[1]]
            start, end = spans[i][0], spans[i + 1][1]
            if second is None or second[0] != 1:
                return [Hit(entry, start, end, text[start:end], first[2], True)]
            other = self.entries[second[1]]
            a, b = spans[i + 3]
            pair = (entry, other)
            return [
                Hit(entry, start, end, text[start:end], first[2], True, pair),
                Hit(other, a, b, text[a:b], second[2], False, pair),
            ]
        return None

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
    for base in base_forms(word) if language == "nl" else english.base_forms(word):
        seen.setdefault(mode.key(base), True)
    return tuple(seen.items())


def _word_forms(word: str, mode: _Mode, language: str = "nl") -> tuple[tuple[str, bool], ...]:
    return _word_forms_cached(word, mode.exact_case, mode.folded, language)


def _match_rest(
    words: list[str], i: int, key: Key, mode: _Mode, language: str
) -> tuple[bool, int | None, list[int]] | None:
    """None if the tokens from i do not spell `key`; else (any word inflected, where the last word
    is cut when it opens a closed compound, the indices of the matched words)."""
    inflected = False
    matched = [i]
    j = i
    for offset in range(1, len(key)):
        j += 1
        if j < len(words) and words[j] == "(" and key[offset] != "(":  # an inserted abbreviation
            skip = j + 1
            while skip < len(words) and skip - j <= 2 and words[skip][:1].isupper():
                skip += 1
            resumes = skip < len(words) and key[offset] in dict(_word_forms(words[skip], mode, language))
            if skip > j + 1 and resumes:
                j = skip  # "(Wiv 2002)": the abbreviation is skipped, the name goes on
        if j >= len(words):
            return None
        forms = dict(_word_forms(words[j], mode, language))
        if key[offset] in forms:
            inflected = inflected or forms[key[offset]]
            matched.append(j)
            continue
        last = offset == len(key) - 1
        opened = mode.key(words[j][: len(key[offset])])
        if last and opened == key[offset] and len(words[j]) - len(key[offset]) >= MIN_COMPOUND_PART:
            matched.append(j)
            return inflected, len(key[offset]), matched
        return None
    return inflected, None, matched


def _boundary(text: str, position: int) -> int:
    """The first whitespace at or after `position` (or the end): where a window may end."""
    if position >= len(text):
        return len(text)
    found = _SPACE.search(text, position)
    return found.start() if found else len(text)


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
