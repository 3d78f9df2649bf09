"""One document through the pipeline: segment, translate, reassemble."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from . import segment
from .engine.registry import ModelSpec, resolve


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


class Translator:
    """Translate text with a local MarianMT model.

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
    ) -> None:
        self.spec: ModelSpec = resolve(direction, model)
        self.device = device
        self.beams = beams
        self.batch_size = batch_size
        self.max_new_tokens = max_new_tokens
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
            )
        return self._engine

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
        engine = self.engine
        limit = engine.max_source_tokens()
        results = []
        for p_index, sentences in enumerate(paragraphs):
            pieces = [piece for s in sentences for piece in segment.split_long(s, engine.count_tokens, limit)]
            results += [SentenceResult(p_index, s_index, piece, "") for s_index, piece in enumerate(pieces)]
        if on_start:
            on_start(len(results))
        targets = engine.translate([r.source for r in results], on_progress=on_progress)
        for result, target in zip(results, targets, strict=True):
            result.target = target
        return DocumentResult(results, len(paragraphs))

    def translate_sentences(self, sentences: list[str]) -> list[str]:
        """Translate already segmented sentences, one output per input."""
        return self.engine.translate(sentences) if sentences else []


def translate(text: str, direction: str = "nl-en", **options: Any) -> str:
    """Translate `text` with a new :class:`Translator` (convenient for one-off calls)."""
    return Translator(direction, **options).translate(text)
