"""Lexical constraints for one sentence, and the state of a hypothesis with respect to them.

A *requirement* is one term occurrence that must appear in the output: a disjunction of token
sequences (the target as written, capitalised, pluralised, with and without the leading-space
marker). A term that occurs twice is two requirements. *Forbidden* sequences must never appear.

A hypothesis' :class:`State` records which requirements are met and, while a phrase is being
produced, which (requirement, alternative) pairs are still alive and how far along they are.
If the next token does not continue any alive phrase, the phrase is abandoned (the tokens stay
but count for nothing) and the token may start a new one, as in Post & Vilar (2018).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

Phrase = tuple[int, ...]


@dataclass(frozen=True)
class State:
    met: tuple[bool, ...]
    alive: frozenset[tuple[int, int]] = frozenset()
    pos: int = 0
    forced: tuple[bool, ...] = ()  # per requirement: a forced (non top-k) token completed it
    alive_forced: bool = False


@dataclass
class SentenceConstraints:
    """Requirements and forbidden sequences of one sentence, with transition tables."""

    requirements: list[tuple[Phrase, ...]]
    forbidden: list[Phrase] = field(default_factory=list)
    initial: set[Phrase] = field(default_factory=set)  # alternatives that may only open the sentence

    def __post_init__(self) -> None:
        self.requirements = [tuple(dict.fromkeys(p for p in alts if p)) for alts in self.requirements]
        self.requirements = [alts for alts in self.requirements if alts]
        self.forbidden = list(dict.fromkeys(p for p in self.forbidden if p))
        self._starts: dict[int, list[tuple[int, int]]] = {}
        self._starts_later: dict[int, list[tuple[int, int]]] = {}
        for r, alternatives in enumerate(self.requirements):
            for a, phrase in enumerate(alternatives):
                self._starts.setdefault(phrase[0], []).append((r, a))
                if phrase not in self.initial:
                    self._starts_later.setdefault(phrase[0], []).append((r, a))
        self._advance_cache: dict[tuple[State, int, bool, bool], State] = {}

    @cached_property
    def min_lengths(self) -> list[int]:
        return [min(len(p) for p in alts) for alts in self.requirements]

    @property
    def empty(self) -> bool:
        return not self.requirements and not self.forbidden

    def start_state(self) -> State:
        n = len(self.requirements)
        return State(met=(False,) * n, forced=(False,) * n)

    def all_met(self, state: State) -> bool:
        return all(state.met)

    def units(self, state: State) -> int:
        """Progress in tokens: the bank of dynamic beam allocation."""
        done = sum(length for length, met in zip(self.min_lengths, state.met, strict=True) if met)
        return done + (state.pos if state.alive else 0)

    @property
    def total_units(self) -> int:
        return sum(self.min_lengths)

    def needed(self, state: State) -> int:
        """The fewest tokens still to produce to meet every requirement."""
        unmet = sum(length for length, met in zip(self.min_lengths, state.met, strict=True) if not met)
        if not state.alive:
            return unmet
        return min(
            len(self.requirements[r][a]) - state.pos + unmet - self.min_lengths[r] for r, a in state.alive
        )

    def unmet_units(self, state: State) -> int:
        """Tokens needed if the phrase in progress were abandoned now (the next token not advancing it)."""
        return sum(length for length, met in zip(self.min_lengths, state.met, strict=True) if not met)

    def continuations(self, state: State) -> set[int]:
        """Tokens that continue the phrase in progress."""
        return {self.requirements[r][a][state.pos] for r, a in state.alive}

    def starts(self, state: State, at_start: bool = False) -> set[int]:
        """Tokens that start a phrase of an unmet requirement (at the first position, or later)."""
        table = self._starts if at_start else self._starts_later
        return {t for t, pairs in table.items() if any(not state.met[r] for r, _ in pairs)}

    def advancing(self, state: State, at_start: bool = False) -> set[int]:
        """Tokens that make progress: continue the phrase in progress or start a new one."""
        starts = self.starts(state, at_start)
        return self.continuations(state) | starts if state.alive else starts

    def advance(self, state: State, token: int, forced: bool = False, at_start: bool = False) -> State:
        """The state after appending `token` (`at_start`: as the first token of the output)."""
        key = (state, token, forced, at_start)
        cached = self._advance_cache.get(key)
        if cached is None:
            cached = self._advance(state, token, forced, at_start)
            if len(self._advance_cache) < 100_000:
                self._advance_cache[key] = cached
        return cached

    def _advance(self, state: State, token: int, forced: bool, at_start: bool) -> State:
        if state.alive:
            alive = frozenset(
                (r, a)
                for r, a in state.alive
                if not state.met[r] and self.requirements[r][a][state.pos] == token
            )
            if alive:
                return self._progress(state, alive, state.pos + 1, state.alive_forced or forced)
        table = self._starts if at_start else self._starts_later
        alive = frozenset((r, a) for r, a in table.get(token, ()) if not state.met[r])
        if not alive:
            return State(state.met, frozenset(), 0, state.forced, False)
        return self._progress(state, alive, 1, forced)

    def _progress(self, state: State, alive: frozenset[tuple[int, int]], pos: int, forced: bool) -> State:
        complete = sorted(r for r, a in alive if len(self.requirements[r][a]) == pos)
        if complete:
            r = complete[0]
            met = state.met[:r] + (True,) + state.met[r + 1 :]
            was_forced = state.forced[:r] + (forced,) + state.forced[r + 1 :]
            return State(met, frozenset(), 0, was_forced, False)
        return State(state.met, alive, pos, state.forced, forced)

    def banned_next(self, tokens: list[int]) -> set[int]:
        """Tokens that would complete a forbidden sequence after `tokens`."""
        banned = set()
        for phrase in self.forbidden:
            n = len(phrase) - 1
            if n == 0 or (len(tokens) >= n and tuple(tokens[-n:]) == phrase[:-1]):
                banned.add(phrase[-1])
        return banned
