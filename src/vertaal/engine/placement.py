"""The ctranslate2 engine: put a missing term into CTranslate2's translation without the torch model.

When CTranslate2's translation (and every other hypothesis of its beam) misses a glossary term,
the term is tried at the word starts of that translation: the words before the place are kept
as a target prefix, followed by the term, and CTranslate2 writes the rest. Each candidate is
scored by the model over the whole sentence (prefix included, length-normalised, as a beam
scores), and the best one that holds the term, keeps the terms it already held and uses no
forbidden translation is taken; terms still missing are placed the same way, one after the
other. A sentence no placement satisfies goes on to the constrained decoder, as before. Every
result is judged by the shared presence check, so what is reported as enforced is what `check`
finds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..terms.forms import forbidden_used, is_required, presence, required_forms
from ..terms.matcher import Hit
from ..terms.statuses import satisfied
from .decoding import Decoding

PLACES = 5  # word starts tried per term: those nearest the term's place in the source
MAX_TERMS = 4  # terms placed one after the other in one sentence; more go to the constrained decoder
BATCH = 64  # prefixes decoded together (each holds a beam over the whole vocabulary)


@dataclass
class _Sentence:
    source: list[str]  # source pieces, as CTranslate2 takes them
    length: int  # the source's characters
    hits: list[Hit]
    text: str  # the translation so far ...
    pieces: list[str] | None  # ... in target pieces (None: not known)
    placed: set[int] = field(default_factory=set)  # hits put in by a placement


def place_terms(
    fast: Any,
    sources: dict[int, str],
    texts: dict[int, tuple[str, tuple[str, ...] | None]],
    hits: dict[int, list[Hit]],
    target_lang: str,
    decoding: Decoding,
) -> dict[int, tuple[str, set[int]]]:
    """Translations that hold every term of their sentence, by sentence number, with the hits a
    placement put in; sentences left out still miss something. `texts` holds each free
    translation and, when known, its pieces as CTranslate2 wrote them."""
    tokenizer = fast.tokenizer
    longest = decoding.max_source_tokens() - 2  # room for the decoder's start token and end-of-sentence
    work = {
        i: _Sentence(
            tokenizer.encode(sources[i], longest),
            len(sources[i]),
            hits[i],
            texts[i][0],
            list(texts[i][1]) if texts[i][1] is not None else tokenizer.target_pieces(texts[i][0]),
        )
        for i in sources
    }
    done: dict[int, tuple[str, set[int]]] = {}
    for _ in range(MAX_TERMS):
        for i, sentence in list(work.items()):
            if satisfied(sentence.hits, sentence.text, target_lang):
                done[i] = (sentence.text, sentence.placed)
                del work[i]
        tries = {i: _prefixes(s, tokenizer, target_lang, longest) for i, s in work.items()}  # 1. where
        completed = _continue(fast, work, tries, decoding, longest)  # 2. the rest of each written
        for i, sentence in list(work.items()):
            term = tries[i][0]
            chosen = _best(sentence, term, completed.get(i, []), target_lang)  # 3. the best that holds
            if chosen is None:
                del work[i]  # no place works for this term: the constrained decoder takes it
            else:
                sentence.text, sentence.pieces = chosen
                sentence.placed.add(term)
    for i, sentence in work.items():
        if satisfied(sentence.hits, sentence.text, target_lang):
            done[i] = (sentence.text, sentence.placed)
    return done


def _continue(
    fast: Any,
    work: dict[int, _Sentence],
    tries: dict[int, tuple[int, list[list[str]]]],
    decoding: Decoding,
    longest: int,
) -> dict[int, list[tuple[float, str, list[str]]]]:
    """Every prefix continued by CTranslate2, then scored over the whole sentence, since
    translate_batch scores only what follows a prefix: (length-normalised score, text, pieces)
    by sentence. Prefixes are decoded in calls of one length limit each, each prefix under its
    own sentence's limit (as the free translation), so no result depends on the others."""
    jobs = [(i, prefix) for i, (_, prefixes) in tries.items() for prefix in prefixes]
    if not jobs:
        return {}
    limits = [min(longest, max(decoding.new_token_limit(len(work[i].source)), len(p) + 1)) for i, p in jobs]
    pieces: list[list[str]] = [[] for _ in jobs]
    for limit in sorted(set(limits)):
        group = [n for n, lim in enumerate(limits) if lim == limit]
        results = fast.translator.translate_batch(
            [work[jobs[n][0]].source for n in group],
            target_prefix=[jobs[n][1] for n in group],
            beam_size=max(1, decoding.beams or 1),
            num_hypotheses=1,
            max_decoding_length=fast.decoding_length(limit),
            min_decoding_length=min(decoding.min_new_tokens or 0, fast.decoding_length(limit)),
            max_batch_size=BATCH,
        )
        for n, result in zip(group, results, strict=True):
            pieces[n] = result.hypotheses[0]
    sources = [work[i].source for i, _ in jobs]
    scored = fast.translator.score_batch(sources, pieces, max_batch_size=BATCH)
    completed: dict[int, list[tuple[float, str, list[str]]]] = {}
    for (i, _), written, score in zip(jobs, pieces, scored, strict=True):
        normalised = sum(score.log_probs) / max(1, len(score.log_probs))
        completed.setdefault(i, []).append((normalised, fast.tokenizer.decode(written), written))
    return completed


def _best(
    sentence: _Sentence, term: int, completed: list[tuple[float, str, list[str]]], target_lang: str
) -> tuple[str, list[str]] | None:
    """The best-scored completion that holds the term and keeps the rest: its text and pieces."""
    held = presence(sentence.hits, sentence.text, target_lang)  # once, not per candidate
    valid = [c for c in completed if _better(sentence, held, term, c[1], target_lang)]
    if not valid:
        return None
    _, text, pieces = max(valid, key=lambda c: c[0])
    return text, pieces


def _prefixes(
    sentence: _Sentence, tokenizer: Any, target_lang: str, longest: int
) -> tuple[int, list[list[str]]]:
    """The first missing required term, and the target prefixes to try: each of its forms after
    the words before each of the word starts nearest its place in the source."""
    present = presence(sentence.hits, sentence.text, target_lang)
    missing = [j for j, ok in enumerate(present) if not ok and is_required(sentence.hits[j].entry)]
    if not missing:
        return -1, []
    j = missing[0]
    hit = sentence.hits[j]
    pieces = sentence.pieces
    if pieces is None or len(pieces) >= longest:
        return j, []
    starts = [p for p, piece in enumerate(pieces) if piece.startswith("\u2581")] + [len(pieces)]
    expected = hit.start / max(1, sentence.length) * len(pieces)
    nearest = sorted(sorted(starts, key=lambda p: (abs(p - expected), p))[:PLACES])
    prefixes = []
    for form in required_forms(hit, target_lang):
        spelled = tokenizer.target_pieces(form)
        if not spelled:
            continue
        initial = form[:1] != hit.entry.target[:1]  # a capitalised form only opens the sentence
        prefixes += [
            pieces[:p] + spelled for p in nearest if (not initial or p == 0) and p + len(spelled) < longest
        ]
    return j, prefixes


def _better(sentence: _Sentence, held: list[bool], j: int, text: str, target_lang: str) -> bool:
    """Whether `text` holds hit `j` and every hit the sentence `held`, and no forbidden translation."""
    after = presence(sentence.hits, text, target_lang)
    if not after[j] or any(b and not a for b, a in zip(held, after, strict=True)):
        return False
    return not any(forbidden_used(hit.entry, text) for hit in sentence.hits)
