"""The engines of one Translator: CTranslate2 and torch over one model, each loaded when needed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .constraints import SentenceConstraints
from .decoding import Decoded, Decoding


class Engines:
    """One model on its backends. With ``ctranslate2`` the plain sentences never need torch: the
    torch model is loaded only for the first sentence that goes through the constrained decoder.
    With ``torch`` the model loads now and takes every sentence."""

    def __init__(
        self,
        spec: Any,
        engine: str,
        decoding: Decoding,
        *,
        device: str | None = None,
        notice: Callable[[str], None] | None = None,
        compute_type: str = "int8",
    ) -> None:
        from .loading import load
        from .torch_engine import TorchEngine

        self.spec = spec
        self.decoding = decoding
        fast = engine == "ctranslate2"
        self.fast: Any = None
        if fast:
            from .ctranslate2_engine import CTranslate2Engine

            self.fast = CTranslate2Engine.create(spec, device, notice or (lambda message: None), compute_type)
        self.torch = TorchEngine(lambda: load(spec, device), decoding)
        if self.fast is not None:
            config = self.fast.config
            decoding.beams = decoding.beams or config.get("num_beams")
            decoding.positions = config.get("max_position_embeddings")
        else:
            self.torch.loaded  # noqa: B018 - without CTranslate2 every path needs the model now

    @property
    def model_loaded(self) -> bool:
        """Whether the torch model was loaded."""
        return self.torch.model_loaded

    @property
    def beams(self) -> int | None:
        return self.decoding.beams

    @property
    def generated_tokens(self) -> int:
        return self.torch.generated_tokens + (self.fast.generated_tokens if self.fast else 0)

    @property
    def load_seconds(self) -> float:
        """Seconds spent loading: the torch model if it was loaded, and the CTranslate2 model."""
        return self.torch.load_seconds + (self.fast.load_seconds if self.fast else 0.0)

    def load_parts(self) -> dict[str, float]:
        """Where the load time went: CTranslate2, then the torch model's parts."""
        parts = {"ctranslate2": self.fast.load_seconds} if self.fast is not None else {}
        return parts | self.torch.load_parts()

    @property
    def tokenizer(self) -> Any:
        return self.torch.tokenizer

    def speller(self) -> Any:
        """Spells inline codes in the vocabulary of the engine that translates plain sentences."""
        return (self.fast or self.torch).speller()

    def translate(
        self,
        sentences: Sequence[str],
        constraints: Sequence[SentenceConstraints | None] | None = None,
        on_progress: Callable[[int], None] | None = None,
    ) -> list[Decoded]:
        """Plain sentences through CTranslate2 when it is there, the rest through torch's
        constrained decoder; results in input order."""
        wanted = list(constraints) if constraints is not None else [None] * len(sentences)
        plain = [i for i, c in enumerate(wanted) if c is None or c.empty]
        if self.fast is None or not plain:
            return self.torch.translate(sentences, wanted, on_progress)
        results: list[Decoded] = [Decoded("", None)] * len(sentences)
        free = self.fast.translate([sentences[i] for i in plain], self.decoding, on_progress)
        for i, decoded in zip(plain, free, strict=True):
            results[i] = decoded
        rest = [i for i, c in enumerate(wanted) if c is not None and not c.empty]
        if rest:
            again = self.torch.translate([sentences[i] for i in rest], [wanted[i] for i in rest], on_progress)
            for i, decoded in zip(rest, again, strict=True):
                results[i] = decoded
        return results
