"""The fast mode (`--fast`): CTranslate2 int8 first, the constrained decoder only to repair.

CTranslate2 int8 decodes about 3-4x faster than transformers' fp32 beam search on a CPU but has
no lexical constraints. So in fast mode CTranslate2 translates every sentence; only a sentence
whose output misses a glossary term (judged by the shared presence check) is translated again by
the constrained decoder, on a copy of the model whose linear layers are dynamically quantised to
int8. The CTranslate2 path reads the sentencepiece models directly: neither torch nor the
transformers model is loaded unless a sentence needs the repair. Without the optional
`ctranslate2` package every sentence takes the int8 PyTorch path, and a notice says so.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..config import cache_dir, cpu_threads
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


def model_directory(spec: Any) -> Path:
    """The local directory holding the model's files (a hub model's cached snapshot)."""
    if spec.is_local:
        return Path(spec.model_id).expanduser().resolve()
    from huggingface_hub import snapshot_download

    return Path(snapshot_download(spec.model_id, revision=spec.revision, local_files_only=True))


def _config(directory: Path) -> dict:
    """config.json updated with generation_config.json (as transformers reads them), from the files."""
    import json

    found: dict = {}
    for name in ("config.json", "generation_config.json"):
        try:
            found.update(json.loads((directory / name).read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    return found


class PieceTokenizer:
    """Marian's tokenization with sentencepiece alone (no transformers, no torch): source pieces in
    the model's vocabulary (unknown pieces as ``<unk>``) and ``</s>``; target pieces back to text."""

    def __init__(self, directory: Path) -> None:
        import json

        import sentencepiece

        self.source = sentencepiece.SentencePieceProcessor(model_file=str(directory / "source.spm"))
        self.target = sentencepiece.SentencePieceProcessor(model_file=str(directory / "target.spm"))
        self.vocab = set(json.loads((directory / "vocab.json").read_text(encoding="utf-8")))

    def encode(self, text: str, limit: int) -> list[str]:
        pieces = [p if p in self.vocab else "<unk>" for p in self.source.encode(text, out_type=str)]
        return pieces[: limit - 1] + ["</s>"]

    def target_pieces(self, text: str) -> list[str] | None:
        """`text` in target pieces, or None when the model's vocabulary lacks one of them."""
        pieces = self.target.encode(text, out_type=str)
        return pieces if all(p in self.vocab for p in pieces) else None

    def decode(self, pieces: list[str]) -> str:
        """As MarianTokenizer decodes: special pieces dropped, a marker sentencepiece does not know
        (a piece outside target.spm) read as a space."""
        kept = [p for p in pieces if p not in ("</s>", "<pad>", "<unk>")]
        return self.target.decode_pieces(kept).replace("\u2581", " ").strip()


class FastPlain:
    """CTranslate2 int8 translation of sentences, converted once per model and cached; it needs
    neither torch nor the transformers model once converted (the first use converts)."""

    def __init__(self, translator: Any, tokenizer: PieceTokenizer, load_seconds: float, config: dict) -> None:
        self.translator = translator
        self.tokenizer = tokenizer
        self.load_seconds = load_seconds
        self.config = config  # config.json and generation_config.json: beams, positions, without the model

    @classmethod
    def create(cls, spec: Any, device: str | None, notice: Callable[[str], None]) -> FastPlain | None:
        import time

        started = time.perf_counter()
        try:
            import ctranslate2
        except ImportError:
            notice(
                "--fast without the ctranslate2 package uses int8 PyTorch only; "
                "'pip install ctranslate2' makes plain sentences about 2x faster still"
            )
            return None
        source = model_directory(spec)
        target = cache_dir() / "ctranslate2" / f"{source.name}-{directory_digest(source)}-int8"
        if not (target / "model.bin").exists():
            from ctranslate2.converters import TransformersConverter

            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".partial")
            TransformersConverter(str(source)).convert(str(partial), quantization="int8", force=True)
            partial.rename(target)
        translator = ctranslate2.Translator(
            str(target),
            device="cuda" if (device or "cpu").startswith("cuda") else "cpu",
            compute_type="int8",
            inter_threads=1,
            intra_threads=cpu_threads(),
        )
        return cls(translator, PieceTokenizer(source), time.perf_counter() - started, _config(source))

    def translate(
        self, batch: list[list[str]], beams: int, max_new_tokens: int, min_new_tokens: int = 0
    ) -> tuple[list[list[str]], int, list[list[str]]]:
        """Translations of a batch of source pieces, each the beam's n-best list (best first), the
        number of target tokens the best ones hold, and the best ones' pieces."""
        results = self.translator.translate_batch(
            batch,
            beam_size=beams,
            num_hypotheses=beams,
            max_decoding_length=max_new_tokens,
            min_decoding_length=min_new_tokens,
            max_batch_size=len(batch),
        )
        texts = [[self.tokenizer.decode(h) for h in r.hypotheses] for r in results]
        best = [r.hypotheses[0] for r in results]
        # decoding steps, as the torch paths count them: a hypothesis cut at the limit has no EOS
        return texts, sum(len(p) + (len(p) < max_new_tokens) for p in best), best
