"""The fast mode (`--fast`): CTranslate2 int8 for sentences without terms, int8 PyTorch for the rest.

Measured on this project's benchmark (see benchmarks/README.md): CTranslate2 int8 decodes about
3-4x faster than transformers' fp32 beam search on a CPU but has no lexical constraints, so the
sentences that hold glossary terms go through our constrained decoder on a copy of the model
whose linear layers are dynamically quantised to int8. Without the optional `ctranslate2`
package every sentence takes the int8 PyTorch path, and a notice says so.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..config import cache_dir, cpu_threads
from .loading import LoadedModel
from .registry import directory_digest


def quantized(model: Any, device: Any) -> Any:
    """`model` with its linear layers dynamically quantised to int8 (CPU), in place; on a GPU, fp16."""
    import torch

    if device.type != "cpu":
        return model.half()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch suggests torchao; the eager API still works and needs nothing
        return torch.ao.quantization.quantize_dynamic(
            model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True
        )


def model_directory(loaded: LoadedModel) -> Path:
    """The local directory holding the model's files (a hub model's cached snapshot)."""
    if loaded.spec.is_local:
        return Path(loaded.spec.model_id).expanduser().resolve()
    from huggingface_hub import snapshot_download

    return Path(snapshot_download(loaded.spec.model_id, revision=loaded.spec.revision, local_files_only=True))


class FastPlain:
    """CTranslate2 int8 translation of token-id batches, converted once per model and cached."""

    def __init__(self, translator: Any, tokenizer: Any) -> None:
        self.translator = translator
        self.tokenizer = tokenizer

    @classmethod
    def create(cls, loaded: LoadedModel, notice: Callable[[str], None]) -> FastPlain | None:
        try:
            import ctranslate2
        except ImportError:
            notice(
                "--fast without the ctranslate2 package uses int8 PyTorch only; "
                "'pip install ctranslate2' makes plain sentences about 2x faster still"
            )
            return None
        source = model_directory(loaded)
        target = cache_dir() / "ctranslate2" / f"{source.name}-{directory_digest(source)}-int8"
        if not (target / "model.bin").exists():
            from ctranslate2.converters import TransformersConverter

            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".partial")
            TransformersConverter(str(source)).convert(str(partial), quantization="int8", force=True)
            partial.rename(target)
        device = "cuda" if loaded.device.type == "cuda" else "cpu"
        threads = cpu_threads()
        translator = ctranslate2.Translator(
            str(target), device=device, compute_type="int8", inter_threads=1, intra_threads=threads
        )
        return cls(translator, loaded.tokenizer)

    def translate(
        self, batch: list[list[int]], beams: int, max_new_tokens: int, min_new_tokens: int = 0
    ) -> tuple[list[str], int]:
        """Translations of a batch of source token ids, and the number of target tokens produced."""
        tokens = [self.tokenizer.convert_ids_to_tokens(ids) for ids in batch]
        results = self.translator.translate_batch(
            tokens,
            beam_size=beams,
            max_decoding_length=max_new_tokens,
            min_decoding_length=min_new_tokens,
            max_batch_size=len(batch),
        )
        ids = [self.tokenizer.convert_tokens_to_ids(r.hypotheses[0]) for r in results]
        texts = self.tokenizer.batch_decode(ids, skip_special_tokens=True)
        # decoding steps, as the torch paths count them: a hypothesis cut at the limit has no EOS
        return texts, sum(len(i) + (len(i) < max_new_tokens) for i in ids)
