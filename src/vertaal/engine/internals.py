"""The one fence around transformers' and MarianTokenizer's private API.

vertaal's decoder runs inside ``generate(custom_generate=...)`` and needs a few things that
transformers does not document as public: the prefill step, the per-step update of the model
kwargs, the special-token tensors that ``generate`` prepares, the self-attention half of the
encoder-decoder KV cache, and the tokenizer's target sentencepiece model. Every use of them goes
through this module. :func:`check` verifies all of them once, when a model loads, so a
transformers release that renames one fails at once with one line naming the supported range,
instead of an AttributeError deep inside the decoding loop.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from ..errors import ModelError

SUPPORTED = "transformers>=5.24,<5.25"  # keep in step with pyproject.toml


def _unsupported(what: str) -> ModelError:
    import transformers

    return ModelError(
        f"this transformers ({transformers.__version__}) lacks {what}, which vertaal's decoder needs;"
        f" install the tested range: pip install '{SUPPORTED}'"
    )


@cache
def marian_classes() -> tuple[type, type]:
    """MarianMTModel, and MarianTokenizer with its punctuation normaliser made on first use.

    MarianTokenizer imports sacremoses for a normaliser that encoding never uses, and importing
    sacremoses compiles its tokenizer's regular expressions: 0.55 s of a 4.7 s load measured on an
    opus-mt-sized model.
    """
    from transformers import MarianMTModel, MarianTokenizer

    class Tokenizer(MarianTokenizer):
        def _setup_normalizer(self) -> None:
            self.punc_normalizer = _LazyPunctuation(self.source_lang)

    Tokenizer.__name__ = Tokenizer.__qualname__ = MarianTokenizer.__name__
    return MarianMTModel, Tokenizer


_POSITIONS_LOCK = threading.Lock()


@contextmanager
def quick_positions() -> Iterator[None]:
    """While loading: Marian's sinusoidal position tables computed by :func:`sinusoidal`.

    The tables are not in the checkpoint, and transformers computes them on every load with a
    Python loop over every position and dimension (0.57 s of the same 4.7 s). The replacement is
    used only if it gives transformers' own numbers, bit for bit, and only inside this block.
    """
    from transformers.models.marian import modeling_marian

    positions = modeling_marian.MarianSinusoidalPositionalEmbedding
    with _POSITIONS_LOCK:
        original = positions.create_weight
        if not _same_positions(positions, original):
            yield
            return
        positions.create_weight = _computed_table
        try:
            yield
        finally:
            positions.create_weight = original


def _computed_table(module: Any) -> Any:
    return sinusoidal(*module.weight.shape, module.weight.dtype)


def _same_positions(positions: type, create_weight: Any) -> bool:
    import torch

    probe = positions(9, 6)
    return bool(torch.equal(create_weight(probe), sinusoidal(9, 6, probe.weight.dtype)))


def sinusoidal(positions: int, dim: int, dtype: Any) -> Any:
    """Marian's position table (sines in the first half, cosines in the second), as
    ``MarianSinusoidalPositionalEmbedding.create_weight`` computes it, without its Python loop:
    the same float64 operations, so the same bits."""
    import numpy as np
    import torch

    inverse = np.array([np.power(10000, 2 * (j // 2) / dim) for j in range(dim)])  # the same scalar calls
    angles = np.arange(positions, dtype=np.float64)[:, None] / inverse[None, :]
    table = torch.empty(positions, dim, dtype=dtype, requires_grad=False)
    half = dim // 2 if dim % 2 == 0 else dim // 2 + 1
    table[:, :half] = torch.FloatTensor(np.sin(angles[:, 0::2]))
    table[:, half:] = torch.FloatTensor(np.cos(angles[:, 1::2]))
    return table


class _LazyPunctuation:
    """sacremoses' punctuation normaliser, imported on the first call (MarianTokenizer.normalize)."""

    def __init__(self, language: str) -> None:
        self.language = language
        self._normalize: Any = None

    def __call__(self, text: str) -> str:
        if self._normalize is None:
            from sacremoses import MosesPunctNormalizer

            self._normalize = MosesPunctNormalizer(self.language).normalize
        return self._normalize(text)


def check(model: Any, tokenizer: Any) -> None:
    """Fail with one line unless every private API used by the decoder is there."""
    for name in ("_prefill", "_update_model_kwargs_for_generation", "_prepare_special_tokens"):
        if not callable(getattr(model, name, None)):
            raise _unsupported(f"{type(model).__name__}.{name}")
    if not hasattr(getattr(tokenizer, "spm_target", None), "encode"):
        raise _unsupported(f"{type(tokenizer).__name__}.spm_target")
    config = copy.deepcopy(model.generation_config)
    try:
        model._prepare_special_tokens(config, kwargs_has_attention_mask=True, device=model.device)
    except TypeError as exc:
        raise _unsupported("GenerativePreTrainedModel._prepare_special_tokens(config, ..., device)") from exc
    if not (hasattr(config, "_pad_token_tensor") and hasattr(config, "_eos_token_tensor")):
        raise _unsupported("GenerationConfig._pad_token_tensor and _eos_token_tensor")
    from transformers.cache_utils import DynamicCache, EncoderDecoderCache

    cache = EncoderDecoderCache(DynamicCache(), DynamicCache())
    if not callable(getattr(getattr(cache, "self_attention_cache", None), "reorder_cache", None)):
        raise _unsupported("EncoderDecoderCache.self_attention_cache")


def special_tokens(generation_config: Any) -> tuple[int, set[int]]:
    """The pad id (-1 when none) and the end-of-sentence ids that ``generate`` prepared."""
    pad_tensor = generation_config._pad_token_tensor
    eos_tensor = generation_config._eos_token_tensor
    pad = int(pad_tensor) if pad_tensor is not None else -1
    return pad, set(eos_tensor.tolist()) if eos_tensor is not None else set()


def prefill(model: Any, input_ids: Any, generation_config: Any, model_kwargs: dict[str, Any]) -> Any:
    """The first forward pass of ``generate`` (encoder outputs already in `model_kwargs`)."""
    return model._prefill(input_ids, generation_config, model_kwargs, is_first_iteration=True)


def update_model_kwargs(model: Any, outputs: Any, model_kwargs: dict[str, Any]) -> dict[str, Any]:
    """The model kwargs for the next step (cache, attention mask, positions)."""
    return model._update_model_kwargs_for_generation(
        outputs, model_kwargs, is_encoder_decoder=model.config.is_encoder_decoder
    )


def reorder_cache(model_kwargs: dict[str, Any], beam_idx: Any) -> None:
    """Follow the chosen beams in the KV cache.

    Beams only ever move within their own sentence, and every beam of a sentence attends to the
    same encoder output, so the cross-attention cache is the same for all of them: only the
    self-attention cache needs reordering (transformers reorders both).
    """
    cache = model_kwargs.get("cache")
    if cache is None:
        cache = model_kwargs.get("past_key_values")
    if cache is None:
        return
    self_attention = getattr(cache, "self_attention_cache", None)
    if self_attention is not None and hasattr(cache, "cross_attention_cache"):
        self_attention.reorder_cache(beam_idx)
    else:
        cache.reorder_cache(beam_idx)


PER_ROW_MASKS = ("attention_mask", "decoder_attention_mask")


def select_rows(model_kwargs: dict[str, Any], rows: Any) -> bool:
    """Keep only `rows` (flat hypothesis rows, in their new order) of everything the decoder
    carries per row: the KV cache (self- and cross-attention), the encoder output and the masks.

    Returns False, changing nothing, when `model_kwargs` holds something else that may be per row,
    so the caller keeps the whole batch.
    """
    plan: list[tuple[str, str]] = []
    for key, value in model_kwargs.items():
        if value is None or isinstance(value, (bool, int, float, str)):
            continue
        if key in ("cache", "past_key_values") and callable(getattr(value, "reorder_cache", None)):
            plan.append((key, "cache"))
        elif key in PER_ROW_MASKS and hasattr(value, "index_select"):
            plan.append((key, "tensor"))
        elif key == "encoder_outputs" and list(value.keys()) == ["last_hidden_state"]:
            plan.append((key, "encoder"))
        else:
            return False
    for key, kind in plan:
        value = model_kwargs[key]
        if kind == "cache":
            value.reorder_cache(rows)  # every layer's keys and values, in both caches
        elif kind == "tensor":
            model_kwargs[key] = value.index_select(0, rows.to(value.device))
        else:
            hidden = value.last_hidden_state
            value["last_hidden_state"] = hidden.index_select(0, rows.to(hidden.device))
    return True


def target_sentencepiece(tokenizer: Any) -> Any:
    """The tokenizer's target-language sentencepiece processor (MarianTokenizer keeps it private)."""
    return tokenizer.spm_target
