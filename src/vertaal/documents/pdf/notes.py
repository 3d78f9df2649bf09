"""Phase 5: footnotes, by layout (smaller type at the foot of the page) and reference (a raised or
marked number in the body)."""

from __future__ import annotations

import re
from collections import Counter

from .layout import _NOTE_ENDS, _Line, _Page, _Paragraph


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
