"""vertaal: offline Dutch-English translation with an enforced term glossary.

The public API is loaded lazily so that ``import vertaal`` stays light (no torch).
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = [
    "Translator",
    "translate",
    "SentenceResult",
    "DocumentResult",
    "TermStatus",
    "Entry",
    "Matcher",
    "Hit",
    "VertaalError",
]

_LAZY = {
    "Translator": "vertaal.api",
    "translate": "vertaal.api",
    "SentenceResult": "vertaal.results",
    "DocumentResult": "vertaal.results",
    "TermStatus": "vertaal.results",
    "Entry": "vertaal.terms.entry",
    "Matcher": "vertaal.terms.matcher",
    "Hit": "vertaal.terms.matcher",
    "VertaalError": "vertaal.errors",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'vertaal' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
