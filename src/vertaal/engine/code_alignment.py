"""Inline code pairs placed on a free translation, where the place is certain.

A sentence whose codes are all pairs, each around a glossary term or around text the translation
copies as written (a number, a name, an acronym, a web address), is first translated without its
codes; each pair is then put around the term's target, or around the copy, when the translation
holds it exactly once. This keeps the model's own wording (codes it never saw in training can
derail it), and the pair holds exactly what it held in the source. A sentence with a standalone
code, pairs nested in each other, or a pair whose place is not certain is decoded with its codes
under constraints instead (`Translator._translate`), so that no code is ever dropped.
"""

from __future__ import annotations

from ..results import ENFORCED, UNFORCED, CodeStatus, TermStatus
from ..terms.forms import english_plural, find_all
from ..text.codes import CLOSE, CODE, OPEN, code_char, codes_in, kind_of


def pairs(sentence: str) -> list[tuple[str, str, str]] | None:
    """(opening code, closing code, the text between) of each pair, or None when the sentence
    holds a code that is not part of a pair holding text alone."""
    found = []
    opened: dict[int, int] = {}
    for at, char in enumerate(sentence):
        if not CODE.fullmatch(char):
            continue
        kind, k = kind_of(char)
        if kind == OPEN:
            opened[k] = at
        elif kind == CLOSE and k in opened:
            inner = sentence[opened.pop(k) + 1 : at]
            if codes_in(inner) or not inner.strip():
                return None  # nested, or around nothing
            found.append((code_char(OPEN, k), char, inner))
        else:
            return None  # a standalone or ordered code, or a closing one before its opening one
    return found if not opened and found else None


def place(
    sentence: str, target: str, terms: list[TermStatus] | None, target_lang: str = "en"
) -> tuple[str, list[CodeStatus]] | None:
    """`target` with the sentence's pairs placed around what they hold, or None where one cannot
    be placed with certainty (not found, found twice, or crossing another pair)."""
    found = pairs(sentence)
    if found is None:
        return None
    spans: list[tuple[int, int, str, str]] = []
    for opening, closing, inner in found:
        where = _term(inner.strip(), target, terms or [], target_lang) or _copied(inner.strip(), target)
        if where is None or any(where[0] < b and a < where[1] for a, b, _, _ in spans):
            return None
        spans.append((*where, opening, closing))
    out = target
    for start, end, opening, closing in sorted(spans, reverse=True):
        out = out[:start] + opening + out[start:end] + closing + out[end:]
    order = codes_in(sentence)
    return out, [CodeStatus(c, ENFORCED if c in out else UNFORCED) for c in order]


def _term(covered: str, target: str, terms: list[TermStatus], target_lang: str) -> tuple[int, int] | None:
    """Where the target of the term whose source the pair holds is, when it is there once."""
    for term in terms:
        if term.surface.strip() == covered and term.target and term.status in (ENFORCED, UNFORCED):
            forms = [term.target, english_plural(term.target)] if target_lang == "en" else [term.target]
            spans = find_all(target, forms, ignore_case=True)
            if len(spans) == 1:
                return spans[0]
    return None


def _copied(covered: str, target: str) -> tuple[int, int] | None:
    """Where the translation copies `covered` as written, once; only for text that is copied
    (with a digit, a capital after its first letter, or a mark such as a web address's)."""
    copied = any(ch.isdigit() for ch in covered) or any(ch.isupper() for ch in covered[1:])
    copied = copied or any(not ch.isalnum() and not ch.isspace() for ch in covered.strip(".,;:!?"))
    if not copied:
        return None
    spans = find_all(target, [covered])
    return spans[0] if len(spans) == 1 else None
