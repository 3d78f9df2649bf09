"""The Translator: one document through segmenting, term matching, memory, decoding and statuses.

Orchestration only: each stage lives in its feature package.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

from .engine.enforcement import (
    PhraseEncoder,
    observed_statuses,
    plan,
    remembered_statuses,
    satisfied,
    statuses,
)
from .engine.registry import ModelSpec, resolve
from .errors import UsageError
from .glossary import DEFAULT_GLOSSARY
from .memory.lookup import Memory, fingerprint
from .results import DocumentResult, SentenceResult, TermStatus
from .terms.entry import Entry
from .terms.matcher import Hit, Matcher
from .text.sentences import segment_document, split_long
from .text.sentences import sentences as split_sentences

STRATEGIES = ("direct", "repair")


class Translator:
    """Translate text with a local MarianMT model, enforcing a glossary.

    `glossary` is the name of a stored glossary (default ``"default"``; a missing default
    glossary means none), a list of :class:`~vertaal.Entry`, a ready
    :class:`~vertaal.Matcher`, or None for no glossary. `strategy` is ``"direct"``
    (decode sentences with terms under constraints at once) or ``"repair"`` (decode freely, then
    again under constraints only the sentences that miss a term).

    >>> Translator(direction="nl-en").translate("De AIVD werkt samen met de MIVD.")  # doctest: +SKIP
    """

    def __init__(
        self,
        direction: str = "nl-en",
        *,
        model: str | None = None,
        device: str | None = None,
        beams: int | None = None,
        batch_size: int = 16,
        max_new_tokens: int | None = None,
        glossary: str | Iterable[Entry] | Matcher | None = DEFAULT_GLOSSARY,
        db: str | os.PathLike[str] | None = None,
        strategy: str = "direct",
        memory: bool = False,
        fast: bool = False,
    ) -> None:
        self.spec: ModelSpec = resolve(direction, model)
        self.device = device
        self.beams = beams
        self.batch_size = batch_size
        self.max_new_tokens = max_new_tokens
        if strategy not in STRATEGIES:
            raise UsageError(f"unknown strategy {strategy!r}; use direct or repair")
        self.strategy = strategy
        self.fast = fast
        self.pair = tuple(self.spec.direction.split("-", 1)) if "-" in self.spec.direction else ("nl", "en")
        from .glossary.matchers import load_matcher

        self.matcher = load_matcher(glossary, db, self.pair)
        self.notices: list[str] = []
        self.memory: Memory | None = None
        if memory:
            self.memory = Memory(
                db, self.spec, self.pair, self.notices.append, variant="int8" if fast else ""
            )
        self._engine: Any = None
        self._encoder: PhraseEncoder | None = None
        self.repaired = 0  # --fast: sentences the constrained decoder translated again

    @property
    def engine(self) -> Any:
        """The loaded engine; the model is loaded on first use."""
        if self._engine is None:
            from .engine.loading import load
            from .engine.marian import MarianEngine

            self._engine = MarianEngine(
                self.spec,
                lambda: load(self.spec, self.device),
                beams=self.beams,
                batch_size=self.batch_size,
                max_new_tokens=self.max_new_tokens,
                fast=self.fast,
                device=self.device,
                notice=self.notices.append,
            )
        return self._engine

    @property
    def loaded(self) -> bool:
        """Whether a model has been loaded (translations from memory need none)."""
        return self._engine is not None

    @property
    def torch_loaded(self) -> bool:
        """Whether the torch model was loaded (in fast mode, only when a sentence needed repair)."""
        return self._engine is not None and self._engine.model_loaded

    @property
    def load_seconds(self) -> float:
        return self._engine.load_seconds if self._engine else 0.0

    def translate(self, text: str) -> str:
        """Translate a text; N paragraphs in give N paragraphs out."""
        return self.translate_document(text).text()

    def translate_document(
        self,
        text: str,
        on_progress: Callable[[int], None] | None = None,
        on_start: Callable[[int], None] | None = None,
    ) -> DocumentResult:
        """Translate a text and keep per-sentence results."""
        return self._translate_segmented(segment_document(text), on_progress, on_start)

    def translate_blocks(
        self,
        blocks: list[str],
        on_progress: Callable[[int], None] | None = None,
        on_start: Callable[[int], None] | None = None,
    ) -> DocumentResult:
        """Translate a document's blocks (paragraphs, cells, notes: already apart, never joined);
        result paragraph N is block N, an empty block gives no sentences."""
        segmented = [split_sentences(b) if b.strip() else [] for b in blocks]
        return self._translate_segmented(segmented, on_progress, on_start)

    def _translate_segmented(
        self,
        paragraphs: list[list[str]],
        on_progress: Callable[[int], None] | None,
        on_start: Callable[[int], None] | None,
    ) -> DocumentResult:
        if not paragraphs:
            return DocumentResult([], 0)
        results = []
        for p_index, sentences in enumerate(paragraphs):
            pieces = [piece for s in sentences for piece in split_long(s)]
            results += [SentenceResult(p_index, s_index, piece, "") for s_index, piece in enumerate(pieces)]
        if on_start:
            on_start(len(results))
        sources = [r.source for r in results]
        copied = {i for i, s in enumerate(sources) if not any(ch.isalpha() for ch in s)}
        for i in copied:  # a page number, a date, an amount: nothing to translate
            results[i].target = sources[i]
            results[i].terms = [] if self.matcher is not None else None
        hits = [self.matcher.find(s) for s in sources] if self.matcher else [[] for _ in sources]
        prints = [fingerprint(h) for h in hits]
        remembered = self.memory.lookup(sources, prints) if self.memory else [None] * len(sources)
        misses = [i for i, target in enumerate(remembered) if target is None and i not in copied]
        if on_progress and len(misses) < len(sources):
            on_progress(len(sources) - len(misses))
        translated = self._translate([sources[i] for i in misses], on_progress, [hits[i] for i in misses])
        for i, (target, terms) in zip(misses, translated, strict=True):
            results[i].target = target
            results[i].terms = terms
        for i, target in enumerate(remembered):
            if target is not None and i not in copied:
                results[i].target = target
                results[i].memory = True
                if self.matcher is not None:
                    results[i].terms = remembered_statuses(hits[i], target, self.pair[1])
        if self.memory and misses:
            self.memory.remember(
                [sources[i] for i in misses],
                [results[i].target for i in misses],
                [prints[i] for i in misses],
                self.spec,
            )
        return DocumentResult(results, len(paragraphs))

    def translate_sentences(self, sentences: list[str]) -> list[str]:
        """Translate already segmented sentences, one output per input (no memory)."""
        return [target for target, _ in self._translate(sentences)] if sentences else []

    def _translate(
        self,
        sources: list[str],
        on_progress: Callable[[int], None] | None = None,
        hits: list[list[Hit]] | None = None,
    ) -> list[tuple[str, list[TermStatus] | None]]:
        """Targets and, with a glossary, per-term statuses."""
        if not sources:
            return []
        engine = self.engine
        if self.matcher is None:
            return [(d.text, None) for d in engine.translate(sources, on_progress=on_progress)]
        if hits is None:
            hits = [self.matcher.find(s) for s in sources]
        if self.fast and engine.fast is not None:
            return self._translate_then_repair(sources, hits, on_progress)
        encoder = self._phrase_encoder()
        plans = [plan(h, encoder, self.pair[1]) for h in hits]
        wanted = [p.constraints if not p.constraints.empty else None for p in plans]
        if self.strategy == "direct":
            decoded = engine.translate(sources, wanted, on_progress=on_progress)
        else:
            decoded = engine.translate(sources, on_progress=on_progress)
            redo = [
                i
                for i, p in enumerate(plans)
                if wanted[i] is not None and not satisfied(p.hits, decoded[i].text, self.pair[1])
            ]
            again = engine.translate([sources[i] for i in redo], [wanted[i] for i in redo])
            for i, result in zip(redo, again, strict=True):
                decoded[i] = result
        return [
            (d.text, statuses(p, d.state, d.text, self.pair[1]) if p.hits else [])
            for d, p in zip(decoded, plans, strict=True)
        ]

    def _phrase_encoder(self) -> PhraseEncoder:
        if self._encoder is None:
            self._encoder = PhraseEncoder(self.engine.tokenizer)
        return self._encoder

    def _translate_then_repair(
        self, sources: list[str], hits: list[list[Hit]], on_progress: Callable[[int], None] | None
    ) -> list[tuple[str, list[TermStatus] | None]]:
        """--fast: CTranslate2 translates every sentence; a sentence whose best output misses a term
        (by the shared presence check) takes the best of the beam's other hypotheses that holds its
        terms; only when none does, it goes through the constrained decoder, which loads the torch
        model the first time it is needed. `self.repaired` counts those."""
        engine = self.engine
        decoded = engine.translate(sources, on_progress=on_progress)
        texts = [d.text for d in decoded]
        redo = []
        for i, h in enumerate(hits):
            if not h or satisfied(h, texts[i], self.pair[1]):
                continue
            better = next((alt for alt in decoded[i].alternatives if satisfied(h, alt, self.pair[1])), None)
            if better is None:
                redo.append(i)
            else:
                texts[i] = better
        self.repaired += len(redo)
        results: list[tuple[str, list[TermStatus] | None]] = [
            (text, observed_statuses(h, text, self.pair[1]) if h else [])
            for text, h in zip(texts, hits, strict=True)
        ]
        if redo:
            encoder = self._phrase_encoder()
            plans = {i: plan(hits[i], encoder, self.pair[1]) for i in redo}
            wanted = [plans[i].constraints if not plans[i].constraints.empty else None for i in redo]
            again = engine.translate([sources[i] for i in redo], wanted)
            for i, result in zip(redo, again, strict=True):
                results[i] = (result.text, statuses(plans[i], result.state, result.text, self.pair[1]))
        return results

def translate(text: str, direction: str = "nl-en", **options: Any) -> str:
    """Translate `text` with a new :class:`Translator` (convenient for one-off calls)."""
    return Translator(direction, **options).translate(text)
