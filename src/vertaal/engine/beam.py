"""Beam search with lexical constraints and dynamic beam allocation, as a ``custom_generate``.

Pass :func:`constrained_beam_search` to ``model.generate(custom_generate=..., constraints=[...])``.
`generate` prepares the encoder outputs, the KV cache, the logits processors and the stopping
criteria from the model's generation config; this function runs the decoding loop.

The loop mirrors transformers' own ``_beam_search`` phase for phase (the same 2K top-k
candidates, length penalty and finishing rules), so with no constraints it returns exactly what
``generate()`` returns. For sentences that carry constraints, each step also:

* blocks end-of-sentence while a requirement is unmet, and blocks every token that would
  complete a forbidden sequence, or an inline code that may not be placed now (again, or
  before the code it follows);
* when only as many steps remain as the constraints need, allows only tokens that advance them
  (so every requirement is met whenever the length limit leaves room for it), and in the step
  before, no token that a forbidden sequence would run from into them;
* adds, per hypothesis, the tokens that advance a constraint and its single best token to the
  candidates, and chooses the K running hypotheses by dynamic beam allocation (Post & Vilar
  2018): the beam is divided into banks by the number of constraint tokens met, so hypotheses
  that have met more constraints keep a place even when they score lower;
* lets a hypothesis that has met every constraint end from any place in the beam; under early
  stopping such an ending fills the beam only where end-of-sentence is among its own K best
  tokens.

Scores, top-k and finishing are batched tensor operations over the whole batch (as in Hu et
al. 2019); only the allocation for constrained sentences walks their few candidates in Python.
A sentence whose result is fixed leaves the batch (transformers keeps it to the end), so a short
sentence beside a long one stops costing decoder rows; no token changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import torch
from torch import nn

from . import internals
from .constraints import SentenceConstraints, State

NEG = -1.0e9  # transformers' score for "not a candidate"
UNMET_PENALTY = 1.0e6  # ranks endings with unmet requirements below every other ending


@dataclass
class BeamOutput:
    """Token ids (without the decoder start token and padding) and constraint states per sentence."""

    sequences: list[list[int]]
    states: list[State | None]


@dataclass(frozen=True)
class _Settings:
    """What stays fixed during one search."""

    batch: int
    num_beams: int
    beams_to_keep: int  # candidates taken per step: 2K (more with several end-of-sentence ids)
    prompt_len: int  # the decoder start token
    max_length: int
    length_penalty: float
    early_stopping: bool | str
    pad: int
    eos: int | None
    eos_ids: frozenset[int]
    limits: tuple[int, ...]  # per sentence: its own max_length (generate's, unless length_limits)

    def normalised(self, scores: torch.Tensor, length: int) -> torch.Tensor:
        """Scores divided by the length penalty for `length` generated tokens."""
        return scores / (length**self.length_penalty)

    @property
    def own_limits(self) -> bool:
        """Whether some sentence ends before the batch's max_length."""
        return any(limit < self.max_length for limit in self.limits)


@dataclass
class _Beams:
    """The search between steps: the running and finished hypotheses of every sentence."""

    running: torch.Tensor  # (batch, K, max_length) token ids
    running_scores: torch.Tensor  # (batch, K) summed log-probabilities
    parents: torch.Tensor  # (batch, K) the flat row (b * K + k) each running hypothesis continues
    finished: torch.Tensor  # (batch, K, max_length)
    finished_scores: torch.Tensor  # (batch, K) length-normalised
    is_finished: torch.Tensor  # (batch, K)
    fills: torch.Tensor  # (batch, K) finished where the model ranks end-of-sentence in its top K
    can_improve: torch.Tensor  # (batch, 1): the early-stop heuristic is not yet satisfied
    cur_len: int


@dataclass
class _Candidates:
    """One step's candidates: the best 2K continuations of every sentence, and what they extend."""

    accumulated: torch.Tensor  # (batch, K * vocab): running score + log-prob of each continuation
    scores: torch.Tensor  # (batch, 2K) the best continuations ...
    beams: torch.Tensor  # ... the running hypotheses they continue ...
    tokens: torch.Tensor  # ... their tokens ...
    sequences: torch.Tensor  # ... the continued sequences ...
    ends: torch.Tensor  # ... and whether they hit a stopping criterion
    base_running: torch.Tensor  # the running hypotheses before this step
    base_scores: torch.Tensor
    cur_len: int
    vocab: int

    @cached_property
    def own_best(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Scores and tokens of each running hypothesis' own K best continuations, best first,
        (batch, K, K) each: one pass, shared by the finishing phase and the constraint candidates."""
        rows = self.accumulated.view(*self.base_scores.shape, self.vocab)
        best = torch.topk(rows, k=self.base_scores.shape[1], dim=-1)
        return best.values, best.indices


@dataclass
class _Tracker:
    """The constraint bookkeeping of one search: per constrained sentence, a state per hypothesis."""

    constraints: list[SentenceConstraints | None]
    constrained: list[int]  # the sentences that have constraints
    states: dict[int, list[State]]  # of the running hypotheses
    finished_states: dict[int, list[State | None]]  # of the finished ones
    forcing: set[tuple[int, int]] = field(default_factory=set)  # (sentence, beam) forced this step
    masks: dict[int, torch.Tensor] = field(default_factory=dict)  # word-continuing tokens, per vocabulary

    @classmethod
    def create(cls, constraints: list[SentenceConstraints | None] | None, settings: _Settings) -> _Tracker:
        wanted = list(constraints or [None] * settings.batch)
        wanted = [c if c is not None and not c.empty else None for c in wanted]
        constrained = [b for b, c in enumerate(wanted) if c is not None]
        states = {b: [wanted[b].start_state()] * settings.num_beams for b in constrained}  # type: ignore[union-attr]
        return cls(wanted, constrained, states, {b: [None] * settings.num_beams for b in constrained})


def constrained_beam_search(
    model: Any,
    input_ids: torch.LongTensor,
    logits_processor: Any,
    stopping_criteria: Any,
    generation_config: Any,
    synced_gpus: bool = False,
    constraints: list[SentenceConstraints | None] | None = None,
    length_limits: list[int] | None = None,
    **model_kwargs: Any,
) -> BeamOutput:
    """Beam search over a batch; `constraints` holds one entry (or None) per sentence, and
    `length_limits` each sentence's own max_length (so its output does not depend on its
    batchmates)."""
    settings = _settings(input_ids, generation_config, length_limits)
    beams = _start(input_ids, settings)
    tracker = _Tracker.create(constraints, settings)
    done = _Done(list(range(settings.batch)), {}, _row_independent(logits_processor, stopping_criteria))
    outputs = internals.prefill(model, input_ids, generation_config, model_kwargs)
    while True:
        model_kwargs = internals.update_model_kwargs(model, outputs, model_kwargs)
        log_probs = _scores(outputs, beams, logits_processor)  # 1. scores
        del outputs
        if settings.own_limits:
            _end_at_own_limit(log_probs, beams, settings)
        if tracker.constrained:
            _mask_for_constraints(log_probs, beams, settings, tracker)
        step = _top_k(log_probs, beams, stopping_criteria, settings)  # 2. top-k candidates
        _keep_running(step, beams, settings)
        _update_finished(step, beams, settings, tracker)  # 5. finished hypotheses
        if tracker.constrained:
            _allocate(step, beams, settings, tracker)  # 3-4. constraint candidates, bank allocation
        internals.reorder_cache(model_kwargs, beams.parents.reshape(-1))
        beams.cur_len += 1
        if _stop(step, beams, settings):  # 6. early stop
            break
        if done.prunable:  # 7. sentences whose result is fixed leave the batch
            settings = _drop_fixed(beams, settings, tracker, model_kwargs, done)
            if not settings.batch:
                break
        outputs = _forward(model, beams, model_kwargs)
    return _collect(beams, settings, tracker, done)


@dataclass
class _Done:
    """Sentences taken out of the batch once their result is fixed, so later steps skip them."""

    origin: list[int]  # the input place of each sentence still in the batch
    results: dict[int, tuple[list[int], State | None]]  # by input place
    prunable: bool  # every logits processor and stopping criterion looks at each row alone


# logits processors and stopping criteria that keep no per-row state between steps: with only
# these, rows may leave the batch mid-search (anything else keeps the batch whole)
ROW_INDEPENDENT = frozenset(
    {
        "NoBadWordsLogitsProcessor",
        "ForcedEOSTokenLogitsProcessor",
        "ForcedBOSTokenLogitsProcessor",
        "MinLengthLogitsProcessor",
        "MinNewTokensLengthLogitsProcessor",
        "RepetitionPenaltyLogitsProcessor",
        "NoRepeatNGramLogitsProcessor",
        "SuppressTokensLogitsProcessor",
        "MaxLengthCriteria",
        "EosTokenCriteria",
        "MaxTimeCriteria",
    }
)


def _row_independent(logits_processor: Any, stopping_criteria: Any) -> bool:
    steps = [*(logits_processor or []), *(stopping_criteria or [])]
    return all(type(step).__name__ in ROW_INDEPENDENT for step in steps)


# -- set-up -----------------------------------------------------------------------------------
def _settings(input_ids: torch.Tensor, generation_config: Any, limits: list[int] | None) -> _Settings:
    pad, eos_ids = internals.special_tokens(generation_config)
    num_beams = generation_config.num_beams
    batch = input_ids.shape[0] // num_beams
    max_length = generation_config.max_length
    return _Settings(
        batch=batch,
        num_beams=num_beams,
        beams_to_keep=max(2, 1 + len(eos_ids)) * num_beams,
        prompt_len=input_ids.shape[1],
        max_length=max_length,
        length_penalty=generation_config.length_penalty,
        early_stopping=generation_config.early_stopping,
        pad=pad,
        eos=min(eos_ids) if eos_ids else None,
        eos_ids=frozenset(eos_ids),
        limits=tuple(min(max_length, limit) for limit in limits) if limits else (max_length,) * batch,
    )


def _start(input_ids: torch.Tensor, settings: _Settings) -> _Beams:
    """One running hypothesis per sentence (the others score NEG), nothing finished."""
    batch, num_beams, device = settings.batch, settings.num_beams, input_ids.device
    fill = settings.pad if settings.pad >= 0 else (settings.eos if settings.eos is not None else -1)
    running = torch.full((batch, num_beams, settings.max_length), fill, dtype=torch.long, device=device)
    running[:, :, : settings.prompt_len] = input_ids.view(batch, num_beams, -1)
    running_scores = torch.zeros((batch, num_beams), dtype=torch.float, device=device)
    running_scores[:, 1:] = NEG
    return _Beams(
        running=running,
        running_scores=running_scores,
        parents=torch.arange(batch * num_beams, device=device).view(batch, num_beams),
        finished=running.clone(),
        finished_scores=torch.full((batch, num_beams), NEG, dtype=torch.float, device=device),
        is_finished=torch.zeros((batch, num_beams), dtype=torch.bool, device=device),
        fills=torch.zeros((batch, num_beams), dtype=torch.bool, device=device),
        can_improve=torch.ones((batch, 1), dtype=torch.bool, device=device),
        cur_len=settings.prompt_len,
    )


def _forward(model: Any, beams: _Beams, model_kwargs: dict[str, Any]) -> Any:
    """The decoder's next-token logits for every running hypothesis (from the KV cache)."""
    flat = beams.running[:, :, : beams.cur_len].reshape(-1, beams.cur_len)
    inputs = model.prepare_inputs_for_generation(flat, next_sequence_length=1, **model_kwargs)
    return model(**inputs, return_dict=True)


# -- 1. scores --------------------------------------------------------------------------------
def _scores(outputs: Any, beams: _Beams, logits_processor: Any) -> torch.Tensor:
    """Log-probabilities of the next token per running hypothesis, after the logits processors."""
    device = beams.running.device
    logits = outputs.logits[:, -1, :].to(dtype=torch.float32, device=device)  # no copy when already so
    flat = beams.running[:, :, : beams.cur_len].reshape(-1, beams.cur_len)
    return logits_processor(flat, nn.functional.log_softmax(logits, dim=-1))


def _end_at_own_limit(log_probs: torch.Tensor, beams: _Beams, settings: _Settings) -> None:
    """At a sentence's own last position allow only end-of-sentence (as ForcedEOS does at max_length)."""
    if settings.eos is None:
        return
    for b, limit in enumerate(settings.limits):
        if beams.cur_len + 1 == limit < settings.max_length:
            rows = slice(b * settings.num_beams, (b + 1) * settings.num_beams)
            log_probs[rows] = float("-inf")
            log_probs[rows, settings.eos] = 0.0


def _mask_for_constraints(
    log_probs: torch.Tensor, beams: _Beams, settings: _Settings, tracker: _Tracker
) -> None:
    """Block forbidden tokens, words glued onto a finished term, and EOS while a requirement is
    unmet; allow only constraint tokens when the length limit demands it."""
    cur_len, num_beams = beams.cur_len, settings.num_beams
    at_start = cur_len == settings.prompt_len
    tracker.forcing.clear()
    glued: list[tuple[int, frozenset[int], torch.Tensor]] = []  # rows whose last token ended a term
    unmet: list[int] = []  # rows that may not end yet
    exposed: list[int] = []  # rows a logits processor may have narrowed to a few tokens, then blocked
    for b, hyps in tracker.states.items():
        sentence = tracker.constraints[b]
        assert sentence is not None
        available = settings.limits[b] - 1 - cur_len  # the last position is reserved for end-of-sentence
        everywhere = sentence.banned_next([])  # one-token forbidden sequences: banned in every row
        if everywhere:
            log_probs[b * num_beams : (b + 1) * num_beams, list(everywhere)] = float("-inf")
        watched = sentence.forbidden or sentence.guards
        history = beams.running[b, :, settings.prompt_len : cur_len].tolist() if watched else None
        for k, state in enumerate(hyps):
            row = b * num_beams + k
            banned = sentence.banned_next(history[k], state) if history is not None else set()
            if banned - everywhere:
                log_probs[row, list(banned - everywhere)] = float("-inf")
            if state.after is not None and sentence.classes is not None:
                glued.append((row, state.after, _glue_mask(sentence, tracker, log_probs.device)))
            if at_start or available <= 0:  # where forced-token processors act (first and last step)
                exposed.append(row)
            if sentence.all_met(state):
                continue
            if settings.eos is not None and available > 0:  # at the last position it may end, penalised
                unmet.append(row)
            due = sentence.unmet_units(state) + sentence.slack(state)  # forcing starts with this many left
            if 0 < available <= due:  # no room for others
                allowed = _in_time(sentence, state, available, at_start, banned)
                kept = log_probs[row, allowed].clone()
                if allowed and bool(torch.isfinite(kept).any()):
                    log_probs[row] = float("-inf")
                    log_probs[row, allowed] = kept
                    tracker.forcing.add((b, k))
                    continue
            if history is not None and 0 < available <= due + 1:  # the last free slot (or a stuck one)
                _avoid(log_probs[row], sentence.leads_in_next(history[k], state, at_start))
    for row, endings, mask in glued:
        _block_glue(log_probs[row], endings, mask)
    if unmet:
        log_probs[unmet, settings.eos] = float("-inf")  # (never at the last position: no exit lost)
    _keep_an_exit(log_probs, exposed, settings)


def _keep_an_exit(log_probs: torch.Tensor, exposed: list[int], settings: _Settings) -> None:
    """A row left with nothing (every token blocked) may end the sentence rather than emit a blocked
    token with a placeholder score.

    Only rows a logits processor can narrow to a few tokens need the check: the first step (a
    forced first token) and a sentence's last position (forced end-of-sentence). Elsewhere a row
    keeps most of the vocabulary, and forcing keeps only rows that have a finite choice.
    """
    if settings.eos is None or not exposed:
        return
    rows = torch.tensor(exposed, device=log_probs.device)
    dead = rows[~torch.isfinite(log_probs[rows]).any(dim=1)]
    if dead.numel():
        log_probs[dead, settings.eos] = 0.0


def _avoid(row: torch.Tensor, tokens: set[int]) -> None:
    """-inf for `tokens` in one row's log-probabilities, unless no other token is left."""
    if not tokens:
        return
    index = sorted(tokens)
    kept = row[index].clone()
    row[index] = float("-inf")
    if not bool(torch.isfinite(row[row.argmax()])):  # (argmax: one pass, no temporary)
        row[index] = kept


def _glue_mask(sentence: SentenceConstraints, tracker: _Tracker, device: torch.device) -> torch.Tensor:
    """A boolean mask of the word-continuing tokens of the sentence's vocabulary (built once)."""
    classes = sentence.classes
    assert classes is not None
    mask = tracker.masks.get(id(classes))
    if mask is None:
        size = max(max(classes.glue, default=0), max(classes.spaced, default=0)) + 1
        mask = torch.zeros(size, dtype=torch.bool, device=device)
        mask[list(classes.glue)] = True
        tracker.masks[id(classes)] = mask
    return mask


def _block_glue(row: torch.Tensor, endings: frozenset[int], mask: torch.Tensor) -> None:
    """-inf for every token that would continue the word of a term that just ended."""
    kept = row[list(endings)].clone() if endings else None
    size = min(mask.shape[0], row.shape[0])
    row[:size].masked_fill_(mask[:size], float("-inf"))
    if kept is not None:
        row[list(endings)] = kept


def _in_time(
    sentence: SentenceConstraints, state: State, available: int, at_start: bool, banned: set[int]
) -> list[int]:
    """Constraint tokens, neither banned nor glued onto a finished term, after which every
    requirement can still be met in the steps left (else those that leave the least to do)."""
    options = {}
    for t in sentence.advancing(state, at_start):
        if t in banned or sentence.breaks_word(state, t):
            continue
        after = sentence.advance(state, t, at_start=at_start)
        options[t] = sentence.needed(after) + sentence.slack(after)
    if not options:
        return []
    fitting = [t for t, need in options.items() if need <= available - 1]
    if fitting:
        return sorted(fitting)
    least = min(options.values())
    return sorted(t for t, need in options.items() if need == least)


# -- 2. top-k candidates ----------------------------------------------------------------------
def _top_k(
    log_probs: torch.Tensor, beams: _Beams, stopping_criteria: Any, settings: _Settings
) -> _Candidates:
    """The best 2K continuations of each sentence over all its running hypotheses."""
    batch, num_beams, cur_len = settings.batch, settings.num_beams, beams.cur_len
    vocab = log_probs.shape[-1]
    accumulated = log_probs.view(batch, num_beams, vocab).add_(beams.running_scores[:, :, None])
    accumulated = accumulated.view(batch, -1)
    scores, indices = torch.topk(accumulated, k=settings.beams_to_keep)
    parent_beams = indices // vocab
    tokens = indices % vocab
    sequences = torch.take_along_dim(beams.running, parent_beams[:, :, None], dim=1)
    sequences[:, :, cur_len] = tokens
    ends = stopping_criteria(sequences[:, :, : cur_len + 1].reshape(-1, cur_len + 1), None)
    ends = ends.view(batch, settings.beams_to_keep)
    if settings.own_limits:
        at_limit = torch.tensor([cur_len + 1 >= limit for limit in settings.limits], device=ends.device)
        ends = ends | at_limit[:, None]
    return _Candidates(
        accumulated=accumulated,
        scores=scores,
        beams=parent_beams,
        tokens=tokens,
        sequences=sequences,
        ends=ends,
        base_running=beams.running,
        base_scores=beams.running_scores,
        cur_len=cur_len,
        vocab=vocab,
    )


def _keep_running(step: _Candidates, beams: _Beams, settings: _Settings) -> None:
    """The running hypotheses for the next step: the best K candidates that did not finish."""
    masked = step.scores + step.ends.to(torch.float32) * NEG
    keep = torch.topk(masked, k=settings.num_beams)[1]
    offsets = torch.arange(settings.batch, device=keep.device).view(-1, 1) * settings.num_beams
    beams.running = torch.take_along_dim(step.sequences, keep[:, :, None], dim=1)
    beams.running_scores = torch.take_along_dim(masked, keep, dim=1)
    beams.parents = torch.take_along_dim(step.beams, keep, dim=1) + offsets


# -- 3. constraint candidates and 4. bank allocation --------------------------------------------
def _allocate(step: _Candidates, beams: _Beams, settings: _Settings, tracker: _Tracker) -> None:
    """Choose the running hypotheses of constrained sentences by dynamic beam allocation."""
    extra = _constraint_candidates(step, settings, tracker)
    tops, top_b, top_t = step.scores.tolist(), step.beams.tolist(), step.tokens.tolist()
    ends = step.ends.tolist()
    at_start = step.cur_len == settings.prompt_len
    picked: list[list[tuple[int, int, float]]] = []  # per constrained sentence: (beam, token, score)
    for b in tracker.constrained:
        sentence = tracker.constraints[b]
        assert sentence is not None
        last = step.cur_len + 1 >= settings.limits[b]  # the length limit is reached with this step
        candidates: dict[tuple[int, int], tuple[float, bool]] = {}
        for j, score in enumerate(tops[b]):
            if not ends[b][j]:
                k = top_b[b][j]
                candidates[(k, top_t[b][j])] = (score, (b, k) in tracker.forcing)
        for k, token, score in extra[b]:
            if last or token in settings.eos_ids:
                continue  # ending hypotheses are handled by the finishing phase
            if (k, token) not in candidates and score > float("-inf"):
                candidates[(k, token)] = (score, True)  # forced: the model did not rank it in its top-k
        chosen = _dba(candidates, tracker.states[b], sentence, settings.num_beams, at_start)
        picked.append([(k, token, score) for k, token, score, _ in chosen])
        tracker.states[b] = [state for _, _, _, state in chosen]
    device = beams.running.device
    rows = torch.tensor(tracker.constrained, device=device)
    parents = torch.tensor([[k for k, _, _ in slots] for slots in picked], device=device)
    beams.running[rows] = step.base_running[rows[:, None], parents]
    beams.running[rows, :, step.cur_len] = torch.tensor([[t for _, t, _ in s] for s in picked], device=device)
    beams.running_scores[rows] = torch.tensor(
        [[score for _, _, score in s] for s in picked], dtype=beams.running_scores.dtype, device=device
    )
    beams.parents[rows] = parents + rows[:, None] * settings.num_beams


def _constraint_candidates(
    step: _Candidates, settings: _Settings, tracker: _Tracker
) -> dict[int, list[tuple[int, int, float]]]:
    """Per constrained sentence: (beam, token, score) of every token that advances a constraint
    and of each hypothesis' single best token, beyond what the top-k already holds."""
    at_start = step.cur_len == settings.prompt_len
    best_tokens = step.own_best[1][:, :, 0].tolist()
    base_scores = step.base_scores.tolist()
    requests: list[tuple[int, int, int]] = []
    for b in tracker.constrained:
        sentence = tracker.constraints[b]
        assert sentence is not None
        for k, state in enumerate(tracker.states[b]):
            if base_scores[b][k] <= NEG / 2:
                continue
            requests += [(b, k, token) for token in sentence.advancing(state, at_start)]
            requests.append((b, k, best_tokens[b][k]))
    extra: dict[int, list[tuple[int, int, float]]] = {b: [] for b in tracker.constrained}
    if requests:
        rows = torch.tensor([b for b, _, _ in requests])
        cols = torch.tensor([k * step.vocab + t for _, k, t in requests])
        for (b, k, token), score in zip(requests, step.accumulated[rows, cols].tolist(), strict=True):
            extra[b].append((k, token, score))
    return extra


def _dba(candidates, states, sentence, num_beams, at_start):
    """Dynamic beam allocation: share the beam among banks of equal constraint progress.

    The best candidate overall always keeps a place (the model's own continuation); the other
    places go round the non-empty banks from the most progress down, the best candidate of each
    bank first, so hypotheses that have met more constraint tokens survive even when they score
    lower.
    """
    banks: dict[int, list[tuple[float, int, int, State]]] = {}
    for (k, token), (score, forced) in candidates.items():
        state = sentence.advance(states[k], token, forced, at_start)
        banks.setdefault(sentence.units(state), []).append((score, k, token, state))
    queues = [sorted(banks[level], key=lambda item: -item[0]) for level in sorted(banks, reverse=True)]
    chosen = []
    if queues:
        best = max(range(len(queues)), key=lambda i: queues[i][0][0])
        chosen.append(queues[best].pop(0))
    while len(chosen) < num_beams and any(queues):
        for queue in queues:
            if queue and len(chosen) < num_beams:
                chosen.append(queue.pop(0))
    while len(chosen) < num_beams:  # fewer live candidates than beams: pad with dead ones
        chosen.append((NEG, 0, chosen[0][2] if chosen else 0, states[0]))
    chosen.sort(key=lambda item: -item[0])
    return [(k, token, score, state) for score, k, token, state in chosen]


# -- 5. finished hypotheses -------------------------------------------------------------------
def _update_finished(step: _Candidates, beams: _Beams, settings: _Settings, tracker: _Tracker) -> None:
    """Merge the hypotheses that end with this step (among the top K, and those of _met_endings)
    into the finished ones, noting which of them fill the beam under early stopping."""
    length = step.cur_len + 1 - settings.prompt_len
    just_finished = step.ends.clone()
    just_finished[:, settings.num_beams :] = False  # only the top K may finish, as in transformers
    end_scores = _closed(settings.normalised(step.scores, length), beams, settings) + (~just_finished) * NEG
    endings, ending_scores, ending_flags = [step.sequences], [end_scores], [just_finished]
    ending_fills = [just_finished]
    if tracker.constrained:
        end_scores -= _unmet_penalty(step, tracker)
        sequences, scores, ranked = _met_endings(step, settings, tracker, just_finished)
        flags = (scores > NEG / 2) & (_closed(torch.zeros_like(scores), beams, settings) > NEG / 2)
        scores = torch.where(flags, settings.normalised(scores, length), NEG)
        endings.append(sequences)
        ending_scores.append(scores)
        ending_flags.append(flags)
        ending_fills.append(flags & ranked)
    merged_scores = torch.cat((beams.finished_scores, *ending_scores), dim=1)
    best = torch.topk(merged_scores, k=settings.num_beams)[1]
    if tracker.constrained:
        _track_finished(best, step, tracker)
    merged = torch.cat((beams.finished, *endings), dim=1)
    beams.finished = torch.take_along_dim(merged, best[:, :, None], dim=1)
    beams.finished_scores = torch.take_along_dim(merged_scores, best, dim=1)
    flags = torch.cat((beams.is_finished, *ending_flags), dim=1)
    beams.is_finished = torch.take_along_dim(flags, best, dim=1)
    fills = torch.cat((beams.fills, *ending_fills), dim=1)
    beams.fills = torch.take_along_dim(fills, best, dim=1)


def _closed(scores: torch.Tensor, beams: _Beams, settings: _Settings) -> torch.Tensor:
    """`scores`, NEG added for sentences that take no more endings: full under early stopping,
    or unable to improve (added one after the other, as transformers does)."""
    full = torch.all(beams.fills, dim=-1, keepdim=True) & (settings.early_stopping is True)
    return scores + full.to(torch.float32) * NEG + (~beams.can_improve).to(torch.float32) * NEG


def _unmet_penalty(step: _Candidates, tracker: _Tracker) -> torch.Tensor:
    """Rank hypotheses that end with unmet requirements (only possible at the length limit) last."""
    penalty = torch.zeros(step.scores.shape, dtype=torch.float32, device=step.scores.device)
    for b in tracker.constrained:
        sentence, hyps = tracker.constraints[b], tracker.states[b]
        assert sentence is not None
        if all(sentence.all_met(state) for state in hyps):
            continue
        unmet = [
            sum(not m for m in sentence.advance(hyps[k], t).met)
            for k, t in zip(step.beams[b].tolist(), step.tokens[b].tolist(), strict=True)
        ]
        penalty[b] = torch.tensor(unmet, dtype=torch.float32) * UNMET_PENALTY
    return penalty


def _met_endings(
    step: _Candidates, settings: _Settings, tracker: _Tracker, just_finished: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """End-of-sentence candidates for every running hypothesis that has met all its constraints.

    transformers lets only the top K of its 2K candidates finish; a hypothesis that had to take
    low-scoring constraint tokens rarely gets there, so it may end from any place in the beam, and
    its ending competes by score. Only where the model ranks end-of-sentence among that
    hypothesis' own K best does the ending also fill the beam under early stopping (where the
    sentence's top K holds it, it always is): otherwise a beam full of such endings would end the
    search right after the last term, on endings that score worse than what follows.
    Returns the sequences, their (not yet length-normalised) scores, NEG where none, and whether
    each is so ranked.
    """
    batch, num_beams = step.base_scores.shape
    scores = torch.full((batch, num_beams), NEG, dtype=torch.float32, device=step.base_scores.device)
    ranked = torch.zeros((batch, num_beams), dtype=torch.bool, device=scores.device)
    sequences = step.base_running.clone()
    eos = settings.eos
    if eos is None:
        return sequences, scores, ranked
    sequences[:, :, step.cur_len] = eos
    base_scores = step.base_scores.tolist()
    ending: list[tuple[int, int]] = []
    for b in tracker.constrained:
        sentence = tracker.constraints[b]
        assert sentence is not None
        ended = zip(step.beams[b].tolist(), step.tokens[b].tolist(), just_finished[b].tolist(), strict=True)
        already = {k for k, t, done in ended if done and t == eos}
        for k, state in enumerate(tracker.states[b]):
            if k not in already and base_scores[b][k] > NEG / 2 and sentence.all_met(state):
                ending.append((b, k))
    if ending:
        rows = torch.tensor([b for b, _ in ending], device=scores.device)
        cols = torch.tensor([k for _, k in ending], device=scores.device)
        eos_scores = step.accumulated[rows, cols * step.vocab + eos]
        scores[rows, cols] = eos_scores
        ranked[rows, cols] = eos_scores >= step.own_best[0][rows, cols, -1]
    scores = torch.where(torch.isfinite(scores), scores, torch.full_like(scores, NEG))
    return sequences, scores, ranked


def _track_finished(best: torch.Tensor, step: _Candidates, tracker: _Tracker) -> None:
    """Carry the constraint states along with the finished hypotheses that were kept."""
    for b in tracker.constrained:
        hyps = tracker.states[b]
        sentence = tracker.constraints[b]
        assert sentence is not None
        merged = tracker.finished_states[b] + [
            sentence.advance(hyps[k], t)
            for k, t in zip(step.beams[b].tolist(), step.tokens[b].tolist(), strict=True)
        ]
        merged += list(hyps)  # the end-of-sentence candidates of _met_endings, one per beam
        tracker.finished_states[b] = [merged[i] for i in best[b].tolist()]


# -- 6. early stop ----------------------------------------------------------------------------
def _stop(step: _Candidates, beams: _Beams, settings: _Settings) -> bool:
    """Whether the search is over: no running hypothesis can beat the finished ones, every
    sentence is full under early stopping, or every candidate hit a stopping criterion."""
    best_running = beams.running_scores.max(dim=1, keepdim=True)[0]
    if settings.early_stopping == "never" and settings.length_penalty > 0.0:
        best_running = settings.normalised(best_running, settings.max_length - settings.prompt_len)
    else:
        best_running = settings.normalised(best_running, beams.cur_len - settings.prompt_len)
    worst_finished = torch.where(
        beams.is_finished, torch.min(beams.finished_scores, dim=1, keepdim=True)[0], NEG
    )
    beams.can_improve = beams.can_improve & torch.any(best_running > worst_finished, dim=-1, keepdim=True)
    open_beams = ~(torch.all(beams.fills) & (settings.early_stopping is True))
    return not bool(torch.any(beams.can_improve) & open_beams & ~torch.all(step.ends))


# -- 7. fixed sentences leave the batch ----------------------------------------------------------
def _fixed(beams: _Beams, settings: _Settings) -> list[int]:
    """Sentences whose result can no longer change: past their own length limit, or unable to
    improve on their finished hypotheses (every later ending of theirs scores NEG)."""
    can_improve = beams.can_improve[:, 0].tolist()
    return [b for b in range(settings.batch) if not can_improve[b] or beams.cur_len >= settings.limits[b]]


# the tensors of _Beams with a row per sentence (`parents` is rebuilt)
_PER_SENTENCE = tuple("running running_scores finished finished_scores is_finished fills can_improve".split())


def _drop_fixed(
    beams: _Beams, settings: _Settings, tracker: _Tracker, model_kwargs: dict[str, Any], done: _Done
) -> _Settings:
    """Take fixed sentences out of every per-sentence tensor, the KV cache and the constraint
    bookkeeping, keeping their results; the decoder then runs on the other rows only."""
    fixed = _fixed(beams, settings)
    if not fixed:
        return settings
    keep = [b for b in range(settings.batch) if b not in fixed]
    num_beams, device = settings.num_beams, beams.running.device
    rows = torch.tensor(
        [b * num_beams + k for b in keep for k in range(num_beams)], dtype=torch.long, device=device
    )
    if keep and not internals.select_rows(model_kwargs, rows):
        done.prunable = False
        return settings
    for b in fixed:
        done.results[done.origin[b]] = _result(b, beams, settings, tracker)
    index = torch.tensor(keep, dtype=torch.long, device=device)
    for name in _PER_SENTENCE:
        setattr(beams, name, getattr(beams, name).index_select(0, index))
    beams.parents = torch.arange(len(keep) * num_beams, device=device).view(len(keep), num_beams)
    moved = {old: new for new, old in enumerate(keep)}
    tracker.constraints = [tracker.constraints[b] for b in keep]
    tracker.constrained = [moved[b] for b in tracker.constrained if b in moved]
    tracker.states = {moved[b]: states for b, states in tracker.states.items() if b in moved}
    tracker.finished_states = {moved[b]: s for b, s in tracker.finished_states.items() if b in moved}
    done.origin = [done.origin[b] for b in keep]
    return replace(settings, batch=len(keep), limits=tuple(settings.limits[b] for b in keep))


# -- the result -------------------------------------------------------------------------------
def _result(b: int, beams: _Beams, settings: _Settings, tracker: _Tracker) -> tuple[list[int], State | None]:
    """One sentence's best finished hypothesis (or, if none finished, its most advanced one)."""
    sentence = tracker.constraints[b]
    start = settings.prompt_len
    if beams.finished_scores[b, 0] > NEG / 2:
        tokens = beams.finished[b, 0, start:].tolist()
        state = tracker.finished_states[b][0] if sentence is not None else None
    elif sentence is not None:
        states = tracker.states[b]
        order = max(
            range(settings.num_beams),
            key=lambda k: (sentence.units(states[k]), float(beams.running_scores[b, k])),
        )
        tokens, state = beams.running[b, order, start:].tolist(), states[order]
    else:
        tokens, state = beams.running[b, 0, start:].tolist(), None
    special = {settings.pad, settings.eos}
    return [t for t in tokens if t not in special], state


def _collect(beams: _Beams, settings: _Settings, tracker: _Tracker, done: _Done) -> BeamOutput:
    """Every sentence's result, in input order: those that left the batch early and the rest."""
    results = dict(done.results)
    for b in range(settings.batch):
        results[done.origin[b]] = _result(b, beams, settings, tracker)
    ordered = [results[i] for i in range(len(results))]
    return BeamOutput([tokens for tokens, _ in ordered], [state for _, state in ordered])
