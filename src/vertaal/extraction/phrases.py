"""The candidate phrases of one sentence: names, noun phrases, compounds and abbreviations. The
language's lists and rules come from :mod:`.language_rules`; the examples here are Dutch.

No part-of-speech tagger for Dutch is on PyPI, so a candidate is shaped the way term extractors
without one shape it: a run of content words inside a clause (between punctuation), not opening
or closing on a stop word, with only the words that join the parts of a name inside it ("Raad
van State", "Wet op de rechterlijke organisatie"). A single word is a candidate when it is a
compound (two known words, with a linking -s-, -e- or -en-: overheidsinformatie) or an
abbreviation (AIVD, RvS). A coordination with an elided head ("inlichtingen- en
veiligheidsdiensten") also yields each compound in full (inlichtingendiensten). English is read
the same way ("Council of State", "counterterrorism"). A clause in capitals yields nothing. Whether a
candidate is a *term* is decided later, by counting (:mod:`.termhood`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from .language_rules import Language

MAX_WORDS = 6
MIN_COMPOUND = 8  # letters of a closed compound worth proposing (gemeenteraad has 11)
MIN_PART = 3
# A word; a hyphen left open before a conjunction ("inlichtingen- en veiligheidsdiensten", "pre- and
# post-war") stays on it.
_TOKEN = re.compile(r"\w+(?:['\u2019-]\w+)*(?:-(?=\s+(?:en|of|tot|and|or|to)\s))?|[^\w\s]")
_NUMBER = re.compile(r"^[\d.,:/-]+$")
KNOWN_ZIPF = 3.0  # a word at least this frequent in the language is a word, dictionary or not: bluetooth
SHOUTED_ZIPF = 3.5  # a dictionary word this frequent, in capitals, is shouted: CAUTION (4.0), not COVID-19
GENERAL_ZIPF = 4.0  # a word this frequent in the language (wordfreq) is no compound term: openbare


@dataclass(frozen=True, slots=True)
class Found:
    """A candidate occurrence: its words as written, its kind, and whether it opens the sentence."""

    words: tuple[str, ...]
    kind: str
    initial: bool

    @property
    def text(self) -> str:
        return _join(self.words)


def tokens(sentence: str) -> list[str]:
    return _TOKEN.findall(sentence)


def _join(words: tuple[str, ...]) -> str:
    return " ".join(words).replace(" - ", "-")


def is_stop(word: str, lang: Language) -> bool:
    """A function word; an abbreviation that spells one is not (OM, US, IT)."""
    return word.lower() in lang.stop_words and not (len(word) > 1 and word.isupper())


def is_number(word: str) -> bool:
    return bool(_NUMBER.match(word))


def is_abbreviation(word: str) -> bool:
    """AIVD, NCTV, RvS, ATb, Wiv: two or more capitals, or a capital inside the word; not a number."""
    letters = word.replace("-", "")
    if not (2 <= len(letters) <= 10) or not letters[:1].isalpha() or "'" in word or "\u2019" in word:
        return False
    capitals = sum(c.isupper() for c in letters)
    return capitals >= 2 and (letters.isupper() or any(c.isupper() for c in letters[1:]))


def is_content(word: str, lang: Language) -> bool:
    """A word that may open or close a candidate."""
    return word[:1].isalnum() and not is_stop(word, lang) and not is_number(word) and len(word) > 1


@lru_cache(maxsize=200_000)
def compound_split(word: str, lang: Language) -> tuple[str, str] | None:
    """(modifier, head) of a closed or hyphenated compound, or None: both parts are known words
    (simplemma's dictionary), the modifier perhaps with a linking element (Dutch -s-, -e-, -en-)."""
    lower = word.lower()
    if "-" in lower:
        first, _, rest = lower.partition("-")
        return (first, rest) if len(first) >= 2 and len(rest) >= MIN_PART and rest.isalpha() else None
    if len(lower) < MIN_COMPOUND or not lower.isalpha():
        return None
    for cut in range(MIN_PART, len(lower) - MIN_PART + 1):
        head = lower[cut:]
        if not _known(head, lang):
            continue
        modifier = lower[:cut]
        for link in lang.links:
            stem = modifier[: len(modifier) - len(link)] if link else modifier
            if (not link or modifier.endswith(link)) and len(stem) >= MIN_PART and _known(stem, lang):
                return modifier, head
    return None


def is_compound_term(word: str, lang: Language) -> bool:
    """A compound noun that the language does not use often (overheidsinformatie, counterterrorism;
    not openbare, not a verb such as verstrekken or an adjective such as herbruikbaar)."""
    if compound_split(word, lang) is None or general_zipf(word, lang) >= GENERAL_ZIPF:
        return False
    small = word[:1].lower() + word[1:]  # "Infringing" opening a sentence is the verb form still
    if word.lower().endswith(lang.adjective_suffixes) or lang.is_verb_form(small) or lang.may_be_verb(small):
        return False
    return not (lang.is_inflected_adjective(word) or lang.is_infinitive(word))


@lru_cache(maxsize=200_000)
def general_zipf(text: str, lang: Language) -> float:
    """How frequent `text` is in the language at large, on wordfreq's Zipf scale (0: unseen, 7: "de")."""
    from wordfreq import zipf_frequency

    return zipf_frequency(text, lang.code)


def _known(word: str, lang: Language) -> bool:
    """A word simplemma's dictionary holds (perhaps inflected), or that the language uses (data, app)."""
    if lang.is_known(word) or general_zipf(word, lang) >= KNOWN_ZIPF:
        return True
    forms = lang.base_forms(word)
    return bool(forms) and lang.is_known(forms[0])


def elided(first: str, second: str, lang: Language) -> str | None:
    """The full compound a left-open word stands for: ("inlichtingen-", "veiligheidsdiensten") ->
    "inlichtingendiensten" (the head of the second completes the first); ("pre-", "post-war") ->
    "pre-war"."""
    split = compound_split(second, lang)
    if split is None or not first.endswith("-"):
        return None
    head = second[len(second) - len(split[1]) :]
    return first + head if "-" in second else first[:-1] + head


def key(word: str, lang: Language) -> str:
    """The grouping key of a word: its lemma, lower case (an abbreviation keeps its case; a plural
    one, IRAs, is keyed as IRA)."""
    if not is_abbreviation(word):
        return lang.key(word)
    return word[:-1] if word.endswith("s") and len(word) > 2 and word[:-1].isupper() else word


def candidates(sentence: str, lang: Language) -> Iterator[Found]:
    """Every candidate occurrence in one sentence."""
    words = tokens(sentence)
    for start, clause in _clauses(words):
        if not _shouted(clause, lang):
            yield from _in_clause(clause, start == 0, lang)


def _shouted(words: list[str], lang: Language) -> bool:
    """A clause in capitals (a heading, "THE THREAT LEVEL IN 2024"; a label, "CAUTION"): its words'
    case says nothing, so it yields no candidates (its terms occur in the text beneath it). Told
    from a run of abbreviations ("AIVD, MIVD en NCTV", "UNESCO and NATO") by its words in capitals
    that the language's dictionary holds: two, or the clause's one word."""
    letters = [w for w in words if w[:1].isalpha()]
    capitals = [w for w in letters if w.isupper()]
    words_in_capitals = sum(1 for w in capitals if _dictionary_word(w, lang))
    if len(letters) == 1:
        return words_in_capitals == 1
    return words_in_capitals >= 2 and len(capitals) * 2 > len(letters)


def _dictionary_word(word: str, lang: Language) -> bool:
    """A function word (HET, THE), or a frequent word of four letters or more (THREAT, CAUTION)."""
    lower = word.lower()
    if lower in lang.stop_words:
        return True
    frequent = lang.is_known(lower) and general_zipf(lower, lang) >= SHOUTED_ZIPF
    return len(word) >= 4 and word.isalpha() and frequent


def _clauses(words: list[str]) -> Iterator[tuple[int, list[str]]]:
    """Runs of words between punctuation (a hyphen inside a word is part of it), with their offset."""
    run: list[str] = []
    start = 0
    for index, word in enumerate(words):
        if word[:1].isalnum():
            if not run:
                start = index
            run.append(word)
        else:
            if run:
                yield start, run
            run = []
    if run:
        yield start, run


def _in_clause(words: list[str], initial: bool, lang: Language) -> Iterator[Found]:
    for i, word in enumerate(words):
        opens = initial and i == 0
        if is_abbreviation(word):
            yield Found((word,), "abbreviation", opens)
        elif is_content(word, lang) and not word.endswith("-") and is_compound_term(word, lang):
            yield Found((word,), "compound", opens)
        if word.endswith("-") and i + 2 < len(words) and words[i + 1].lower() in lang.conjunctions:
            full = elided(word, words[i + 2], lang)
            if full:
                yield Found((full,), "compound", opens)
        if not is_content(word, lang) or word.endswith("-"):
            continue
        in_name = lang.title_case and _inside_a_name(words, i, lang, initial)
        for n in range(2, MAX_WORDS + 1):
            span = words[i : i + n]
            if len(span) < n:
                break
            last = span[-1]
            if not _joinable(span, lang, opens) or (in_name and not last[:1].isupper()):
                break
            if _closes(last, lang) or (is_number(last) and lang.takes_year(span[-2])):
                kind = "name" if word[:1].isupper() and not word.isupper() else "phrase"
                yield Found(tuple(span), kind, opens)


def _closes(word: str, lang: Language) -> bool:
    """Whether a noun phrase may end on `word`: a content word, not an adjective ("openbare",
    "beschikbaar", "available") and not an infinitive ("hanteren")."""
    if not is_content(word, lang) or word.endswith("-") or lang.is_inflected_adjective(word):
        return False
    if word.lower().endswith(lang.adjective_suffixes) and not word[:1].isupper():
        return False
    return not lang.is_infinitive(word)


def _joinable(span: list[str], lang: Language, opens: bool = False) -> bool:
    """Whether the inner words may stand inside one candidate: content words other than verbs (an
    English participle may open it: "automated decision-making"), and the runs of words that join
    a name's parts ("van de", "of the"; "en", "and" after a left-open word or between capitals).
    `opens`: the span opens the sentence, so its first capital says nothing."""
    first = lang.is_verb_form(span[0]) and not lang.modifies(span[0])
    if first or any(lang.is_verb_form(w) for w in span[1:]):
        return False
    if lang.title_case and _runs_on_from_a_name(span, lang, opens):
        return False
    if _holds_a_likely_verb(span, lang, opens):
        return False
    run: list[str] = []
    for j, word in enumerate(span[1:-1], start=1):
        if is_content(word, lang):
            if run and not _joins(run, span[j - len(run) - 1], word, lang):
                return False
            run = []
        elif word.lower() in lang.connectors:
            run.append(word.lower())
        else:
            return False
    if run and span[-1][:1].isalnum() and not _joins(run, span[-len(run) - 2], span[-1], lang):
        return False
    return not is_number(span[-1]) or len(span) > 2 or span[0][:1].isupper()


def _inside_a_name(words: list[str], i: int, lang: Language, initial: bool) -> bool:
    """Whether words[i], capitalised, goes on a capitalised name ("State" in "Council of State"): a
    span from it holds no lower-case word ("State advises"). The sentence's first word is no name
    for its capital alone."""
    if not words[i][:1].isupper() or i == 0:
        return False
    at = i - 1
    if words[at].lower() in lang.connectors and at > 0:
        at -= 1
    before = words[at]
    return before[:1].isupper() and is_content(before, lang) and not (initial and at == 0)


def _holds_a_likely_verb(span: list[str], lang: Language, opens: bool) -> bool:
    """ "exception permits circumvention", "DMCA amends", "act of circumventing": a word that is
    likelier a verb than a noun, before the span's last word, or closing it after a name or an
    abbreviation (its subject) or, as an -ing form, after a preposition."""
    inner = any(w.endswith("s") and lang.may_be_verb(w) for w in span[:-1])
    last = span[-1]
    if inner or not lang.may_be_verb(last):
        return inner
    before = span[-2]
    if last.endswith("s"):  # after a subject ("DMCA amends"); not after the sentence's first word
        return before[:1].isupper() and not (opens and len(span) == 2)
    return last.endswith("ing") and before in lang.connectors  # not "protection of copyright"


def _runs_on_from_a_name(span: list[str], lang: Language, opens: bool) -> bool:
    """ "Council of State advises": a lower-case content word after two capitalised ones (in a
    language whose names capitalise each word, a name ends at its last capital)."""
    capitals = 0
    for j, word in enumerate(span):
        if word[:1].isupper() and not (opens and j == 0):
            capitals += 1
        elif capitals >= 2 and is_content(word, lang):
            return True
    return False


def _joins(run: list[str], left: str, right: str, lang: Language) -> bool:
    joined = " ".join(run)
    if joined not in lang.joins:
        return False
    if joined in lang.coordinators:  # "hergebruik en openbaarmaking" is two terms; "Adressen en Gebouwen" one
        capitals = left[:1].isupper() and right[:1].isupper()
        names = capitals and not (is_abbreviation(left) or is_abbreviation(right))  # "MIVD en NCTV" is two
        return left.endswith("-") or names
    return True
