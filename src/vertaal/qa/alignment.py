"""Reading aligned source/target segments for checking, streamed rather than loaded whole.

Two text files align by paragraph (blank-line separated, wrapped lines joined) or by line; one
file holds segments as two-column TSV or as JSONL objects with "source" and "target" (which is
what `vertaal translate --format jsonl` writes).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import zip_longest

from ..errors import InputError
from ..text.files import iter_lines
from ..text.reflow import join_lines


@dataclass
class SegmentPair:
    """A source segment and its translation, with where it starts in the (first) input file."""

    index: int
    source: str
    target: str
    line: int = 0  # where the segment starts in the (first) input file
    codes: tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]] | None = None  # (kind, key, label)
    unit: str = ""  # a bilingual file's segment id


def bilingual(path: str) -> Iterator[SegmentPair]:
    """The translated segments of an XLIFF or PO file, codes taken out of the text and compared
    on their own."""
    from ..cat import open_bilingual
    from ..text.codes import without_codes

    file = open_bilingual(path)
    for index, segment in enumerate(s for s in file.segments if not s.empty):
        yield SegmentPair(
            index,
            without_codes(segment.source),
            without_codes(segment.target),
            index + 1,
            (segment.refs(), segment.refs(target=True)),
            segment.id,
        )


def paragraphs(path: str, encoding: str) -> Iterator[tuple[int, str]]:
    """(line number, paragraph) for each blank-line separated paragraph."""
    block: list[str] = []
    start = 0
    for number, line in enumerate(iter_lines(path, encoding), start=1):
        if line.strip():
            if not block:
                start = number
            block.append(line)
        elif block:
            yield start, join_lines(block)
            block = []
    if block:
        yield start, join_lines(block)


def lines(path: str, encoding: str) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(iter_lines(path, encoding), start=1):
        if line.strip():
            yield number, line.strip()


def aligned(
    source: str, target: str, *, by: str = "paragraph", encoding: str = "utf-8"
) -> Iterator[SegmentPair]:
    """Segments of two files aligned by paragraph or line; a count mismatch names both counts."""
    reader = paragraphs if by == "paragraph" else lines
    left, right = reader(source, encoding), reader(target, encoding)
    count = 0
    for index, (src, tgt) in enumerate(zip_longest(left, right)):
        if src is None or tgt is None:
            unit = "paragraphs" if by == "paragraph" else "lines"
            left_count = index + (src is not None) + sum(1 for _ in left)
            right_count = index + (tgt is not None) + sum(1 for _ in right)
            hint = " (or try --align line)" if by == "paragraph" else ""
            raise InputError(
                f"{source} has {left_count} {unit} but {target} has {right_count};"
                f" the files must align {unit[:-1]} for {unit[:-1]}{hint}"
            )
        count += 1
        yield SegmentPair(index, src[1], tgt[1], src[0])
    if count == 0:
        raise InputError(f"{source} and {target} hold no text to check")


def documents(source: str, target: str, encoding: str | None = None) -> Iterator[SegmentPair]:
    """Segments of two documents (PDF, DOCX, ODT, HTML, Markdown) aligned block by block: the
    translation of a document keeps its structure, so block N of the one is block N of the other."""
    from ..documents import open_document

    left = [b for b in open_document(source, encoding).blocks if b.text.strip()]
    right = [b for b in open_document(target, encoding).blocks if b.text.strip()]
    if len(left) != len(right):
        raise InputError(
            f"{source} has {len(left)} blocks but {target} has {len(right)}; "
            "check aligns documents block by block (is one a translation of the other?)"
        )
    if not left:
        raise InputError(f"{source} and {target} hold no text to check")
    for index, (src, tgt) in enumerate(zip(left, right, strict=True)):
        yield SegmentPair(index, src.text, tgt.text, index + 1)


def from_table(path: str, encoding: str = "utf-8") -> Iterator[SegmentPair]:
    """Segments from a two-column TSV or a JSONL file (by extension, else by the first line)."""
    index = 0
    kind = "jsonl" if path.endswith((".jsonl", ".json", ".ndjson")) else None
    for number, line in enumerate(iter_lines(path, encoding), start=1):
        if not line.strip():
            continue
        if kind is None:
            kind = "jsonl" if line.lstrip().startswith("{") else "tsv"
        if kind == "jsonl":
            try:
                row = json.loads(line)
                source, target = row["source"], row["target"]
            except (ValueError, KeyError, TypeError) as exc:
                raise InputError(
                    f'{path}:{number}: expected a JSON object with "source" and "target"'
                ) from exc
        else:
            columns = line.split("\t")
            if len(columns) != 2:
                raise InputError(
                    f"{path}:{number}: expected two tab-separated columns, source and target;"
                    f" found {len(columns)}"
                )
            source, target = columns
        yield SegmentPair(index, str(source), str(target), number)
        index += 1
    if index == 0:
        raise InputError(f"{path} holds no segments to check")
