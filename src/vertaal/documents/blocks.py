"""Blocks: what every document reader gives and every writer takes back.

A block is one unit of running text (a paragraph, a heading, a table cell, a footnote). Its inline
content (emphasis, links, tabs, fields, note marks) is in its text as inline codes
(`vertaal.text.codes`), which the decoder places in the translation. Readers keep a handle
(`ref`) to where the block came from, so that a writer can put the translation back in the same
place, with its codes rebuilt.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

KINDS = ("paragraph", "heading", "item", "cell", "note", "header", "footer", "caption")


@dataclass(slots=True)
class Block:
    """One unit of running text and where it sits in the document."""

    text: str
    kind: str = "paragraph"
    place: str = ""  # for people: "body 3", "table 1 row 2 cell 1", "footnote 2", "page 4"
    level: int = 0  # heading level, list depth
    ref: Any = None  # the reader's handle to write the translation back


@dataclass(slots=True)
class Translated:
    """A block's translation (its sentences' targets joined, codes included)."""

    block: Block
    text: str
