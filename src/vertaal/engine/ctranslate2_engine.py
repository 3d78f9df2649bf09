"""The CTranslate2 engine: int8 translation of plain sentences, with neither torch nor transformers.

CTranslate2 int8 decodes about 3-4x faster than transformers' fp32 beam search on a CPU but has
no lexical constraints. It reads the Marian model's sentencepiece files directly; the model is
converted once (torch is needed only then) and cached. A sentence that misses a glossary term is
handled by a strategy (`engine.strategies`): the term placed in this engine's output
(`engine.placement`), or the sentence repaired by the constrained decoder of the torch engine.
Without the `ctranslate2` package the torch engine takes every sentence, and a notice says so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import cache_dir, cpu_threads
from .decoding import Decoded, Decoding
from .registry import directory_digest

# int8: about 3x the speed of fp32 on a CPU and a quarter of the memory, output close to fp32's
# (benchmarks/parity measures how close).
DEFAULT_COMPUTE_TYPE = "int8"  # see vertaal.options.COMPUTE_TYPES for the others


def model_directory(spec: Any) -> Path:
    """The local directory holding the model's files: a local directory (checked), the hub cache's
    snapshot, or (first use) the hub, downloaded with progress; one-line errors offline."""
    from .loading import check_local_dir, is_cached, pull

    if spec.is_local:
        path = Path(spec.model_id).expanduser().resolve()
        check_local_dir(path)
        return path
    if not is_cached(spec):
        return Path(pull(spec))
    from huggingface_hub import snapshot_download

    return Path(snapshot_download(spec.model_id, revision=spec.revision, local_files_only=True))


def converted_directory(spec: Any, source: Path, compute_type: str) -> Path:
    """Where the converted model lives: beside the Hugging Face cache, keyed by the model's
    revision (and its files' digest) and the compute type."""
    revision = (spec.revision or "local")[:12]
    name = f"{source.name}-{revision}-{directory_digest(source)}-{compute_type}"
    return cache_dir() / "ctranslate2" / name


def convert(
    spec: Any, compute_type: str = DEFAULT_COMPUTE_TYPE, say: Callable[[str], None] | None = None
) -> Path:
    """Convert the model for CTranslate2 once (torch and transformers are needed only now) and
    return the converted directory; a second call finds it."""
    source = model_directory(spec)
    target = converted_directory(spec, source, compute_type)
    if (target / "model.bin").exists():
        return target
    import tempfile
    import time

    from ctranslate2.converters import TransformersConverter
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()  # the conversion's own line says what happens, not a weights bar
    hf_logging.disable_progress_bar()
    say = say or _stderr
    say(f"converting {spec.model_id} for CTranslate2 ({compute_type}), once; cached in {target.parent}")
    started = time.perf_counter()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=target.name + ".", suffix=".partial", dir=target.parent))
    try:
        TransformersConverter(str(source)).convert(str(partial), quantization=compute_type, force=True)
        partial.rename(target)
    except OSError:
        if not (target / "model.bin").exists():  # another process finished first: take its copy
            raise
    finally:
        if partial.exists():
            import shutil

            shutil.rmtree(partial, ignore_errors=True)
    say(f"converted in {time.perf_counter() - started:.1f} s")
    return target


def _stderr(message: str) -> None:
    """A progress line for a person at a terminal (as the progress bars: never into a log or pipe)."""
    import sys

    if sys.stderr.isatty():
        print(message, file=sys.stderr, flush=True)


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


def decoding_length(config: dict, limit: int) -> int:
    """CTranslate2's max_decoding_length for a limit of `limit` new tokens as the torch engine
    counts them: where the model's generation config forces end-of-sentence at the last position
    (Marian's does), that position holds the end, not a word, so one token less."""
    if config.get("forced_eos_token_id") is not None:
        return max(1, limit - 1)
    return limit


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


@dataclass(frozen=True)
class Aligned:
    """A translation with its pieces and, per target piece, the index of the source piece its
    attention rests on most."""

    source: list[str]
    target: list[str]
    focus: list[int]
    text: str

    def span(self, start: int, end: int) -> str | None:
        """The target words whose pieces attend to source pieces start..end-1 (the longest run of
        such pieces, widened to whole words), or None where none does."""
        hits = [j for j, i in enumerate(self.focus) if start <= i < end]
        if not hits:
            return None
        runs: list[list[int]] = []
        for j in hits:
            if runs and j - runs[-1][-1] <= 2:  # one piece between may attend elsewhere
                runs[-1].append(j)
            else:
                runs.append([j])
        run = max(runs, key=len)
        first, last = run[0], run[-1]
        while first > 0 and not self.target[first].startswith("\u2581"):
            first -= 1
        while last + 1 < len(self.target) and not self.target[last + 1].startswith("\u2581"):
            last += 1
        return "".join(self.target[first : last + 1]).replace("\u2581", " ").strip() or None


class CTranslate2Engine:
    """CTranslate2 int8 translation of sentences, converted once per model and cached; it needs
    neither torch nor the transformers model once converted (the first use converts)."""

    def __init__(self, translator: Any, tokenizer: PieceTokenizer, load_seconds: float, config: dict) -> None:
        self.translator = translator
        self.tokenizer = tokenizer
        self.load_seconds = load_seconds
        self.config = config  # config.json and generation_config.json: beams, positions, without the model
        self.generated_tokens = 0

    def decoding_length(self, limit: int) -> int:
        """CTranslate2's max_decoding_length for this model and a limit of `limit` new tokens."""
        return decoding_length(self.config, limit)

    @classmethod
    def create(
        cls,
        spec: Any,
        device: str | None,
        notice: Callable[[str], None],
        compute_type: str = DEFAULT_COMPUTE_TYPE,
    ) -> CTranslate2Engine | None:
        """The engine for `spec`, converting the model on first use; None (with a notice) when the
        ctranslate2 package is missing."""
        import time

        started = time.perf_counter()
        try:
            import ctranslate2
        except ImportError:
            notice(
                "the ctranslate2 package is missing, so PyTorch translates every sentence; "
                "'pip install ctranslate2' makes plain sentences about 3x faster"
            )
            return None
        source = model_directory(spec)
        target = convert(spec, compute_type)
        translator = ctranslate2.Translator(
            str(target),
            device="cuda" if (device or "cpu").startswith("cuda") else "cpu",
            compute_type=compute_type,
            inter_threads=1,
            intra_threads=cpu_threads(),
        )
        return cls(translator, PieceTokenizer(source), time.perf_counter() - started, _config(source))

    def translate(
        self, sentences: Sequence[str], decoding: Decoding, on_progress: Callable[[int], None] | None = None
    ) -> list[Decoded]:
        """Translations in input order, each with the beam's other hypotheses and its pieces.
        Batches are sorted by length and hold one length limit each: a sentence's output never
        depends on its batchmates."""
        encoded = [self.tokenizer.encode(s, decoding.max_source_tokens()) for s in sentences]
        lengths = [len(e) for e in encoded]
        results: list[Decoded] = [Decoded("", None)] * len(sentences)
        for batch in decoding.batches(lengths, lambda i: decoding.new_token_limit(lengths[i])):
            outputs = self.translate_batch(
                [encoded[i] for i in batch],
                decoding.beams or 1,
                decoding.new_token_limit(lengths[batch[0]]),
                decoding.min_new_tokens or 0,
            )
            for index, decoded in zip(batch, outputs, strict=True):
                results[index] = decoded
            if on_progress:
                on_progress(len(batch))
        return results

    def translate_batch(
        self, batch: list[list[str]], beams: int, max_new_tokens: int, min_new_tokens: int = 0
    ) -> list[Decoded]:
        """Translations of a batch of source pieces under one length limit: the best, the beam's
        other hypotheses, and the best one's pieces."""
        longest = self.decoding_length(max_new_tokens)
        results = self.translator.translate_batch(
            batch,
            beam_size=beams,
            num_hypotheses=beams,
            max_decoding_length=longest,
            min_decoding_length=min(min_new_tokens, longest),
            max_batch_size=len(batch),
        )
        decoded = []
        for result in results:
            texts = [self.tokenizer.decode(h) for h in result.hypotheses]
            best = result.hypotheses[0]
            # decoding steps, as the torch engine counts them: a hypothesis cut at the limit has no EOS
            self.generated_tokens += len(best) + 1  # its end-of-sentence, written or forced
            decoded.append(Decoded(texts[0], None, tuple(texts[1:]), tuple(best)))
        return decoded

    def aligned(self, sentences: Sequence[str], decoding: Decoding) -> list[Aligned]:
        """Each sentence's best translation with the pieces on both sides and, for each target
        piece, the source piece it attends to most (CTranslate2's attention)."""
        out = []
        for sentence in sentences:  # one at a time: each under its own length limit
            source = self.tokenizer.encode(sentence, decoding.max_source_tokens())
            (result,) = self.translator.translate_batch(
                [source],
                beam_size=decoding.beams or 1,
                max_decoding_length=self.decoding_length(decoding.new_token_limit(len(source))),
                return_attention=True,
            )
            target, attention = result.hypotheses[0], result.attention[0]
            focus = [max(range(len(row)), key=row.__getitem__) for row in attention[: len(target)]]
            out.append(Aligned(source, list(target), focus, self.tokenizer.decode(target)))
        return out

    def speller(self) -> Any:
        """Spells inline codes in the target vocabulary."""
        from .placeholders import Speller

        return Speller(self.tokenizer.target, self.tokenizer.vocab)
