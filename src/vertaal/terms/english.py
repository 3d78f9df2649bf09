"""English morphology for term matching: clitics and regular plurals only (an English source term
is matched by rules; no dictionary decides)."""

from __future__ import annotations


def base_forms(word: str) -> tuple[str, ...]:
    """Candidate base forms of `word`, most likely first, without `word` itself."""
    for mark in ("'", "\u2019"):
        if mark in word:
            return (word.split(mark, 1)[0],)
    lower = word.lower()
    if lower.endswith("ies") and len(word) > 4:
        return (word[:-3] + "y",)
    if lower.endswith("es") and len(word) > 4:
        return (word[:-2], word[:-1])
    if lower.endswith("s") and not lower.endswith("ss") and len(word) > 3:
        return (word[:-1],)
    return ()
