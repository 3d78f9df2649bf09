"""Phase 3: gutters and columns, the page's, a margin column's, or a part's (two columns under a
full-width paragraph), and the reading order band by band, column by column."""

from __future__ import annotations

import statistics

from .layout import _LONE_MARKER, Gutter, _Line, _Page, _rows, _Table


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
    if gutters:  # a margin column is looked for only where no gutter was found at all
        return _wide_columns(words, [g for g in gutters if _apart(words, *g)], left, right)
    return _beside(words, cover, left)


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
    x-range free in three rows or more in a row (or all rows within three type sizes), at least a
    type size wide, with text that is more than a list marker on each side in two of them."""
    rows = _rows(words)
    if len(rows) < 3:
        return []
    spans = [[(w["x0"], w["x1"]) for w in row] for row in rows]
    spacing = [_word_spacing(row) for row in rows]
    found: list[Gutter] = []
    for r in range(len(rows) - 2):
        # three rows, or as many as lie within three type sizes (two columns whose lines do not
        # share a baseline alternate row by row)
        size = max(w["size"] for w in rows[r])
        end = r + 3
        while end < len(rows) and rows[end][0]["top"] - rows[r][0]["top"] <= 3 * size:
            end += 1
        window = range(r, end)
        size = max(w["size"] for k in window for w in rows[k])
        covered = sorted(span for k in window for span in spans[k])
        reach, strips = covered[0][1], []
        for x0, x1 in covered[1:]:
            a, b = reach, x0  # free from a to b in all the window's rows
            reach = max(reach, x1)
            if b - a < max(8.0, size):
                continue
            # text wider than a list marker on each side, in two rows at least; a row that holds
            # both sets them further apart than its words are (not a title's word space)
            lefts = {k for k in window if spans[k][0][0] < a - 4 * size}
            rights = {k for k in window if max(x for _, x in spans[k]) > b + 4 * size}
            apart = all(_gap_at(spans[k], a, b) > 2.5 * spacing[k] for k in lefts & rights)
            if len(lefts) >= 2 and len(rights) >= 2 and apart:
                strips.append((a, b))
        for a, b in _across_one_row(strips, [spans[k] for k in window]):
            found.append((a, b, rows[r][0]["top"], rows[end - 1][0]["top"]))
    return _merge_gutters(found)


def _across_one_row(strips: list[tuple[float, float]], spans: list[list[tuple[float, float]]]) -> list:
    """A window's gutters, two taken as one where only one row has words between them (a centred
    title above an address and a date): a column holds two rows at least."""
    merged: list[tuple[float, float]] = []
    for a, b in strips:
        if merged:
            rows = {k for k, row in enumerate(spans) for x0, x1 in row if x0 >= merged[-1][1] and x1 <= a}
            if len(rows) <= 1:
                merged[-1] = (merged[-1][0], b)
                continue
        merged.append((a, b))
    return merged


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


def _columns(page: _Page, gutters: list[Gutter]) -> None:
    """Number each line's column from the gutters at its height (-1 for a line across one, or
    outside the rows that a part of the page's gutters hold for); a frame's lines keep theirs.
    The columns of each part are numbered apart, so that a part is read before the next."""
    parts: list[tuple[float, float]] = []  # the rows that gutters hold for, overlapping ones as one
    for top, bottom in sorted((top, bottom) for _, _, top, bottom in gutters):
        if parts and top <= parts[-1][1]:
            parts[-1] = (parts[-1][0], max(parts[-1][1], bottom))
        else:
            parts.append((top, bottom))
    for item in [*page.lines, *page.tables]:
        if getattr(item, "framed", False):
            continue
        inside = (k for k, (top, bottom) in enumerate(parts) if top <= item.top + 0.5 <= bottom + 5)
        part = next(inside, None)
        if part is None or not item.x1:
            item.column = -1 if parts or not item.x1 else 0
            continue
        low, high = parts[part]
        held = [g for g in gutters if low <= g[2] and g[3] <= high]
        # across a gutter that holds at its height, a line spans; the part's gutters number it
        here = [(a, b) for a, b, top, bottom in held if top <= item.top + 0.5 <= bottom + 5]
        # across a gutter's middle, or inside it (a centred title over an address and a date)
        if any(item.x0 < (a + b) / 2 < item.x1 or (a <= item.x0 and item.x1 <= b) for a, b in here):
            item.column = -1
            continue
        item.column = part * 100 + sum(1 for a, b, _, _ in held if item.x0 > (a + b) / 2)


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
