"""Phase 6: lines into paragraphs, list items and headings; run-overs across column and page
breaks; the blocks."""

from __future__ import annotations

import re
import statistics

from ...text.reflow import strip_control
from ..blocks import Block
from .columns import _reading_order
from .furniture import _furniture, _turned
from .layout import _CLOSING, _LONE_MARKER, _MARKER, _Line, _Page, _Paragraph, _Table
from .notes import _body_size, _is_note, _references, _referring


def _line_spacing(pages: list[_Page], body: float) -> float:
    """The usual gap between two lines of body text that follow each other in a column (single
    spacing ~0.2 of the type size, a transcript's double spacing more)."""
    gaps = [
        b.top - a.bottom
        for page in pages
        for a, b in zip(page.lines, page.lines[1:], strict=False)
        if a.size == b.size == body and a.column == b.column and 0 <= b.top - a.bottom <= 2 * body
    ]
    return statistics.median(gaps) if gaps else 0.2 * body


def _column_edges(pages: list[_Page]) -> dict[tuple[int, int], tuple[float, float]]:
    """The left and right edge of each column of each page."""
    edges: dict[tuple[int, int], tuple[float, float]] = {}
    for page in pages:
        for line in page.lines:
            left, right = edges.get((line.page, line.column), (line.x0, line.x1))
            edges[(line.page, line.column)] = (min(left, line.x0), max(right, line.x1))
    return edges


def _starts_paragraph(
    previous: _Line,
    line: _Line,
    body: float,
    spacing: float = 0.0,
    edges: dict | None = None,
    first: _Line | None = None,
) -> bool:
    """Whether `line` starts a paragraph after `previous` (`first`: the first line of the
    paragraph `previous` ends)."""
    if line.page != previous.page or line.size != previous.size or line.bold != previous.bold:
        return True
    left, right = (edges or {}).get((previous.page, previous.column), (previous.x0, previous.x1))
    short = previous.column == line.column and previous.x1 < right - 0.3 * (right - left)
    first = first or previous
    indent = 0.8 * line.size
    if short and (previous.text.endswith(_CLOSING) or not line.text[:1].islower()):
        return True  # the line before ends well short of the column: a paragraph's last line
    gap = line.top - previous.bottom
    if gap > max(0.6 * line.size, spacing + 0.4 * line.size) or gap < -0.5 * line.size:
        return True
    if line.column != previous.column:
        return previous.column != -1  # a line across the columns may wrap into the first one
    if first is not previous and previous.x0 - first.x0 > indent:
        return line.x0 - first.x0 < indent / 2  # a hanging indent: back at the margin is a new one
    full = not short and not previous.text.endswith(_CLOSING)
    if first is previous and full and previous.x0 - left < indent / 2 < line.x0 - previous.x0:
        return False  # a full first line at the margin, the next indented: a hanging indent
    return line.x0 - previous.x0 > indent  # an indented first line


def _blocks(pages: list[_Page]) -> list[Block]:
    furniture = _furniture(pages)
    body = _body_size([line for page in pages for line in page.lines])
    spacing = _line_spacing(pages, body)
    edges = _column_edges(pages)
    paragraphs: list[_Paragraph | _Table] = []
    notes: list[_Paragraph] = []
    for page in pages:
        notes_started = False
        marks = _references(page)
        for item in _reading_order(page):
            if isinstance(item, _Table):
                paragraphs.append(item)
                continue
            if id(item) in furniture:
                continue
            if _is_note(item, page, body, notes_started, marks):
                if notes_started and not re.match(r"^\s*(\d{1,3}|[*†‡])\s", item.text):
                    notes[-1].lines.append(item)
                else:
                    notes.append(_Paragraph([item], "note", 0, page.number))
                notes_started = True
                continue
            last = paragraphs[-1] if paragraphs else None
            marked = bool(_MARKER.match(item.text))  # a list item starts its own block
            if isinstance(last, _Paragraph) and _marks_item(last, item):
                last.lines.append(item)  # a marker in a hanging margin and its text: one item
                last.kind = "item"
            elif isinstance(last, _Paragraph) and not marked and _goes_on_item(last, item, body):
                last.lines.append(item)  # an item's next line, in its hanging indent
            elif (
                isinstance(last, _Paragraph) and not marked
                and not _starts_paragraph(last.lines[-1], item, body, spacing, edges, last.lines[0])
            ):  # fmt: skip
                last.lines.append(item)
            else:
                paragraphs.append(_Paragraph([item], "item" if marked else "paragraph", page=page.number))
    _headings(paragraphs, body)
    _join_runovers(paragraphs, edges)
    return _to_blocks(paragraphs, notes, _referring(paragraphs, notes)) + _turned(pages)


def _marks_item(paragraph: _Paragraph, line: _Line) -> bool:
    """Whether `paragraph` is a lone list marker ("•", "5.") and `line` is its text beside it."""
    marker = paragraph.lines[-1]
    return (
        len(paragraph.lines) == 1 and bool(_LONE_MARKER.match(marker.text.strip()))
        and line.page == marker.page and line.x0 > marker.x1 and abs(line.top - marker.top) < line.size
    )  # fmt: skip


def _goes_on_item(paragraph: _Paragraph, line: _Line, body: float) -> bool:
    """Whether `line` is the next line of a list item: just below it, indented past the marker."""
    if paragraph.kind != "item":
        return False
    last, first = paragraph.lines[-1], paragraph.lines[0]
    gap = line.top - last.bottom
    return (
        line.page == last.page and line.column == last.column and line.size == last.size
        and 0 <= gap <= 0.6 * line.size and line.x0 > first.x0 + 0.5 * line.size
    )  # fmt: skip


def _headings(paragraphs: list, body: float) -> None:
    candidates = [
        p for p in paragraphs
        if isinstance(p, _Paragraph) and len(p.text) <= 120 and not p.text.endswith((".", ",", ";"))
        and (p.lines[0].size > body * 1.1 or (p.lines[0].bold and p.lines[0].size >= body * 0.95))
    ]  # fmt: skip
    sizes = sorted({p.lines[0].size for p in candidates}, reverse=True)
    for paragraph in candidates:
        paragraph.kind = "heading"
        paragraph.level = min(sizes.index(paragraph.lines[0].size) + 1, 6)


def _where(line: _Line) -> tuple[int, int]:
    return line.page, line.column


def _join_runovers(paragraphs: list, edges: dict) -> None:
    """A paragraph cut by a column or page break: joined to the one it runs on into (it ends
    without closing punctuation, on a line that fills its column, and goes on higher up in the
    next column or on the next page)."""
    index = 1
    while index < len(paragraphs):
        before, after = paragraphs[index - 1], paragraphs[index]
        if (
            isinstance(before, _Paragraph) and isinstance(after, _Paragraph)
            and before.kind in ("paragraph", "item") and after.kind == "paragraph"
            and _where(before.lines[-1]) != _where(after.lines[0])
            and not before.text.endswith(_CLOSING)
            and _fills(before.lines[-1], edges)
            and _turns_up(before.lines[-1], after.lines[0])
        ):  # fmt: skip
            before.lines += after.lines
            del paragraphs[index]
        else:
            index += 1


def _turns_up(last: _Line, first: _Line) -> bool:
    """Whether text goes on from `last` to `first` as from a column's foot to the next column's
    head (higher up), or to the next page."""
    return first.page != last.page or first.top < last.top


def _fills(line: _Line, edges: dict) -> bool:
    left, right = edges.get(_where(line), (line.x0, line.x1))
    return line.x1 >= right - 0.3 * (right - left)


def _to_blocks(paragraphs: list, notes: list[_Paragraph], referring: dict | None = None) -> list[Block]:
    """The blocks: the body, then the notes, each note's ref naming its mark and the body block
    that refers to it (a DOCX puts a footnote there)."""
    blocks: list[Block] = []
    tables = 0
    at: dict[int, int] = {}  # paragraph index -> block index
    for index, item in enumerate(paragraphs):
        at[index] = len(blocks)
        if isinstance(item, _Table):
            tables += 1
            for r, row in enumerate(item.rows, start=1):
                for c, cell in enumerate(row, start=1):
                    place = f"table {tables} row {r} cell {c}"
                    blocks.append(Block(strip_control(cell), "cell", place, 0, None))
            continue
        text = strip_control(item.text)  # a font's odd code points: no document format holds them
        if text:
            blocks.append(Block(text, item.kind, f"page {item.lines[0].page}", item.level, None))
    for number, note in enumerate(notes, start=1):
        mark, index = (referring or {}).get(id(note), (None, None))
        ref = {"mark": mark, "refers": at[index]} if mark is not None else None
        blocks.append(Block(strip_control(note.text), "note", f"page {note.page} note {number}", 0, ref))
    return blocks
