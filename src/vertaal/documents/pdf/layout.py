"""What the PDF reader's phases pass on: words as dicts, lines, tables, pages, paragraphs, and the
marks and measures they share."""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from functools import cached_property

from ...text.reflow import join_lines

MARGIN_BAND = 0.09  # the top and bottom share of a page where running heads and page numbers sit


# typographic ligatures as their letters: "ﬁnding" is "finding" to a model and a glossary
LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})


FRAME_COLUMNS = 10**6  # a frame's cells are columns from here, apart from the page's own


WORD_GAP = 0.11  # a gap between characters over this share of the type size is a space (pdfminer: 0.1)


_DIGITS = re.compile(r"\d+")


_NOTE_ENDS = set("0123456789*†‡")


_PAGE_WORD = re.compile(r"\b(?:page|pagina|blz|p)\.?(?=\s|$)", re.I)


_CLOSING = (".", "!", "?", ":", ";", "”", "’", '"', ")")


# a list item's marker: a bullet or dash, a number, a letter in brackets, then its text
_MARKS = r"(?:[•●▪◦‣∙·○■□➢►✓–—*!-]|\(?\d{1,3}[.)]|\(?[a-z][.)]|\([ivx]{1,4}\)|\[[^\]]{1,12}\])"
_LONE_MARKER = re.compile(rf"^{_MARKS}$")


_MARKER = re.compile(rf"^{_MARKS}\s+\S")


@dataclass
class _Line:
    """Words on one line of one column; its words do not change once made."""

    words: list[dict]
    page: int
    column: int = 0  # -1: spans the columns
    framed: bool = False  # in a frame's cell, its column set by the cell

    @cached_property
    def text(self) -> str:
        return " ".join(w["text"] for w in self.words)

    @property
    def x0(self) -> float:
        return self.words[0]["x0"]

    @property
    def x1(self) -> float:
        return self.words[-1]["x1"]

    @cached_property
    def top(self) -> float:
        return min(w["top"] for w in self.words)

    @cached_property
    def bottom(self) -> float:
        return max(w["bottom"] for w in self.words)

    @cached_property
    def size(self) -> float:
        return round(statistics.median(w["size"] for w in self.words), 1)

    @cached_property
    def bold(self) -> bool:
        return all("bold" in w["fontname"].lower() or "black" in w["fontname"].lower() for w in self.words)


@dataclass
class _Table:
    rows: list[list[str]]
    page: int
    column: int
    top: float
    x0: float = 0.0
    x1: float = 0.0  # 0: as wide as the page


@dataclass
class _Page:
    number: int
    height: float
    lines: list[_Line] = field(default_factory=list)
    tables: list[_Table] = field(default_factory=list)
    rotated: list[str] = field(default_factory=list)  # lines of text set at an angle, in their direction
    left_out: int = 0  # margin line numbers


def _inside(word: dict, box: tuple) -> bool:
    x0, top, x1, bottom = box
    return (
        x0 - 1 <= word["x0"]
        and word["x1"] <= x1 + 1
        and top - 1 <= word["top"]
        and word["bottom"] <= bottom + 1
    )


Gutter = tuple[float, float, float, float]  # x0, x1 and the rows it holds for: top, bottom


def _rows(words: list[dict]) -> list[list[dict]]:
    """Words at the same height, left to right."""
    rows: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        row = rows[-1] if rows else None
        if row and abs(row[0]["top"] - word["top"]) <= 0.4 * word["size"]:
            row.append(word)
        else:
            rows.append([word])
    for row in rows:
        row.sort(key=lambda w: w["x0"])
    return rows


@dataclass
class _Paragraph:
    lines: list[_Line]
    kind: str = "paragraph"
    level: int = 0
    page: int = 0

    _joined: tuple[int, str] = (0, "")  # the text of the first n lines, made once

    @property
    def text(self) -> str:
        if self._joined[0] != len(self.lines):
            self._joined = (len(self.lines), join_lines([line.text for line in self.lines]))
        return self._joined[1]
