"""Batched MarianMT translation of sentences, sorted by length."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .loading import LoadedModel

MAX_SOURCE_TOKENS = 512


class MarianEngine:
    """Translates lists of sentences with one loaded Marian model."""

    def __init__(
        self,
        loaded: LoadedModel,
        *,
        beams: int | None = None,
        batch_size: int = 16,
        max_new_tokens: int | None = None,
    ) -> None:
        self.loaded = loaded
        config_beams = getattr(loaded.model.generation_config, "num_beams", None) or 1
        self.beams = beams or config_beams
        self.batch_size = max(1, batch_size)
        self.max_new_tokens = max_new_tokens
        self.generated_tokens = 0

    @property
    def tokenizer(self) -> Any:
        return self.loaded.tokenizer

    def count_tokens(self, text: str) -> int:
        """Source tokens in `text`, end-of-sentence included."""
        return len(self.tokenizer(text, truncation=False)["input_ids"])

    def max_source_tokens(self) -> int:
        limit = getattr(self.loaded.model.config, "max_position_embeddings", MAX_SOURCE_TOKENS)
        return min(limit, MAX_SOURCE_TOKENS)

    def translate(
        self, sentences: Sequence[str], on_progress: Callable[[int], None] | None = None
    ) -> list[str]:
        """Translate sentences in batches sorted by length; results keep the input order."""
        import torch

        encoded = [
            self.tokenizer(s, truncation=True, max_length=self.max_source_tokens())["input_ids"]
            for s in sentences
        ]
        order = sorted(range(len(sentences)), key=lambda i: len(encoded[i]), reverse=True)
        results: list[str] = [""] * len(sentences)
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                batch = order[start : start + self.batch_size]
                outputs = self._decode([encoded[i] for i in batch])
                for index, text in zip(batch, outputs, strict=True):
                    results[index] = text
                if on_progress:
                    on_progress(len(batch))
        return results

    def _decode(self, batch: list[list[int]]) -> list[str]:
        import torch

        pad = self.tokenizer.pad_token_id
        width = max(len(ids) for ids in batch)
        input_ids = torch.full((len(batch), width), pad, dtype=torch.long)
        attention = torch.zeros((len(batch), width), dtype=torch.long)
        for row, ids in enumerate(batch):
            input_ids[row, : len(ids)] = torch.tensor(ids)
            attention[row, : len(ids)] = 1
        device = self.loaded.device
        generated = self.loaded.model.generate(
            input_ids=input_ids.to(device),
            attention_mask=attention.to(device),
            num_beams=self.beams,
            max_new_tokens=self.new_token_limit(width),
        )
        self.generated_tokens += int((generated[:, 1:] != pad).sum())
        return self.tokenizer.batch_decode(generated, skip_special_tokens=True)

    def new_token_limit(self, source_len: int) -> int:
        """The output length limit for a batch whose longest source has `source_len` tokens."""
        if self.max_new_tokens:
            return self.max_new_tokens
        return min(MAX_SOURCE_TOKENS, 2 * source_len + 10)
