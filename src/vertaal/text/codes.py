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


def respace(text: str, source: str) -> str:
    """Give each code in `text` the spacing it has in `source`: glued to the word before or after
    it there, glued here."""
    for char in codes_in(source):
        at = source.index(char)
        glued_before = at > 0 and not source[at - 1].isspace()
        glued_after = at + 1 < len(source) and not source[at + 1].isspace()
        if glued_before:
            text = re.sub(r"\s+" + char, char, text)
        if glued_after:
            text = re.sub(char + r"\s+", char, text)
    return text
