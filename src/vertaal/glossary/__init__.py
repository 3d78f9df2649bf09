"""Glossaries: the SQLite store, file formats (TSV, CSV, TBX), import, scan and cached matchers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..terms.entry import Entry

DEFAULT_GLOSSARY = "default"


@dataclass(slots=True)
class Row:
    """An entry read from a glossary file, with the line it started on."""

    entry: Entry
    line: int
