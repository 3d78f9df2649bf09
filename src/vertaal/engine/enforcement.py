"""From glossary hits to decoding constraints, and from decoded output to per-term status.

Each hit of a *preferred* or *keep* entry becomes one requirement: its target phrase in token
ids, disjunctive over the required forms (:func:`vertaal.terms.forms.required_forms`), each with
and without the sentencepiece leading-space marker. Forbidden targets become forbidden token
sequences in every casing. Statuses are judged on the final text by the shared presence check
(:func:`vertaal.terms.forms.presence`), the same one `vertaal check` uses.

Inline codes are requirements too (:mod:`vertaal.engine.placeholders`): each code's spelling,
with and without the leading-space marker, required once; every way the vocabulary spells it
guarded against a second placement; a closing code right after its opening one forbidden where
the source's pair wraps words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..results import ENFORCED, FAILED, UNFORCED, CodeStatus, TermStatus
from ..terms.forms import casings, english_plural, is_required, required_forms
from ..terms.matcher import Hit
from ..terms.statuses import judge
from . import internals
from .constraints import CodeRule, Phrase, SentenceConstraints, State, TokenClasses
from .placeholders import Spelled

SPACE = "\u2581"
MAX_SEGMENTATIONS = 64  # per forbidden form: every way the vocabulary can spell it, up to this many


class PhraseEncoder:
    """Turns target text into token-id phrases with the model's target sentencepiece vocabulary."""

    def __init__(self, tokenizer: Any) -> None:
        self.spm = internals.target_sentencepiece(tokenizer)
        self.vocab: dict[str, int] = tokenizer.get_vocab()
        self.unk = tokenizer.unk_token_id
        self.classes = TokenClasses.from_vocab(self.vocab, SPACE, self.unk)
        self._cache: dict[str, list[Phrase]] = {}
        self._spellings: dict[str, list[Phrase]] = {}
        # pieces that decode to nothing but space (or nothing): no content between two codes
        blank = [t for piece, t in self.vocab.items() if not piece.replace(SPACE, "").strip()]
        self.blanks: tuple[int, ...] = tuple(sorted({*blank, self.unk} - {None}))[:4]

    def spellings(self, text: str, limit: int = MAX_SEGMENTATIONS) -> list[Phrase]:
        """Every token sequence of the vocabulary that spells `text` (after a space, or glued),
        up to `limit`: what a forbidden term must be blocked in, not only its canonical pieces."""
        cached = self._spellings.get(text)
        if cached is None:
            words = text.split()
            if not words:
                return []
            found: list[Phrase] = []
            for first in (SPACE + words[0], words[0]):
                parts = [self._segmentations(first, limit)]
                parts += [self._segmentations(SPACE + w, limit) for w in words[1:]]
                combined: list[Phrase] = [()]
                for options in parts:
                    combined = [c + o for c in combined for o in options][:limit]
                found += combined
            cached = self._spellings[text] = list(dict.fromkeys(p for p in found if p))
        return cached

    def _segmentations(self, word: str, limit: int) -> list[Phrase]:
        """Ways to cut `word` into vocabulary pieces, shortest first, at most `limit`."""
        ways: list[list[Phrase]] = [[] for _ in range(len(word) + 1)]
        ways[len(word)] = [()]
        for i in range(len(word) - 1, -1, -1):
            options = []
            for j in range(i + 1, len(word) + 1):
                token = self.vocab.get(word[i:j])
                if token is not None and ways[j]:
                    options += [(token, *rest) for rest in ways[j]]
            ways[i] = sorted(options, key=len)[:limit]
        return ways[0]

    def endings(self, form: str, plural: str) -> frozenset[int]:
        """The tokens that turn `form` into `plural` when glued onto it (level + s), if any."""
        if plural == form or not plural.startswith(form):
            return frozenset()
        token = self.vocab.get(plural[len(form) :])
        return frozenset() if token is None else frozenset({token})

    def phrases(self, text: str) -> list[Phrase]:
        """Token sequences for `text`: after a space (as tokenised) and glued to what precedes."""
        cached = self._cache.get(text)
        if cached is None:
            pieces = self.spm.encode(text, out_type=str)
            cached = []
            for variant in (pieces, self._glued(pieces)):
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
        text = self.spm.decode_pieces(pieces)
        for opener in ("(", '"', "-"):
            after = self.spm.encode(opener + text, out_type=str)
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
    code_requirement: list[int | None] = field(default_factory=list)  # per code of the sentence


def plan(
    hits: list[Hit], encoder: PhraseEncoder, target_lang: str = "en", spelled: Spelled | None = None
) -> Plan:
    requirements: list[tuple[Phrase, ...]] = []
    forbidden: list[Phrase] = []
    initial: set[Phrase] = set()
    endings: dict[Phrase, frozenset[int]] = {}
    requirement_of: list[int | None] = []
    for hit in hits:
        alternatives: list[Phrase] = []
        if is_required(hit.entry):
            forms = required_forms(hit, target_lang)
            for form in forms:
                phrases = encoder.phrases(form)
                alternatives += phrases
                if form[:1] != hit.entry.target[:1]:  # capitalised: only to open the sentence
                    initial.update(phrases)
                if hit.entry.kind == "preferred" and target_lang == "en":  # level + s, not levels + es
                    endings.update(dict.fromkeys(phrases, encoder.endings(form, english_plural(form))))
        if alternatives:
            requirement_of.append(len(requirements))
            requirements.append(tuple(alternatives))
        else:
            requirement_of.append(None)  # nothing to require, or not spellable in the vocabulary
        for term in hit.entry.forbidden:
            forbidden += [p for form in casings(term) for p in encoder.spellings(form)]
    codes: dict[int, CodeRule] = {}
    guards: dict[int, list[Phrase]] = {}
    code_requirement: list[int | None] = []
    if spelled is not None:
        for spelling in spelled.spellings:
            phrases = encoder.phrases(spelling)
            code_requirement.append(len(requirements) if phrases else None)
            if phrases:
                guards[len(requirements)] = list(dict.fromkeys([*phrases, *encoder.spellings(spelling)]))
                requirements.append(tuple(phrases))
        for i, r in enumerate(code_requirement):
            if r is None:
                continue
            needs = tuple(n for j in spelled.needs(i) if (n := code_requirement[j]) is not None)
            start, holder = spelled.opens(i), spelled.parent(i)
            opening = code_requirement[start] if start is not None else None
            codes[r] = CodeRule(needs, opening, code_requirement[holder] if holder is not None else None)
            if opening is not None and spelled.wraps_text(start):  # the pair wraps words: not nothing
                gaps = [()] + [(b,) for b in encoder.blanks] + [(b, b) for b in encoder.blanks]
                pairs = [(o, c) for o in requirements[opening] for c in requirements[r]]
                forbidden += [o + gap + c for o, c in pairs for gap in gaps]
    constraints = SentenceConstraints(
        requirements, forbidden, initial, endings, encoder.classes, codes, guards
    )
    return Plan(hits, constraints, requirement_of, code_requirement)


def code_statuses(
    spelled: Spelled, output: str, sentence: Plan | None = None, state: State | None = None
) -> list[CodeStatus]:
    """Per inline code of the model's `output` (codes spelled): enforced (the decoder forced it),
    unforced (the model placed it), or failed (not once and in order: added at the end instead)."""
    wrong = spelled.misplaced(output)
    result = []
    for i, char in enumerate(spelled.codes):
        r = sentence.code_requirement[i] if sentence is not None and sentence.code_requirement else None
        if i in wrong:
            status = FAILED
        elif state is not None and r is not None and state.forced[r]:
            status = ENFORCED
        else:
            status = UNFORCED
        result.append(CodeStatus(char, status))
    return result


def statuses(
    sentence: Plan, state: State | None, output: str, target_lang: str = "en"
) -> list[TermStatus]:
    """Per-hit status after decoding; `state` is None for a free (unconstrained) translation.

    A term is enforced or unforced only when the shared presence check finds it in `output`.
    """
    forced = [
        state is not None and r is not None and bool(state.forced[r]) for r in sentence.requirement_of
    ]
    return judge(sentence.hits, output, target_lang, forced)
