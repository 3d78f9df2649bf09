"""The Translator: one document through segmenting, term matching, memory, decoding and statuses.

Orchestration only: each stage lives in its feature package.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from .engine.constraints import State
from .engine.enforcement import (
    PhraseEncoder,
    Plan,
    code_statuses,
    observed_statuses,
    plan,
    remembered_statuses,
    satisfied,
    statuses,
)
from .engine.placeholders import Spelled, codes_in, restore
from .engine.registry import ModelSpec, resolve
from .errors import UsageError
from .glossary import DEFAULT_GLOSSARY
from .memory.lookup import Memory, fingerprint
from .results import (
    ENFORCED,
    FAILED,
    MEMORY,
    UNFORCED,
    CodeStatus,
    DocumentResult,
    SentenceResult,
    TermStatus,
)
from .terms.entry import Entry
from .terms.matcher import Hit, Matcher
from .text.sentences import segment_document, split_long
from .text.sentences import sentences as split_sentences

STRATEGIES = ("direct", "repair")
Outcome = tuple[str, "list[TermStatus] | None", "list[CodeStatus]"]  # target, term and code statuses


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
        self.placed = 0  # --fast: sentences whose missing terms were placed in CTranslate2's output

    def with_glossary(
        self, glossary: str | Iterable[Entry] | Matcher | None, db: str | os.PathLike[str] | None = None
    ) -> Translator:
        """A Translator that enforces another glossary with this one's model, loaded once."""
        from .glossary.matchers import load_matcher

        other = copy.copy(self)
        other._engine = self.engine
        other.matcher = load_matcher(glossary, db, self.pair)
        other.notices = self.notices
        return other

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
        copied = {i for i, s in enumerate(sources) if not needs_model(s)}
        for i in copied:  # a page number, a date, an amount, codes alone: nothing to translate
            results[i].target = sources[i]
            results[i].terms = [] if self.matcher is not None else None
            results[i].codes = [CodeStatus(c, UNFORCED) for c in codes_in(sources[i])]
        hits = [self.matcher.find(s) for s in sources] if self.matcher else [[] for _ in sources]
        prints = [fingerprint(h) for h in hits]
        remembered = self.memory.lookup(sources, prints) if self.memory else [None] * len(sources)
        misses = [i for i, target in enumerate(remembered) if target is None and i not in copied]
        if on_progress and len(misses) < len(sources):
            on_progress(len(sources) - len(misses))
        translated = self._translate([sources[i] for i in misses], on_progress, [hits[i] for i in misses])
        for i, outcome in zip(misses, translated, strict=True):
            results[i].target, results[i].terms, results[i].codes = outcome
        for i, target in enumerate(remembered):
            if target is not None and i not in copied:
                results[i].memory = True
                results[i].target, results[i].codes = remembered_codes(sources[i], target)
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

    def translate_sentences(self, sentences: list[str], hits: list[list[Hit]] | None = None) -> list[str]:
        """Translate already segmented sentences, one output per input (no memory); `hits`, when
        given, are their glossary hits (found elsewhere, as a cluster's tasks do)."""
        return [target for target, _, _ in self._translate(sentences, hits=hits)] if sentences else []

    def _translate(
        self,
        sources: list[str],
        on_progress: Callable[[int], None] | None = None,
        hits: list[list[Hit]] | None = None,
    ) -> list[Outcome]:
        """Targets with, under a glossary, per-term statuses, and per-code statuses of sentences
        that hold inline codes."""
        if not sources:
            return []
        engine = self.engine
        spelled = self._spell(sources)
        read = [sp.text if sp else s for sp, s in zip(spelled, sources, strict=True)]
        if self.matcher is None and not any(spelled):
            return [(d.text, None, []) for d in engine.translate(read, on_progress=on_progress)]
        if hits is None:
            hits = [self.matcher.find(s) for s in sources] if self.matcher else [[] for _ in sources]
        if self.fast and engine.fast is not None:
            return self._translate_then_repair(read, hits, spelled, on_progress)
        encoder = self._phrase_encoder()
        plans = [plan(h, encoder, self.pair[1], sp) for h, sp in zip(hits, spelled, strict=True)]
        wanted = [p.constraints if not p.constraints.empty else None for p in plans]
        if self.strategy == "direct":
            decoded = engine.translate(read, wanted, on_progress=on_progress)
        else:
            decoded = engine.translate(read, on_progress=on_progress)
            redo = [
                i
                for i, p in enumerate(plans)
                if wanted[i] is not None and not self._holds(hits[i], spelled[i], decoded[i].text)
            ]
            again = engine.translate([read[i] for i in redo], [wanted[i] for i in redo])
            for i, result in zip(redo, again, strict=True):
                decoded[i] = result
        return [
            self._outcome(d.text, h, sp, p, d.state)
            for d, h, sp, p in zip(decoded, hits, spelled, plans, strict=True)
        ]

    def _spell(self, sources: list[str]) -> list[Spelled | None]:
        """Each sentence's inline codes spelled in the model's vocabulary (None: it has none)."""
        if not any(codes_in(s) for s in sources):
            return [None] * len(sources)
        speller = self.engine.speller()
        return [speller.spell(s) for s in sources]

    def _holds(self, hits: list[Hit], spelled: Spelled | None, output: str) -> bool:
        """Whether a free translation holds every term and places every code."""
        return satisfied(hits, output, self.pair[1]) and (spelled is None or spelled.in_order(output))

    def _outcome(
        self,
        output: str,
        hits: list[Hit],
        spelled: Spelled | None,
        sentence: Plan | None,
        state: State | None,
    ) -> Outcome:
        """The target (codes put back), term statuses (None without a glossary) and code statuses."""
        if not hits:
            terms: list[TermStatus] | None = [] if self.matcher is not None else None
        elif sentence is not None:
            terms = statuses(sentence, state, output, self.pair[1])
        else:
            terms = observed_statuses(hits, output, self.pair[1])
        if spelled is None:
            return output, terms, []
        codes = code_statuses(spelled, output, sentence, state)
        return restore(output, spelled)[0], terms, codes

    def _worth_placing(self, missing: int, per_sentence: float) -> bool:
        from .engine.placement import worth_placing

        return bool(missing) and worth_placing(missing, per_sentence, self.engine.model_loaded)

    def _place(
        self, read: list[str], free: dict[int, tuple[str, tuple[str, ...] | None]], hits: list[list[Hit]]
    ) -> dict[int, tuple[str, set[int]]]:
        """--fast: missing terms put into CTranslate2's translations (engine.placement), by sentence;
        `free` holds the translations that miss one, with their pieces."""
        if not free:
            return {}
        from .engine.placement import Decoding, place_terms

        engine = self.engine
        decoding = Decoding(
            engine.beams or 1, engine.new_token_limit, engine.min_new_tokens or 0, engine.max_source_tokens()
        )
        return place_terms(
            engine.fast,
            {i: read[i] for i in free},
            free,
            {i: hits[i] for i in free},
            self.pair[1],
            decoding,
        )

    def _phrase_encoder(self) -> PhraseEncoder:
        if self._encoder is None:
            self._encoder = PhraseEncoder(self.engine.tokenizer)
        return self._encoder

    def _translate_then_repair(
        self,
        read: list[str],
        hits: list[list[Hit]],
        spelled: list[Spelled | None],
        on_progress: Callable[[int], None] | None,
    ) -> list[Outcome]:
        """--fast: CTranslate2 translates every sentence; a sentence whose best output misses a term
        (by the shared presence check) or a code takes the best of the beam's other hypotheses
        that holds them; only when none does, it goes through the constrained decoder, which loads
        the torch model the first time it is needed. `self.repaired` counts those."""
        import time

        engine = self.engine
        started = time.perf_counter()
        decoded = engine.translate(read, on_progress=on_progress)
        per_sentence = (time.perf_counter() - started) / max(1, len(read))
        texts = [d.text for d in decoded]
        redo = []
        for i, (h, sp) in enumerate(zip(hits, spelled, strict=True)):
            if (not h and sp is None) or self._holds(h, sp, texts[i]):
                continue
            better = next((alt for alt in decoded[i].alternatives if self._holds(h, sp, alt)), None)
            if better is None:
                redo.append(i)
            else:
                texts[i] = better
        results = [
            self._outcome(text, h, sp, None, None) for text, h, sp in zip(texts, hits, spelled, strict=True)
        ]
        free = {i: (texts[i], decoded[i].pieces) for i in redo if spelled[i] is None}
        placed = self._place(read, free, hits) if self._worth_placing(len(free), per_sentence) else {}
        for i, (text, forced) in placed.items():
            output, terms, codes = self._outcome(text, hits[i], None, None, None)
            terms = [
                replace(t, status=ENFORCED) if j in forced and t.status == UNFORCED else t
                for j, t in enumerate(terms or [])
            ]
            results[i] = (output, terms, codes)
        redo = [i for i in redo if i not in placed]
        self.placed += len(placed)
        self.repaired += len(redo)
        if redo:
            encoder = self._phrase_encoder()
            plans = {i: plan(hits[i], encoder, self.pair[1], spelled[i]) for i in redo}
            wanted = [plans[i].constraints if not plans[i].constraints.empty else None for i in redo]
            again = engine.translate([read[i] for i in redo], wanted)
            for i, result in zip(redo, again, strict=True):
                results[i] = self._outcome(result.text, hits[i], spelled[i], plans[i], result.state)
        return results


def block_sentences(blocks: list[str]) -> list[str]:
    """The sentences :meth:`Translator.translate_blocks` makes of `blocks`, in order."""
    return [piece for b in blocks if b.strip() for s in split_sentences(b) for piece in split_long(s)]


def needs_model(sentence: str) -> bool:
    """Whether a sentence goes to the model (one without letters is copied as it is)."""
    return any(ch.isalpha() for ch in sentence)


def remembered_codes(source: str, target: str) -> tuple[str, list[CodeStatus]]:
    """A remembered target's codes: 'memory' for each it holds once; a missing one is added at
    the end (failed), so the target holds every code of the source."""
    codes = codes_in(source)
    if not codes:
        return target, []
    statuses_ = [CodeStatus(c, MEMORY if target.count(c) == 1 else FAILED) for c in codes]
    missing = "".join(c for c in codes if c not in target)
    return (f"{target} {missing}" if missing else target), statuses_


def translate(text: str, direction: str = "nl-en", **options: Any) -> str:
    """Translate `text` with a new :class:`Translator` (convenient for one-off calls)."""
    return Translator(direction, **options).translate(text)
