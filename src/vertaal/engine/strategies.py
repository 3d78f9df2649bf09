"""Decoding strategies: how a batch of sentences with terms and inline codes becomes targets.

* :class:`Direct` decodes every sentence that holds a term or a code under constraints at once;
* :class:`Repair` decodes freely, then again under constraints only the sentences that miss one;
* :class:`PlaceThenRepair` (the ctranslate2 engine) lets CTranslate2 translate every sentence,
  takes another hypothesis of its beam that holds what the best one misses, places a missing term
  in CTranslate2's output (`engine.placement`), and repairs only what is left with the
  constrained decoder (which loads the torch model the first time it is needed).

Every result is judged by the shared presence test (`terms.statuses`), so a term reported
enforced or unforced is one `check` finds. Each strategy returns one :data:`Outcome` per sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from ..results import ENFORCED, PLACED, UNFORCED, CodeStatus, TermStatus
from ..terms.matcher import Hit
from ..terms.statuses import observed_statuses, satisfied
from .constraints import State
from .enforcement import PhraseEncoder, Plan, code_statuses, plan, statuses
from .placeholders import Spelled, restore

Outcome = tuple[str, "list[TermStatus] | None", "list[CodeStatus]"]  # target, term and code statuses
Progress = Callable[[int], None] | None


@dataclass
class Batch:
    """Sentences to decode: the text the model reads (codes spelled), each sentence's glossary
    hits and spelled codes (None: it has none)."""

    read: list[str]
    hits: list[list[Hit]]
    spelled: list[Spelled | None]


class Strategy:
    """What every strategy shares: the engines, the target language, judging outcomes."""

    def __init__(self, engines: Callable[[], Any], target_lang: str, glossary: bool) -> None:
        self._engines = engines  # loads the model on first call
        self.target_lang = target_lang
        self.glossary = glossary  # whether a glossary applies (else term statuses are None)
        self._encoder: PhraseEncoder | None = None
        self.repaired = 0  # sentences the constrained decoder translated again
        self.placed = 0  # sentences whose missing terms were placed in CTranslate2's output

    @property
    def engines(self) -> Any:
        return self._engines()

    def translate(self, batch: Batch, on_progress: Progress = None) -> list[Outcome]:
        raise NotImplementedError

    def plans(self, batch: Batch, rows: list[int]) -> dict[int, Plan]:
        """Each row's constraints: its terms' required forms and forbidden spellings, its codes."""
        if self._encoder is None:
            self._encoder = PhraseEncoder(self.engines.tokenizer)
        return {i: plan(batch.hits[i], self._encoder, self.target_lang, batch.spelled[i]) for i in rows}

    def constrained(
        self, batch: Batch, rows: list[int], on_progress: Progress = None
    ) -> dict[int, Outcome]:
        """`rows` decoded under their constraints, judged (none: no model is touched)."""
        if not rows:
            return {}
        plans = self.plans(batch, rows)
        wanted = [plans[i].constraints if not plans[i].constraints.empty else None for i in rows]
        decoded = self.engines.translate([batch.read[i] for i in rows], wanted, on_progress=on_progress)
        return {
            i: self.outcome(d.text, batch.hits[i], batch.spelled[i], plans[i], d.state)
            for i, d in zip(rows, decoded, strict=True)
        }

    def holds(self, hits: list[Hit], spelled: Spelled | None, output: str) -> bool:
        """Whether a free translation holds every term and places every code."""
        return satisfied(hits, output, self.target_lang) and (spelled is None or spelled.in_order(output))

    def outcome(
        self,
        output: str,
        hits: list[Hit],
        spelled: Spelled | None,
        sentence: Plan | None = None,
        state: State | None = None,
    ) -> Outcome:
        """The target (codes put back), term statuses (None without a glossary) and code statuses."""
        if not hits:
            terms: list[TermStatus] | None = [] if self.glossary else None
        elif sentence is not None:
            terms = statuses(sentence, state, output, self.target_lang)
        else:
            terms = observed_statuses(hits, output, self.target_lang)
        if spelled is None:
            return output, terms, []
        codes = code_statuses(spelled, output, sentence, state)
        return restore(output, spelled)[0], terms, codes


class Direct(Strategy):
    """Sentences with terms or codes under constraints at once; the rest freely, in one call."""

    def translate(self, batch: Batch, on_progress: Progress = None) -> list[Outcome]:
        done = self.constrained(batch, list(range(len(batch.read))), on_progress)
        return [done[i] for i in range(len(batch.read))]


class Repair(Strategy):
    """Every sentence freely; those that miss a term or a code again under constraints."""

    def translate(self, batch: Batch, on_progress: Progress = None) -> list[Outcome]:
        decoded = self.engines.translate(batch.read, on_progress=on_progress)
        results = [
            self.outcome(d.text, h, sp) for d, h, sp in zip(decoded, batch.hits, batch.spelled, strict=True)
        ]
        redo = [
            i
            for i, d in enumerate(decoded)
            if (batch.hits[i] or batch.spelled[i] is not None)
            and not self.holds(batch.hits[i], batch.spelled[i], d.text)
        ]
        self.repaired += len(redo)
        for i, outcome in self.constrained(batch, redo).items():
            results[i] = outcome
        return results


class PlaceThenRepair(Strategy):
    """CTranslate2 first; a missed term from the beam's other hypotheses, or placed in the output;
    the constrained decoder only for what is left."""

    def translate(self, batch: Batch, on_progress: Progress = None) -> list[Outcome]:
        engines = self.engines
        decoded = engines.translate(batch.read, on_progress=on_progress)
        texts = [d.text for d in decoded]
        redo = []
        for i, (h, sp) in enumerate(zip(batch.hits, batch.spelled, strict=True)):
            if (not h and sp is None) or self.holds(h, sp, texts[i]):
                continue
            better = next((alt for alt in decoded[i].alternatives if self.holds(h, sp, alt)), None)
            if better is None:
                redo.append(i)
            else:
                texts[i] = better
        results = [self.outcome(t, h, sp) for t, h, sp in zip(texts, batch.hits, batch.spelled, strict=True)]
        free = {i: (texts[i], decoded[i].pieces) for i in redo if batch.spelled[i] is None}
        placed = self.place(batch, free)
        for i, outcome in placed.items():
            results[i] = outcome
        redo = [i for i in redo if i not in placed]
        self.repaired += len(redo)
        for i, outcome in self.constrained(batch, redo).items():
            results[i] = outcome
        return results

    def place(self, batch: Batch, free: dict[int, tuple[str, tuple[str, ...] | None]]) -> dict[int, Outcome]:
        """Missing terms put into CTranslate2's translations (engine.placement); a placed term is
        enforced. Always tried first, whatever the batch or the clock: a choice made from timings
        or from how many batchmates miss a term made a sentence's output depend on them."""
        from .placement import place_terms

        engines = self.engines
        if not free or engines.fast is None:
            return {}
        placed = place_terms(
            engines.fast,
            {i: batch.read[i] for i in free},
            free,
            {i: batch.hits[i] for i in free},
            self.target_lang,
            engines.decoding,
        )
        self.placed += len(placed)
        outcomes = {}
        for i, (text, forced) in placed.items():
            output, terms, codes = self.outcome(text, batch.hits[i], None)
            terms = [
                replace(t, status=ENFORCED, by=PLACED) if j in forced and t.status == UNFORCED else t
                for j, t in enumerate(terms or [])
            ]
            outcomes[i] = (output, terms, codes)
        return outcomes


def strategy_for(
    engine: str, strategy: str, engines: Callable[[], Any], target_lang: str, glossary: bool
) -> Strategy:
    """The strategy object for an engine and a --strategy choice."""
    if engine == "ctranslate2":
        return PlaceThenRepair(engines, target_lang, glossary)
    return (Repair if strategy == "repair" else Direct)(engines, target_lang, glossary)
