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
    """One translation and, for a constrained sentence, its final constraint state."""

    text: str
    state: State | None


class MarianEngine:
    """Translates lists of sentences with one loaded Marian model."""

    def __init__(
        self,
        loaded: LoadedModel,
        *,
        beams: int | None = None,
        batch_size: int = 16,
        max_new_tokens: int | None = None,
        fast: bool = False,
        notice: Callable[[str], None] | None = None,
    ) -> None:
        self.loaded = loaded
        config_beams = getattr(loaded.model.generation_config, "num_beams", None) or 1
        self.beams = beams or config_beams
        self.batch_size = max(1, batch_size)
        self.max_new_tokens = max_new_tokens
        self.min_new_tokens: int | None = None  # benchmarks fix the output length of random models
        self.generated_tokens = 0
        self.model = loaded.model
        self.fast: Any = None
        if fast:
            from .fast import FastPlain, quantized

            self.model = quantized(loaded.model, loaded.device)
            self.fast = FastPlain.create(loaded, notice or (lambda message: None))

    @property
    def tokenizer(self) -> Any:
        return self.loaded.tokenizer

    def max_source_tokens(self) -> int:
        limit = getattr(self.loaded.model.config, "max_position_embeddings", MAX_SOURCE_TOKENS)
        return min(limit, MAX_SOURCE_TOKENS)

    def translate(
        self,
        sentences: Sequence[str],
        constraints: Sequence[SentenceConstraints | None] | None = None,
        on_progress: Callable[[int], None] | None = None,
    ) -> list[Decoded]:
        """Translate sentences in batches sorted by length; results keep the input order.

        Sentences with constraints are batched apart from the rest, which take the plain path.
        """
        import torch

        limit = self.max_source_tokens()
        encoded = [self.tokenizer(s, truncation=True, max_length=limit)["input_ids"] for s in sentences]
        wanted = list(constraints) if constraints is not None else [None] * len(sentences)
        wanted = [c if c is not None and not c.empty else None for c in wanted]
        order = sorted(range(len(sentences)), key=lambda i: (wanted[i] is not None, -len(encoded[i])))
        results: list[Decoded] = [Decoded("", None)] * len(sentences)
        with torch.inference_mode():
            start = 0
            while start < len(order):
                group = wanted[order[start]] is not None
                size = self.batch_rows(len(encoded[order[start]]))  # sorted: the first is the longest
                batch = [i for i in order[start : start + size] if (wanted[i] is not None) == group]
                if not group and self.fast is not None:
                    texts, produced = self.fast.translate(
                        [encoded[i] for i in batch],
                        self.beams,
                        self.new_token_limit(len(encoded[batch[0]])),
                        self.min_new_tokens or 0,
                    )
                    outputs = [Decoded(text, None) for text in texts]
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
        per_sentence = self.beams * (width + self.new_token_limit(width))
        return max(1, min(self.batch_size, MAX_BATCH_CELLS // per_sentence))

    def _decode(self, batch: list[list[int]], constraints: list[SentenceConstraints | None]) -> list[Decoded]:
        import torch

        from .beam import constrained_beam_search

        pad = self.tokenizer.pad_token_id
        width = max(len(ids) for ids in batch)
        input_ids = torch.full((len(batch), width), pad, dtype=torch.long)
        attention = torch.zeros((len(batch), width), dtype=torch.long)
        for row, ids in enumerate(batch):
            input_ids[row, : len(ids)] = torch.tensor(ids)
            attention[row, : len(ids)] = 1
        limits = [self.length_limit(len(ids), c) for ids, c in zip(batch, constraints, strict=True)]
        device = self.loaded.device
        result = self.model.generate(
            input_ids=input_ids.to(device),
            attention_mask=attention.to(device),
            num_beams=self.beams,
            max_length=max(limits),
            min_length=1 + self.min_new_tokens if self.min_new_tokens else None,
            custom_generate=constrained_beam_search,
            constraints=constraints,
            length_limits=limits,
        )
        self.generated_tokens += sum(len(s) + 1 for s in result.sequences)
        texts = self.tokenizer.batch_decode(result.sequences, skip_special_tokens=True)
        return [Decoded(text, state) for text, state in zip(texts, result.states, strict=True)]

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
