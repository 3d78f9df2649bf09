"""The Translator: one document through segmenting, term matching, memory, decoding and statuses.

Orchestration only: each stage lives in its feature package; decoding is a strategy object
(`engine.strategies`) over the engines (`engine.engines`).
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterable
from typing import Any

from .engine.registry import ModelSpec, resolve
from .engine.strategies import Batch, Outcome, Strategy, strategy_for
from .glossary import DEFAULT_GLOSSARY
from .languages import Pair
from .memory.lookup import Memory, fingerprint
from .options import TranslateOptions
from .results import ENFORCED, FAILED, MEMORY, UNFORCED, CodeStatus, DocumentResult, SentenceResult
from .terms.entry import Entry
from .terms.matcher import Hit, Matcher
from .terms.statuses import remembered_statuses
from .text.codes import codes_in, edges, without_codes
from .text.sentences import segment_document, split_long
from .text.sentences import sentences as split_sentences


class Translator:
    """Translate text with a local MarianMT model, enforcing a glossary.

    `glossary` is the name of a stored glossary (default ``"default"``; a missing default
    glossary means none), a list of :class:`~vertaal.Entry`, a ready
    :class:`~vertaal.Matcher`, or None for no glossary. `strategy` is ``"direct"``
    (decode sentences with terms under constraints at once) or ``"repair"`` (decode freely, then
    again under constraints only the sentences that miss a term), for the torch engine. `engine`
    is ``"ctranslate2"`` (the default; `fast=True` says the same) or ``"torch"``.
    :meth:`from_options` makes one from a :class:`~vertaal.TranslateOptions`.

    >>> Translator(direction="nl-en").translate("De AIVD werkt samen met de MIVD.")  # doctest: +SKIP
    """

    def __init__(
        self,
        direction: str | Pair = "nl-en",
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
        engine: str | None = None,
        compute_type: str = "int8",
        options: TranslateOptions | None = None,
    ) -> None:
        if options is None:
            options = TranslateOptions(
                pair=Pair.parse(direction),
                model=model,
                glossary=glossary,
                db=db,
                memory=memory,
                engine=engine or ("ctranslate2" if fast else TranslateOptions.engine),
                strategy=strategy,
                beams=beams,
                batch_size=batch_size,
                device=device,
                max_new_tokens=max_new_tokens,
                compute_type=compute_type,
            )
        self.options = options
        self.spec: ModelSpec = resolve(options.direction, options.model)
        self.pair: Pair = options.pair
        from .glossary.matchers import load_matcher

        self.matcher = load_matcher(options.glossary, options.db, self.pair)
        self.notices: list[str] = []
        self.memory: Memory | None = None
        if options.memory:
            variant = options.compute_type if options.fast else ""
            self.memory = Memory(options.db, self.spec, self.pair, self.notices.append, variant=variant)
        self._engine: Any = None
        self.strategy: Strategy = self._strategy()

    @classmethod
    def from_options(cls, options: TranslateOptions) -> Translator:
        """The one factory the edges (CLI, server, corpus, cluster) use."""
        return cls(options=options)

    def _strategy(self) -> Strategy:
        options = self.options
        glossary = self.matcher is not None
        return strategy_for(options.engine, options.strategy, lambda: self.engine, self.pair.target, glossary)

    @property
    def fast(self) -> bool:
        return self.options.fast

    @property
    def device(self) -> str | None:
        return self.options.device

    @property
    def repaired(self) -> int:
        """Sentences the constrained decoder translated again (after a free translation)."""
        return self.strategy.repaired

    @property
    def placed(self) -> int:
        """Sentences whose missing terms were placed in CTranslate2's output."""
        return self.strategy.placed

    def with_glossary(
        self, glossary: str | Iterable[Entry] | Matcher | None, db: str | os.PathLike[str] | None = None
    ) -> Translator:
        """A Translator that enforces another glossary with this one's model, loaded once."""
        from .glossary.matchers import load_matcher

        other = copy.copy(self)
        other._engine = self.engine
        other.options = self.options.but(glossary=glossary, db=db if db is not None else self.options.db)
        other.matcher = load_matcher(glossary, other.options.db, self.pair)
        other.notices = self.notices
        other.strategy = other._strategy()
        return other

    @property
    def engine(self) -> Any:
        """The loaded engines; the model is loaded on first use."""
        if self._engine is None:
            from .engine.decoding import Decoding
            from .engine.engines import Engines

            options = self.options
            decoding = Decoding(options.beams, max(1, options.batch_size), options.max_new_tokens)
            self._engine = Engines(
                self.spec,
                options.engine,
                decoding,
                device=options.device,
                notice=self.notices.append,
                compute_type=options.compute_type,
            )
        return self._engine

    @property
    def loaded(self) -> bool:
        """Whether a model has been loaded (translations from memory need none)."""
        return self._engine is not None

    @property
    def torch_loaded(self) -> bool:
        """Whether the torch model was loaded (with ctranslate2, only when a sentence needed repair)."""
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

    def alternatives(self, text: str, count: int) -> list[str]:
        """Up to `count` other translations of `text` from the beam: CTranslate2's other
        hypotheses (the torch engine gives none), each holding every glossary term; sentence by
        sentence, alternative k takes a sentence's k-th hypothesis (its best where it has fewer).
        A text with inline codes gets none."""
        from .terms.statuses import satisfied

        if count < 1 or codes_in(text):
            return []
        pieces = [piece for p in segment_document(text) for s in p for piece in split_long(s)]
        asked = [s for s in pieces if needs_model(s)]
        decoded = iter(self.engine.translate(asked) if asked else [])
        options: list[list[str]] = []
        for sentence in pieces:
            if not needs_model(sentence):
                options.append([sentence])
                continue
            found = next(decoded)
            hits = self.matcher.find(sentence) if self.matcher else []
            held = [alt for alt in found.alternatives if satisfied(hits, alt, self.pair[1])]
            options.append([found.text, *held])
        best = " ".join(o[0] for o in options)
        out: list[str] = []
        for k in range(1, max((len(o) for o in options), default=1)):
            candidate = " ".join(o[k] if k < len(o) else o[0] for o in options)
            if candidate not in out and candidate != best:
                out.append(candidate)
        return out[:count]

    def translate_sentences(self, sentences: list[str], hits: list[list[Hit]] | None = None) -> list[str]:
        """Translate already segmented sentences, one output per input (no memory); `hits`, when
        given, are their glossary hits (found elsewhere, as a cluster's tasks do)."""
        return [target for target, _, _ in self._translate(sentences, hits=hits)] if sentences else []

    def _align_codes(self, sources: list[str], hits: list[list[Hit]] | None) -> dict[int, Outcome]:
        """Sentences whose code pairs a free translation places with certainty
        (`engine.code_alignment`), by index; the others are decoded with their codes."""
        from .engine import code_alignment

        chosen = [i for i, s in enumerate(sources) if codes_in(s) and code_alignment.pairs(s) is not None]
        if not chosen:
            return {}
        plain = [without_codes(sources[i]) for i in chosen]
        plain_hits = [self.matcher.find(p) for p in plain] if self.matcher else None
        aligned: dict[int, Outcome] = {}
        for i, (target, terms, _) in zip(chosen, self._translate(plain, None, plain_hits), strict=True):
            placed = code_alignment.place(sources[i], target, terms, self.pair[1])
            if placed is not None:
                aligned[i] = (placed[0], terms, placed[1])
        return aligned

    def _translate(
        self,
        sources: list[str],
        on_progress: Callable[[int], None] | None = None,
        hits: list[list[Hit]] | None = None,
    ) -> list[Outcome]:
        """Targets with, under a glossary, per-term statuses, and per-code statuses of sentences
        that hold inline codes. Codes at a sentence's edges (`text.codes.edges`) are not decoded:
        they are put back at the translation's edges, as they were."""
        if not sources:
            return []
        split = [edges(s) for s in sources]
        if any(lead or trail for lead, _, trail in split):
            cores = [core for _, core, _ in split]
            if hits is not None:
                hits = [
                    [_shifted(h, -len(lead)) for h in found]
                    for found, (lead, _, _) in zip(hits, split, strict=True)
                ]
            outcomes = self._translate(cores, on_progress, hits)
            return [
                (lead + target + trail, terms, _edge_statuses(lead, codes, trail))
                for (lead, _, trail), (target, terms, codes) in zip(split, outcomes, strict=True)
            ]
        aligned = self._align_codes(sources, hits)
        if aligned:
            rest = [i for i in range(len(sources)) if i not in aligned]
            if on_progress:
                on_progress(len(aligned))
            others = self._translate(
                [sources[i] for i in rest], on_progress, [hits[i] for i in rest] if hits is not None else None
            )
            outcomes = dict(aligned) | dict(zip(rest, others, strict=True))
            return [outcomes[i] for i in range(len(sources))]
        engine = self.engine
        spelled = None
        if any(map(codes_in, sources)):
            speller = engine.speller()
            spelled = [speller.spell(s) for s in sources]
        read = [sp.text if sp else s for sp, s in zip(spelled or [None] * len(sources), sources, strict=True)]
        if self.matcher is None and spelled is None:
            return [(d.text, None, []) for d in engine.translate(read, on_progress=on_progress)]
        if hits is None:
            hits = [self.matcher.find(s) for s in sources] if self.matcher else [[] for _ in sources]
        batch = Batch(read, hits, spelled or [None] * len(sources))
        return self.strategy.translate(batch, on_progress)


def _shifted(hit: Hit, by: int) -> Hit:
    from dataclasses import replace

    return replace(hit, start=hit.start + by, end=hit.end + by)


def _edge_statuses(lead: str, codes: list[CodeStatus], trail: str) -> list[CodeStatus]:
    """The codes put back at the edges (enforced: vertaal placed them) around the core's own."""
    return (
        [CodeStatus(c, ENFORCED) for c in codes_in(lead)]
        + codes
        + [CodeStatus(c, ENFORCED) for c in codes_in(trail)]
    )


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
