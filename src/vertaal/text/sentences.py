"""Dutch sentences: sentencex plus repairs after Dutch abbreviations, and cuts of over-long ones.

:func:`sentences` splits a paragraph with `sentencex`, repairing the splits it makes after Dutch
abbreviations it does not know; :func:`split_long` cuts a sentence the model could not take
whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .reflow import paragraphs

# Titles are always followed by a name, so a split after them is always wrong.
_TITLES = frozenset("dhr mevr mw dr drs prof mr ir ing st ds".split())
# Abbreviations that end a sentence only rarely: merge when the next piece starts in lower case
# or with a digit. (sentencex already knows many; these are the ones it was seen to miss.)
_ABBREVIATIONS = frozenset(
    """o.a d.w.z bijv bv m.b.t nr blz ca mln mld zgn resp t.a.v i.v.m m.n t.o.v vgl jl a.s
    e.d enz etc i.p.v n.a.v m.u.v p t.b.v incl excl evt afd art lid min max ong""".split()
)
_LAST_WORD = re.compile(r"(\S+)\.\s*$")

MAX_SENTENCE_CHARS = 500  # under the model's 512 tokens: a sentencepiece token spans >= 1 character


def sentences(paragraph: str, language: str = "nl") -> list[str]:
    """Split one paragraph into sentences (Dutch unless another language is given; the repairs
    after abbreviations are Dutch ones)."""
    from sentencex import segment

    pieces = [p.strip() for p in segment(language, paragraph)]
    pieces = [p for p in pieces if p]
    merged: list[str] = []
    for piece in pieces:
        if merged and language == "nl" and _ends_in_abbreviation(merged[-1], piece):
            merged[-1] = merged[-1] + " " + piece
        else:
            merged.append(piece)
    return merged


def _ends_in_abbreviation(previous: str, following: str) -> bool:
    match = _LAST_WORD.search(previous)
    if not match:
        return False
    word = match.group(1).lower().lstrip("(\"'‘“")
    if word in _TITLES:
        return True
    return word in _ABBREVIATIONS and (following[0].islower() or following[0].isdigit())


def split_long(sentence: str, max_chars: int = MAX_SENTENCE_CHARS) -> list[str]:
    """Split a sentence longer than `max_chars` at clause marks (; : ,), then at spaces.

    A sentencepiece token spans at least one character, so a piece of at most 500 characters
    stays under the model's 512-token limit without asking the tokenizer (and without loading a
    model, which a re-run served from the translation memory never does).
    """
    if len(sentence) <= max_chars:
        return [sentence]
    return list(_char_chunks(sentence, max_chars))


def _char_chunks(text: str, size: int) -> Iterator[str]:
    """Cut text into pieces of at most `size` characters, preferring ; : , and then spaces."""
    start = 0
    while len(text) - start > size:
        end = start + size
        cut = max(text.rfind("; ", start, end), text.rfind(": ", start, end), text.rfind(", ", start, end))
        if cut < start + size // 3:
            cut = text.rfind(" ", start, end)
        if cut <= start:
            cut = end - 1
        piece = text[start : cut + 1].strip()
        if piece:
            yield piece
        start = cut + 1
    rest = text[start:].strip()
    if rest:
        yield rest


def segment_document(text: str) -> list[list[str]]:
    """Paragraphs of sentences, for the whole input text."""
    return [sentences(p) for p in paragraphs(text)]
