"""Phase 4: page furniture, left out: running heads and feet by repetition, page numbers, margin
line numbers, recurring rotated slugs; and what was left out, for --verbose."""

from __future__ import annotations

import re
from collections import Counter

from ...text.reflow import strip_control
from ..blocks import Block
from .layout import _DIGITS, _PAGE_WORD, MARGIN_BAND, _Line, _Page


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
            if sum(c.isalpha() for c in key) < 2 or (len(key.split()) == 1 and key != line.text):
                # a volume "29,2", a one-word head with a number ("Artikel 3"): as it stands
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
    by_offset: dict[int, dict[int, list[int]]] = {}  # offset -> page -> lines
    for page in pages:
        for line in page.lines:
            text = line.text.strip()
            if text.isdigit() and len(text) <= 4:
                by_offset.setdefault(int(text) - page.number, {}).setdefault(page.number, []).append(id(line))
    return {
        ids[0]
        for on_pages in by_offset.values()
        if len(on_pages) >= 3  # three pages or more, one such number on each
        for ids in on_pages.values()
        if len(ids) == 1
    }


def _lone_page_number(text: str) -> bool:
    """ "12", "Page 3 of 48", "pagina 2 van 9", "-12-", "- 12 -"."""
    number = r"(?:page|pagina|p\.)?\s*\d{1,4}(?:\s*(?:/|of|van)\s*\d{1,4})?"
    return bool(re.fullmatch(rf"[-–]?\s*{number}\s*[-–]?", text.strip(), re.I))


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
