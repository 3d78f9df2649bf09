"""The candidate phrases of one Dutch sentence: names, noun phrases, compounds and abbreviations.

No part-of-speech tagger for Dutch is on PyPI, so a candidate is shaped the way term extractors
without one shape it: a run of content words inside a clause (between punctuation), not opening
or closing on a stop word, with only the words that join the parts of a name inside it ("Raad
van State", "Wet op de rechterlijke organisatie"). A single word is a candidate when it is a
compound (two known words, with a linking -s-, -e- or -en-: overheidsinformatie) or an
abbreviation (AIVD, RvS). A coordination with an elided head ("inlichtingen- en
veiligheidsdiensten") also yields each compound in full (inlichtingendiensten). Whether a
candidate is a *term* is decided later, by counting (:mod:`.termhood`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from ..terms.dutch import base_forms
from ..text import lexicon

MAX_WORDS = 6
MIN_COMPOUND = 8  # letters of a closed compound worth proposing (gemeenteraad has 11)
MIN_PART = 3
_LINKS = ("s", "en", "e", "")
# A word; a hyphen left open before a conjunction ("inlichtingen- en veiligheidsdiensten") stays on it.
_TOKEN = re.compile(r"\w+(?:['\u2019-]\w+)*(?:-(?=\s+(?:en|of|tot)\s))?|[^\w\s]")
_NUMBER = re.compile(r"^[\d.,:/-]+$")
# Function words, auxiliaries, frequent adverbs, ordinals and months (hand-listed: wordfreq's
# most frequent Dutch words also hold nouns such as "jaar" and "mensen", which may open a term).
STOP_WORDS = frozenset(
    """
    de het een der des den 't en of maar want dus noch doch dat die dit deze wat wie welke welk waar
    wanneer waarom hoe hoewel omdat als zoals dan toen terwijl indien mits tenzij zodat opdat nadat
    voordat totdat sinds zowel zij hij ze we wij jij je u uw ik mij me mijn jouw zijn haar hun hen
    ons onze jullie men zich zelf zichzelf elkaar iemand niemand iets niets alles allen iedereen
    van voor op in aan met bij door naar uit over onder tegen tussen tot om na naast binnen buiten
    zonder volgens via vanaf tijdens sinds rond omtrent inzake betreffende wegens ondanks per ter te
    is ben bent was waren wordt worden werd werden geworden zijn zijnde heb hebt heeft hebben had
    hadden kan kunnen kon konden kunt moet moeten moest moesten mag mogen mocht zal zullen zou
    zouden wil willen wilde laat laten gaat gaan ging doet doen deed gedaan komt komen kwam staat
    staan stond ligt liggen geldt gelden blijft blijven blijkt lijkt geeft geven gegeven krijgt
    krijgen maakt maken gemaakt houdt houden gaat betreft betreffen
    niet geen wel ook nog al reeds echter dan toch zo zeer erg heel meer meest minder minst veel
    weinig vaak soms altijd nooit nu hier daar er erin eraan ervan erop erover ermee hierin hierbij
    hiervan hierop hiermee daarin daarbij daarvan daarop daarmee daarom daardoor daarna daarnaast
    daarvoor waarin waarbij waarvan waarop waarmee waardoor waarvoor hierna hiervoor alleen
    slechts even eens weer verder vooral juist namelijk bijvoorbeeld bovendien overigens wellicht
    misschien mogelijk eigenlijk ongeveer circa andere ander anders alle elk elke ieder iedere
    enkele enige sommige veel vele beide zulke zo'n welke zowel zelfs ja nee jl aldus eerst
    eerste tweede derde vierde vijfde zesde zevende achtste negende tiende laatste volgende vorige
    één een twee drie vier vijf zes zeven acht negen tien honderd duizend miljoen miljard
    januari februari maart april mei juni juli augustus september oktober november december
    maandag dinsdag woensdag donderdag vrijdag zaterdag zondag jaar jaren maand week dag dagen
    nieuwe nieuw grote groot kleine klein goed goede belangrijk belangrijke mogelijke
    bepaalde bepaald bepalen onder andere zoveel samen hierna ten aanzien zie pagina artikel lid
    krachtens overeenkomstig ingevolge middels teneinde alsmede respectievelijk eventueel eventuele
    """.split()
)
# Words that may join the parts of a name or phrase, never open or close one.
CONNECTORS = frozenset("van voor op de het der en in tot inzake betreffende over met ter".split())
# The runs of them that join a name's parts ("Raad van State", "Wet op de inlichtingen- en ...").
_JOINS = frozenset(
    ("van", "van de", "van het", "voor", "voor de", "voor het", "op de", "op het", "op", "der", "en",
     "in", "in de", "tot", "inzake", "betreffende", "betreffende de", "over", "over de", "met", "ter")
)  # fmt: skip
KNOWN_ZIPF = 3.0  # a word at least this frequent in general Dutch is a word, dictionary or not: bluetooth
GENERAL_ZIPF = 4.0  # a word this frequent in general Dutch (wordfreq) is no compound term: openbare
_CONJUNCTIONS = frozenset(("en", "of", "tot"))


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


def is_stop(word: str) -> bool:
    return word.lower() in STOP_WORDS


def is_number(word: str) -> bool:
    return bool(_NUMBER.match(word))


def is_abbreviation(word: str) -> bool:
    """AIVD, NCTV, RvS, ATb, Wiv: two or more capitals, or a capital inside the word; not a number."""
    letters = word.replace("-", "")
    if not (2 <= len(letters) <= 10) or not letters[:1].isalpha() or "'" in word or "\u2019" in word:
        return False
    capitals = sum(c.isupper() for c in letters)
    return capitals >= 2 and (letters.isupper() or any(c.isupper() for c in letters[1:]))


def is_content(word: str) -> bool:
    """A word that may open or close a candidate."""
    return word[:1].isalnum() and not is_stop(word) and not is_number(word) and len(word) > 1


@lru_cache(maxsize=200_000)
def compound_split(word: str) -> tuple[str, str] | None:
    """(modifier, head) of a closed or hyphenated compound, or None: both parts are known words
    (simplemma's dictionary), the modifier perhaps with a linking -s-, -e- or -en-."""
    lower = word.lower()
    if "-" in lower:
        first, _, rest = lower.partition("-")
        return (first, rest) if len(first) >= 2 and len(rest) >= MIN_PART and rest.isalpha() else None
    if len(lower) < MIN_COMPOUND or not lower.isalpha():
        return None
    for cut in range(MIN_PART, len(lower) - MIN_PART + 1):
        head = lower[cut:]
        if not _known(head):
            continue
        modifier = lower[:cut]
        for link in _LINKS:
            stem = modifier[: len(modifier) - len(link)] if link else modifier
            if (not link or modifier.endswith(link)) and len(stem) >= MIN_PART and _known(stem):
                return modifier, head
    return None


def is_compound_term(word: str) -> bool:
    """A compound noun that general Dutch does not use often (overheidsinformatie; not openbare,
    not a verb such as verstrekken or an adjective such as herbruikbaar)."""
    if compound_split(word) is None or general_zipf(word) >= GENERAL_ZIPF:
        return False
    lower = word.lower()
    if lower.endswith(_ADJECTIVE_SUFFIXES) or is_verb_form(word) or is_inflected_adjective(word):
        return False
    return not (lower.endswith("en") and lexicon.is_known(lower) and lexicon.lemma(lower).lower() == lower)


_ADJECTIVE_SUFFIXES = ("baar", "bare", "lijk", "lijke", "loos", "loze", "ig", "ige", "isch", "ische", "matig",
                       "matige", "end", "ende")  # fmt: skip


@lru_cache(maxsize=200_000)
def general_zipf(text: str) -> float:
    """How frequent `text` is in general Dutch, on wordfreq's Zipf scale (0: unseen, 7: "de")."""
    from wordfreq import zipf_frequency

    return zipf_frequency(text, "nl")


def _known(word: str) -> bool:
    """A word simplemma's dictionary holds (perhaps inflected), or that general Dutch uses (data, app)."""
    if lexicon.is_known(word) or general_zipf(word) >= KNOWN_ZIPF:
        return True
    forms = base_forms(word)
    return bool(forms) and lexicon.is_known(forms[0])


def elided(first: str, second: str) -> str | None:
    """The full compound a left-open word stands for: ("inlichtingen-", "veiligheidsdiensten") ->
    "inlichtingendiensten" (the head of the second completes the first)."""
    split = compound_split(second)
    if split is None or not first.endswith("-"):
        return None
    head = second[len(second) - len(split[1]) :]
    return first[:-1] + head


def key(word: str) -> str:
    """The grouping key of a word: its lemma, lower case (an abbreviation keeps its case)."""
    if is_abbreviation(word):
        return word
    lower = word.lower()
    if lexicon.is_known(lower):
        return lexicon.lemma(lower).lower()
    forms = base_forms(lower)
    return forms[0] if forms else lower


def candidates(sentence: str) -> Iterator[Found]:
    """Every candidate occurrence in one sentence."""
    words = tokens(sentence)
    for start, clause in _clauses(words):
        yield from _in_clause(clause, initial=start == 0)


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


def _in_clause(words: list[str], initial: bool) -> Iterator[Found]:
    for i, word in enumerate(words):
        opens = initial and i == 0
        if is_abbreviation(word):
            yield Found((word,), "abbreviation", opens)
        elif is_content(word) and not word.endswith("-") and is_compound_term(word):
            yield Found((word,), "compound", opens)
        if word.endswith("-") and i + 2 < len(words) and words[i + 1].lower() in _CONJUNCTIONS:
            full = elided(word, words[i + 2])
            if full:
                yield Found((full,), "compound", opens)
        if not is_content(word) or word.endswith("-"):
            continue
        for n in range(2, MAX_WORDS + 1):
            span = words[i : i + n]
            if len(span) < n:
                break
            last = span[-1]
            if not _joinable(span):
                break
            if _closes(last) or (is_number(last) and _takes_year(span[-2])):
                kind = "name" if word[:1].isupper() and not word.isupper() else "phrase"
                yield Found(tuple(span), kind, opens)


def _closes(word: str) -> bool:
    """Whether a noun phrase may end on `word`: a content word, not an adjective ("openbare",
    "beschikbaar") and not an infinitive ("hanteren")."""
    if not is_content(word) or word.endswith("-") or is_inflected_adjective(word):
        return False
    lower = word.lower()
    if lower.endswith(_ADJECTIVE_SUFFIXES) and not word[:1].isupper():
        return False
    return not (lower.endswith("en") and lexicon.is_known(lower) and lexicon.lemma(lower).lower() == lower)


def _takes_year(word: str) -> bool:
    """A law's name or an abbreviation followed by its year: Archiefwet 1995, Wiv 2002."""
    return word.lower().endswith("wet") or is_abbreviation(word)


def _joinable(span: list[str]) -> bool:
    """Whether the inner words may stand inside one candidate: content words other than verbs, and
    the runs of words that join a name's parts ("van de", "op de"; "en" after a left-open word or
    between capitals)."""
    if any(is_verb_form(w) for w in span):
        return False
    run: list[str] = []
    for j, word in enumerate(span[1:-1], start=1):
        if is_content(word):
            if run and not _joins(run, span[j - len(run) - 1], word):
                return False
            run = []
        elif word.lower() in CONNECTORS:
            run.append(word.lower())
        else:
            return False
    if run and span[-1][:1].isalnum() and not _joins(run, span[-len(run) - 2], span[-1]):
        return False
    return not is_number(span[-1]) or len(span) > 2 or span[0][:1].isupper()


def _joins(run: list[str], left: str, right: str) -> bool:
    joined = " ".join(run)
    if joined not in _JOINS:
        return False
    if joined == "en":  # "hergebruik en openbaarmaking" is two terms; "Adressen en Gebouwen" one name
        return left.endswith("-") or (left[:1].isupper() and right[:1].isupper())
    return True


@lru_cache(maxsize=200_000)
def is_inflected_adjective(word: str) -> bool:
    """ "openbare" (openbaar), "rechterlijke": an adjective's -e form, which opens a noun phrase
    but never closes one."""
    lower = word.lower()
    if not lower.endswith("e") or not lexicon.is_known(lower):
        return False
    lemma = lexicon.lemma(lower).lower()
    return lemma != lower and not lemma.endswith("e")


@lru_cache(maxsize=200_000)
def is_verb_form(word: str) -> bool:
    """A finite verb or participle ("werkt", "geregeld"): simplemma's lemma is an infinitive and the
    word neither a plural (-s, -en) nor an inflected adjective (-e)."""
    lower = word.lower()
    if not lower.endswith(("t", "d")) or not lexicon.is_known(lower):
        return False  # "gebruik" (also a noun) and "verzoek" stay
    lemma = lexicon.lemma(lower).lower()
    return lemma != lower and lemma.endswith("en")
