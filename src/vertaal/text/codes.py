"""Inline codes: one private-use character per code of a file's inline markup.

Every format with inline content (XLIFF ``<x/>``, ``<g>…</g>``, ``<bpt>``/``<ept>``, PO's ``%s``
and ``{name}``, a document's links, emphasis, tabs and breaks) reaches the Translator as one
private-use character per code, which says what kind of code it is and which one (`k`, its
number in the unit):

* U+E000+k, a standalone code: anywhere, once;
* U+E600+k and U+EC00+k, the opening and closing code of pair k: the closing one only after
  its opening one and what the pair holds in the source, and not right after it when the
  source's pair wraps words. Every code stays in the pair that holds it in the source (siblings
  may swap, but nothing moves into or out of a pair);
* U+F200+k, an ordered code (an unnumbered printf ``%s``): after the ordered code before it.

The translation memory stores sentences in this form; the engine spells each character in the
model's vocabulary for decoding (`vertaal.engine.placeholders`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

STANDALONE, OPEN, CLOSE, ORDERED = "standalone", "open", "close", "ordered"
BASES = {STANDALONE: 0xE000, OPEN: 0xE600, CLOSE: 0xEC00, ORDERED: 0xF200}
SPAN = 0x600  # codes of each kind a unit may hold
CODE = re.compile("[\ue000-\uf7ff]")


def code_char(kind: str, k: int) -> str:
    """The character of code `k` of `kind`."""
    if not 0 <= k < SPAN:
        raise ValueError(f"at most {SPAN} inline codes of a kind in one unit")
    return chr(BASES[kind] + k)


def kind_of(char: str) -> tuple[str, int]:
    """(kind, k) of a code character."""
    point = ord(char)
    for kind, base in BASES.items():
        if base <= point < base + SPAN:
            return kind, point - base
    raise ValueError(f"not a code character: {char!r}")


def codes_in(text: str) -> list[str]:
    """The code characters of `text`, in order."""
    return CODE.findall(text)


def without_codes(text: str) -> str:
    """`text` with its codes taken out (for word counts and checks on the words alone)."""
    return re.sub(r"[ \t]{2,}", " ", CODE.sub("", text)).strip()


def edges(text: str) -> tuple[str, str, str]:
    """(leading codes, the core, trailing codes) of a sentence: the codes at its edges (with the
    spaces among them) that need no decoding, since they go at the translation's edges, as CAT
    tools leave a segment's outer tags out of it. A pair stays at the edges only when both its
    codes are there (one around the whole core); an ordered code stays in the core."""

    def movable(char: str) -> bool:
        return CODE.fullmatch(char) is not None and kind_of(char)[0] != ORDERED

    start = 0
    while start < len(text) and (text[start].isspace() or movable(text[start])):
        start += 1
    end = len(text)
    while end > start and (text[end - 1].isspace() or movable(text[end - 1])):
        end -= 1
    while True:  # give back a pair's code whose partner is not at the other edge
        opened = {k for kind, k in map(kind_of, codes_in(text[:start])) if kind == OPEN}
        closed = {k for kind, k in map(kind_of, codes_in(text[end:])) if kind == CLOSE}
        lone_open = [i for i in range(start) if _is(text[i], OPEN) and kind_of(text[i])[1] not in closed]
        lone_close = [
            i for i in range(end, len(text)) if _is(text[i], CLOSE) and kind_of(text[i])[1] not in opened
        ]
        if not lone_open and not lone_close:
            break
        start = lone_open[0] if lone_open else start
        end = lone_close[-1] + 1 if lone_close else end
    if not any(ch.isalpha() for ch in text[start:end]):
        return "", text, ""
    return text[:start], text[start:end], text[end:]


def _is(char: str, kind: str) -> bool:
    return CODE.fullmatch(char) is not None and kind_of(char)[0] == kind


def respace(text: str, source: str) -> str:
    """Give each code in `text` the spacing it has in `source`: glued to the word before or after
    it there, glued here; apart from a word there (a field after "Tabel "), apart here too."""
    for char in codes_in(source):
        at = source.index(char)
        glued_before = at > 0 and not source[at - 1].isspace()
        glued_after = at + 1 < len(source) and not source[at + 1].isspace()
        if glued_before:
            text = re.sub(r"\s+" + char, char, text)
        elif at > 0:
            text = re.sub(r"(\w)" + char, r"\1 " + char, text)
        if glued_after:
            text = re.sub(char + r"\s+", char, text)
        elif at + 1 < len(source):
            text = re.sub(char + r"(\w)", char + r" \1", text)
    return text


@dataclass
class Code:
    """One inline code: how the file writes it (`label`, for messages and reports), what names it
    across source and target (`key`: element and id, or the placeholder itself), and whatever
    the format needs to write it back (`data`)."""

    label: str
    key: str = ""
    data: Any = None
