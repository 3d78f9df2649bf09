"""Documents: read PDF, DOCX, ODT, HTML and Markdown into blocks, translate them, write them back.

Each format has one module with a reader class (``blocks`` after construction, ``write(path,
translated)`` to put translations back into the same structure). `render` writes blocks as a new
document (what a PDF becomes, and the bilingual review layout). The extra dependencies
(python-docx, odfpy, pdfplumber) come with ``pip install "vertaal[documents]"``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from ..errors import InputError, UsageError
from .blocks import Block, Translated

SUFFIXES = {
    ".docx": "docx",
    ".odt": "odt",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".md": "markdown",
    ".markdown": "markdown",
    ".pdf": "pdf",
}
UNSUPPORTED = {
    ".doc": "Word 97-2003",
    ".rtf": "RTF",
    ".wpd": "WordPerfect",
    ".pages": "Pages",
    ".ppt": "PowerPoint",
    ".pptx": "PowerPoint",
    ".xls": "Excel",
    ".xlsx": "Excel",
    ".epub": "EPUB",
    ".ods": "OpenDocument spreadsheet",
    ".odp": "OpenDocument presentation",
    ".odg": "OpenDocument drawing",
}
OUTPUTS = {".docx": "docx", ".odt": "odt", ".html": "html", ".htm": "html", ".md": "markdown", ".txt": "text"}
DEFAULT_OUTPUT = {"docx": ".docx", "odt": ".odt", "html": ".html", "markdown": ".md", "pdf": ".docx"}


class Document(Protocol):
    blocks: list[Block]
    suffix: str

    def write(self, path: str | Path, translated: list[Translated], target_lang: str = "en") -> None: ...


def format_of(path: str | Path) -> str | None:
    """The document format of a file name ('docx', 'pdf', ...), or None for text."""
    return SUFFIXES.get(Path(path).suffix.lower())


def open_document(path: str | Path, encoding: str | None = None, warn: Callable[[str], None] | None = None):
    """Read a document into blocks; one-line errors for files that cannot be read."""
    name = str(path)
    kind = format_of(name)
    if kind is None:
        raise UsageError(f"{name}: not a document format vertaal reads ({', '.join(sorted(SUFFIXES))})")
    if not Path(name).is_file():
        raise InputError(f"{name}: no such file")
    if kind == "docx":
        from .docx import DocxDocument

        return _accepted(DocxDocument(name), name, warn)
    if kind == "odt":
        from .odt import OdtDocument

        return _accepted(OdtDocument(name), name, warn)
    if kind == "html":
        from .html import HtmlDocument

        return HtmlDocument(name, encoding)
    if kind == "markdown":
        from .markdown import MarkdownDocument

        return MarkdownDocument(name, encoding or "utf-8")
    from .pdf import PdfDocument

    return PdfDocument(name, warn=warn)


def _accepted(document: Any, name: str, warn: Callable[[str], None] | None) -> Any:
    """The document, after one warning line when it holds tracked changes (its reader accepts them)."""
    if document.revisions and warn:
        warn(
            f"{name}: {document.revisions} tracked change{'s' * (document.revisions != 1)} accepted: "
            "inserted text translated, deleted text left out; the output holds no revisions"
        )
    return document


def output_path(source: str | Path, output: str | Path | None, target_lang: str) -> tuple[Path, str]:
    """Where a translated document goes and in which format: `output`'s extension picks it; without
    `output`, ``NAME.<lang><ext>`` beside the source, in the source's own format (PDF: DOCX)."""
    kind = format_of(source) or "text"
    if output is None:
        suffix = DEFAULT_OUTPUT.get(kind, ".txt")
        source = Path(source)
        return source.with_name(f"{source.stem}.{target_lang}{suffix}"), OUTPUTS[suffix]
    out = Path(output)
    chosen = OUTPUTS.get(out.suffix.lower())
    if chosen is None:
        raise UsageError(f"-o {out}: write a document as {', '.join(sorted(OUTPUTS))}")
    if kind == "pdf" and chosen == "odt":
        raise UsageError("a PDF is written as .docx, .md, .html or .txt")
    return out, chosen


def translate(translator: Any, document: Document, on_progress=None, on_start=None):
    """Translate every block; returns the sentence results (for JSONL, reports, --strict) and the
    translated blocks, their inline codes placed by the decoder."""
    texts = block_texts(document)
    result = translator.translate_blocks(texts, on_progress, on_start)
    grouped: list[list[str]] = [[] for _ in document.blocks]
    for sentence in result.sentences:
        grouped[sentence.paragraph].append(sentence.target)
    translated = [
        Translated(block, " ".join(t for t in targets if t) if text else block.text)
        for block, text, targets in zip(document.blocks, texts, grouped, strict=True)
    ]
    return result, translated


def block_texts(document: Document) -> list[str]:
    """What is sent to the translator per block: its text, or '' for one without words."""
    return [b.text if _translatable(b.text) else "" for b in document.blocks]


def _translatable(text: str) -> bool:
    """Whether a block holds words; numbers, dates and symbols alone are copied as they are."""
    return any(ch.isalpha() for ch in text)


def write(
    document: Document,
    translated: list[Translated],
    path: Path,
    fmt: str,
    bilingual: bool = False,
    target_lang: str = "en",
) -> None:
    """Write the translation in `fmt`: into the document itself when it is its own format, else
    rendered from the blocks (always for --bilingual)."""
    from ..text.files import save_atomic
    from . import render

    if not bilingual and fmt != "text" and document.suffix in _SAME.get(fmt, ()):
        save_atomic(path, lambda tmp: document.write(tmp, translated, target_lang))
        return
    render.write(translated, path, fmt, bilingual)


_SAME = {"docx": (".docx",), "odt": (".odt",), "html": (".html", ".htm"), "markdown": (".md",)}
