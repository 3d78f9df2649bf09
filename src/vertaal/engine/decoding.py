"""What both engines share: decoding settings, length limits, batches, and a decoded sentence."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

MAX_SOURCE_TOKENS = 512
# Beams x (source + output positions) per batch: bounds the KV cache (opus-mt: ~25 KB a cell in fp32).
MAX_BATCH_CELLS = 16_000


@dataclass
class Decoded:
    """One translation and, for a constrained sentence, its final constraint state; from
    CTranslate2, also the beam's other hypotheses, best first, and the best one's pieces."""

    text: str
    state: Any  # constraints.State | None
    alternatives: tuple[str, ...] = ()
    pieces: tuple[str, ...] | None = None


@dataclass
class Decoding:
    """Decoding settings of one Translator, shared by its engines. `beams` and `positions` are
    filled from the model's configuration when not given; `min_new_tokens` fixes the output length
    (benchmarks on random weights)."""

    beams: int | None = None
    batch_size: int = 16
    max_new_tokens: int | None = None
    min_new_tokens: int | None = None
    positions: int | None = None  # the model's longest sequence

    def max_source_tokens(self) -> int:
        return min(self.positions or MAX_SOURCE_TOKENS, MAX_SOURCE_TOKENS)

    def new_token_limit(self, source_len: int) -> int:
        """A sentence's output length limit, from its own source length alone."""
        if self.max_new_tokens:
            return self.max_new_tokens
        return min(MAX_SOURCE_TOKENS, 2 * source_len + 10)

    def batch_rows(self, width: int) -> int:
        """Sentences per batch: --batch-size, fewer for long sentences so the KV cache stays bounded."""
        per_sentence = (self.beams or 1) * (width + self.new_token_limit(width))
        return max(1, min(self.batch_size, MAX_BATCH_CELLS // per_sentence))

    def batches(self, lengths: Sequence[int], group: Callable[[int], Hashable]) -> list[list[int]]:
        """Sentence numbers in batches, longest first; a batch holds one `group` only (the same
        engine, or the same length limit), so no sentence's output depends on its batchmates."""
        order = sorted(range(len(lengths)), key=lambda i: (str(group(i)), -lengths[i]))
        batches: list[list[int]] = []
        start = 0
        while start < len(order):
            key = group(order[start])
            size = self.batch_rows(lengths[order[start]])  # sorted: the first is the longest
            batch = [i for i in order[start : start + size] if group(i) == key]
            batches.append(batch)
            start += len(batch)
        return batches
