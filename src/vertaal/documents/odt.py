"""ODT (odfpy): translate the text of every paragraph and heading in place, the rest as it was.

Paragraphs (``text:p``) and headings (``text:h``) are found in the body, tables, footnotes and
endnotes (``text:note-body``), and the headers and footers of the master pages. Comments
(``office:annotation``) and tracked deletions are not translated. Within a paragraph, text and
the ``text:span`` and ``text:a`` elements around it are replaced by the translation; everything
else stays where it is: images (``draw:frame``), fields, notes, bookmarks, change marks. A span
whose text is the paragraph's most common format is the base; other spans and links become
inline formats that `documents.inline` places where it can.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from .blocks import Block, Translated, from_runs
from .packages import package

TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_SKIP_INSIDE = {(OFFICE_NS, "annotation"), (TEXT_NS, "tracked-changes"), (TEXT_NS, "deletion")}
_WRAPPERS = {(TEXT_NS, "span"), (TEXT_NS, "a")}
_SPACES = {(TEXT_NS, "s"), (TEXT_NS, "tab"), (TEXT_NS, "line-break")}


@dataclass
class _Paragraph:
    element: object
    pieces: list[tuple[object, str, tuple]] = field(default_factory=list)  # top-level node, text, format
    base: tuple = ()


def _is_text(node) -> bool:
    return node.nodeType == node.TEXT_NODE


def _qname(node) -> tuple[str, str]:
    return getattr(node, "qname", ("", ""))


def _pieces(node, key: tuple, out: list[tuple[str, tuple]]) -> bool:
    """Collect (text, format) of a wrapper's content; False if it holds something to keep as it is."""
    for child in node.childNodes:
        if _is_text(child):
            out.append((child.data, key))
        elif _qname(child) == (TEXT_NS, "s"):
            out.append((" " * int(child.getAttrNS(TEXT_NS, "c") or 1), key))
        elif _qname(child) in _SPACES:
            out.append((" ", key))
        elif _qname(child) in _WRAPPERS:
            name = _qname(child)[1]
            attribute = "style-name" if name == "span" else "href"
            namespace = TEXT_NS if name == "span" else "http://www.w3.org/1999/xlink"
            if not _pieces(child, (*key, (name, child.getAttrNS(namespace, attribute) or "")), out):
                return False
        else:
            return False
    return True


def _paragraph(p) -> _Paragraph:
    paragraph = _Paragraph(p)
    for child in p.childNodes:
        found: list[tuple[str, tuple]] = []
        if _is_text(child):
            found = [(child.data, ())]
        elif _qname(child) in _SPACES | _WRAPPERS:
            holder = _Holder(child)
            if not _pieces(holder, (), found):
                continue  # a span holding a note or an image: kept whole
        else:
            continue
        paragraph.pieces += [(child, text, key) for text, key in found]
    return paragraph


class _Holder:
    """Lets `_pieces` read a single top-level node as if it were a wrapper's content."""

    def __init__(self, node) -> None:
        self.childNodes = [node]


def _skipped(node) -> bool:
    parent = node.parentNode
    while parent is not None:
        if _qname(parent) in _SKIP_INSIDE:
            return True
        parent = parent.parentNode
    return False


def _kind(p) -> tuple[str, int]:
    if _qname(p) == (TEXT_NS, "h"):
        return "heading", int(p.getAttrNS(TEXT_NS, "outline-level") or 1)
    parent = p.parentNode
    while parent is not None:
        name = _qname(parent)[1]
        if name == "note-body":
            return "note", 0
        if name in ("header", "footer", "header-left", "footer-left", "header-first", "footer-first"):
            return name.split("-")[0], 0
        if name == "table-cell":
            return "cell", 0
        if name == "list-item":
            return "item", 0
        parent = parent.parentNode
    return "paragraph", 0


class OdtDocument:
    suffix = ".odt"

    def __init__(self, path: str) -> None:
        load = package(path, "ODT", "odf.opendocument", "odfpy").load
        try:
            self._doc = load(path)
        except Exception as exc:  # odfpy raises KeyError, XML errors and more on broken files
            name = type(exc).__name__
            raise InputError(f"{path} cannot be read as ODT ({name}); is it encrypted?") from exc
        self._paragraphs: list[_Paragraph] = []
        self.blocks: list[Block] = []
        for root in (self._doc.text, self._doc.masterstyles):
            for p in _walk(root):
                if _qname(p) in ((TEXT_NS, "p"), (TEXT_NS, "h")) and not _skipped(p):
                    self._add(p)

    def _add(self, p) -> None:
        paragraph = _paragraph(p)
        if not paragraph.pieces:
            return
        text, spans, paragraph.base = from_runs([(t, key) for _, t, key in paragraph.pieces], ())
        if not text:
            return
        kind, level = _kind(p)
        self._paragraphs.append(paragraph)
        place = f"{kind} {len(self._paragraphs)}"
        self.blocks.append(Block(text, kind, place, level, spans, len(self._paragraphs) - 1))

    def write(self, path: str | Path, translated: list[Translated], target_lang: str = "en") -> None:
        for item in translated:
            self._replace(self._paragraphs[item.block.ref], item)
        self._doc.save(str(path))

    def _replace(self, paragraph: _Paragraph, item: Translated) -> None:
        p = paragraph.element
        originals = list(dict.fromkeys(node for node, _, _ in paragraph.pieces))
        for text, key in item.runs(paragraph.base):
            p.insertBefore(_build(text, key), originals[0])
        for node in originals:
            if _is_text(node):
                node.data = ""  # odfpy's removeChild takes elements only; an empty text writes nothing
            else:
                p.removeChild(node)


def _walk(node):
    for child in node.childNodes:
        if child.nodeType == child.ELEMENT_NODE:
            yield child
            yield from _walk(child)


def _build(text: str, key: tuple):
    """Text, wrapped in the spans and links `key` names (outermost first)."""
    from odf.element import Text
    from odf.text import A, Span

    node = Text(text)
    for name, value in reversed(key):
        wrapper = Span(stylename=value) if name == "span" else A(href=value, type="simple")
        wrapper.appendChild(node)
        node = wrapper
    return node
