"""Language identification for ``/detect`` and ``source: auto``: lingua, which ships its own
models and needs no network, limited to the languages the server translates from and into."""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

_LOCK = threading.Lock()


@lru_cache(maxsize=4)
def _detector(languages: tuple[str, ...]) -> Any:
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    known = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in languages]
    return LanguageDetectorBuilder.from_languages(*known).build()


def detect(text: str, languages: list[str]) -> list[dict[str, Any]]:
    """LibreTranslate's answer for one text: each language with its confidence (0-100), most
    likely first; confidence 0 for all where the text says nothing (digits, symbols)."""
    with _LOCK:  # the detector loads its models lazily
        values = _detector(tuple(sorted(set(languages)))).compute_language_confidence_values(text)
    return [
        {"confidence": round(value.value * 100, 1), "language": value.language.iso_code_639_1.name.lower()}
        for value in values
    ]
