"""From glossary hits to decoding constraints, and from decoded output to per-term status.

Each hit of a *preferred* or *keep* entry becomes one requirement: its target phrase in token
ids, disjunctive over the acceptable forms (as written; with a capital first letter; the English
plural where the Dutch occurrence was a plural; each with and without the sentencepiece
leading-space marker). Forbidden targets become forbidden token sequences in every casing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .engine.constraints import Phrase, SentenceConstraints, State
from .terms import Hit

ENFORCED = "enforced"
UNFORCED = "unforced"
FAILED = "failed"
MEMORY = "memory"  # the translation came from the memory and holds the term
SPACE = "\u2581"
_PLURAL_ENDINGS = ("en", "s", "'s", "\u2019s")


@dataclass
class TermStatus:
    """What became of one glossary term occurrence in a translation."""

    source: str
    target: str
    surface: str
    kind: str
    status: str  # enforced | unforced (the model produced it unprompted) | failed
    forbidden_used: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "surface": self.surface,
            "kind": self.kind,
            "status": self.status,
            "forbidden_used": self.forbidden_used,
        }


def english_plural(phrase: str) -> str:
    """Pluralise the last word of an English phrase (level -> levels, agency -> agencies)."""
    head, _, word = phrase.rpartition(" ")
    lower = word.lower()
    if lower.endswith("y") and len(lower) > 1 and lower[-2] not in "aeiou":
        plural = word[:-1] + "ies"
    elif lower.endswith(("s", "x", "z", "ch", "sh")):
        plural = word + "es"
    elif not word or not word[-1].isalpha() or word.isupper():
        return phrase
    else:
        plural = word + "s"
    return f"{head} {plural}" if head else plural


def target_forms(hit: Hit, target_lang: str = "en") -> list[str]:
    """The written forms the target may take for this occurrence."""
    target = hit.entry.target
    forms = [target]
    if target[:1].islower():
        forms.append(target[:1].upper() + target[1:])
    if hit.inflected and hit.entry.kind == "preferred" and target_lang == "en" and _plural_surface(hit):
        forms += [english_plural(f) for f in forms]
    return list(dict.fromkeys(forms))


def _plural_surface(hit: Hit) -> bool:
    last = hit.surface.split()[-1].lower()
    base = hit.entry.source.split()[-1].lower()
    return last != base and last.endswith(_PLURAL_ENDINGS) and not base.endswith(_PLURAL_ENDINGS)


def casings(term: str) -> list[str]:
    return list(dict.fromkeys([term, term.lower(), term.upper(), term[:1].upper() + term[1:], term.title()]))


class PhraseEncoder:
    """Turns target text into token-id phrases with the model's target sentencepiece vocabulary."""

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer
        self.vocab: dict[str, int] = tokenizer.get_vocab()
        self.unk = tokenizer.unk_token_id
        self._cache: dict[str, list[Phrase]] = {}

    def phrases(self, text: str) -> list[Phrase]:
        """Token sequences for `text`: after a space (as tokenised) and glued to what precedes."""
        cached = self._cache.get(text)
        if cached is None:
            pieces = self.tokenizer.spm_target.encode(text, out_type=str)
            variants = [pieces, self._glued(pieces)]
            cached = []
            for variant in variants:
                if not variant:
                    continue
                ids = tuple(self.vocab.get(p, self.unk) for p in variant)
                if self.unk not in ids and ids not in cached:
                    cached.append(ids)
            self._cache[text] = cached
        return cached

    def _glued(self, pieces: list[str]) -> list[str]:
        """The pieces of the text right after a bracket, quote or hyphen: no leading space."""
        if not pieces or not pieces[0].startswith(SPACE):
            return []
        if pieces[0] == SPACE:
            return pieces[1:]
        text = self.tokenizer.spm_target.decode_pieces(pieces)
        for opener in ("(", '"', "-"):
            after = self.tokenizer.spm_target.encode(opener + text, out_type=str)
            if after and after[0] == SPACE + opener:
                return after[1:]
        return self._split(pieces[0][1:]) + pieces[1:]

    def _split(self, word: str) -> list[str]:
        """Longest-prefix pieces of the vocabulary that spell `word` without a leading space."""
        out, i = [], 0
        while i < len(word):
            for j in range(len(word), i, -1):
                if word[i:j] in self.vocab:
                    out.append(word[i:j])
                    i = j
                    break
            else:
                return []
        return out


@dataclass
class Plan:
    """The constraints of one sentence and which requirement each hit became (None: none)."""

    hits: list[Hit]
    constraints: SentenceConstraints
    requirement_of: list[int | None]


def plan(hits: list[Hit], encoder: PhraseEncoder, target_lang: str = "en") -> Plan:
    requirements: list[tuple[Phrase, ...]] = []
    forbidden: list[Phrase] = []
    initial: set[Phrase] = set()
    requirement_of: list[int | None] = []
    for hit in hits:
        alternatives: list[Phrase] = []
        if _required(hit):
            for form in target_forms(hit, target_lang):
                phrases = encoder.phrases(form)
                alternatives += phrases
                if form[:1] != hit.entry.target[:1]:  # capitalised: only to open the sentence
                    initial.update(phrases)
        if alternatives:
            requirement_of.append(len(requirements))
            requirements.append(tuple(alternatives))
        else:
            requirement_of.append(None)  # nothing to require, or not spellable in the vocabulary
        for term in hit.entry.forbidden:
            forbidden += [p for form in casings(term) for p in encoder.phrases(form)]
    return Plan(hits, SentenceConstraints(requirements, forbidden, initial), requirement_of)


def statuses(sentence: Plan, state: State | None, output: str) -> list[TermStatus]:
    """Per-hit status after decoding; `state` is None for a free (unconstrained) translation."""
    result = []
    found: dict[int, int] = {}  # entry -> occurrences in the output not yet claimed by a hit
    for hit, r in zip(sentence.hits, sentence.requirement_of, strict=True):
        entry = hit.entry
        used = [t for t in entry.forbidden if _count(output, t, ignore_case=True)]
        if not _required(hit):
            status = FAILED if used else UNFORCED
        elif state is not None:
            met = r is not None and state.met[r]
            status = FAILED if not met else ENFORCED if state.forced[r] else UNFORCED
        else:
            key = id(entry)
            if key not in found:
                found[key] = _occurrences(hit, output)
            status = UNFORCED if found[key] > 0 else FAILED
            found[key] -= 1
        result.append(TermStatus(entry.source, entry.target, hit.surface, entry.kind, status, used))
    return result


def satisfied(hits: list[Hit], output: str) -> bool:
    """Whether a free translation already holds every required term (as often as the source
    does) and no forbidden one."""
    needed: dict[int, tuple[Hit, int]] = {}
    for hit in hits:
        if any(_count(output, t, ignore_case=True) for t in hit.entry.forbidden):
            return False
        if _required(hit):
            first, count = needed.get(id(hit.entry), (hit, 0))
            needed[id(hit.entry)] = (first, count + 1)
    return all(_occurrences(hit, output) >= count for hit, count in needed.values())


def _required(hit: Hit) -> bool:
    return hit.entry.kind in ("preferred", "keep") and bool(hit.entry.target)


def _occurrences(hit: Hit, output: str) -> int:
    """How often any acceptable form of the hit's target occurs in `output`."""
    forms = sorted(target_forms(hit), key=len, reverse=True)
    return _count(output, *forms)


def _count(text: str, *terms: str, ignore_case: bool = False) -> int:
    return len(find_all(text, terms, ignore_case))


def find_all(text: str, terms: Iterable[str], ignore_case: bool = False) -> list[tuple[int, int]]:
    """Non-overlapping whole-word spans of any of `terms` (longest first) in `text`; any run of
    spaces may stand between the words of a term."""
    ordered = sorted({t for t in terms if t.strip()}, key=len, reverse=True)
    if not ordered:
        return []
    alternatives = "|".join(r"\s+".join(re.escape(w) for w in t.split()) for t in ordered)
    pattern = re.compile(r"(?<!\w)(?:" + alternatives + r")(?!\w)", re.IGNORECASE if ignore_case else 0)
    return [m.span() for m in pattern.finditer(text)]
