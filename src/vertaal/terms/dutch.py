"""Dutch morphology for term matching: the uninflected forms a surface word may stand for.

simplemma's dictionary decides for the words it knows (so "weten" never becomes "wet"); rules
cover the words it does not know, which in government texts are mostly compounds and acronyms:
plural -s, -en and -'s, adjective -e, diminutives, and clitics after an apostrophe (AIVD'er).
"""

from __future__ import annotations

from functools import lru_cache

from ..text import lexicon

VOWELS = frozenset("aeiouy")
_APOSTROPHES = ("'", "\u2019")
_DIMINUTIVES = ("etjes", "etje", "tjes", "tje", "pjes", "pje", "jes", "je")
MIN_STEM = 3


@lru_cache(maxsize=500_000)
def base_forms(word: str) -> tuple[str, ...]:
    """Candidate base forms of `word`, most likely first, without `word` itself.

    Case is kept where the rule strips a suffix (AIVD's -> AIVD); dictionary lemmas follow the
    word's first-letter case.
    """
    for mark in _APOSTROPHES:
        if mark in word:
            head = word.split(mark, 1)[0]
            return (head,) if len(head) >= 1 else ()
    lower = word.lower()
    if lexicon.is_known(lower):
        lemma = lexicon.lemma(lower)
        if lemma == lower:
            return ()
        return (_recase(lemma, word),)
    forms: list[str] = []
    for suffix in _DIMINUTIVES:
        if lower.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            forms.append(word[: -len(suffix)])
            break
    if lower.endswith("en") and len(word) - 2 >= MIN_STEM:
        forms += _stem_variants(word[:-2])
    if lower.endswith("s") and len(word) - 1 >= MIN_STEM:
        forms.append(word[:-1])
    if lower.endswith("e") and len(word) - 1 >= MIN_STEM:
        forms += _stem_variants(word[:-1])
    seen: dict[str, None] = {}
    for form in forms:
        if form != word:
            seen.setdefault(form, None)
    return tuple(seen)


def _stem_variants(stem: str) -> list[str]:
    """A stem after -en/-e, and its spelling adjustments: bommen -> bom, jaren -> jaar, brieven -> brief."""
    variants = [stem]
    lower = stem.lower()
    if len(lower) >= 2 and lower[-1] == lower[-2] and lower[-1] not in VOWELS:
        variants.append(stem[:-1])
    if len(lower) >= 3 and lower[-1] not in VOWELS and lower[-2] in "aeou" and lower[-3] not in VOWELS:
        variants.append(stem[:-1] + stem[-2] + stem[-1])
    if lower.endswith("v"):
        variants.append(stem[:-1] + "f")
    if lower.endswith("z"):
        variants.append(stem[:-1] + "s")
    return variants


def _recase(lemma: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return lemma.upper()
    if like[:1].isupper():
        return lemma[:1].upper() + lemma[1:]
    return lemma
