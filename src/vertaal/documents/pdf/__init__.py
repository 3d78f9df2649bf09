"""PDF (pdfplumber, on pdfminer.six): text in reading order, as paragraphs, headings, tables and notes.

Reading a page, in phases (a module each):

1. **words** (`reading`) with their boxes, size and font, from pdfminer's characters (pdfplumber's
   own word extraction costs four times as much), a space where the gap says so, ligatures as
   their letters; text set at an angle or stacked letter by letter read apart. A long document is
   read in worker processes, a share of the pages each;
2. **tables** (`tables`): on a page with ruling lines, pdfplumber's table finder; a grid row whose
   rules were left out becomes one row per line, and boxes drawn around columns of text are read
   as text. Without rules, rows of short stretches set wide apart make a table by alignment;
3. **columns** (`columns`): gutters are x-ranges that (almost) no word covers, set further apart
   than the words beside them and six type sizes from the next; a margin column beside the body
   counts, and where the page as a whole has none, a part of it may (two columns under a
   full-width paragraph, an address beside a date). Lines are cut at the gutters and read band by
   band (a spanning line starts a new band), each band column by column, top to bottom;
4. **furniture** (`furniture`): a line that recurs on other pages (digits aside) in the top or
   bottom margin, or at one height on most pages wherever it sits, is a running head or foot;
   lone numbers that count the pages are page numbers; margin line numbers and recurring rotated
   slugs go too. All of it is listed in `left_out`;
5. **notes** (`notes`): lines at the foot of the page in smaller type, referred to by a raised or
   marked number in the body, are notes, each tied to the paragraph that refers to it;
6. **paragraphs** (`paragraphs`): lines join until a wider gap, a change of size or weight, an
   indent (a hanging indent continues), or a list marker; hyphens at line ends are mended
   (`text.reflow.join_lines`); a heading is a short paragraph in larger or bold type, its level
   by size; a paragraph that ends without closing punctuation on a full line runs on into the
   head of the next column or page.

A PDF without a text layer gives one line suggesting OCR; pages without one are named in a
warning. An encrypted PDF gives one line.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ...errors import InputError
from ..blocks import Translated
from .furniture import _left_out
from .paragraphs import _blocks
from .reading import _pages

__all__ = ["PdfDocument"]


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
