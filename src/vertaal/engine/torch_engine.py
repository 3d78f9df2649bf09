"""The torch engine: the transformers Marian model and the constrained decoder (`engine.beam`).

Torch and transformers are imported only when a model is loaded or a batch decoded."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .constraints import SentenceConstraints
from .decoding import MAX_SOURCE_TOKENS, Decoded, Decoding
from .loading import LoadedModel


class TorchEngine:
    """The transformers Marian model and its constrained beam search, loaded when first needed.

    It runs in fp32 under both engines: the ctranslate2 engine's repairs too. (Dynamic int8
    quantisation scales each batch by its own largest activation, so a sentence's repair would
    depend on its batchmates.) `decoding` holds the settings the engines share.
    """

    def __init__(self, loader: Callable[[], LoadedModel], decoding: Decoding) -> None:
        self._loader = loader
        self._loaded: LoadedModel | None = None
        self._model: Any = None
        self.decoding = decoding
        self.generated_tokens = 0

    @property
    def loaded(self) -> LoadedModel:
        """The torch model and tokenizer (loaded on first use)."""
        if self._loaded is None:
            self._loaded = self._loader()
            self._model = self._loaded.model
            config_beams = getattr(self._loaded.model.generation_config, "num_beams", None) or 1
            self.decoding.beams = self.decoding.beams or config_beams
            self.decoding.positions = self.decoding.positions or getattr(
                self._loaded.model.config, "max_position_embeddings", None
            )
        return self._loaded

    @property
    def model_loaded(self) -> bool:
        return self._loaded is not None

    @property
    def load_seconds(self) -> float:
        return self._loaded.load_seconds if self._loaded else 0.0

    def load_parts(self) -> dict[str, float]:
        """Where the load time went (imports, tokenizer, model)."""
        return dict(self._loaded.parts or {}) if self._loaded else {}

    @property
    def model(self) -> Any:
        self.loaded  # noqa: B018
        return self._model

    @property
    def tokenizer(self) -> Any:
        return self.loaded.tokenizer

    def speller(self) -> Any:
        """Spells inline codes in the target vocabulary."""
        from . import internals
        from .placeholders import Speller

        tokenizer = self.tokenizer
        return Speller(internals.target_sentencepiece(tokenizer), tokenizer.get_vocab())

    def translate(
        self,
        sentences: Sequence[str],
        constraints: Sequence[SentenceConstraints | None] | None = None,
        on_progress: Callable[[int], None] | None = None,
    ) -> list[Decoded]:
        """Translate sentences in batches sorted by length; results keep the input order.
        Sentences with constraints are batched apart from the rest."""
        wanted = list(constraints) if constraints is not None else [None] * len(sentences)
        wanted = [c if c is not None and not c.empty else None for c in wanted]
        limit = self.decoding.max_source_tokens()
        encoded = [self.tokenizer(s, truncation=True, max_length=limit)["input_ids"] for s in sentences]
        results: list[Decoded] = [Decoded("", None)] * len(sentences)
        for batch in self.decoding.batches([len(e) for e in encoded], lambda i: wanted[i] is not None):
            outputs = self._decode([encoded[i] for i in batch], [wanted[i] for i in batch])
            for index, decoded in zip(batch, outputs, strict=True):
                results[index] = decoded
            if on_progress:
                on_progress(len(batch))
        return results

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

        minimum = self.decoding.min_new_tokens
        return self.model.generate(
            input_ids=input_ids,
            attention_mask=attention,
            num_beams=self.decoding.beams,
            max_length=max(limits),
            min_length=1 + minimum if minimum else None,
            custom_generate=constrained_beam_search,
            constraints=constraints,
            length_limits=limits,
        )

    def length_limit(self, source_len: int, constraints: SentenceConstraints | None) -> int:
        """One sentence's max_length (the decoder start token included): from its own source length
        and constraints alone, never from its batchmates; never past the model's positions (a
        sentence whose codes and terms need more is cut there, and what did not fit is failed)."""
        needed = constraints.total_units if constraints is not None else 0
        wanted = 1 + max(self.decoding.new_token_limit(source_len), needed + 3)
        positions = self.decoding.positions or MAX_SOURCE_TOKENS
        return min(wanted, positions + 1)  # + 1: the last token is written, never fed back
