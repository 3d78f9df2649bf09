"""Counting candidates in bounded memory, and ranking them by termhood.

:class:`Tally` counts each candidate under a key of its words' lemmas, so inflected variants
group together (inlichtingendienst, inlichtingendiensten), and keeps a few examples per candidate.
When it holds more than `limit` candidates it drops the rarest (lossy counting, as Manku and
Motwani's frequent-item counters do), so memory stays flat however long the input. The source
language's rules (:mod:`.language_rules`) decide what a word and a candidate are.

:func:`rank` scores what was counted. A term is frequent in the user's texts and rare in general
Dutch or English (wordfreq's frequency lists, which ship their data), and a multi-word term is a unit:

* *specificity*: log10 of the word's frequency in the texts over its frequency in general Dutch,
  averaged over a phrase's content words;
* *unithood*: how often the phrase's rarest content word occurs inside this phrase;
* *independent frequency*: C-value's correction (Frantzi, Ananiadou & Mima 2000): a candidate that
  mostly occurs inside a longer one counts only its occurrences of its own ("Inlichtingen- en
  Veiligheidsdienst" inside "Algemene Inlichtingen- en Veiligheidsdienst");
* a written-out name that the text abbreviates, and its abbreviation, weigh more: the author marked
  them as names.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from . import phrases
from .abbreviations import definitions
from .candidates import Candidate, Example
from .language_rules import Language

Key = tuple[str, ...]
MAX_SURFACES = 8
MAX_EXAMPLES = 3
MAX_EXAMPLE_CHARS = 400
MIN_FREQUENCY = 2
DEFINED_WEIGHT = 1.5
_FLOOR = 1e-9  # general frequency of a word wordfreq has never seen (Zipf 0)


@dataclass
class Group:
    """One candidate's counts: occurrences, surface forms (weighted: a capital that only opens the
    sentence says less), examples, and the abbreviation pairing when the text makes it."""

    kind: str
    count: int = 0
    surfaces: dict[str, float] = field(default_factory=dict)
    examples: list[Example] = field(default_factory=list)
    abbreviation: str | None = None
    expansion: str | None = None
    defined: int = 0
    opened_only: bool = True  # seen only opening a sentence, where a capital says nothing

    def add(self, surface: str, initial: bool, example: Example | None) -> None:
        self.count += 1
        self.opened_only = self.opened_only and initial
        if surface in self.surfaces or len(self.surfaces) < MAX_SURFACES:
            self.surfaces[surface] = self.surfaces.get(surface, 0.0) + (0.4 if initial else 1.0)
        if example is not None and len(self.examples) < MAX_EXAMPLES:
            if all(e.source != example.source for e in self.examples):
                self.examples.append(example)

    def surface(self, lemma: str = "") -> str:
        """The form to propose: the most frequent, whatever its case; of equals, the lemma's (the
        glossary's form); in lower case where a compound or phrase is ever written so, else in
        its most frequent casing."""
        forms: Counter[str] = Counter()
        for surface, weight in self.surfaces.items():
            forms[surface.lower()] += weight
        form = max(forms, key=lambda f: (forms[f], f == lemma.lower(), -len(f)))
        if self.kind in ("compound", "phrase") and form in self.surfaces:
            return form  # written in lower case anywhere: its capitals came from a name or a heading
        cased = [s for s in self.surfaces if s.lower() == form]
        return max(cased, key=lambda s: (self.surfaces[s], not s[:1].isupper()))


class Tally:
    """Candidate counts over a stream of sentences, in bounded memory."""

    def __init__(self, lang: Language, limit: int = 200_000) -> None:
        self.lang = lang
        self.limit = limit
        self.groups: dict[Key, Group] = {}
        self.words: Counter[str] = Counter()
        self.total = 0
        self.floor = 1  # counts at or below it were dropped once (see _prune)
        # Defined one-word forms no phrase rule finds: Woo, Datagovernanceverordening (an unknown modifier).
        self.defined_words: set[str] = set()

    def add(self, sentence: str, example: Example | None = None) -> None:
        """Count the candidates, content words and abbreviation definitions of one sentence."""
        example = example or Example(sentence[:MAX_EXAMPLE_CHARS])
        lang = self.lang
        defined = []
        for word in phrases.tokens(sentence):
            if word[:1].isalnum():
                self.total += 1
                if phrases.is_content(word, lang):
                    self.words[phrases.key(word, lang)] += 1
                if word in self.defined_words:
                    defined.append(word)
        counted = set()
        for found in phrases.candidates(sentence, lang):
            key = tuple(phrases.key(w, lang) for w in found.words)
            group = self.groups.get(key)
            if group is None:
                group = self.groups[key] = Group(found.kind)
            elif group.opened_only and not found.initial and not group.defined:
                group.kind = found.kind  # "Personal data" opened a sentence; "personal data" is a phrase
            group.add(found.text, found.initial, example)
            counted.add(key)
        for word in defined:
            if (phrases.key(word, lang),) not in counted:
                self.groups[(phrases.key(word, lang),)].add(word, False, example)
        for short, written in definitions(sentence, lang):
            self._define(short, written, example)
        if len(self.groups) > self.limit or len(self.words) > self.limit:
            self._prune()

    def _define(self, short: str, written: str, example: Example) -> None:
        short_key = tuple(self._key(w) for w in short.split())
        known = self.groups.get(short_key)
        if known is not None and known.expansion and known.expansion.lower() != written.lower():
            return  # the first definition stands: a later bracket is a reference ("artikel 6, AVG")
        long_key = tuple(self._key(w) for w in phrases.tokens(written) if w[:1].isalnum())
        for key, surface, kind in ((long_key, written, "name"), (short_key, short, "abbreviation")):
            group = self.groups.get(key)
            if group is None:  # longer than a phrase may be, or held words a phrase may not
                group = self.groups[key] = Group(kind)
                group.add(surface, False, example)
            group.kind = kind
            group.defined += 1
            group.surfaces[surface] = group.surfaces.get(surface, 0.0) + 2.0  # as the author defines it
        self.groups[long_key].abbreviation = short
        self.groups[short_key].expansion = written
        for key, form in ((short_key, short), (long_key, written)):
            if len(key) == 1 and (self._key(form),) not in self._found_alone(form):
                self.defined_words.add(form)

    def _key(self, word: str) -> str:
        return phrases.key(word, self.lang)

    def _found_alone(self, word: str) -> set[Key]:
        """The one-word candidates the phrase rules find in `word` on its own."""
        found = phrases.candidates(word, self.lang)
        return {tuple(self._key(w) for w in f.words) for f in found if len(f.words) == 1}

    def _prune(self) -> None:
        """Drop the rarest candidates and words until a quarter of the room is free again."""
        while len(self.groups) > self.limit * 3 // 4 or len(self.words) > self.limit * 3 // 4:
            self.groups = {k: g for k, g in self.groups.items() if g.count > self.floor or g.defined}
            self.defined_words = {w for w in self.defined_words if (self._key(w),) in self.groups}
            self.words = Counter({k: n for k, n in self.words.items() if n > self.floor})
            self.floor += 1


def rank(tally: Tally, *, exclude=None, limit: int | None = None) -> list[Candidate]:
    """The candidates by termhood, best first; `exclude(surface)` leaves out what the glossary holds."""
    independent = _independent_counts(tally.groups, tally.lang)
    ranked: list[Candidate] = []
    for key, group in tally.groups.items():
        frequency = independent[key]
        if frequency < (1 if group.defined else MIN_FREQUENCY):
            continue
        surface = group.surface(" ".join(key))
        if _noise(surface, tally.lang) or (exclude is not None and any(exclude(s) for s in group.surfaces)):
            continue
        score = _score(tally, key, group, frequency)
        if score <= 0:
            continue
        variants = sorted(group.surfaces, key=lambda s: -group.surfaces[s])
        ranked.append(
            Candidate(
                source=surface,
                score=score,
                frequency=group.count,
                kind=group.kind,
                variants=[v for v in variants if v != surface],
                abbreviation=group.abbreviation,
                expansion=group.expansion,
                examples=list(group.examples),
            )
        )
    ranked.sort(key=lambda c: (-c.score, -c.frequency, c.source))
    return ranked[:limit] if limit else ranked


def _independent_counts(groups: dict[Key, Group], lang: Language) -> dict[Key, float]:
    """C-value's correction, counted against the candidates one word longer: a candidate's count
    less theirs ("data richtlijn" counts nothing of its own when it always follows "Open"). Where
    the language's finite verbs look like plurals (English "works", "raises"), a longer candidate
    may be the term and a verb, a different one each time, so only the most frequent of them is
    taken off ("intelligence service" keeps its count beside "intelligence service works")."""
    held: Counter[Key] = Counter()
    for key, group in groups.items():
        for inner in (key[1:], key[:-1]) if len(key) > 1 else ():
            if inner in groups:
                summed = held[inner] + group.count
                held[inner] = summed if lang.verbs_marked else max(held[inner], group.count)
    return {
        key: max(group.count - held[key], 1 if group.defined else 0) for key, group in groups.items()
    }


def _score(tally: Tally, key: Key, group: Group, frequency: float) -> float:
    lang = tally.lang
    content = [k for k in key if k not in lang.connectors and not phrases.is_number(k)]
    if not content:
        return 0.0
    total = max(tally.total, 1)
    if len(key) == 1:
        specificity = _specificity(group.count / total, group.surface(key[0]), lang)
        unithood = 1.0
    else:
        words = group.surface(" ".join(key)).split()
        pairs = [(k, w) for k, w in zip(key, words, strict=False) if k in content]
        specificity = sum(_specificity(tally.words.get(k, 1) / total, w, lang) for k, w in pairs) / len(pairs)
        rarest = min(max(tally.words.get(k, 1), 1) for k in content)
        unithood = min(1.0, group.count / rarest)
    weight = DEFINED_WEIGHT if group.defined else 1.0
    return math.log2(1 + frequency) * max(specificity, 0.05) * (0.5 + 0.5 * unithood) * weight


def _specificity(domain: float, word: str, lang: Language) -> float:
    general = max(10 ** (phrases.general_zipf(word.lower().rstrip("-"), lang) - 9), _FLOOR)
    return max(math.log10(domain / general), 0.0)


def _noise(surface: str, lang: Language) -> bool:
    """A candidate no glossary wants: a number, a date, a single letter, a stop phrase."""
    words = surface.split()
    if not words or all(phrases.is_number(w) or phrases.is_stop(w, lang) for w in words):
        return True
    return len(surface) < 2 or surface.lower() in lang.stop_phrases
