"""Markdown (markdown-it-py, CommonMark with tables): translate paragraphs, headings, list items and
table cells in place; every other line stays as written.

Emphasis, strong emphasis and links around words are pairs of the inline codes XLIFF uses
(`vertaal.text.markup`), placed once each and nested as in the source, and are written back as
``*``, ``**`` and ``[text](target)``: a link's ``](target "title")`` or ``][ref]`` is the
source's own text, byte for byte (every inline rule records where its tokens came from). Inline
code, images, autolinks, raw HTML and hard breaks are standalone codes, written back exactly as
they were; fenced and indented code is never read. A paragraph, heading or row without text of
its own (a line of badges) stays exactly as written. A translated paragraph is written on one
line, after the prefix its first line had (``- ``, ``1. ``, ``> ``, indentation); a heading as
an ATX heading.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..text.codes import respace
from ..text.files import read_file
from ..text.reflow import strip_control
from .blocks import Block, Translated

_UNTOUCHED_INLINE = {"code_inline", "html_inline", "image", "hardbreak"}
_SPANNED = {"link_open", "code_inline", "image"}  # tokens whose source text is kept (meta["span"])


def _parser() -> Any:
    """CommonMark with tables, each inline rule wrapped to record the source span of the tokens
    it makes (markdown-it-py keeps only block lines)."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable("table")
    ruler = md.inline.ruler
    for name, rule in zip(ruler.get_active_rules(), ruler.getRules(""), strict=True):
        ruler.at(name, _spanning(rule))
    return md


def _spanning(rule: Callable[[Any, bool], bool]) -> Callable[[Any, bool], bool]:
    def spanning(state: Any, silent: bool) -> bool:
        start, count = state.pos, len(state.tokens)
        found = rule(state, silent)
        if found and not silent:
            for token in state.tokens[count:]:
                if token.type in _SPANNED and "span" not in token.meta:
                    token.meta["span"] = (start, state.pos)
        return found

    return spanning


def _label_end(md: Any, src: str, start: int) -> int:
    """Where the ``]`` of the link label that opens at `start` is (-1: not found)."""
    from markdown_it.helpers import parseLinkLabel
    from markdown_it.rules_inline import StateInline

    return parseLinkLabel(StateInline(src, md, {}, []), start, True)


class _Unit:
    """A paragraph, heading or table row: its lines, and its pieces (blocks, or raw Markdown kept)."""

    __slots__ = ("lines", "kind", "level", "prefix", "cells")

    def __init__(self, lines: tuple[int, int], kind: str, level: int, prefix: str) -> None:
        self.lines = lines
        self.kind = kind
        self.level = level
        self.prefix = prefix
        self.cells: list[list[object]] = []  # per cell (one for a paragraph): pieces, str = raw kept


def _raw(token, src: str) -> str:
    if "span" in token.meta:
        start, end = token.meta["span"]
        return src[start:end]
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
        self._text = read_file(path, encoding)
        self._lines = self._text.split("\n")
        self._md = _parser()
        try:
            tokens = self._md.parse(self._text)
        except Exception as exc:  # markdown-it raises on pathological input only
            raise InputError(f"{path} cannot be read as Markdown ({exc})") from exc
        self._units: list[_Unit] = []
        self.blocks: list[Block] = []
        self._pieces: dict[int, tuple[str, dict, list[object]]] = {}  # block -> source, codes, kept
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
                    self._cell(current, token.children or [], token.content)
                else:
                    self._cell(unit, token.children or [], token.content)

    def _cell(self, unit: _Unit, children, src: str) -> None:
        """One paragraph, heading or cell: a block whose emphasis and links are pairs of codes and
        whose code, images, raw HTML and hard breaks are standalone codes kept as written."""
        from lxml import etree

        from ..text.markup import read

        holder = etree.Element("markdown")
        stack = [holder]
        kept: list[object] = []

        def text(value: str) -> None:
            node = stack[-1]
            if len(node):
                node[-1].tail = (node[-1].tail or "") + value
            else:
                node.text = (node.text or "") + value

        inside_autolink = False
        for child in children:
            if inside_autolink:  # an autolink's text is its address: kept whole with it
                inside_autolink = child.type != "link_close"
            elif child.type in _UNTOUCHED_INLINE or (child.type, child.markup) == ("link_open", "autolink"):
                etree.SubElement(stack[-1], "code", n=str(len(kept)))
                kept.append(_raw(child, src))
                inside_autolink = child.type == "link_open"
            elif child.type in ("strong_open", "em_open", "link_open"):
                # emphasis as * and **: they work inside a word, where _ and __ do not
                star = child.markup.replace("_", "*")
                mark = self._link(child, src) if child.type == "link_open" else (star, star)
                stack.append(etree.SubElement(stack[-1], "wrap", n=str(len(kept))))
                kept.append(mark)
            elif child.type in ("strong_close", "em_close", "link_close"):
                if len(stack) > 1:
                    stack.pop()
            elif child.type == "softbreak":
                text(" ")
            else:
                text(strip_control(child.content))
        source, codes = read(holder, lambda e: e.tag == "wrap" and bool("".join(e.itertext()).strip()))
        if not _words(holder).strip():
            unit.cells.append([_source(holder, kept)])  # no text, only kept pieces: as written
            return
        number = len(self.blocks)
        block = Block(" ".join(source.split()), unit.kind, f"line {unit.lines[0] + 1}", unit.level, number)
        self.blocks.append(block)
        self._pieces[number] = (source, codes, kept)
        unit.cells.append([number])

    def _link(self, token: Any, src: str) -> tuple[str, str]:
        """What opens and closes a link around its words: ``[`` and the source's own ``](...)``
        or ``][ref]`` (a collapsed or shortcut reference, ``[words][]`` or ``[words]``, becomes
        ``[translation][words]``); rebuilt from the token only where the source span is unknown."""
        if "span" in token.meta:
            start, end = token.meta["span"]
            label_end = _label_end(self._md, src, start)
            if src.startswith("[", start) and start < label_end < end:
                closing = src[label_end:end]
                if closing in ("]", "][]"):  # the words are the reference: name it, as they change
                    closing = f"][{src[start + 1 : label_end]}]"
                return "[", closing
        title = f' "{token.attrs["title"]}"' if token.attrs.get("title") else ""
        return "[", f"]({token.attrs.get('href', '')}{title})"

    def write(self, path: str | Path, translated: list[Translated], target_lang: str = "en") -> None:
        by_block = {t.block.ref: t for t in translated}
        lines = list(self._lines)
        for unit in sorted(self._units, key=lambda u: -u.lines[0]):
            if not any(isinstance(piece, int) for cell in unit.cells for piece in cell):
                continue  # nothing translated in it: its lines stay exactly as written
            cells = ["".join(self._piece(p, by_block) for p in cell).strip() for cell in unit.cells]
            if unit.kind == "cell":
                row = "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"
                lines[unit.lines[0] : unit.lines[1]] = [row]
            elif unit.kind == "heading":
                lines[unit.lines[0] : unit.lines[1]] = ["#" * unit.level + " " + cells[0]]
            else:
                lines[unit.lines[0] : unit.lines[1]] = [unit.prefix + cells[0]]
        Path(path).write_text("\n".join(lines), encoding="utf-8")

    def _piece(self, piece: object, by_block: dict) -> str:
        """Raw Markdown kept as it was, or a translated block with its codes written back."""
        from lxml import etree

        from ..text.markup import write

        if isinstance(piece, str):
            return piece
        source, codes, kept = self._pieces[piece]  # type: ignore[index]
        holder = etree.Element("markdown")
        write(holder, respace(by_block[piece].text, source.strip()), codes)
        return _source(holder, kept)


def _words(holder) -> str:
    """The text of a stand-in tree outside its kept codes (the words a block would translate)."""
    return "".join(holder.itertext())


def _source(holder, kept: list[object]) -> str:
    """A stand-in tree written back as Markdown: text escaped, marks around their content, kept
    pieces as written."""
    out = [_escape(holder.text or "")]
    for child in holder:
        mark = kept[int(child.get("n"))]
        if child.tag == "code":
            _join(out, str(mark))
        else:
            opening, closing = mark  # type: ignore[misc]
            inner = _source(child, kept)
            before = "".join(out)[-1:] or " "
            after = _escape(child.tail or "")[:1] or "."  # (a delimiter or code follows, or nothing)
            if opening in _HTML_EMPHASIS and inner and not _emphasis_reads(before, inner, after):
                tag = _HTML_EMPHASIS[opening]  # *.*s or * a*: CommonMark would not read it as emphasis
                opening, closing = f"<{tag}>", f"</{tag}>"
            _join(out, f"{opening}{inner}{closing}")
        out.append(_escape(child.tail or ""))
    return "".join(out)


_HTML_EMPHASIS = {"*": "em", "**": "strong"}


def _emphasis_reads(before: str, inner: str, after: str) -> bool:
    """Whether ``*inner*`` between `before` and `after` is emphasis by CommonMark's flanking rules:
    the opening run is left-flanking, the closing one right-flanking."""
    import unicodedata

    def mark(char: str) -> bool:
        return unicodedata.category(char).startswith(("P", "S"))

    opens = not inner[0].isspace() and (not mark(inner[0]) or before.isspace() or mark(before))
    closes = not inner[-1].isspace() and (not mark(inner[-1]) or after.isspace() or mark(after))
    return opens and closes


def _join(out: list[str], piece: str) -> None:
    """Append a piece of markup; where the translation put two pieces side by side whose
    delimiters would run together (`a``b`, **a****b**), a space keeps them apart."""
    before = next((part[-1] for part in reversed(out) if part), "")
    if piece and before == piece[0] and before in "`*_~":
        out.append(" ")
    out.append(piece)


def _escape(text: str) -> str:
    """Text that Markdown will not read as markup (a translation may hold * _ [ ] ` < characters)."""
    for char in ("\\", "`", "*", "_", "[", "]", "<"):
        text = text.replace(char, "\\" + char)
    return text
