"""Beam search with lexical constraints and dynamic beam allocation, as a ``custom_generate``.

Pass :func:`constrained_beam_search` to ``model.generate(custom_generate=..., constraints=[...])``.
`generate` prepares the encoder outputs, the KV cache, the logits processors and the stopping
criteria from the model's generation config; this function runs the decoding loop.

The loop mirrors transformers' own beam search step for step (the same 2K top-k candidates,
length penalty and finishing rules), so with no constraints it returns exactly what
``generate()`` returns. For sentences that carry constraints, each step also:

* blocks end-of-sentence while a requirement is unmet, and blocks every token that would
  complete a forbidden sequence;
* when only as many steps remain as the constraints need, allows only tokens that advance them
  (so every requirement is met whenever the length limit leaves room for it);
* adds, per hypothesis, the tokens that advance a constraint and its single best token to the
  candidates, and chooses the K running hypotheses by dynamic beam allocation (Post & Vilar
  2018): the beam is divided into banks by the number of constraint tokens met, so hypotheses
  that have met more constraints keep a place even when they score lower.

Scores, top-k and finishing are batched tensor operations over the whole batch (as in Hu et
al. 2019); only the allocation for constrained sentences walks their few candidates in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from .constraints import SentenceConstraints, State

NEG = -1.0e9


@dataclass
class BeamOutput:
    """Token ids (without the decoder start token and padding) and constraint states per sentence."""

    sequences: list[list[int]]
    states: list[State | None]


def constrained_beam_search(
    model: Any,
    input_ids: torch.LongTensor,
    logits_processor: Any,
    stopping_criteria: Any,
    generation_config: Any,
    synced_gpus: bool = False,
    constraints: list[SentenceConstraints | None] | None = None,
    **model_kwargs: Any,
) -> BeamOutput:
    pad = int(generation_config._pad_token_tensor) if generation_config._pad_token_tensor is not None else -1
    eos_tensor = generation_config._eos_token_tensor
    eos_ids = set(eos_tensor.tolist()) if eos_tensor is not None else set()
    eos = min(eos_ids) if eos_ids else None
    length_penalty = generation_config.length_penalty
    early_stopping = generation_config.early_stopping
    max_length = generation_config.max_length
    num_beams = generation_config.num_beams

    flat_batch, cur_len = input_ids.shape[:2]
    batch = flat_batch // num_beams
    prompt_len = cur_len
    device = input_ids.device
    constraints = list(constraints or [None] * batch)
    constraints = [c if c is not None and not c.empty else None for c in constraints]
    constrained = [b for b, c in enumerate(constraints) if c is not None]

    beams_to_keep = max(2, 1 + len(eos_ids)) * num_beams
    top_mask = torch.zeros(beams_to_keep, dtype=torch.bool, device=device)
    top_mask[:num_beams] = True

    fill = pad if pad >= 0 else (eos if eos is not None else -1)
    running = torch.full((batch, num_beams, max_length), fill, dtype=torch.long, device=device)
    running[:, :, :cur_len] = input_ids.view(batch, num_beams, -1)
    finished = running.clone()
    running_scores = torch.zeros((batch, num_beams), dtype=torch.float, device=device)
    running_scores[:, 1:] = NEG
    finished_scores = torch.full((batch, num_beams), NEG, dtype=torch.float, device=device)
    is_finished = torch.zeros((batch, num_beams), dtype=torch.bool, device=device)
    can_improve = torch.ones((batch, 1), dtype=torch.bool, device=device)
    hits_stop = torch.zeros((batch, num_beams), dtype=torch.bool, device=device)
    running_src = torch.full((batch, num_beams, max_length - cur_len), -1, dtype=torch.long, device=device)
    finished_src = running_src.clone()

    tracker = _Tracker(
        constraints,
        constrained,
        {b: [constraints[b].start_state()] * num_beams for b in constrained},
        {b: [None] * num_beams for b in constrained},
        eos,
        eos_ids,
    )

    outputs = model._prefill(input_ids, generation_config, model_kwargs, is_first_iteration=True)
    first = True
    while True:
        if not first:
            flat = running[:, :, :cur_len].reshape(flat_batch, cur_len)
            inputs = model.prepare_inputs_for_generation(flat, next_sequence_length=1, **model_kwargs)
            outputs = model(**inputs, return_dict=True)
        first = False
        model_kwargs = model._update_model_kwargs_for_generation(
            outputs, model_kwargs, is_encoder_decoder=model.config.is_encoder_decoder
        )
        logits = outputs.logits[:, -1, :].to(dtype=torch.float32, device=device)  # no copy when already so
        del outputs
        flat_sequences = running[:, :, :cur_len].reshape(flat_batch, cur_len)
        log_probs = logits_processor(flat_sequences, nn.functional.log_softmax(logits, dim=-1))
        del logits  # the model's (rows x vocabulary) output: free it before the next copies
        vocab = log_probs.shape[-1]

        if constrained:
            _apply_constraints(log_probs, running, cur_len, max_length, num_beams, tracker)

        accumulated = log_probs.view(batch, num_beams, vocab).add_(running_scores[:, :, None]).view(batch, -1)
        del log_probs  # now part of `accumulated`
        top_scores, top_indices = torch.topk(accumulated, k=beams_to_keep)
        top_beams = top_indices // vocab
        top_tokens = top_indices % vocab
        top_sequences = torch.take_along_dim(running, top_beams[:, :, None], dim=1)
        top_sequences[:, :, cur_len] = top_tokens
        offsets = torch.arange(batch, device=device).view(-1, 1) * num_beams
        top_src = torch.take_along_dim(running_src, top_beams[:, :, None], dim=1)
        top_src[:, :, cur_len - prompt_len] = top_beams + offsets

        hits_stop = stopping_criteria(top_sequences[:, :, : cur_len + 1].reshape(-1, cur_len + 1), None)
        hits_stop = hits_stop.view(batch, beams_to_keep)

        # running beams for the next step: the best K candidates that did not finish
        masked = top_scores + hits_stop.to(torch.float32) * NEG
        keep = torch.topk(masked, k=num_beams)[1]
        step = _Step(
            accumulated,
            top_scores,
            top_beams,
            top_tokens,
            hits_stop,
            running,
            running_src,
            running_scores,
            cur_len,
            prompt_len,
            num_beams,
            vocab,
            cur_len + 1 >= max_length,
        )
        running = torch.take_along_dim(top_sequences, keep[:, :, None], dim=1)
        running_scores = torch.take_along_dim(masked, keep, dim=1)
        running_src = torch.take_along_dim(top_src, keep[:, :, None], dim=1)

        # finished hypotheses: merge those that just ended (among the top K) with earlier ones
        just_finished = hits_stop & top_mask[None, :]
        end_scores = top_scores / ((cur_len + 1 - prompt_len) ** length_penalty)
        full = torch.all(is_finished, dim=-1, keepdim=True) & (early_stopping is True)
        end_scores = end_scores + full.to(torch.float32) * NEG + (~can_improve).to(torch.float32) * NEG
        end_scores = end_scores + (~just_finished) * NEG
        if constrained:
            end_scores = end_scores - _unmet_penalty(step, tracker)
        ending = [top_sequences]
        ending_src = [top_src]
        ending_finished = [just_finished]
        if constrained:  # hypotheses that met every constraint may end even when they score low
            extra = _constrained_endings(step, tracker, just_finished)
            extra_scores = extra[0] / ((cur_len + 1 - prompt_len) ** length_penalty)
            extra_scores = (
                extra_scores + full.to(torch.float32) * NEG + (~can_improve).to(torch.float32) * NEG
            )
            end_scores = torch.cat((end_scores, extra_scores), dim=1)
            ending += [extra[1]]
            ending_src += [extra[2]]
            ending_finished += [extra_scores > NEG / 2]
        merged_scores = torch.cat((finished_scores, end_scores), dim=1)
        best = torch.topk(merged_scores, k=num_beams)[1]
        if constrained:
            _track_finished(best, step, tracker)
        finished = torch.take_along_dim(torch.cat((finished, *ending), dim=1), best[:, :, None], dim=1)
        finished_scores = torch.take_along_dim(merged_scores, best, dim=1)
        finished_src = torch.take_along_dim(
            torch.cat((finished_src, *ending_src), dim=1), best[:, :, None], dim=1
        )
        is_finished = torch.take_along_dim(torch.cat((is_finished, *ending_finished), dim=1), best, dim=1)

        if constrained:
            _allocate(step, tracker, running, running_scores, running_src)

        beam_idx = running_src[:, :, cur_len - prompt_len].reshape(-1)
        cache = model_kwargs.get("cache")
        if cache is None:
            cache = model_kwargs.get("past_key_values")
        if cache is not None:
            _reorder(cache, beam_idx)

        cur_len += 1
        best_running = running_scores.max(dim=1, keepdim=True)[0]
        if early_stopping == "never" and length_penalty > 0.0:
            best_running = best_running / ((max_length - prompt_len) ** length_penalty)
        else:
            best_running = best_running / ((cur_len - prompt_len) ** length_penalty)
        worst_finished = torch.where(is_finished, torch.min(finished_scores, dim=1, keepdim=True)[0], -1.0e9)
        can_improve = can_improve & torch.any(best_running > worst_finished, dim=-1, keepdim=True)
        open_beams = ~(torch.all(is_finished) & (early_stopping is True))
        if not (torch.any(can_improve) & open_beams & ~torch.all(hits_stop)):
            break

    return _collect(finished, finished_scores, running, running_scores, prompt_len, pad, tracker)


@dataclass
class _Tracker:
    """The constraint bookkeeping of one search: per constrained sentence, a state per hypothesis."""

    constraints: list[SentenceConstraints | None]
    constrained: list[int]  # the sentences that have constraints
    states: dict[int, list[State]]  # of the running hypotheses
    finished_states: dict[int, list[State | None]]  # of the finished ones
    eos: int | None
    eos_ids: set[int]


@dataclass
class _Step:
    """One step's candidates: everything the constrained bookkeeping reads."""

    accumulated: torch.Tensor  # (batch, beams * vocab): running score + log-prob of each continuation
    top_scores: torch.Tensor  # (batch, 2K) the best continuations ...
    top_beams: torch.Tensor  # ... the beams they continue ...
    top_tokens: torch.Tensor  # ... their tokens ...
    hits_stop: torch.Tensor  # ... and whether they end
    old_running: torch.Tensor  # the running hypotheses before this step
    old_src: torch.Tensor
    old_scores: torch.Tensor
    cur_len: int
    prompt_len: int
    num_beams: int
    vocab: int
    last: bool  # the length limit is reached with this step


def _apply_constraints(log_probs, running, cur_len, max_length, num_beams, tracker: _Tracker) -> None:
    """Block EOS and forbidden tokens; force constraint tokens when the length limit demands it."""
    available = max_length - 1 - cur_len  # the last position is reserved for end-of-sentence
    at_start = cur_len == 1  # (the decoder start token is position 0)
    eos = tracker.eos
    for b, hyps in tracker.states.items():
        sentence = tracker.constraints[b]
        for k, state in enumerate(hyps):
            row = b * num_beams + k
            if sentence.forbidden:
                tokens = running[b, k, 1:cur_len].tolist() if sentence.forbidden else []
                banned = sentence.banned_next(tokens)
                if banned:
                    log_probs[row, list(banned)] = float("-inf")
            if sentence.all_met(state):
                continue
            if eos is not None and available > 0:  # at the last position it may end, penalised
                log_probs[row, eos] = float("-inf")
            if sentence.unmet_units(state) >= available:  # any other token would leave too few steps
                allowed = _in_time(sentence, state, available, at_start)
                if allowed:
                    kept = log_probs[row, allowed].clone()
                    log_probs[row] = float("-inf")
                    log_probs[row, allowed] = kept


UNMET_PENALTY = 1.0e6


def _reorder(cache: Any, beam_idx: torch.Tensor) -> None:
    """Follow the chosen beams in the KV cache.

    Beams only ever move within their own sentence, and every beam of a sentence attends to the
    same encoder output, so the cross-attention cache is the same for all of them: only the
    self-attention cache needs reordering (transformers reorders both).
    """
    self_attention = getattr(cache, "self_attention_cache", None)
    if self_attention is not None and hasattr(cache, "cross_attention_cache"):
        self_attention.reorder_cache(beam_idx)
    else:
        cache.reorder_cache(beam_idx)


def _unmet_penalty(step: _Step, tracker: _Tracker) -> torch.Tensor:
    """Rank hypotheses that end with unmet requirements (only possible at the length limit) last."""
    top_beams, top_tokens = step.top_beams, step.top_tokens
    penalty = torch.zeros(step.top_scores.shape, dtype=torch.float32, device=top_beams.device)
    for b in tracker.constrained:
        sentence, hyps = tracker.constraints[b], tracker.states[b]
        if all(sentence.all_met(state) for state in hyps):
            continue
        unmet = [
            sum(not m for m in sentence.advance(hyps[k], t).met)
            for k, t in zip(top_beams[b].tolist(), top_tokens[b].tolist(), strict=True)
        ]
        penalty[b] = torch.tensor(unmet, dtype=torch.float32) * UNMET_PENALTY
    return penalty


def _in_time(sentence: SentenceConstraints, state: State, available: int, at_start: bool) -> list[int]:
    """Constraint tokens after which every requirement can still be met in the steps left."""
    options = {
        t: sentence.needed(sentence.advance(state, t, at_start=at_start))
        for t in sentence.advancing(state, at_start)
    }
    if not options:
        return []
    fitting = [t for t, need in options.items() if need <= available - 1]
    if fitting:
        return sorted(fitting)
    least = min(options.values())
    return sorted(t for t, need in options.items() if need == least)


def _constrained_endings(step: _Step, tracker: _Tracker, just_finished: torch.Tensor):
    """End-of-sentence candidates for every running hypothesis that has met all its constraints.

    transformers lets only the top K of its 2K candidates finish; a hypothesis that had to take
    low-scoring constraint tokens rarely gets there, so it may end from any place in the beam.
    """
    batch, num_beams = step.old_scores.shape
    eos = tracker.eos
    scores = torch.full((batch, num_beams), NEG, dtype=torch.float32, device=step.old_scores.device)
    sequences = step.old_running.clone()
    src = step.old_src.clone()
    offsets = torch.arange(batch, device=src.device).view(-1, 1) * num_beams
    src[:, :, step.cur_len - step.prompt_len] = (
        torch.arange(num_beams, device=src.device).view(1, -1) + offsets
    )
    if eos is None:
        return scores, sequences, src
    sequences[:, :, step.cur_len] = eos
    for b in tracker.constrained:
        ended = zip(
            step.top_beams[b].tolist(), step.top_tokens[b].tolist(), just_finished[b].tolist(), strict=True
        )
        already = {k for k, t, done in ended if done and t == eos}
        sentence = tracker.constraints[b]
        for k, state in enumerate(tracker.states[b]):
            if k in already or float(step.old_scores[b, k]) <= NEG / 2 or not sentence.all_met(state):
                continue
            scores[b, k] = step.accumulated[b, k * step.vocab + eos]
    scores = torch.where(torch.isfinite(scores), scores, torch.full_like(scores, NEG))
    return scores, sequences, src


def _track_finished(best: torch.Tensor, step: _Step, tracker: _Tracker) -> None:
    """Carry the constraint states along with the finished hypotheses that were kept."""
    for b in tracker.constrained:
        hyps = tracker.states[b]
        advance = tracker.constraints[b].advance
        merged = tracker.finished_states[b] + [
            advance(hyps[k], t)
            for k, t in zip(step.top_beams[b].tolist(), step.top_tokens[b].tolist(), strict=True)
        ]
        merged += list(hyps)  # the end-of-sentence candidates of _constrained_endings, one per beam
        tracker.finished_states[b] = [merged[i] for i in best[b].tolist()]


def _allocate(step: _Step, tracker: _Tracker, running, running_scores, running_src) -> None:
    """Choose the running hypotheses of constrained sentences by dynamic beam allocation."""
    num_beams, vocab, at_start = step.num_beams, step.vocab, step.cur_len == step.prompt_len
    best_tokens = step.accumulated.view(-1, num_beams, vocab).argmax(dim=-1)
    extra: dict[int, list[tuple[int, int]]] = {}  # per sentence: (beam, token) beyond the top-k
    for b in tracker.constrained:
        sentence = tracker.constraints[b]
        pairs = []
        for k, state in enumerate(tracker.states[b]):
            if float(step.old_scores[b, k]) <= NEG / 2:
                continue
            pairs += [(k, token) for token in sentence.advancing(state, at_start)]
            pairs.append((k, int(best_tokens[b, k])))
        extra[b] = pairs
    requests = [(b, k, t) for b, pairs in extra.items() for k, t in pairs]
    values = []
    if requests:
        rows = torch.tensor([b for b, _, _ in requests])
        cols = torch.tensor([k * vocab + t for _, k, t in requests])
        values = step.accumulated[rows, cols].tolist()
    position = 0
    tops, top_b, top_t = step.top_scores.tolist(), step.top_beams.tolist(), step.top_tokens.tolist()
    stop = step.hits_stop.tolist()
    for b in tracker.constrained:
        candidates: dict[tuple[int, int], tuple[float, bool]] = {}
        for j, score in enumerate(tops[b]):
            if not stop[b][j]:
                candidates[(top_b[b][j], top_t[b][j])] = (score, False)
        for k, token in extra[b]:
            score = values[position]
            position += 1
            if step.last or token in tracker.eos_ids:
                continue  # ending hypotheses are handled by the finishing step
            if (k, token) not in candidates and score > float("-inf"):
                candidates[(k, token)] = (score, True)  # forced: the model did not rank it in its top-k
        chosen = _dba(candidates, tracker.states[b], tracker.constraints[b], num_beams, at_start)
        for slot, (k, token, score, _) in enumerate(chosen):
            running[b, slot] = step.old_running[b, k]
            running[b, slot, step.cur_len] = token
            running_scores[b, slot] = score
            running_src[b, slot] = step.old_src[b, k]
            running_src[b, slot, step.cur_len - step.prompt_len] = b * num_beams + k
        tracker.states[b] = [state for _, _, _, state in chosen]


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


def _collect(
    finished, finished_scores, running, running_scores, prompt_len, pad, tracker: _Tracker
) -> BeamOutput:
    """The best finished hypothesis of each sentence (or, if none finished, the most advanced one)."""
    sequences: list[list[int]] = []
    out_states: list[State | None] = []
    special = {pad, tracker.eos}
    for b in range(finished.shape[0]):
        sentence = tracker.constraints[b]
        if finished_scores[b, 0] > NEG / 2:
            tokens = finished[b, 0, prompt_len:].tolist()
            state = tracker.finished_states[b][0] if sentence is not None else None
        elif sentence is not None:
            states = tracker.states[b]
            order = max(
                range(running.shape[1]),
                key=lambda k: (sentence.units(states[k]), float(running_scores[b, k])),
            )
            tokens, state = running[b, order, prompt_len:].tolist(), states[order]
        else:
            tokens, state = running[b, 0, prompt_len:].tolist(), None
        sequences.append([t for t in tokens if t not in special])
        out_states.append(state)
    return BeamOutput(sequences, out_states)
