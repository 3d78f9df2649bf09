"""Blocks: what every document reader gives and every writer takes back.

A block is one unit of running text (a paragraph, a heading, a table cell, a footnote) with its
inline formats as spans over its text. Readers keep a handle (`ref`) to where the block came
from, so that a writer can put the translation back in the same place, with the same style.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from ..text.reflow import strip_control

KINDS = ("paragraph", "heading", "item", "cell", "note", "header", "footer", "caption")


@dataclass(slots=True)
class Span:
    """An inline format (bold run, link, italic) over text[start:end]; `key` means something to the writer."""

    start: int
    end: int
    key: Hashable


@dataclass(slots=True)
class Block:
    """One unit of running text and where it sits in the document."""

    text: str
    kind: str = "paragraph"
    place: str = ""  # for people: "body 3", "table 1 row 2 cell 1", "footnote 2", "page 4"
    level: int = 0  # heading level, list depth
    spans: list[Span] = field(default_factory=list)
    ref: Any = None  # the reader's handle to write the translation back


@dataclass(slots=True)
class Translated:
    """A block's translation, with the inline formats that could be placed exactly."""

    block: Block
    text: str
    spans: list[Span]
    dropped: int = 0  # inline formats that could not be placed and were left out

    def runs(self, base: Hashable) -> list[tuple[str, Hashable]]:
        """The translation as (text, format) runs: the spans' formats, `base` between them."""
        runs: list[tuple[str, Hashable]] = []
        cursor = 0
        for span in self.spans:
            if span.start > cursor:
                runs.append((self.text[cursor : span.start], base))
            runs.append((self.text[span.start : span.end], span.key))
            cursor = span.end
        if cursor < len(self.text):
            runs.append((self.text[cursor:], base))
        return runs


class TextBuilder:
    """Builds a block's text from pieces (runs), collapsing whitespace across piece boundaries and
    recording each formatted piece as a span of the finished text."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self.spans: list[Span] = []

    def add(self, text: str, key: Hashable | None = None) -> None:
        """Append `text`; with a `key`, record it as a span (whitespace at its edges left outside).
        Control characters are left out: no document format can hold them in text."""
        text = strip_control(text)
        words = text.split()
        if not words:
            if text and self._length and not self._parts[-1].endswith(" "):
                self._append(" ")
            return
        if text[0].isspace() and self._length and not self._parts[-1].endswith(" "):
            self._append(" ")
        start = self._length
        self._append(" ".join(words))
        if key is not None:
            self.spans.append(Span(start, self._length, key))
        if text[-1].isspace():
            self._append(" ")

    def _append(self, piece: str) -> None:
        self._parts.append(piece)
        self._length += len(piece)

    def text(self) -> str:
        return "".join(self._parts).rstrip()


def from_runs(runs: list[tuple[str, Hashable]], plain: Hashable) -> tuple[str, list[Span], Hashable]:
    """A paragraph's text from its runs (text, format): the base format is the plain one when any
    run has it, else the most common by characters; every other format becomes a span.

    Returns the text, the spans and the base (which a writer gives to unformatted translation)."""
    weights: Counter = Counter()
    for text, key in runs:
        weights[key] += len(text.strip())
    base = plain if plain in weights else weights.most_common(1)[0][0]
    builder = TextBuilder()
    for text, key in runs:
        builder.add(text, None if key == base else key)
    return builder.text(), builder.spans, base


def merge_spans(spans: list[Span]) -> list[Span]:
    """Adjacent spans with the same key as one (two runs in the same bold make one bold span)."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: s.start):
        last = merged[-1] if merged else None
        if last is not None and last.key == span.key and span.start - last.end <= 1:
            last.end = span.end
        else:
            merged.append(Span(span.start, span.end, span.key))
    return merged
