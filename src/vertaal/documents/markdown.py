"""Markdown (markdown-it-py, CommonMark with tables): translate paragraphs, headings, list items and
table cells in place; every other line stays as written.

Emphasis, strong emphasis and links become spans that `documents.inline` places on the
translation where it can, and are written back as ``*``, ``**`` and ``[text](target)`` with the
link target untouched. Code (fenced, indented and inline), images, raw HTML and link targets are
never translated: inline code or HTML splits its line into pieces translated apart, so it is
never lost or changed. A translated paragraph is written on one line, after the prefix its first
line had (``- ``, ``1. ``, ``> ``, indentation); a heading as an ATX heading.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..text.files import read_file
from .blocks import Block, TextBuilder, Translated

_UNTOUCHED_INLINE = {"code_inline", "html_inline", "image", "hardbreak"}


class _Unit:
    """A paragraph, heading or table row: its lines, and its pieces (blocks, or raw Markdown kept)."""

    __slots__ = ("lines", "kind", "level", "prefix", "cells")

    def __init__(self, lines: tuple[int, int], kind: str, level: int, prefix: str) -> None:
        self.lines = lines
        self.kind = kind
        self.level = level
        self.prefix = prefix
        self.cells: list[list[object]] = []  # per cell (one for a paragraph): pieces, str = raw kept


def _raw(token) -> str:
    if token.type == "code_inline":
        return f"{token.markup}{token.content}{token.markup}"
    if token.type == "image":
        title = f' "{token.attrs["title"]}"' if token.attrs.get("title") else ""
        return f"![{token.content}]({token.attrs.get('src', '')}{title})"
    if token.type == "hardbreak":
        return "  \n" if token.markup != "\\" else "\\\n"
    return token.content


class MarkdownDocument:
    suffix = ".md"

    def __init__(self, path: str, encoding: str = "utf-8") -> None:
        from markdown_it import MarkdownIt

        self._text = read_file(path, encoding)
        self._lines = self._text.split("\n")
        try:
            tokens = MarkdownIt("commonmark").enable("table").parse(self._text)
        except Exception as exc:  # markdown-it raises on pathological input only
            raise InputError(f"{path} cannot be read as Markdown ({exc})") from exc
        self._units: list[_Unit] = []
        self.blocks: list[Block] = []
        self._collect(tokens)

    def _collect(self, tokens) -> None:
        unit = None
        kind, level = "paragraph", 0
        in_item = 0
        for token in tokens:
            if token.type == "list_item_open":
                in_item += 1
            elif token.type == "list_item_close":
                in_item -= 1
            elif token.type == "heading_open":
                kind, level = "heading", int(token.tag[1])
            elif token.type == "paragraph_open":
                kind, level = ("item" if in_item else "paragraph"), 0
            elif token.type == "tr_open":
                unit = _Unit(tuple(token.map), "cell", 0, "")
                self._units.append(unit)
            elif token.type == "tr_close":
                unit = None
            elif token.type == "inline" and token.map:
                if unit is None or unit.kind != "cell":
                    first = self._lines[token.map[0]]
                    head = token.content.split("\n", 1)[0]
                    at = first.find(head) if head else len(first)
                    prefix = first[: max(at, 0)]
                    current = _Unit(tuple(token.map), kind, level, "" if kind == "heading" else prefix)
                    self._units.append(current)
                    self._cell(current, token.children or [])
                else:
                    self._cell(unit, token.children or [])

    def _cell(self, unit: _Unit, children) -> None:
        pieces: list[object] = []
        builder = TextBuilder()
        chain: list[tuple] = []
        raw: list[str] = []

        def close() -> None:
            nonlocal builder, raw
            text = builder.text()
            if text:
                number = len(self.blocks)
                place = f"line {unit.lines[0] + 1}"
                self.blocks.append(Block(text, unit.kind, place, unit.level, builder.spans, number))
                joined = "".join(raw)
                pieces.append((number, " " * joined[:1].isspace(), " " * joined[-1:].isspace()))
            builder, raw = TextBuilder(), []

        for child in children:
            if child.type in _UNTOUCHED_INLINE:
                close()
                pieces.append(_raw(child))
            elif child.type in ("strong_open", "em_open"):
                chain.append((child.type[:-5], child.markup))
            elif child.type == "link_open":
                chain.append(("link", child.attrs.get("href", ""), child.attrs.get("title") or ""))
            elif child.type in ("strong_close", "em_close", "link_close"):
                chain.pop() if chain else None
            elif child.type == "softbreak":
                builder.add(" ")
                raw.append(" ")
            else:
                builder.add(child.content, tuple(chain) if chain else None)
                raw.append(child.content)
        close()
        unit.cells.append(pieces)

    def write(self, path: str | Path, translated: list[Translated], target_lang: str = "en") -> None:
        by_block = {t.block.ref: t for t in translated}
        lines = list(self._lines)
        for unit in sorted(self._units, key=lambda u: -u.lines[0]):
            cells = ["".join(_piece(p, by_block) for p in cell).strip() for cell in unit.cells]
            if unit.kind == "cell":
                row = "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"
                lines[unit.lines[0] : unit.lines[1]] = [row]
            elif unit.kind == "heading":
                lines[unit.lines[0] : unit.lines[1]] = ["#" * unit.level + " " + cells[0]]
            else:
                lines[unit.lines[0] : unit.lines[1]] = [unit.prefix + cells[0]]
        Path(path).write_text("\n".join(lines), encoding="utf-8")


def _piece(piece: object, by_block: dict) -> str:
    """Raw Markdown kept as it was, or a translated piece with the spaces it had around it."""
    if isinstance(piece, str):
        return piece
    number, lead, trail = piece  # type: ignore[misc]
    return lead + _markdown(by_block[number]) + trail


def _markdown(item: Translated) -> str:
    """A translated piece with its spans written back as Markdown emphasis and links."""
    out, cursor = [], 0
    for span in item.spans:
        out.append(_escape(item.text[cursor : span.start]))
        text = _escape(item.text[span.start : span.end])
        for mark in reversed(span.key):
            if mark[0] == "link":
                title = f' "{mark[2]}"' if mark[2] else ""
                text = f"[{text}]({mark[1]}{title})"
            else:
                text = f"{mark[1]}{text}{mark[1]}"
        out.append(text)
        cursor = span.end
    out.append(_escape(item.text[cursor:]))
    return "".join(out)


def _escape(text: str) -> str:
    """Text that Markdown will not read as markup (a translation may hold * _ [ ] ` < characters)."""
    for char in ("\\", "`", "*", "_", "[", "]", "<"):
        text = text.replace(char, "\\" + char)
    return text
