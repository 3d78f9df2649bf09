"""Batched MarianMT translation of sentences, sorted by length."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .constraints import SentenceConstraints, State
from .loading import LoadedModel

MAX_SOURCE_TOKENS = 512
# Beams x (source + output positions) per batch: bounds the KV cache (opus-mt: ~25 KB a cell in fp32).
MAX_BATCH_CELLS = 16_000


@dataclass
class Decoded:
    """One translation and, for a constrained sentence, its final constraint state; from
    CTranslate2, also the beam's other hypotheses, best first."""

    text: str
    state: State | None
    alternatives: tuple[str, ...] = ()
    pieces: tuple[str, ...] | None = None  # CTranslate2's target pieces of `text`


class MarianEngine:
    """Translates lists of sentences with one Marian model, loaded when first needed.

    In fast mode with CTranslate2 the plain sentences never need the torch model: it is loaded
    (and quantised) only for the first sentence that goes through the constrained decoder.
    """

    def __init__(
        self,
        spec: Any,
        loader: Callable[[], LoadedModel],
        *,
        beams: int | None = None,
        batch_size: int = 16,
        max_new_tokens: int | None = None,
        fast: bool = False,
        device: str | None = None,
        notice: Callable[[str], None] | None = None,
    ) -> None:
        self.spec = spec
        self._loader = loader
        self._loaded: LoadedModel | None = None
        self._model: Any = None
        self.batch_size = max(1, batch_size)
        self.max_new_tokens = max_new_tokens
        self.min_new_tokens: int | None = None  # benchmarks fix the output length of random models
        self.generated_tokens = 0
        self.fast_mode = fast
        self.fast: Any = None
        if fast:
            from .fast import FastPlain

            self.fast = FastPlain.create(spec, device, notice or (lambda message: None))
        config = self.fast.config if self.fast is not None else {}
        self.beams = beams or config.get("num_beams")
        self._max_positions = config.get("max_position_embeddings")
        if self.fast is None:
            self.loaded  # noqa: B018 - without CTranslate2 every path needs the model now

    @property
    def loaded(self) -> LoadedModel:
        """The torch model and tokenizer (loaded, and in fast mode quantised, on first use)."""
        if self._loaded is None:
            self._loaded = self._loader()
            model = self._loaded.model
            if self.fast_mode:
                from .fast import quantized

                model = quantized(model, self._loaded.device)
            self._model = model
            config_beams = getattr(self._loaded.model.generation_config, "num_beams", None) or 1
            self.beams = self.beams or config_beams
            self._max_positions = getattr(self._loaded.model.config, "max_position_embeddings", None)
        return self._loaded

    @property
    def model_loaded(self) -> bool:
        return self._loaded is not None

    @property
    def load_seconds(self) -> float:
        """Seconds spent loading: the torch model if it was loaded, and the CTranslate2 model."""
        torch_seconds = self._loaded.load_seconds if self._loaded else 0.0
        return torch_seconds + (self.fast.load_seconds if self.fast else 0.0)

    def load_parts(self) -> dict[str, float]:
        """Where the load time went: CTranslate2 (fast mode), then the torch model's parts."""
        parts: dict[str, float] = {}
        if self.fast is not None:
            parts["ctranslate2"] = self.fast.load_seconds
        if self._loaded is not None:
            parts.update(self._loaded.parts or {})
        return parts

    @property
    def model(self) -> Any:
        self.loaded  # noqa: B018
        return self._model

    @property
    def tokenizer(self) -> Any:
        return self.loaded.tokenizer

    def speller(self) -> Any:
        """Spells inline codes in the target vocabulary (the CTranslate2 model's, in fast mode)."""
        from . import internals
        from .placeholders import Speller

        if self.fast is not None:
            return Speller(self.fast.tokenizer.target, self.fast.tokenizer.vocab)
        tokenizer = self.tokenizer
        return Speller(internals.target_sentencepiece(tokenizer), tokenizer.get_vocab())

    def max_source_tokens(self) -> int:
        return min(self._max_positions or MAX_SOURCE_TOKENS, MAX_SOURCE_TOKENS)

    def translate(
        self,
        sentences: Sequence[str],
        constraints: Sequence[SentenceConstraints | None] | None = None,
        on_progress: Callable[[int], None] | None = None,
    ) -> list[Decoded]:
        """Translate sentences in batches sorted by length; results keep the input order.

        Sentences with constraints are batched apart from the rest, which take the plain path
        (CTranslate2 in fast mode).
        """
        wanted = list(constraints) if constraints is not None else [None] * len(sentences)
        wanted = [c if c is not None and not c.empty else None for c in wanted]
        limit = self.max_source_tokens()
        plain_fast = self.fast is not None
        encoded: list[list[Any]] = [
            self.fast.tokenizer.encode(s, limit)
            if plain_fast and w is None
            else self.tokenizer(s, truncation=True, max_length=limit)["input_ids"]
            for s, w in zip(sentences, wanted, strict=True)
        ]
        order = sorted(range(len(sentences)), key=lambda i: (wanted[i] is not None, -len(encoded[i])))
        results: list[Decoded] = [Decoded("", None)] * len(sentences)
        start = 0
        while start < len(order):
            group = wanted[order[start]] is not None
            size = self.batch_rows(len(encoded[order[start]]))  # sorted: the first is the longest
            batch = [i for i in order[start : start + size] if (wanted[i] is not None) == group]
            if not group and plain_fast:
                texts, produced, pieces = self.fast.translate(
                    [encoded[i] for i in batch],
                    self.beams or 1,
                    self.new_token_limit(len(encoded[batch[0]])),
                    self.min_new_tokens or 0,
                )
                outputs = [
                    Decoded(nbest[0], None, tuple(nbest[1:]), tuple(best))
                    for nbest, best in zip(texts, pieces, strict=True)
                ]
                self.generated_tokens += produced
            else:
                outputs = self._decode([encoded[i] for i in batch], [wanted[i] for i in batch])
            for index, decoded in zip(batch, outputs, strict=True):
                results[index] = decoded
            if on_progress:
                on_progress(len(batch))
            start += len(batch)
        return results

    def batch_rows(self, width: int) -> int:
        """Sentences per batch: --batch-size, fewer for long sentences so the KV cache stays bounded."""
        per_sentence = (self.beams or 1) * (width + self.new_token_limit(width))
        return max(1, min(self.batch_size, MAX_BATCH_CELLS // per_sentence))

    def _decode(self, batch: list[list[int]], constraints: list[SentenceConstraints | None]) -> list[Decoded]:
        import torch

        pad = self.tokenizer.pad_token_id
        width = max(len(ids) for ids in batch)
        input_ids = torch.full((len(batch), width), pad, dtype=torch.long)
        attention = torch.zeros((len(batch), width), dtype=torch.long)
        for row, ids in enumerate(batch):
            input_ids[row, : len(ids)] = torch.tensor(ids)
            attention[row, : len(ids)] = 1
        limits = [self.length_limit(len(ids), c) for ids, c in zip(batch, constraints, strict=True)]
        device = self.loaded.device
        with torch.inference_mode():
            result = self._generate(input_ids.to(device), attention.to(device), limits, constraints)
        self.generated_tokens += sum(len(s) + 1 for s in result.sequences)
        texts = self.tokenizer.batch_decode(result.sequences, skip_special_tokens=True)
        return [Decoded(text, state) for text, state in zip(texts, result.states, strict=True)]

    def _generate(self, input_ids: Any, attention: Any, limits: list[int], constraints: list) -> Any:
        from .beam import constrained_beam_search

        return self.model.generate(
            input_ids=input_ids,
            attention_mask=attention,
            num_beams=self.beams,
            max_length=max(limits),
            min_length=1 + self.min_new_tokens if self.min_new_tokens else None,
            custom_generate=constrained_beam_search,
            constraints=constraints,
            length_limits=limits,
        )

    def length_limit(self, source_len: int, constraints: SentenceConstraints | None) -> int:
        """One sentence's max_length (the decoder start token included): from its own source length
        and constraints alone, never from its batchmates."""
        needed = constraints.total_units if constraints is not None else 0
        return 1 + max(self.new_token_limit(source_len), needed + 3)

    def new_token_limit(self, source_len: int) -> int:
        """The output length limit for a batch whose longest source has `source_len` tokens."""
        if self.max_new_tokens:
            return self.max_new_tokens
        return min(MAX_SOURCE_TOKENS, 2 * source_len + 10)
