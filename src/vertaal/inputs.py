"""The one input classifier: text, a document, a CAT file, or a folder/glob.

`translate`, `check` and the server ask this module what they were given, and hand it to the
runner of that kind. A word that looks like a file name but names no readable file is refused in
one line rather than translated as text (a typo such as ``nosuchfile.docx``): an argument with a
document or CAT-file extension, or with a path separator, must be a regular file. Text with a dot
in it ("Zie art. 3.") still translates.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from .errors import InputError, UsageError, shown


class Kind(StrEnum):
    TEXT = "text"
    DOCUMENT = "document"
    BILINGUAL = "bilingual"
    CORPUS = "corpus"


@dataclass(frozen=True)
class Input:
    """What a command was given: its kind, the file (document, CAT file), or the inputs of a
    corpus, or the text and text files."""

    kind: Kind
    path: Path | None = None
    inputs: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


def file_kind(path: str | Path) -> Kind:
    """A file's kind by its name: a CAT file (XLIFF, PO), a document, or text."""
    from .cat import format_of as bilingual_format
    from .documents import format_of as document_format

    if bilingual_format(path):
        return Kind.BILINGUAL
    if document_format(path):
        return Kind.DOCUMENT
    return Kind.TEXT


def is_corpus_input(given: str) -> bool:
    """A folder or a glob pattern (rather than one file)."""
    from .corpus import is_corpus_input as corpus_input

    return corpus_input(given)


def classify(text: list[str] | None, files: list[Path] | None) -> Input:
    """Classify `vertaal translate`'s arguments (TEXT words and -i files) once."""
    text, files = list(text or []), list(files or [])
    if files and any(is_corpus_input(str(f)) for f in files):
        return Input(Kind.CORPUS, inputs=[str(f) for f in files], text=text)
    refuse_unsupported([*files, *text[:1]], files)
    named = [require_file(f) for f in files if file_kind(f) is not Kind.TEXT and str(f) != "-"]
    if len(text) == 1 and looks_like_a_file(text[0]):
        named.append(require_file(text[0]))
    if named and len(files) + len(text) > 1:
        kind = file_kind(named[0])
        example = "FILE.xlf" if kind is Kind.BILINGUAL else "FILE.docx"
        what = "XLIFF or PO file" if kind is Kind.BILINGUAL else "document"
        raise UsageError(f"translate one {what} at a time: vertaal translate {example} [-o OUT]")
    if named:
        return Input(file_kind(named[0]), path=Path(named[0]))
    return Input(Kind.TEXT, text=text, files=files)


def looks_like_a_file(word: str) -> bool:
    """Whether a TEXT argument names a file: it has a path separator, or a document or CAT-file
    extension, and is one word."""
    from .documents import UNSUPPORTED

    if not word or any(ch.isspace() for ch in word.strip()):
        return False
    unsupported = Path(word).suffix.lower() in UNSUPPORTED
    return os.sep in word or "/" in word or unsupported or file_kind(word) is not Kind.TEXT


def require_file(given: str | Path) -> Path:
    """`given` as a regular file, or a one-line error naming it (missing, a folder, a FIFO)."""
    path = Path(given)
    try:
        mode = path.stat().st_mode
    except OSError:
        raise InputError(
            f"{shown(given, 240)}: no such file (words that look like a file name translate from stdin: "
            "echo WORDS | vertaal translate)"
        ) from None
    if stat.S_ISDIR(mode):
        raise InputError(f"{shown(given, 240)}: is a folder; translate a folder with -i FOLDER -o OUTDIR")
    if not stat.S_ISREG(mode):
        raise InputError(f"{shown(given, 240)}: not a regular file (a pipe or device); save it to a file")
    return path


def refuse_unsupported(given: list, files: list[Path]) -> None:
    """A .doc, .rtf, ... file gets a one-line hint to save it in a format vertaal reads."""
    from .documents import UNSUPPORTED

    for item in given:
        suffix = Path(str(item)).suffix.lower()
        if suffix in UNSUPPORTED and (files or Path(str(item)).is_file()):
            kind = UNSUPPORTED[suffix]
            raise UsageError(f"{item}: {kind} files cannot be read; save it as .docx, .odt or .pdf")


@dataclass
class Extracted:
    """One block as `translate` sends it to the model: its text (codes taken out), what it is,
    where it is."""

    text: str
    kind: str
    place: str
    level: int = 0
    page: int | None = None

    def to_dict(self) -> dict:
        row = {"text": self.text, "kind": self.kind, "place": self.place}
        if self.level:
            row["level"] = self.level
        if self.page is not None:
            row["page"] = self.page
        return row


def extract(
    path: str | Path, encoding: str | None = None, left_out: list[str] | None = None
) -> list[Extracted]:
    """The blocks `translate` reads from a file, without a model: a document's blocks, a CAT
    file's segments to translate (source text), a text file's paragraphs. What a PDF's reading
    left out (running heads, page numbers, ...) is added to `left_out`, a line each."""
    import re

    from .text.codes import without_codes

    given = require_file(path) if str(path) != "-" else Path("-")
    kind = file_kind(given)
    if kind is Kind.DOCUMENT:
        from .documents import open_document

        document = open_document(given, encoding)
        if left_out is not None:
            left_out += getattr(document, "left_out", [])
        out = []
        for block in document.blocks:
            page = re.match(r"page (\d+)", block.place)
            out.append(
                Extracted(without_codes(block.text), block.kind, block.place, block.level,
                          int(page.group(1)) if page else None)
            )  # fmt: skip
        return out
    if kind is Kind.BILINGUAL:
        from .cat import choose, open_bilingual

        chosen, _ = choose(open_bilingual(given))  # the segments translate fills (not locked or final)
        return [Extracted(without_codes(s.source), "segment", f"unit {s.id}") for s in chosen]
    from .text.files import read_file
    from .text.reflow import paragraphs

    text = read_file(str(given), encoding or "utf-8")
    return [Extracted(p, "paragraph", f"paragraph {n}") for n, p in enumerate(paragraphs(text), start=1)]
