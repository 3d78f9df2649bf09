"""PDF (pdfplumber, on pdfminer.six): text in reading order, as paragraphs, headings, tables and notes.

Reading a page, in phases:

1. **words** with their boxes, size and font, from pdfminer's characters (pdfplumber's own
   word extraction costs four times as much); on a page with ruling lines, words inside a table
   that pdfplumber's table finder sees are set aside, and the table becomes cells. A long
   document is read in worker processes, a share of the pages each;
2. **lines**: words at the same height, cut where the gap between two words is wider than a
   column gutter could be spanned by a space; a line that crosses the gutters spans the page;
3. **columns**: the gutters are the x-ranges that (almost) no line covers; lines are read band by
   band (a spanning line starts a new band), each band column by column, top to bottom;
4. **furniture**: a line in the top or bottom margin that recurs on other pages (digits ignored),
   or a lone number there (a page number), is a running head or foot and left out;
5. **notes**: lines at the foot of the page in smaller type than the body are footnotes, kept as
   notes at the end;
6. **paragraphs**: lines join until a wider gap, a change of size or weight, or an indent;
   hyphens at line ends are mended (`text.reflow.join_lines`); a heading is a short paragraph in
   larger or bold type, its level by size; a paragraph that runs on over a column or page break
   (it ends without closing punctuation) is joined to the next.

A PDF without a text layer gives one line suggesting OCR; pages without one are named in a
warning. An encrypted PDF gives one line.
"""

from __future__ import annotations

import bisect
import os
import re
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..text.reflow import join_lines, strip_control
from .blocks import Block, Translated

MARGIN_BAND = 0.09  # the top and bottom share of a page where running heads and page numbers sit
# typographic ligatures as their letters: "ﬁnding" is "finding" to a model and a glossary
LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})
FRAME_COLUMNS = 1000  # a frame's cells are columns from here, apart from the page's own
WORD_GAP = 0.11  # a gap between characters over this share of the type size is a space (pdfminer: 0.1)
_DIGITS = re.compile(r"\d+")
_NOTE_ENDS = set("0123456789*†‡")
_PAGE_WORD = re.compile(r"\b(?:page|pagina|blz|p)\.?(?=\s|$)", re.I)
_CLOSING = (".", "!", "?", ":", ";", "”", "’", '"', ")")
# a list item's marker: a bullet or dash, a number, a letter in brackets, then its text
_LONE_MARKER = re.compile(r"^(?:[•●▪◦‣∙·○■□➢►✓–—*!-]|\(?\d{1,3}[.)]|\(?[a-z][.)]|\([ivx]{1,4}\))$")
_MARKER = re.compile(r"^(?:[•●▪◦‣∙·○■□➢►✓–—*!-]|\(?\d{1,3}[.)]|\(?[a-z][.)]|\([ivx]{1,4}\))\s+\S")


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


def _open(path: str):
    try:
        import pdfplumber
    except ImportError as exc:
        raise InputError('reading PDF needs pdfplumber; pip install "vertaal[documents]"') from exc
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        pdf = pdfplumber.open(path)
        pdf.pages  # noqa: B018 - parsing the page tree is where broken files fail
        return pdf
    except Exception as exc:  # pdfplumber wraps pdfminer's errors in PdfminerException
        causes = [exc, *exc.args, exc.__cause__, exc.__context__]
        if any(isinstance(c, PDFPasswordIncorrect | PDFEncryptionError) for c in causes):
            raise InputError(
                f"{path} is encrypted (password-protected); remove the protection first"
            ) from exc
        if any(isinstance(c, PDFSyntaxError) for c in causes) or "Root object" in str(exc):
            raise InputError(f"{path} is not a PDF file, or it is damaged") from exc
        raise InputError(f"{path} cannot be read as PDF ({type(exc).__name__}: {exc})") from exc


class PdfDocument:
    """A PDF read into blocks in reading order; it is written as a new document (see `render`)."""

    suffix = ".pdf"

    def __init__(self, path: str, warn: Callable[[str], None] | None = None) -> None:
        _open(path).close()  # one-line errors for encrypted, damaged and non-PDF files
        pages, scanned = [], []
        for read, has_images in _pages(path):
            if not read.lines and not read.tables and not read.rotated:
                if has_images:
                    scanned.append(read.number)
                continue
            pages.append(read)
        if not pages:
            if scanned:
                raise InputError(
                    f"{path} has no text layer (a scan); run OCR first, e.g. ocrmypdf {path} ocr.pdf"
                )
            raise InputError(f"{path} holds no text")
        if scanned and warn:
            listed = ", ".join(map(str, scanned))
            warn(
                f"{path}: page(s) {listed} have no text layer (scanned?) and are left out; "
                "OCR them (ocrmypdf)"
            )
        self.pages = len(pages) + len(scanned)
        self.blocks = _blocks(pages)
        self.left_out = _left_out(pages)  # what is not translated, for --verbose

    def write(self, path: str | Path, translated: list[Translated], target_lang: str = "en") -> None:
        raise InputError("a PDF is written as .docx, .md, .html or .txt")  # pragma: no cover - render writes


# --- phase 1 and 2: words and lines -------------------------------------------------------------

PARALLEL_FROM = 8  # pages; below this one process reads faster than starting workers


def _pages(path: str):
    """(page, has images) for every page, read in worker processes for a long document."""
    from pdfminer.pdfpage import PDFPage

    with open(path, "rb") as handle:
        count = sum(1 for _ in PDFPage.get_pages(handle))
    workers = min(os.cpu_count() or 1, 8)
    if count < PARALLEL_FROM or workers < 2:
        yield from _read_range(path, 0, count)
        return
    from concurrent.futures import ProcessPoolExecutor

    size = -(-count // workers)
    import multiprocessing
    import threading

    # with other threads running (a model's, a server's, OpenMP's that Python does not count), a
    # fork could inherit a lock one of them holds and hang: workers then come from a clean server
    # process (slower to start)
    method = "forkserver" if _threads() > 1 or threading.active_count() > 1 else "fork"
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method)) as pool:
        ranges = [(path, a, min(a + size, count)) for a in range(0, count, size)]
        for chunk in pool.map(_read_range_list, ranges):
            yield from chunk


def _threads() -> int:
    """The process's threads, native ones too (Linux lists them in /proc)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 1


def _read_range_list(args: tuple[str, int, int]) -> list:
    return list(_read_range(*args))


def _read_range(path: str, start: int, stop: int):
    """Pages start..stop-1: characters from pdfminer (fast), tables from pdfplumber where a page
    has ruling lines or boxes that could make one."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LTAnno, LTChar, LTCurve, LTFigure, LTImage
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    manager = PDFResourceManager(caching=True)
    device = PDFPageAggregator(manager, laparams=None)
    interpreter = PDFPageInterpreter(manager, device)
    plumber = None
    with open(path, "rb") as handle:
        for index, page in enumerate(PDFPage.get_pages(handle)):
            if index < start:
                continue
            if index >= stop:
                break
            page.rotate = 0  # a page turned for display (/Rotate) is read as its text was set
            interpreter.process_page(page)
            layout = device.get_result()
            chars = [o for o in layout if isinstance(o, LTChar | LTAnno)]
            graphics = sum(1 for o in layout if isinstance(o, LTCurve))
            images = any(isinstance(o, LTImage | LTFigure) for o in layout)
            turned = [c for c in chars if _turned_char(c)]  # at an angle, or upside down
            chars = [c for c in chars if not _turned_char(c)]
            words, stacks = _stacked(_words(chars, float(layout.height)))
            read = _Page(index + 1, float(layout.height), rotated=[*_rotated(turned), *stacks])
            boxes = []
            if graphics >= 4:
                if plumber is None:
                    import pdfplumber

                    plumber = pdfplumber.open(path)
                boxes = _tables(plumber, index, layout, read, words)
            words = [w for w in words if not any(_inside(w, box) for box in boxes)]
            margin = _margin_numbers(words)
            read.left_out += len(margin)
            words = _aligned_tables([w for w in words if w not in margin], read)
            gutters = [(a, b, -1e9, 1e9) for a, b in _gutters(words)] or _local_gutters(words)
            read.lines += _lines(words, index + 1, gutters)
            _columns(read, gutters)
            yield read, images
    if plumber is not None:
        plumber.close()


def _words(chars: list, height: float) -> list[dict]:
    """Characters (in content order) into words: a space, a gap or a jump in height ends a word."""
    words: list[dict] = []
    current: list = []

    def close() -> None:
        if current:
            first = current[0]
            words.append(
                {
                    "text": "".join(c.get_text() for c in current).translate(LIGATURES),
                    "x0": min(c.x0 for c in current),
                    "x1": max(c.x1 for c in current),
                    "top": height - max(c.y1 for c in current),
                    "bottom": height - min(c.y0 for c in current),
                    "size": first.size,
                    "end_size": current[-1].size,  # a superscript note number at a word's end
                    "fontname": first.fontname,
                }
            )
            current.clear()

    for char in chars:
        text = char.get_text()
        if not hasattr(char, "x0") or not text.strip():
            close()
            continue
        if current:
            last = current[-1]
            jump = abs(char.y0 - last.y0) > 0.3 * char.size
            if jump or char.x0 - last.x1 > WORD_GAP * char.size or char.x0 < last.x0:
                close()
        current.append(char)
    close()
    return words


def _turned_char(char) -> bool:
    """A character not set upright on its baseline: rotated, or turned upside down."""
    return hasattr(char, "matrix") and (not char.upright or char.matrix[0] < 0)


def _stacked(words: list[dict]) -> tuple[list[dict], list[str]]:
    """Letters stacked one above the other (vertical text set upright): taken out of the words,
    each stack as a line in content order; the other words as they were."""
    singles = [(i, w) for i, w in enumerate(words) if len(w["text"]) == 1 and w["text"].isalpha()]
    columns: dict[int, list[tuple[int, dict]]] = {}
    for i, word in singles:
        columns.setdefault(round((word["x0"] + word["x1"]) / 3), []).append((i, word))
    taken: set[int] = set()
    stacks: list[str] = []
    for column in columns.values():
        column.sort(key=lambda item: item[1]["top"])
        run = column[:1]
        for item in [*column[1:], None]:
            near = item is not None and item[1]["top"] - run[-1][1]["bottom"] < 0.8 * item[1]["size"]
            if near:
                run.append(item)
                continue
            if len(run) >= 3:
                taken |= {i for i, _ in run}
                stacks.append("".join(w["text"] for _, w in sorted(run, key=lambda item: item[0])))
            run = [item] if item else []
    return [w for i, w in enumerate(words) if i not in taken], stacks


def _rotated(chars: list) -> list[str]:
    """Characters set at an angle (a margin slug, a vertical label), as lines in their own
    direction: content order, a new line where the across-the-line position jumps, a space where
    the along-the-line gap says so."""
    lines: list[str] = []
    text, last = "", None
    for char in chars:
        a, b = char.matrix[0], char.matrix[1]  # the direction of the baseline
        along = (char.x0, char.y0) if abs(a) >= abs(b) else (char.y0, char.x0)
        if last is not None:
            jump = abs(along[1] - last[1]) > 0.5 * char.size
            gap = abs(along[0] - last[0]) - last[2]
            if jump:
                lines.append(text)
                text = ""
            elif gap > WORD_GAP * char.size:
                text += " "
        text += char.get_text()
        extent = (char.x1 - char.x0) if abs(a) >= abs(b) else (char.y1 - char.y0)
        last = (along[0] if (a if abs(a) >= abs(b) else b) > 0 else along[0] - extent, along[1], extent)
    lines.append(text)
    return [" ".join(line.split()) for line in lines if line.strip()]


def _tables(plumber: Any, index: int, layout: Any, read: _Page, words: list[dict]) -> list[tuple]:
    """Tables in the page's ruling lines (two rows and two columns at least): their cells, filled
    with the words inside them, go to `read`; their boxes are returned so that their words stay out
    of the running text."""
    from .pdfplumber_fence import ruled_tables

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
    """One row per line of text, where two cells at least hold a line at every height."""
    at = [[bisect.bisect_right(heights, w["top"] + 0.5 * w["size"]) - 1 for w in cell] for cell in cells]
    if sum(1 for lines in at if len(set(lines)) == len(heights)) < 2:
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


def _inside(word: dict, box: tuple) -> bool:
    x0, top, x1, bottom = box
    return (
        x0 - 1 <= word["x0"]
        and word["x1"] <= x1 + 1
        and top - 1 <= word["top"]
        and word["bottom"] <= bottom + 1
    )


def _gutters(words: list[dict], text: bool = True) -> list[tuple[float, float]]:
    """x-ranges between columns: (almost) no word covers them, text lies on both sides. Columns
    of `text` are set further apart than their words and six type sizes wide at least (a
    table's columns need not be)."""
    if not words:
        return []
    left = min(w["x0"] for w in words)
    right = max(w["x1"] for w in words)
    cover = [0] * (int(right - left) + 2)
    for word in words:
        for x in range(int(word["x0"] - left), int(word["x1"] - left) + 1):
            cover[x] += 1
    busiest = max(cover)
    gutters, start = [], None
    for x, count in enumerate([*cover, busiest]):
        empty = count <= max(1, busiest // 8)  # a title, an author block may cross the gutter
        if empty and start is None:
            start = x
        elif not empty and start is not None:
            # text on both sides, as much as a column holds (not a ragged right edge's few words)
            sides = max(cover[:start]) if start else 0, max(cover[x:]) if x < len(cover) else 0
            if x - start >= 6 and min(sides) >= busiest / 3:
                gutters.append((left + start, left + x))
            start = None
    if not text:
        return gutters
    gutters = [g for g in gutters if _apart(words, *g)]
    return _wide_columns(words, gutters, left, right) or _beside(words, cover, left)


def _apart(words: list[dict], a: float, b: float) -> bool:
    """Whether the rows with text on both sides of a..b are set further apart there than their
    words are, as columns are (not a title's wide word space that two lines share)."""
    rows = [row for row in _rows(words) if row[0]["x0"] < a and row[-1]["x1"] > b]
    spans = [[(w["x0"], w["x1"]) for w in row] for row in rows]
    wide = sum(_gap_at(s, a, b) > 2.5 * _word_spacing(row) for s, row in zip(spans, rows, strict=True))
    return wide * 2 >= len(rows)


def _wide_columns(words: list[dict], gutters: list[tuple[float, float]], left: float, right: float) -> list:
    """The gutters less those that set apart a column narrower than six type sizes: the labels
    of a reference list ("[Mit97]"), the numbers of a list, which stay with their text."""
    size = statistics.median(w["size"] for w in words)
    kept = list(gutters)
    while kept:
        bounds = [left, *[x for gutter in kept for x in gutter], right]
        for k in range(len(kept) + 1):
            a, b = bounds[2 * k], bounds[2 * k + 1]
            inside = [w for w in words if a - 1 <= w["x0"] and w["x1"] <= b + 1]
            if not inside or max(w["x1"] for w in inside) - min(w["x0"] for w in inside) < 6 * size:
                del kept[min(k, len(kept) - 1)]
                break
        else:
            return kept
    return kept


def _beside(words: list[dict], cover: list[int], left: float) -> list[tuple[float, float]]:
    """The gutter of a margin column beside the body (a journal's side notes, its running head
    and page number): eight points or more that one word at most crosses anywhere, with three
    words or more on each side that are not list markers."""
    runs, start = [], None
    for x, count in enumerate([*cover, 2]):
        if count <= 1 and start is None:
            start = x
        elif count > 1 and start is not None:
            if x - start >= 8 and start > 0 and x < len(cover):
                runs.append((left + start, left + x))
            start = None
    return [(a, b) for a, b in runs if _worded(words, a, b) and _apart(words, a, b)][:1]


def _worded(words: list[dict], a: float, b: float) -> bool:
    middle = (a + b) / 2
    worded = [w for w in words if sum(map(str.isalnum, w["text"])) >= 2 and not _LONE_MARKER.match(w["text"])]
    return sum(w["x1"] <= middle for w in worded) >= 3 and sum(w["x0"] >= middle for w in worded) >= 3


def _margin_numbers(words: list[dict]) -> list[dict]:
    """Line numbers in a page's margin (a transcript's, a legal text's): five or more bare numbers
    in one aligned column beside the text, nothing further out."""
    numbers = [w for w in words if w["text"].isdigit() and len(w["text"]) <= 3]
    if len(numbers) < 5:
        return []
    others = [w for w in words if not (w["text"].isdigit() and len(w["text"]) <= 3)]
    if not others:
        return []
    inner, outer = min(w["x0"] for w in others), max(w["x1"] for w in others)
    left = [w for w in numbers if w["x1"] < inner]
    right = [w for w in numbers if w["x0"] > outer]
    return [*(left if len(left) >= 5 else []), *(right if len(right) >= 5 else [])]


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


def _lines(words: list[dict], page: int, gutters: list[Gutter]) -> list[_Line]:
    """Words at the same height, cut where a gutter lies between two of them."""
    lines = []
    for row in _rows(words):
        here = [(a, b) for a, b, top, bottom in gutters if top <= row[0]["top"] <= bottom]
        current = [row[0]]
        for word in row[1:]:
            gap = (current[-1]["x1"], word["x0"])
            if any(gap[0] <= (a + b) / 2 <= gap[1] and gap[1] - gap[0] >= (b - a) / 2 for a, b in here):
                lines.append(_Line(current, page))
                current = []
            current.append(word)
        lines.append(_Line(current, page))
    return lines


def _local_gutters(words: list[dict]) -> list[Gutter]:
    """Gutters of part of a page, where the page as a whole has none: two columns under a
    full-width paragraph, an address beside a date, a checklist in two columns. A gutter is an
    x-range free in three rows or more in a row, at least a type size wide, with text on both
    sides in two of them that is more than a list marker."""
    rows = _rows(words)
    if len(rows) < 3:
        return []
    spans = [[(w["x0"], w["x1"]) for w in row] for row in rows]
    spacing = [_word_spacing(row) for row in rows]
    found: list[Gutter] = []
    for r in range(len(rows) - 2):
        window = range(r, r + 3)
        size = max(w["size"] for k in window for w in rows[k])
        covered = sorted(span for k in window for span in spans[k])
        reach = covered[0][1]
        for x0, x1 in covered[1:]:
            a, b = reach, x0  # free from a to b in all three rows
            reach = max(reach, x1)
            if b - a < max(8.0, size):
                continue
            # text on both sides, wider than a list marker and set further apart than the row's
            # words are (not a title's word space), in two rows of the three
            split = [
                k
                for k in window
                if spans[k][0][0] < a - 4 * size
                and max(x for _, x in spans[k]) > b + 4 * size
                and _gap_at(spans[k], a, b) > 2.5 * spacing[k]
            ]
            if len(split) >= 2:
                found.append((a, b, rows[r][0]["top"], rows[r + 2][0]["top"]))
    return _merge_gutters(found)


def _word_spacing(row: list[dict]) -> float:
    gaps = [b["x0"] - a["x1"] for a, b in zip(row, row[1:], strict=False)]
    return statistics.median(gaps) if gaps else 0.0


def _gap_at(spans: list[tuple[float, float]], a: float, b: float) -> float:
    """The gap in a row that holds the x-range a..b (0 where a word crosses it)."""
    if any(x0 < b - 0.5 and x1 > a + 0.5 for x0, x1 in spans):
        return 0.0
    before = max((x1 for _, x1 in spans if x1 <= a + 0.5), default=a)
    after = min((x0 for x0, _ in spans if x0 >= b - 0.5), default=b)
    return after - before


def _merge_gutters(found: list[Gutter]) -> list[Gutter]:
    """Overlapping windows' gutters as one, over all their rows."""
    merged: list[Gutter] = []
    for a, b, top, bottom in sorted(found, key=lambda g: (g[2], g[0])):
        for k, (x0, x1, t, btm) in enumerate(merged):
            if a < x1 and x0 < b and top <= btm:
                merged[k] = (max(a, x0), min(b, x1), t, max(bottom, btm))
                break
        else:
            merged.append((a, b, top, bottom))
    return merged


# --- phase 3: columns --------------------------------------------------------------------------


def _columns(page: _Page, gutters: list[Gutter]) -> None:
    """Number each line's column from the gutters at its height (-1 for a line across one, or
    outside the rows that a part of the page's gutters hold for); a frame's lines keep theirs.
    The columns of each part are numbered apart, so that a part is read before the next."""
    parts = sorted({(top, bottom) for _, _, top, bottom in gutters})
    for item in [*page.lines, *page.tables]:
        if getattr(item, "framed", False):
            continue
        inside = (k for k, (top, bottom) in enumerate(parts) if top <= item.top + 0.5 <= bottom + 12)
        part = next(inside, None)
        if part is None or not item.x1:
            item.column = -1 if parts or not item.x1 else 0
            continue
        bounds = sorted((a + b) / 2 for a, b, top, bottom in gutters if (top, bottom) == parts[part])
        first = sum(1 for x in bounds if item.x0 > x)
        last = sum(1 for x in bounds if item.x1 > x)
        item.column = part * 100 + first if first == last else -1


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


def _reading_order(page: _Page) -> list[_Line | _Table]:
    """Band by band (spanning lines cut the page), column by column, top to bottom."""
    items: list[_Line | _Table] = sorted([*page.lines, *page.tables], key=lambda i: i.top)
    ordered: list[_Line | _Table] = []
    band: list[_Line | _Table] = []
    for item in items:
        if item.column == -1:
            ordered += sorted(band, key=lambda i: (i.column, i.top))
            band = []
            ordered.append(item)
        else:
            band.append(item)
    return ordered + sorted(band, key=lambda i: (i.column, i.top))


# --- phase 4 and 5: furniture and notes --------------------------------------------------------


def _in_margin(line: _Line, height: float, band: float = MARGIN_BAND) -> bool:
    return line.top < height * band or line.bottom > height * (1 - band)


def _furniture_key(text: str) -> str:
    """A line as it recurs from page to page: its numbers (page, date, issue) left out, and the
    word that names a page number (a short last page may set "Page 18" apart)."""
    return " ".join(_PAGE_WORD.sub(" ", _DIGITS.sub(" ", text)).split())


def _furniture(pages: list[_Page]) -> set[int]:
    """ids of running heads and feet: a line that recurs, its numbers aside, in the top or bottom
    margin of two pages, or at the same height on most pages wherever it sits; a lone page number
    in the margins."""
    seen: dict[str, list[tuple[float, int, _Line]]] = {}
    for page in pages:
        for line in page.lines:
            key = _furniture_key(line.text)
            if sum(c.isalpha() for c in key) < 2:  # a volume "29,2" as it stands, on most pages
                key = f"= {line.text}" if len(line.text) <= 12 and not line.text.isdigit() else ""
            if key:  # in the same type: a title that a running head repeats is no running head
                place = (line.top / page.height, page.number, line)
                seen.setdefault(f"{line.size} {line.bold} {key}", []).append(place)
    found = set()
    most = max(3, int(0.4 * len(pages)) + 1)
    for key, places in seen.items():
        margin = [(t, n, line) for t, n, line in places if t < MARGIN_BAND or t > 1 - MARGIN_BAND - 0.02]
        if len({n for _, n, _ in margin}) >= 2 and " = " not in key:  # not a table's "1,250"
            found |= {id(line) for _, _, line in margin}
        if len({n for _, n, _ in places}) < most:
            continue
        ordered = sorted(places, key=lambda place: place[0])
        start = 0
        for end in range(len(ordered)):  # a cluster at one height (within 4% of the page), on most pages
            while ordered[end][0] - ordered[start][0] > 0.04:
                start += 1
            level = ordered[start : end + 1]
            if len({n for _, n, _ in level}) >= most:
                found |= {id(line) for _, _, line in level}
    numbered = _page_numbers(pages)
    for page in pages:
        for line in page.lines:
            number = line.text.strip().isdigit() or _lone_page_number(line.text)
            if number and _in_margin(line, page.height, 0.12):  # a page number sits a little further in
                found.add(id(line))
            elif id(line) in numbered:
                found.add(id(line))
    return found


def _page_numbers(pages: list[_Page]) -> set[int]:
    """ids of lone numbers that count the pages wherever they sit (a journal's page numbers in
    the side margin): the number less the page's place is the same on three pages or more."""
    by_offset: dict[int, list[int]] = {}
    for page in pages:
        for line in page.lines:
            text = line.text.strip()
            if text.isdigit() and len(text) <= 4:
                by_offset.setdefault(int(text) - page.number, []).append(id(line))
    return {i for ids in by_offset.values() if len(ids) >= 3 for i in ids}


def _lone_page_number(text: str) -> bool:
    """ "12", "Page 3 of 48", "pagina 2 van 9", "-12-", "- 12 -"."""
    number = r"(?:page|pagina|p\.)?\s*\d{1,4}(?:\s*(?:/|of|van)\s*\d{1,4})?"
    return bool(re.fullmatch(rf"[-–]?\s*{number}\s*[-–]?", text.strip(), re.I))


def _body_size(lines: list[_Line]) -> float:
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def _references(page: _Page) -> set[str]:
    """The note numbers the page's text refers to: digits (or * † ‡) set smaller than their line (a
    superscript), alone or at a word's end, or glued to the end of a word."""
    return {mark for line in page.lines for mark in _marks(line)}


def _marks(line: _Line) -> set[str]:
    """The note numbers a line refers to (see :func:`_references`)."""
    found: set[str] = set()
    for word in line.words:
        if word["text"][-1:] not in _NOTE_ENDS:
            continue
        mark = re.search(r"(\d{1,3}|[*†‡])$", word["text"])
        raised = word.get("end_size", word["size"]) <= 0.85 * line.size
        if mark and (raised or re.search(r"[a-z.,;:)”’\"]\d{1,3}$", word["text"], re.I)):
            found.add(mark.group(1))  # superscript, or glued to a sentence's end: "MIVD.1"
    return found


def _is_note(line: _Line, page: _Page, body: float, notes_started: bool, marks: set[str]) -> bool:
    """A footnote line: below the body, in smaller type, starting with a number the page refers to
    (or going on with the note above it)."""
    if line.size >= body * 0.95 or line.top < page.height * 0.5:
        return False
    if notes_started:
        return True
    mark = re.match(r"^\s*(\d{1,3}|[*†‡])(?=\s*\S)", line.text)
    return bool(mark and mark.group(1) in marks)


# --- phase 6: paragraphs -----------------------------------------------------------------------


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
    if first is not previous and previous.x0 - first.x0 > indent and line.column == previous.column:
        return line.x0 - first.x0 < indent / 2  # a hanging indent: back at the margin is a new one
    if short and (previous.text.endswith(_CLOSING) or not line.text[:1].islower()):
        return True  # the line before ends well short of the column: a paragraph's last line
    gap = line.top - previous.bottom
    if gap > max(0.6 * line.size, spacing + 0.4 * line.size) or gap < -0.5 * line.size:
        return True
    if line.column != previous.column:
        return previous.column != -1  # a line across the columns may wrap into the first one
    if first is previous and not short and previous.x0 - left < indent / 2 < line.x0 - previous.x0:
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


def _referring(paragraphs: list, notes: list[_Paragraph]) -> dict[int, tuple[str, int]]:
    """For each note (by id), its mark and the paragraph on its page that refers to it, the
    nearest before it on that page or an earlier one."""
    found = {}
    for note in notes:
        mark = re.match(r"\s*(\d{1,3}|[*†‡])", note.text)
        if mark is None:
            continue
        for index in range(len(paragraphs) - 1, -1, -1):
            paragraph = paragraphs[index]
            if not isinstance(paragraph, _Paragraph) or paragraph.lines[0].page > note.page:
                continue
            if any(mark.group(1) in _marks(line) for line in paragraph.lines):
                found[id(note)] = (mark.group(1), index)
                break
    return found


def _left_out(pages: list[_Page]) -> list[str]:
    """What reading left out, a line each: running heads and feet, page numbers, margin line
    numbers, recurring rotated slugs."""
    furniture = _furniture(pages)
    seen = Counter(key for page in pages for key in {_furniture_key(t) for t in page.rotated})
    out = []
    for page in pages:
        out += [f"page {page.number}: running head, foot or page number: {line.text}"
                for line in page.lines if id(line) in furniture]  # fmt: skip
        if page.left_out:
            out.append(f"page {page.number}: {page.left_out} margin line numbers")
        out += [f"page {page.number}: recurring rotated text: {text}"
                for text in page.rotated if _slug(text, page, seen, len(pages))]  # fmt: skip
    return out


def _turned(pages: list[_Page]) -> list[Block]:
    """Text set at an angle, a block per line in its own direction, after the page's text; a
    line that recurs on other pages (a production slug, a margin label) is furniture."""
    seen = Counter(key for page in pages for key in {_furniture_key(t) for t in page.rotated})
    return [
        Block(strip_control(text), "paragraph", f"page {page.number} rotated", 0, None)
        for page in pages
        for text in page.rotated
        if not _slug(text, page, seen, len(pages))
    ]


def _slug(text: str, page: _Page, seen: Counter, pages: int) -> bool:
    """Whether a rotated line is furniture: one of a page's few rotated lines (a margin slug, not
    a page of turned text) that recurs on another page."""
    return pages > 1 and len(page.rotated) <= 3 and seen[_furniture_key(text)] >= 2


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
