"""The one fence around pdfplumber's private API.

pdfplumber's table finder reads a page's ruling lines and boxes from the page's parsed layout,
which it makes by interpreting the page a second time and turning every character into a dict
(two thirds of the reading time of a ruled page). vertaal has interpreted the page already, and
only the lines and boxes make a table's grid: :func:`ruled_tables` hands pdfplumber a layout that
holds just those, through its cached ``_layout`` attribute, the one private name used.
"""

from __future__ import annotations

from typing import Any

Box = tuple[float, float, float, float]  # x0, top, x1, bottom


def ruled_tables(plumber: Any, index: int, layout: Any) -> list[tuple[Box, list[list[Box | None]]]]:
    """The tables of page `index` (0-based) of the open pdfplumber document, found in the ruling
    lines and boxes of `layout` (pdfminer's LTPage for that page): each table's box and its rows
    of cell boxes (None where a merged cell leaves a gap)."""
    from pdfminer.layout import LTCurve, LTPage

    page = plumber.pages[index]
    graphics = LTPage(layout.pageid, layout.bbox, layout.rotate)
    for item in layout:
        if isinstance(item, LTCurve):  # lines and rectangles are curves too
            graphics.add(item)
    page._layout = graphics
    try:
        tables = page.find_tables()
    except Exception:  # the finder is heuristic; a page it chokes on is read as text
        return []
    return [(tuple(table.bbox), [list(row.cells) for row in table.rows]) for table in tables]
