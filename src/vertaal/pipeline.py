"""One document through the pipeline: segment, translate, reassemble."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from . import segment
from .enforcement import FAILED, MEMORY, UNFORCED, PhraseEncoder, Plan, TermStatus, plan, satisfied, statuses
from .engine.constraints import SentenceConstraints
from .engine.registry import ModelSpec, resolve
from .errors import UsageError
from .glossary import DEFAULT_GLOSSARY, Entry
from .memory import Memory, fingerprint
from .terms import Hit, Matcher


@dataclass
class SentenceResult:
    """One translated sentence and where it came from."""

    paragraph: int
    sentence: int
    source: str
    target: str
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(data.pop("extra"))
        return data


@dataclass
class DocumentResult:
    """All sentences of a document, grouped into paragraphs."""

    sentences: list[SentenceResult]
    paragraph_count: int

    def paragraphs(self) -> list[str]:
        grouped: list[list[str]] = [[] for _ in range(self.paragraph_count)]
        for result in self.sentences:
            grouped[result.paragraph].append(result.target)
        return [" ".join(t for t in targets if t) for targets in grouped]

    def text(self) -> str:
        return "\n\n".join(self.paragraphs())

    def failed_terms(self) -> list[dict[str, Any]]:
        """Glossary terms that could not be put into the translation."""
        return [
            term | {"paragraph": r.paragraph, "sentence": r.sentence}
            for r in self.sentences
            for term in r.extra.get("terms", [])
            if term["status"] == FAILED
        ]


STRATEGIES = ("direct", "repair")


def _remembered_statuses(hits: list[Hit], target: str) -> list[TermStatus]:
    """Term statuses of a translation from memory: 'memory' when it holds the term, else failed."""
    checked = statuses(Plan(hits, SentenceConstraints([]), [None] * len(hits)), None, target)
    for status in checked:
        if status.status == UNFORCED:
            status.status = MEMORY
    return checked


class Translator:
    """Translate text with a local MarianMT model, enforcing a glossary.

    `glossary` is the name of a stored glossary (default ``"default"``; a missing default
    glossary means none), a list of :class:`~vertaal.glossary.Entry`, a ready
    :class:`~vertaal.terms.Matcher`, or None for no glossary. `strategy` is ``"direct"``
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
        from .matching import load_matcher

        self.matcher = load_matcher(glossary, db, self.pair)
        self.notices: list[str] = []
        self.memory: Memory | None = None
        if memory:
            self.memory = Memory(
                db, self.spec, self.pair, self.notices.append, variant="int8" if fast else ""
            )
        self._engine: Any = None

    @property
    def engine(self) -> Any:
        """The loaded engine; the model is loaded on first use."""
        if self._engine is None:
            from .engine.loading import load
            from .engine.marian import MarianEngine

            self._engine = MarianEngine(
                load(self.spec, self.device),
                beams=self.beams,
                batch_size=self.batch_size,
                max_new_tokens=self.max_new_tokens,
                fast=self.fast,
                notice=self.notices.append,
            )
        return self._engine

    @property
    def loaded(self) -> bool:
        """Whether the model has been loaded (translations from memory need none)."""
        return self._engine is not None

    @property
    def load_seconds(self) -> float:
        return self._engine.loaded.load_seconds if self._engine else 0.0

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
        paragraphs = segment.segment_document(text)
        if not paragraphs:
            return DocumentResult([], 0)
        results = []
        for p_index, sentences in enumerate(paragraphs):
            pieces = [piece for s in sentences for piece in segment.split_long(s)]
            results += [SentenceResult(p_index, s_index, piece, "") for s_index, piece in enumerate(pieces)]
        if on_start:
            on_start(len(results))
        sources = [r.source for r in results]
        hits = [self.matcher.find(s) for s in sources] if self.matcher else [[] for _ in sources]
        prints = [fingerprint(h) for h in hits]
        remembered = self.memory.lookup(sources, prints) if self.memory else [None] * len(sources)
        misses = [i for i, target in enumerate(remembered) if target is None]
        if on_progress and len(misses) < len(sources):
            on_progress(len(sources) - len(misses))
        translated = self._translate([sources[i] for i in misses], on_progress, [hits[i] for i in misses])
        for i, (target, terms) in zip(misses, translated, strict=True):
            results[i].target = target
            if terms is not None:
                results[i].extra["terms"] = [t.to_dict() for t in terms]
        for i, target in enumerate(remembered):
            if target is not None:
                results[i].target = target
                results[i].extra["memory"] = True
                if self.matcher is not None:
                    results[i].extra["terms"] = [t.to_dict() for t in _remembered_statuses(hits[i], target)]
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
        encoder = PhraseEncoder(engine.tokenizer)
        if hits is None:
            hits = [self.matcher.find(s) for s in sources]
        plans = [plan(h, encoder, self.pair[1]) for h in hits]
        wanted = [p.constraints if not p.constraints.empty else None for p in plans]
        if self.strategy == "direct":
            decoded = engine.translate(sources, wanted, on_progress=on_progress)
        else:
            decoded = engine.translate(sources, on_progress=on_progress)
            redo = [
                i
                for i, p in enumerate(plans)
                if wanted[i] is not None and not satisfied(p.hits, decoded[i].text)
            ]
            again = engine.translate([sources[i] for i in redo], [wanted[i] for i in redo])
            for i, result in zip(redo, again, strict=True):
                decoded[i] = result
        return [
            (d.text, statuses(p, d.state, d.text) if p.hits else [])
            for d, p in zip(decoded, plans, strict=True)
        ]


def translate(text: str, direction: str = "nl-en", **options: Any) -> str:
    """Translate `text` with a new :class:`Translator` (convenient for one-off calls)."""
    return Translator(direction, **options).translate(text)
