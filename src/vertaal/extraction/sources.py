"""What extraction reads, as one stream of segments: the source text, and its translation where
the input holds one.

Inputs are what `vertaal translate` reads (text files, documents, XLIFF and PO files, folders and
globs of them), and TMX memories. A segment with a target comes from a TMX unit, a translated
XLIFF or PO segment, the translation memory (``--memory``), or a document and its translation
aligned block by block (``--translation``). Files are read one at a time, text files line by line,
TMX files unit by unit, so a large folder streams.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, UsageError, shown

MEMORY_SUFFIXES = {".tmx"}


@dataclass(frozen=True, slots=True)
class Segment:
    source: str
    target: str | None = None


def input_files(inputs: list[str]) -> list[Path]:
    """Every file to read: files as given, folders and globs expanded to the files vertaal reads."""
    from ..corpus import MAGIC, TEXT_SUFFIXES, supported
    from ..corpus import files as corpus_files
    from ..inputs import require_file

    found: dict[Path, None] = {}
    for given in inputs:
        path = Path(given)
        if path.is_dir() or (MAGIC & set(given) and not path.exists()):
            matched = corpus_files(given, lambda f: supported(f) or f.suffix.lower() in MEMORY_SUFFIXES)
            if not matched:
                raise UsageError(f"{shown(given)}: no files to read (text, documents, XLIFF, PO, TMX) match")
            found.update(dict.fromkeys(matched))
        else:
            if not path.exists():
                raise InputError(f"{shown(given)}: no such file or folder")
            file = require_file(given)
            if not (supported(file) or file.suffix.lower() in MEMORY_SUFFIXES or not file.suffix):
                known = ", ".join(sorted(TEXT_SUFFIXES))
                raise UsageError(
                    f"{shown(given)}: not a file vertaal reads (text {known}, documents, XLIFF, PO, TMX)"
                )
            found[file] = None
    return list(found)


def total_bytes(files: list[Path]) -> int:
    return sum(_size(f) for f in files)


def _size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def segments(
    files: list[Path],
    pair: tuple[str, str],
    *,
    encoding: str = "utf-8",
    translation: str | None = None,
    on_file: Callable[[int], None] | None = None,
) -> Iterator[Segment]:
    """The segments of `files` in order; with `translation`, the one file given and its
    translation, aligned. `on_file` hears the bytes read as they are read: each segment's source
    text (a text file's progress), and what is left of a file once it is read (markup, targets)."""
    if translation is not None:
        if len(files) != 1:
            raise UsageError("--translation pairs one source file with its translation; give one FILE")
        yield from _aligned(files[0], translation, encoding)
        if on_file:
            on_file(_size(files[0]))
        return
    for file in files:
        if on_file is None:
            yield from _file_segments(file, pair, encoding)
            continue
        size, told = _size(file), 0
        for segment in _file_segments(file, pair, encoding):
            yield segment
            step = min(len(segment.source.encode("utf-8")), size - told)  # the source text's share
            if step > 0:
                told += step
                on_file(step)
        if size > told:
            on_file(size - told)


def memory_segments(db: str | os.PathLike[str] | None, pair: tuple[str, str]) -> Iterator[Segment]:
    """The translation memory's units of `pair` (edited over human over machine)."""
    from ..db import open_db
    from ..memory.store import MemoryStore

    for unit in MemoryStore(open_db(db)).export_units(pair):
        yield Segment(unit.source, unit.target)


def _file_segments(file: Path, pair: tuple[str, str], encoding: str) -> Iterator[Segment]:
    from ..inputs import Kind, file_kind

    if file.suffix.lower() in MEMORY_SUFFIXES:
        yield from _tmx(file, pair, encoding)
        return
    kind = file_kind(file)
    if kind is Kind.BILINGUAL:
        yield from _bilingual(file)
    elif kind is Kind.DOCUMENT:
        from ..inputs import extract

        for block in extract(file, encoding):
            if block.text.strip():
                yield Segment(block.text)
    else:
        from ..text.files import iter_lines
        from ..text.reflow import stream_paragraphs

        for paragraph in stream_paragraphs(iter_lines(str(file), encoding)):
            yield Segment(paragraph)


def _tmx(file: Path, pair: tuple[str, str], encoding: str) -> Iterator[Segment]:
    from ..memory.tmx import iter_units
    from ..text.files import display_name, open_input

    with open_input(file) as handle:
        for unit in iter_units(display_name(file), handle, pair, encoding=encoding):
            yield Segment(unit.source, unit.target)


def _bilingual(file: Path) -> Iterator[Segment]:
    """An XLIFF or PO file's sources, with their targets where translated (codes taken out)."""
    from ..cat import open_bilingual
    from ..text.codes import without_codes

    for segment in open_bilingual(file).segments:
        source = without_codes(segment.source).strip()
        if source:
            target = without_codes(segment.target).strip()
            yield Segment(source, target or None)


def _aligned(source: Path, translation: str, encoding: str) -> Iterator[Segment]:
    from ..inputs import Kind, file_kind, require_file
    from ..qa.alignment import aligned, documents

    target = require_file(translation)
    kinds = {file_kind(source), file_kind(target)}
    if Kind.BILINGUAL in kinds or source.suffix.lower() in MEMORY_SUFFIXES:
        raise UsageError("--translation is for a document or text and its translation; a TMX, XLIFF or "
                         "PO file holds its translations already")  # fmt: skip
    try:
        pairs = documents(str(source), str(target), encoding) if Kind.DOCUMENT in kinds else None
        pairs = pairs or aligned(str(source), str(target), encoding=encoding or "utf-8")
        for pair in pairs:
            yield Segment(pair.source, pair.target)
    except InputError as error:
        raise InputError(str(error).replace("check aligns", "extraction aligns")) from None
