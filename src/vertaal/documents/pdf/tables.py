"""Tables: ruled ones from pdfplumber's finder (a grid row whose rules were left out split into
its text rows; boxes drawn around columns of text read as text), unruled ones by alignment."""

from __future__ import annotations

import bisect
import statistics
from typing import Any

from .columns import _gutters, _lines
from .layout import FRAME_COLUMNS, _inside, _Line, _Page, _Table


def _tables(plumber: Any, index: int, layout: Any, read: _Page, words: list[dict]) -> list[tuple]:
    """Tables in the page's ruling lines (two rows and two columns at least): their cells, filled
    with the words inside them, go to `read`; their boxes are returned so that their words stay out
    of the running text."""
    from ..pdfplumber_fence import ruled_tables

    boxes = []
    for box, grid in ruled_tables(plumber, index, layout):
        rows = _grid_rows(grid, words)
        if _frame(grid, words):
            boxes.append(box)
            read.lines += _frame_lines(grid, words, read.number)
            continue
        if len(rows) >= 2 and max(len(r) for r in rows) >= 2 and any(any(r) for r in rows):
            boxes.append(box)
            read.tables.append(_Table(rows, read.number, 0, float(box[1]), float(box[0]), float(box[2])))
    return boxes


def _frame(grid: list[list], words: list[dict]) -> bool:
    """Boxes drawn around columns of running text, not a table: one row at most has two cells
    with text, and a cell of that row holds six lines or more. Its words are read as text."""
    filled = [[_cell_lines(cell, words) if cell else 0 for cell in row] for row in grid]
    across = [row for row in filled if sum(1 for n in row if n) >= 2]
    return len(across) == 1 and max(across[0]) >= 6


def _frame_lines(grid: list[list], words: list[dict], page: int) -> list[_Line]:
    """A frame's text as lines, each cell its own column: a row of one cell spans the page."""
    lines = []
    for row in grid:
        cells = [cell for cell in row if cell and _cell_lines(cell, words)]
        for c, cell in enumerate(cells):
            for line in _lines([w for w in words if _inside(w, cell)], page, []):
                line.column, line.framed = (-1 if len(cells) == 1 else FRAME_COLUMNS + c), True
                lines.append(line)
    return lines


def _cell_lines(cell: tuple, words: list[dict]) -> int:
    return len({round(w["top"]) for w in words if _inside(w, cell)})


def _grid_rows(grid: list[list], words: list[dict]) -> list[list[str]]:
    """A grid's rows of cell texts. A grid row whose rules were left out (booktabs: rules at the
    head and foot only) is split into one row per line (`_text_rows`): it holds more lines than
    the grid's rows usually do, three or more, or the grid has three rows at most."""
    cells = [
        [sorted((w for w in words if _inside(w, cell)), key=lambda w: (w["top"], w["x0"])) if cell else []
         for cell in row]
        for row in grid
    ]  # fmt: skip
    heights = [_heights([w for cell in row for w in cell]) for row in cells]
    usual = statistics.median_low([len(h) for h in heights if h] or [1])
    rows = []
    for row, cell_words, at in zip(grid, cells, heights, strict=True):
        left_out = len(at) > usual and (len(at) >= 3 or len(grid) <= 3)  # not a cell of two lines
        split = _text_rows(cell_words, at) if left_out else None
        rows += split or [[_cell_text(cell, words) if cell else "" for cell in row]]
    return rows


def _heights(words: list[dict]) -> list[float]:
    heights: list[float] = []
    for word in sorted(words, key=lambda w: w["top"]):
        if not heights or word["top"] - heights[-1] > 0.5 * word["size"]:
            heights.append(word["top"])
    return heights


def _text_rows(cells: list[list[dict]], heights: list[float]) -> list[list[str]] | None:
    """One row per line of text, where two cells at least hold a line at every height and no
    cell's text runs on from one line to the next (a lower-case start, a hyphen at the end)."""
    at = [[bisect.bisect_right(heights, w["top"] + 0.5 * w["size"]) - 1 for w in cell] for cell in cells]
    if sum(1 for lines in at if len(set(lines)) == len(heights)) < 2:
        return None
    for cell, lines in zip(cells, at, strict=True):  # a cell whose text wraps is one cell
        for k in range(1, len(cell)):
            wraps = cell[k]["text"][:1].islower() or cell[k - 1]["text"].endswith("-")
            if lines[k] != lines[k - 1] and wraps:
                return None
    return [
        [
            " ".join(w["text"] for w, k in zip(cell, lines, strict=True) if k == j)
            for cell, lines in zip(cells, at, strict=True)
        ]
        for j in range(len(heights))
    ]


def _cell_text(cell: tuple, words: list[dict]) -> str:
    """The words inside a cell, line by line."""
    inside = sorted((w for w in words if _inside(w, cell)), key=lambda w: (round(w["top"]), w["x0"]))
    return " ".join(w["text"] for w in inside)


def _aligned_tables(words: list[dict], read: _Page) -> list[dict]:
    """Tables without ruling lines, found by alignment: three or more rows in a row, each of three
    or more stretches of words set wide apart and short for the room between them, with no row of
    full-width stretches just above or below (that is a page's text columns, where a few short
    lines can meet). Their cells (the rows cut at the gutters the rows share) go to `read`; the
    words left return."""
    rows: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if rows and abs(rows[-1][0]["top"] - word["top"]) <= 0.4 * word["size"]:
            rows[-1].append(word)
        else:
            rows.append([word])
    kinds = [_row_kind(row) for row in rows]
    used: set[int] = set()
    start = 0
    while start < len(rows):
        end = start
        while end < len(rows) and kinds[end] == "table" and (end == start or _near(rows[end - 1], rows[end])):
            end += 1
        above = start > 0 and _near(rows[start - 1], rows[start]) and kinds[start - 1] == "columns"
        below = start < end < len(rows) and _near(rows[end - 1], rows[end]) and kinds[end] == "columns"
        if end - start >= 3 and not above and not below:
            run = rows[start:end]
            gutters = _gutters([w for r in run for w in r], text=False)
            if len(gutters) >= 2:
                bounds = [(a + b) / 2 for a, b in gutters]
                cells = [[" ".join(w["text"] for w in r if sum(w["x0"] > x for x in bounds) == c)
                          for c in range(len(bounds) + 1)] for r in run]  # fmt: skip
                top, x0, x1 = (
                    min(w["top"] for w in run[0]),
                    min(w["x0"] for r in run for w in r),
                    max(w["x1"] for r in run for w in r),
                )
                read.tables.append(_Table(cells, read.number, -1, top, x0, x1))
                used |= {id(w) for r in run for w in r}
        start = max(end, start + 1)
    return [w for w in words if id(w) not in used]


def _row_kind(row: list[dict]) -> str:
    """'table': three or more stretches, each short for the room to the next; 'columns': three or
    more, most of which fill it (text columns); else 'text'."""
    row.sort(key=lambda w: w["x0"])
    cells = [[row[0]]]
    for word in row[1:]:
        if word["x0"] - cells[-1][-1]["x1"] >= 1.5 * word["size"]:
            cells.append([])
        cells[-1].append(word)
    if len(cells) < 3:
        return "text"
    pairs = list(zip(cells, cells[1:], strict=False))
    short = sum(a[-1]["x1"] - a[0]["x0"] < 0.6 * (b[0]["x0"] - a[0]["x0"]) for a, b in pairs)
    return "table" if short == len(pairs) else "columns" if short * 2 < len(pairs) else "text"


def _near(above: list[dict], below: list[dict]) -> bool:
    return below[0]["top"] - max(w["bottom"] for w in above) < 2 * below[0]["size"]
