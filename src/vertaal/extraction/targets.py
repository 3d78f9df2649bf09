"""Targets for the candidates, from the user's own translations, or from the model as a fallback.

*From segment pairs*: every target n-gram of a segment whose source holds the candidate (found by
the glossary's own matcher, so inflected forms count) co-occurs with it. Two streamed passes: the
first counts co-occurrences (each candidate keeps its most frequent n-grams, so memory is
bounded), the second how often each of those n-grams occurs at all. The proposals are ranked by
the Dice coefficient, 2·both / (source + target), with the log-likelihood ratio (Dunning 1993) as
evidence; an n-gram that opens or closes on an English function word is never proposed ("the
Council of State" is "Council of State").

*From the model*: the words of its translation of the term's first example that attend to the
term, or the term translated alone; the proposal is marked ``model``, and its evidence says which,
and whether the example's translation uses it. Each example is decoded once.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from ..terms.entry import Entry
from ..terms.matcher import Matcher
from .candidates import Candidate, Example, Proposal
from .language_rules import LANGUAGES
from .sources import Segment

MAX_PROPOSALS = 3
MAX_NGRAM = 6
KEPT_NGRAMS = 300  # per candidate, between prunings
PRUNE_EVERY = 2_000  # segment pairs
MIN_DICE = 0.1
LENGTH_PENALTY = 0.05  # Dice given up per word a proposal is longer or shorter than expected
_WORD = re.compile(r"\w+(?:['\u2019.-]\w+)*")
FUNCTION_WORDS = {
    "en": frozenset(
        """a an the of and or to in on for with by from at as is are was were be been being this that
        these those it its their his her our your my which who whom whose not no nor but so if than
        then there here has have had do does did will would shall should can could may might must
        also such any all each every some more most other into about over under after before""".split()
    ),
    "nl": frozenset("de het een van en of in op voor met door aan bij te is zijn die dat dit deze".split()),
}


def target_ngrams(text: str, language: str = "en", max_n: int = MAX_NGRAM) -> dict[str, str]:
    """The n-grams of a target segment that may be a term's translation: key -> surface. The key is
    lower case and, in English, singular ("intelligence services" counts as "intelligence service")."""
    stop = FUNCTION_WORDS.get(language, frozenset())
    words = _WORD.findall(text)
    found: dict[str, str] = {}
    for i, first in enumerate(words):
        if first.lower() in stop:
            continue
        for n in range(1, max_n + 1):
            span = words[i : i + n]
            if len(span) < n:
                break
            if span[-1].lower() in stop:
                continue
            surface = " ".join(span)
            found.setdefault(_grouped(surface.lower(), language), surface)
    return found


def _grouped(phrase: str, language: str) -> str:
    """A lower-case phrase with its last word singular, so that a term's singular and plural count
    together: services -> service, agencies -> agency; diensten -> dienst."""
    lang = LANGUAGES.get(language)
    head, _, last = phrase.rpartition(" ")
    if lang is not None and last.isalpha():
        last = lang.singular(last)
    return f"{head} {last}" if head else last


class Alignment:
    """Co-occurrence counts between candidates and target n-grams over segment pairs."""

    def __init__(self, candidates: list[Candidate], pair: tuple[str, str]) -> None:
        self.candidates = candidates
        self.source_language, self.target_language = pair
        entries: dict[str, int] = {}
        for number, candidate in enumerate(candidates):
            for form in [candidate.source, *candidate.variants]:
                entries.setdefault(" ".join(form.split()), number)
        self._index = entries
        self.matcher = Matcher(
            [Entry(s, "?", source_lang=pair[0], target_lang=pair[1]) for s in entries], language=pair[0]
        )
        self.pairs = 0
        self.holding = Counter[int]()  # segment pairs whose source holds the candidate
        self.together: list[Counter[str]] = [Counter() for _ in candidates]
        self.surfaces: dict[str, Counter[str]] = {}  # key -> the n-gram as written, how often
        self.examples: list[list[Example]] = [[] for _ in candidates]
        self.totals = Counter[str]()

    def count(self, segments: Iterable[Segment]) -> None:
        """Pass 1: candidates in each source, co-occurring target n-grams."""
        for segment in segments:
            if not segment.target:
                continue
            self.pairs += 1
            found = self._held(segment.source)
            if not found:
                continue
            grams = target_ngrams(segment.target, self.target_language)
            for number in found:
                self.holding[number] += 1
                self.together[number].update(grams.keys())
                if len(self.examples[number]) < 3 and all(
                    e.source != segment.source for e in self.examples[number]
                ):
                    self.examples[number].append(Example(segment.source, segment.target))
            for key, surface in grams.items():
                self.surfaces.setdefault(key, Counter())[surface] += 1
            if self.pairs % PRUNE_EVERY == 0:
                self._prune()
        self._prune()

    def _held(self, source: str) -> set[int]:
        """The candidates a source holds, those inside a longer one included ("persoonsgegevens"
        in "verwerking van persoonsgegevens"): the matcher gives the longest match at a place, so
        each match's shorter stretches are matched again on their own."""
        found = set()
        for hit in self.matcher.iter_find(source):
            found.add(self._index[" ".join(hit.entry.source.split())])
            words = source[hit.start : hit.end].split()
            for i in range(len(words)):
                for j in range(i + 1, len(words) + 1):
                    if j - i < len(words):
                        stretch = " ".join(words[i:j])
                        found |= {
                            self._index[" ".join(inner.entry.source.split())]
                            for inner in self.matcher.iter_find(stretch)
                            if inner.start == 0 and inner.end == len(stretch)
                        }
        return found

    def _prune(self) -> None:
        for number, counts in enumerate(self.together):
            if len(counts) > KEPT_NGRAMS:
                self.together[number] = Counter(dict(counts.most_common(KEPT_NGRAMS)))
        kept = {key for counts in self.together for key in counts}
        self.surfaces = {k: v for k, v in self.surfaces.items() if k in kept}

    def count_totals(self, segments: Iterable[Segment]) -> None:
        """Pass 2: how many segment pairs hold each n-gram that co-occurred with a candidate."""
        wanted = {key for counts in self.together for key in counts}
        for segment in segments:
            if segment.target:
                grams = target_ngrams(segment.target, self.target_language)
                self.totals.update(key for key in grams if key in wanted)

    def propose(self) -> None:
        """Fill each candidate's targets (best first) and its examples with segment pairs."""
        for number, candidate in enumerate(self.candidates):
            source_count = self.holding[number]
            if not source_count:
                continue
            least = 1 if source_count == 1 else 2
            expected = expected_length(candidate.source, self.source_language, self.target_language)
            scored = []
            for key, both in self.together[number].items():
                if both < least:
                    continue
                total = max(self.totals[key], both)
                dice = 2 * both / (source_count + total)
                if dice >= MIN_DICE:
                    scored.append((dice, both, abs(len(key.split()) - expected), key, total))
            # Equal evidence (a phrase seen twice, and every n-gram of its two segments with it): the
            # length a translation of the term most likely has decides.
            scored.sort(key=lambda item: (-(item[0] - LENGTH_PENALTY * item[2]), -item[1], item[2], item[3]))
            candidate.targets = [
                Proposal(
                    self._surface(key),
                    dice,
                    "memory",
                    f"dice {dice:.2f}, llr {llr(both, source_count, total, self.pairs):.1f}, "
                    f"together in {both} of {source_count} segment pairs",
                )
                for dice, both, _, key, total in _distinct(scored)[:MAX_PROPOSALS]
            ]
            candidate.examples = self.examples[number] or candidate.examples


    def _surface(self, key: str) -> str:
        """The n-gram as most often written (of equals, the shorter: the singular)."""
        written = self.surfaces.get(key)
        return min(written.items(), key=lambda item: (-item[1], len(item[0])))[0] if written else key


def expected_length(source: str, language: str = "nl", target: str = "en") -> int:
    """How many words a translation of `source` likely has: a word each; from Dutch into English
    two for a compound, from English into Dutch one for two lower-case nouns in a row (location
    data: locatiegegevens)."""
    from .phrases import compound_split, is_abbreviation, tokens

    lang = LANGUAGES.get(language)
    words = [part for w in tokens(source) if w[:1].isalnum() for part in w.split("-") if part]
    if lang is None or language == target:
        return len(words) or 1
    if lang.code == "nl":
        return sum(2 if not is_abbreviation(w) and compound_split(w, lang) else 1 for w in words) or 1
    fused = sum(
        1
        for a, b in zip(words, words[1:], strict=False)
        if a.islower() and b.islower() and a not in lang.connectors and b not in lang.connectors
        and not a.endswith(_MODIFIER_ENDINGS)
    )  # fmt: skip
    return max(len(words) - fused, 1)


# English modifiers that stay a word of their own in Dutch (technical problem: technisch probleem;
# infected person: besmet persoon), where two nouns make one compound (personal data aside).
_MODIFIER_ENDINGS = ("al", "ic", "ive", "ous", "ful", "able", "ible", "less", "ary", "ed", "ly")


def _distinct(scored: list[tuple]) -> list[tuple]:
    """Proposals without one that only adds words to a better one with the same counts."""
    kept: list[tuple] = []
    for item in scored:
        if any(item[1] == other[1] and f" {other[3]} " in f" {item[3]} " for other in kept):
            continue
        kept.append(item)
    return kept


def llr(both: int, source: int, target: int, pairs: int) -> float:
    """Dunning's log-likelihood ratio (G²) of a 2x2 co-occurrence table."""
    k11, k12, k21 = both, source - both, target - both
    k22 = max(pairs - source - target + both, 0)

    def h(*counts: int) -> float:
        total = sum(counts)
        return sum(c * math.log(c / total) for c in counts if c)

    return max(2 * (h(k11, k12, k21, k22) - h(k11 + k12, k21 + k22) - h(k11 + k21, k12 + k22)), 0.0)


def propose_from_segments(
    candidates: list[Candidate], pair: tuple[str, str], segments: Callable[[], Iterable[Segment]]
) -> int:
    """Targets from segment pairs; `segments` is called once per pass. Returns the pairs read."""
    alignment = Alignment(candidates, pair)
    alignment.count(segments())
    if alignment.pairs:
        alignment.count_totals(segments())
        alignment.propose()
    return alignment.pairs


def propose_from_model(candidates: list[Candidate], translator: Any) -> None:
    """For candidates still without a target: the model's translation of the term in context,
    the words of its translation of the term's first example that attend to the term (CTranslate2's
    attention), where they share a word with the term translated alone; otherwise the term
    translated alone, checked against the example's translation. Marked ``model``, the evidence
    says which."""
    missing = [c for c in candidates if not c.targets]
    if not missing:
        return
    contexts = [c.examples[0].source if c.examples else "" for c in missing]
    in_context = _in_context(missing, contexts, translator)  # the examples decoded once, with attention
    rest = [ctx for c, ctx in zip(missing, contexts, strict=True) if c.source not in in_context]
    translated = translator.translate_blocks([c.source for c in missing] + rest).paragraphs()
    alone, whole = translated[: len(missing)], iter(translated[len(missing) :])
    for candidate, term in zip(missing, alone, strict=True):
        term = term.strip().rstrip(".")
        words, example = in_context.get(candidate.source) or (None, next(whole))
        if words and _shares_a_word(words, term):
            evidence = f"the model's translation of the term in its first example: \u201c{example}\u201d"
            candidate.targets = [Proposal(words, 1.0, "model", evidence)]
        elif term:
            used = term.lower() in example.lower()
            evidence = "the model's translation of the term alone; " + (
                "its translation of the first example uses it" if used else "its translation of the first "
                "example does not use it: check"
            )  # fmt: skip
            candidate.targets = [Proposal(term, 0.8 if used else 0.5, "model", evidence)]


def _shares_a_word(a: str, b: str) -> bool:
    words = set(re.findall(r"\w{3,}", b.lower()))
    return any(w in words for w in re.findall(r"\w{3,}", a.lower()))


def _in_context(
    candidates: list[Candidate], contexts: list[str], translator: Any
) -> dict[str, tuple[str | None, str]]:
    """source -> (its translation in context or None, the context's translation), for each
    candidate with a context, where the fast engine can say which words of the translation attend
    to the term; empty where it cannot."""
    engine = getattr(getattr(translator, "engine", None), "fast", None)
    asked = [(c, ctx) for c, ctx in zip(candidates, contexts, strict=True) if ctx]
    if engine is None or not asked:
        return {}
    aligned = engine.aligned([ctx for _, ctx in asked], translator.engine.decoding)
    found: dict[str, tuple[str | None, str]] = {}
    for (candidate, _), result in zip(asked, aligned, strict=True):
        span = _term_pieces(result.source, [candidate.source, *candidate.variants])
        words = result.span(*span) if span else None
        words = (words or "").strip(" .,;:!?()[]{}\"'\u2018\u2019\u201c\u201d\u00ab\u00bb")
        agrees = bool(words) and words.lower() in result.text.lower()
        found[candidate.source] = (words if agrees else None, result.text)
    return found


def _term_pieces(pieces: list[str], forms: list[str]) -> tuple[int, int] | None:
    """The source pieces (start, end) that spell one of the term's forms, whole words."""
    text, starts = "", []
    for piece in pieces:
        starts.append(len(text))
        text += piece.replace("\u2581", " ")
    for form in forms:
        match = re.search(rf"(?<!\w){re.escape(form)}(?!\w)", text, re.IGNORECASE)
        if match:
            # a piece's own start, past the space its word marker stands for
            own = [at + (piece[:1] == "\u2581") for at, piece in zip(starts, pieces, strict=True)]
            covered = [k for k, at in enumerate(own) if match.start() <= at < match.end()]
            if covered:
                return covered[0], covered[-1] + 1
    return None
