"""Lexical constraints for one sentence, and the state of a hypothesis with respect to them.

A *requirement* is one term occurrence that must appear in the output: a disjunction of token
sequences (the target as written, capitalised, pluralised, with and without the leading-space
marker). A term that occurs twice is two requirements. *Forbidden* sequences must never appear.

A hypothesis' :class:`State` records which requirements are met and which phrases are in
progress, each with how far along it is. Every token may continue any phrase in progress and
start new ones at the same time (several requirements may share a prefix, or one may begin inside
another); a phrase the token does not continue is dropped (its tokens stay but count for
nothing), as in Post & Vilar (2018).

With the target vocabulary's :class:`TokenClasses`, terms land as whole words:

* a phrase may start only at a word boundary: its first token carries the word-start marker, or
  it is the glued form right after a token that ends in an opening bracket, quote, slash or
  hyphen (or opens the output);
* after a phrase completes, the next token may not continue the word (a continuation piece that
  starts with a letter or digit), except an ending that turns it into an accepted form (the
  English plural -s/-es of a singular target); after that ending, the word must end.

*Code* requirements (inline codes, see :mod:`vertaal.engine.placeholders`) are met exactly once:
every spelling of a code is blocked while the code may not be placed: already placed, a code it
must follow not yet, or the innermost open pair not the one that holds it in the source (so the
output's pairs nest as the source's do). A code ends no word: anything may follow it.

Only the forms still usable count towards the tokens still needed (which decides when forcing
starts): not a form allowed only to open the sentence, not a glued form, not a form that holds a
forbidden sequence. The head of a forbidden sequence whose rest is made of required tokens
(the "r" of "r level" when "level" is required) is a *lead-in*: forcing could not start right
after it, so the decoder avoids one in the slot before forcing starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

Phrase = tuple[int, ...]
Alive = tuple[int, int, int, bool]  # (requirement, alternative, tokens matched, a forced token among them)


@dataclass(frozen=True)
class CodeRule:
    """How an inline code requirement is placed: once, after the requirements in `needs` (for a
    closing code: its opening code and what the pair holds; the ordered code before it), while
    the innermost open pair is `parent`'s (its opening requirement; None: no pair open);
    `closes`: for a closing code, its opening requirement."""

    needs: tuple[int, ...] = ()
    closes: int | None = None
    parent: int | None = None

OPENERS = tuple("([{\"'\u201c\u2018\u201e\u00ab/-\u2013")


@dataclass(frozen=True)
class TokenClasses:
    """The target vocabulary as word boundaries see it."""

    spaced: frozenset[int]  # pieces that start a word (the sentencepiece marker)
    glue: frozenset[int]  # pieces that continue a word with a letter or digit
    openers: frozenset[int]  # pieces after which a glued phrase may start

    @classmethod
    def from_vocab(
        cls, vocab: dict[str, int], space: str = "\u2581", unknown: int | None = None
    ) -> TokenClasses:
        """Classes of every piece; the unknown token counts as glue: it vanishes when the output is
        decoded, so whatever follows it would stick to the word before."""
        spaced, glue, openers = set(), set(), set()
        for piece, token in vocab.items():
            if piece.startswith(space):
                spaced.add(token)
            elif piece[:1].isalnum() or piece[:1] == "_":
                glue.add(token)
            if piece.endswith(OPENERS):
                openers.add(token)
        if unknown is not None:
            glue.add(unknown)
        return cls(frozenset(spaced), frozenset(glue), frozenset(openers))


@dataclass(frozen=True)
class State:
    met: tuple[bool, ...]
    alive: frozenset[Alive] = frozenset()
    forced: tuple[bool, ...] = ()  # per requirement: a forced (non top-k) token completed it
    glue_ok: bool = True  # a glued phrase may start here (the output's start, or after an opener)
    after: frozenset[int] | None = None  # a phrase just ended: only these word-continuing tokens may follow
    order: tuple[int, ...] = ()  # code requirements in the order they were met


@dataclass
class SentenceConstraints:
    """Requirements and forbidden sequences of one sentence, with transition tables."""

    requirements: list[tuple[Phrase, ...]]
    forbidden: list[Phrase] = field(default_factory=list)
    initial: set[Phrase] = field(default_factory=set)  # alternatives that may only open the sentence
    endings: dict[Phrase, frozenset[int]] = field(default_factory=dict)  # tokens allowed right after
    classes: TokenClasses | None = None  # None: no word-boundary rules (raw token ids)
    codes: dict[int, CodeRule] = field(default_factory=dict)  # requirement -> how the code is placed
    guards: dict[int, list[Phrase]] = field(default_factory=dict)  # every spelling of a code

    def __post_init__(self) -> None:
        self.requirements = [tuple(dict.fromkeys(p for p in alts if p)) for alts in self.requirements]
        assert all(self.requirements) or not self.codes, "code requirements are indexed: none may be empty"
        self.requirements = [alts for alts in self.requirements if alts]
        self.forbidden = list(dict.fromkeys(p for p in self.forbidden if p))
        self._banned: dict[Phrase, set[int]] = {}  # forbidden sequences by all but their last token
        for phrase in self.forbidden:
            self._banned.setdefault(phrase[:-1], set()).add(phrase[-1])
        self._longest_banned = max((len(p) - 1 for p in self.forbidden), default=0)
        self._starts: dict[int, list[tuple[int, int, bool, bool]]] = {}  # token -> (r, a, initial, glued)
        for r, alternatives in enumerate(self.requirements):
            for a, phrase in enumerate(alternatives):
                if self._holds_forbidden(phrase):
                    continue  # it could never be completed: its forbidden part is blocked
                entry = (r, a, phrase in self.initial, self._glued(phrase))
                self._starts.setdefault(phrase[0], []).append(entry)
        # requirements with the same alternatives are one term occurring several times: each
        # occurrence needs tokens of its own, while different terms may share tokens
        self._twins = [
            frozenset(i for i, other in enumerate(self.requirements) if other == alternatives)
            for alternatives in self.requirements
        ]
        self._advance_cache: dict[tuple[State, int, bool, bool], State] = {}
        self._closer_of = {rule.closes: r for r, rule in self.codes.items() if rule.closes is not None}

    def _glued(self, phrase: Phrase) -> bool:
        return self.classes is not None and phrase[0] not in self.classes.spaced

    def _holds_forbidden(self, phrase: Phrase) -> bool:
        return any(
            phrase[i : i + len(f)] == f for f in self.forbidden for i in range(len(phrase) - len(f) + 1)
        )

    @cached_property
    def min_lengths(self) -> list[int]:
        """Per requirement, the shortest form usable anywhere (see the module docstring)."""
        lengths = []
        for alternatives in self.requirements:
            clean = [p for p in alternatives if not self._holds_forbidden(p)] or list(alternatives)
            usable = [p for p in clean if p not in self.initial and not self._glued(p)] or clean
            lengths.append(min(len(p) for p in usable))
        return lengths

    @cached_property
    def gap(self) -> int:
        """1 when a forbidden sequence is made of required tokens alone (two terms side by side may
        then need a token between them), else 0: the slack forcing leaves per unmet requirement."""
        return int(any(set(f) <= self._required_tokens for f in self.forbidden))

    @cached_property
    def _required_tokens(self) -> frozenset[int]:
        return frozenset(t for alternatives in self.requirements for p in alternatives for t in p)

    @cached_property
    def _lead_ins(self) -> dict[Phrase, set[int]]:
        """Heads of forbidden sequences whose rest is made of required tokens alone, by all but
        their last token: forcing, which emits only required tokens, could run into the rest."""
        lead_ins: dict[Phrase, set[int]] = {}
        for phrase in self.forbidden:
            for i in range(len(phrase) - 1, 0, -1):
                if phrase[i] not in self._required_tokens:
                    break
                lead_ins.setdefault(phrase[: i - 1], set()).add(phrase[i - 1])
        return lead_ins

    def slack(self, state: State) -> int:
        """Tokens forcing keeps in hand for gaps between terms (see :attr:`gap`)."""
        return self.gap * sum(not met for met in state.met)

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
        return done + max((pos for _, _, pos, _ in state.alive), default=0)

    @property
    def total_units(self) -> int:
        return sum(self.min_lengths)

    def unmet_units(self, state: State) -> int:
        """Tokens needed if every phrase in progress were dropped now."""
        return sum(length for length, met in zip(self.min_lengths, state.met, strict=True) if not met)

    def needed(self, state: State) -> int:
        """The fewest tokens still to produce to meet every requirement."""
        saving = max(
            (self.min_lengths[r] - (len(self.requirements[r][a]) - pos) for r, a, pos, _ in state.alive),
            default=0,
        )
        return self.unmet_units(state) - max(0, saving)

    def continuations(self, state: State) -> set[int]:
        """Tokens that continue a phrase in progress."""
        return {self.requirements[r][a][pos] for r, a, pos, _ in state.alive}

    def starts(self, state: State, at_start: bool = False) -> set[int]:
        """Tokens that may start a phrase of an unmet requirement here."""
        return {
            token
            for token, entries in self._starts.items()
            if any(self._may_start(state, r, initial, glued, at_start) for r, _, initial, glued in entries)
        }

    def _may_start(self, state: State, r: int, initial: bool, glued: bool, at_start: bool) -> bool:
        return (
            not state.met[r]
            and (at_start or not initial)
            and (state.glue_ok or not glued)
            and (r not in self.codes or self.may_place(state, r))
        )

    def may_place(self, state: State, r: int) -> bool:
        """Whether code requirement `r` may be completed now: not yet met, the codes it follows
        met, and the innermost open pair the one that holds it in the source (a closing code:
        its own)."""
        if state.met[r]:
            return False
        rule = self.codes[r]
        if not all(state.met[n] for n in rule.needs):
            return False
        innermost = self._innermost(state)
        return innermost == (rule.closes if rule.closes is not None else rule.parent)

    def _innermost(self, state: State) -> int | None:
        """The opening requirement of the innermost pair open in `state` (None: none is)."""
        for r in reversed(state.order):
            closing = self._closer_of.get(r)
            if closing is not None and not state.met[closing]:
                return r
        return None

    def advancing(self, state: State, at_start: bool = False) -> set[int]:
        """Tokens that make progress: continue a phrase in progress or start a new one."""
        return self.continuations(state) | self.starts(state, at_start)

    def banned_next(self, tokens: list[int], state: State | None = None) -> set[int]:
        """Tokens never to take next: they complete a forbidden sequence after `tokens`, or (given
        the hypothesis' `state`) a code that may not be placed now."""
        banned: set[int] = set()
        for n in range(min(self._longest_banned, len(tokens)) + 1):
            banned |= self._banned.get(tuple(tokens[len(tokens) - n :]), set())
        if state is not None:
            for r, spellings in self.guards.items():
                if self.may_place(state, r):
                    continue
                for phrase in spellings:
                    head = len(phrase) - 1
                    if head <= len(tokens) and (head == 0 or tuple(tokens[-head:]) == phrase[:-1]):
                        banned.add(phrase[-1])
        return banned

    def leads_in_next(self, tokens: list[int], state: State, at_start: bool = False) -> set[int]:
        """Tokens that, taken next, would end the head of a forbidden sequence whose rest forcing
        might have to emit (see :attr:`_lead_ins`): to avoid in the slot before forcing starts, so a
        term never waits behind a token it may not follow. Tokens that advance a constraint stay."""
        lead_ins = self._lead_ins
        if not lead_ins:
            return set()
        found: set[int] = set()
        for n in range(min(self._longest_banned, len(tokens)) + 1):
            found |= lead_ins.get(tuple(tokens[len(tokens) - n :]), set())
        return found - self.advancing(state, at_start) if found else found

    def breaks_word(self, state: State, token: int) -> bool:
        """Whether `token` would glue onto a term that just ended (not an accepted ending)."""
        return (
            state.after is not None
            and self.classes is not None
            and token in self.classes.glue
            and token not in state.after
        )

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
        alive = {
            (r, a, pos + 1, was_forced or forced)
            for r, a, pos, was_forced in state.alive
            if not state.met[r] and self.requirements[r][a][pos] == token
        }
        alive |= {
            (r, a, 1, forced)
            for r, a, initial, glued in self._starts.get(token, ())
            if self._may_start(state, r, initial, glued, at_start)
        }
        glue_ok = self.classes is None or token in self.classes.openers
        complete = sorted((r, a, f) for r, a, pos, f in alive if pos == len(self.requirements[r][a]))
        if not complete:
            after = frozenset() if state.after is not None and token in state.after else None
            return State(state.met, frozenset(alive), state.forced, glue_ok, after, state.order)
        met, forced_flags = list(state.met), list(state.forced)
        closed: set[int] = set()  # the credited requirements and their twins
        endings: frozenset[int] | None = None
        order = state.order
        for r, a, was_forced in complete:
            if r in closed:
                continue
            met[r], forced_flags[r] = True, was_forced
            closed |= self._twins[r]
            if r in self.codes:
                order += (r,)
            elif endings is None:
                endings = self.endings.get(self.requirements[r][a], frozenset())
        rest = frozenset(
            x for x in alive if x[0] not in closed and x[2] < len(self.requirements[x[0]][x[1]])
        )
        after = endings if self.classes and endings is not None else None
        return State(tuple(met), rest, tuple(forced_flags), glue_ok, after, order)
