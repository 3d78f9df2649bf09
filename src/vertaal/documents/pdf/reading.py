"""Phases 1 and 2: a page's characters into words (spaces from gaps), turned and stacked text set
apart, tables and margin numbers taken out, the rest into lines and columns; long documents in
worker processes."""

from __future__ import annotations

import os

from .columns import _columns, _gutters, _lines, _local_gutters
from .furniture import _margin_numbers
from .layout import LIGATURES, WORD_GAP, _inside, _Page
from .tables import _aligned_tables, _tables

PARALLEL_FROM = 8  # pages; below this one process reads faster than starting workers


def _pages(path: str):
    """(page, has images) for every page, read in worker processes for a long document."""
    from pdfminer.pdfpage import PDFPage

    with open(path, "rb") as handle:
        count = sum(1 for _ in PDFPage.get_pages(handle))
    workers = min(os.cpu_count() or 1, 8)
    # with other threads running (a model's, a server's, OpenMP's that Python does not count), a
    # forked worker could inherit a lock one of them holds and hang, and a forkserver's or spawned
    # worker would run the caller's main module again: the pages are read here instead
    import multiprocessing
    import threading

    alone = _threads() == 1 and threading.active_count() == 1
    forks = "fork" in multiprocessing.get_all_start_methods()  # not on Windows
    if count < PARALLEL_FROM or workers < 2 or not alone or not forks:
        yield from _read_range(path, 0, count)
        return
    from concurrent.futures import ProcessPoolExecutor

    size = -(-count // workers)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
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
