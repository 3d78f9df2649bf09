"""TranslateOptions: everything a run needs, built once at each edge (CLI, server, corpus, cluster).

The edges parse what they are given (arguments, a request, a job) into one frozen
:class:`TranslateOptions`; :meth:`vertaal.api.Translator.from_options` is the one factory that
makes a Translator from it. Nothing below the edge re-derives a choice (the glossary, the
engine, the pair) from raw arguments again.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from .errors import UsageError
from .glossary import DEFAULT_GLOSSARY
from .languages import Pair

ENGINES = ("ctranslate2", "torch")
COMPUTE_TYPES = (
    "int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16", "bfloat16", "float32"
)  # fmt: skip
STRATEGIES = ("direct", "repair")
DEFAULT_PAIR = Pair("nl", "en")
DEVICE = re.compile(r"cpu|cuda(:\d{1,2})?|mps")  # checked here, before any model loads


@dataclass(frozen=True)
class TranslateOptions:
    """How to translate: the pair and model, the glossary and memory, the engine and its decoding.

    `glossary` is the chosen glossary: a stored glossary's name (a missing ``default`` means
    none), entries, a ready Matcher, or None for no glossary. `engine` is ``ctranslate2`` (the
    default: `compute_type`, int8 unless asked; a sentence that misses a term has it placed in
    CTranslate2's output, else is repaired by the constrained decoder) or ``torch``
    (transformers fp32, sentences with terms through the constrained decoder's beam search).
    `strategy` applies to the torch engine: ``direct`` decodes sentences with terms under
    constraints at once, ``repair`` decodes freely first and redoes only those that miss a term.
    """

    pair: Pair = DEFAULT_PAIR
    model: str | None = None
    glossary: Any = DEFAULT_GLOSSARY
    db: str | os.PathLike[str] | None = None
    memory: bool = False
    engine: str = "ctranslate2"
    strategy: str = "direct"
    beams: int | None = None
    batch_size: int = 16
    device: str | None = None
    max_new_tokens: int | None = None
    strict: bool = False
    compute_type: str = "int8"  # the ctranslate2 engine's (see engine.ctranslate2_engine)

    def __post_init__(self) -> None:
        if not isinstance(self.pair, Pair):
            object.__setattr__(self, "pair", Pair.parse(self.pair))
        if self.engine not in ENGINES:
            raise UsageError(f"unknown engine {self.engine!r}; use {' or '.join(ENGINES)}")
        if self.compute_type not in COMPUTE_TYPES:
            known = ", ".join(COMPUTE_TYPES)
            raise UsageError(f"unknown compute type {self.compute_type!r}; use one of {known}")
        if self.device is not None and not DEVICE.fullmatch(self.device):
            shown = self.device if len(self.device) <= 40 else self.device[:40] + "…"
            raise UsageError(f"unknown device {shown!r}; use cpu, cuda or cuda:N")
        if self.strategy not in STRATEGIES:
            raise UsageError(f"unknown strategy {self.strategy!r}; use direct or repair")
        if self.glossary is not None and not isinstance(self.glossary, str):
            from .terms.matcher import Matcher

            if not isinstance(self.glossary, Matcher) and isinstance(self.glossary, Iterable):
                object.__setattr__(self, "glossary", tuple(self.glossary))

    @property
    def direction(self) -> str:
        """The pair as models.txt names it: ``nl-en``."""
        return str(self.pair)

    @property
    def fast(self) -> bool:
        """Whether CTranslate2 translates first (the torch model only repairs)."""
        return self.engine == "ctranslate2"

    @property
    def glossary_name(self) -> str | None:
        """The stored glossary's name, when the glossary is one (for reports)."""
        return self.glossary if isinstance(self.glossary, str) else None

    def but(self, **changes: Any) -> TranslateOptions:
        """A copy with some fields changed (another pair, another glossary, no memory)."""
        return replace(self, **changes)


def glossary_choice(glossary: Any, no_glossary: bool) -> Any:
    """The glossary a run enforces: none with --no-glossary, else the named (or given) one."""
    return None if no_glossary else glossary
