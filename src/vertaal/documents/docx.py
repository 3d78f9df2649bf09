"""DOCX (python-docx): translate the text of every paragraph in place, nothing of it dropped.

Paragraphs are found in the body (tables and text boxes included), in every header and footer,
and in the footnotes and endnotes. A paragraph's content travels through the inline codes that
XLIFF uses (`vertaal.text.markup`): its most common run format is the base, and each stretch in
another format (bold, italic, a hyperlink around them) is a pair of codes around its words; a
tab, a line break, a field (``PAGE``, a caption number, a reference, with its result), a note
reference, an image, a bookmark or comment anchor is a standalone code, copied whole. The decoder
places every code once, nested as in the source, and the paragraph is rebuilt from the
translation around them, so the space before a field or after a note mark is where the
translation puts it. Paragraph properties (style, list numbering) and section layout are kept.

Tracked changes are accepted: inserted and moved-to text is translated as part of its sentence,
deleted and moved-from text is left out, and the output holds no revisions (the reader counts
them in ``revisions``, which the caller reports). Spelling marks (``w:proofErr``) and Word's
layout cache (``w:lastRenderedPageBreak``) are left out: Word writes them again.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..text.codes import respace
from .blocks import Block, Translated
from .packages import check_parts, package

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_ACCEPTED = {"ins", "moveTo"}  # revisions whose content is the text now
_REJECTED = {"del", "moveFrom"}  # revisions whose content is gone
_NOISE = {"proofErr", "lastRenderedPageBreak", "pPr", "rPrChange", "pPrChange"}
_PIECES = {"tab", "br", "cr", "noBreakHyphen", "softHyphen", "sym", "ptab"}  # inside a run: codes


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


def _local(element) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _register_note_parts() -> None:
    """Load footnotes and endnotes as XML parts (python-docx keeps them as bytes otherwise)."""
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.part import PartFactory, XmlPart

    for content_type in (CT.WML_FOOTNOTES, CT.WML_ENDNOTES):
        PartFactory.part_type_for.setdefault(content_type, XmlPart)


@dataclass
class _Item:
    """One piece of a paragraph's stream: text in a format, or elements kept whole (a code)."""

    text: str | None  # None: a code
    style: str  # the run format (the rPr as XML, '' for none)
    link: Any = None  # the w:hyperlink around it, if any
    elements: list = field(default_factory=list)  # a code's elements, copied whole on writing
    rpr: Any = None  # the run properties to give its text


@dataclass
class _Paragraph:
    """A w:p, its content as a stream of items, and what the codes stand for."""

    element: Any
    items: list[_Item] = field(default_factory=list)
    base: str = ""
    revisions: int = 0
    source: str = ""  # the text with codes, as read
    codes: dict = field(default_factory=dict)
    styles: dict = field(default_factory=dict)  # style -> rPr element
    links: dict = field(default_factory=dict)  # number -> w:hyperlink
    field_runs: list = field(default_factory=list)  # an open complex field's runs, begin to end
    field_depth: int = 0  # its nesting, across revisions and hyperlinks (a field may start in one)


def _rpr_key(run) -> tuple[str, Any]:
    from lxml import etree

    rpr = run.find(_w("rPr"))
    if rpr is None:
        return "", None
    shown = copy.deepcopy(rpr)
    for change in shown.findall(_w("rPrChange")):
        shown.remove(change)
    return etree.tostring(shown, encoding="unicode"), shown


def _run_items(run, link, paragraph: _Paragraph) -> list[_Item]:
    """A run's pieces: its text, and a code for each tab, break or other element in it; a run
    holding a drawing, a note reference or a field character is one code, whole."""
    style, rpr = _rpr_key(run)
    paragraph.styles.setdefault(style, rpr)
    children = [c for c in run if _local(c) not in ("rPr",) and _local(c) not in _NOISE]
    if any(_local(c) not in {"t", "delText", *_PIECES} for c in children):
        return [_Item(None, style, link, [run])]
    items: list[_Item] = []
    for child in children:
        name = _local(child)
        if name == "t":
            if items and items[-1].text is not None:
                items[-1].text += child.text or ""
            else:
                items.append(_Item(child.text or "", style, link, rpr=rpr))
        elif name in _PIECES:
            shell = copy.deepcopy(run)
            for inner in list(shell):
                if inner is not shell.find(_w("rPr")):
                    shell.remove(inner)
            shell.append(copy.deepcopy(child))
            items.append(_Item(None, style, link, [shell]))
    return items


def _stream(container, link, paragraph: _Paragraph, out: list[_Item]) -> None:
    """The items of a paragraph (or of a hyperlink or accepted revision in it), in order; a complex
    field's runs, begin to end, are one code, wherever its begin and end sit."""
    for child in container:
        name = _local(child)
        if not name or name in _NOISE:
            continue
        if name in _REJECTED:
            paragraph.revisions += 1
            continue
        if paragraph.field_depth or (name == "r" and child.find(_w("fldChar")) is not None):
            paragraph.field_runs.append(child)
            for mark in child.iter(_w("fldChar")):
                kind = mark.get(_w("fldCharType"))
                paragraph.field_depth += 1 if kind == "begin" else -1 if kind == "end" else 0
            if paragraph.field_depth <= 0:
                paragraph.field_depth = 0
                out.append(_Item(None, "", link, paragraph.field_runs))
                paragraph.field_runs = []
            continue
        if name == "r":
            out.extend(_run_items(child, link, paragraph))
        elif name in _ACCEPTED:
            paragraph.revisions += 1
            _stream(child, link, paragraph, out)
        elif name == "hyperlink" and link is None:
            number = len(paragraph.links)
            paragraph.links[number] = child
            _stream(child, number, paragraph, out)
        else:  # bookmarks, comment anchors, a simple field, content controls: kept whole
            out.append(_Item(None, "", link, [child]))


def _paragraph(p) -> _Paragraph:
    paragraph = _Paragraph(p)
    _stream(p, None, paragraph, paragraph.items)
    if paragraph.field_runs:  # a field whose end is in another paragraph: its runs, kept whole
        paragraph.items.append(_Item(None, "", None, paragraph.field_runs))
    paragraph.base = _base([i for i in paragraph.items if i.link is None])
    paragraph.source, paragraph.codes = _read(paragraph)
    return paragraph


def _base(items: list[_Item]) -> str:
    """The format that needs no codes: none where some text has none, else the most common."""
    from collections import Counter

    weights: Counter = Counter()
    for item in items:
        if item.text is not None:
            weights[item.style] += len(item.text.strip())
    return "" if "" in weights or not weights else weights.most_common(1)[0][0]


def _read(paragraph: _Paragraph) -> tuple[str, dict]:
    """The paragraph as text with codes: a stretch in a hyperlink or a format other than the base
    is a pair around its words, everything kept whole a standalone code."""
    from lxml import etree

    from ..text.markup import read

    holder = etree.Element("paragraph")
    top = wrap = holder
    open_link: Any = None
    base = open_style = paragraph.base

    def place_text(element, text: str) -> None:
        if len(element):
            element[-1].tail = (element[-1].tail or "") + text
        else:
            element.text = (element.text or "") + text

    for number, item in enumerate(paragraph.items):
        if item.link != open_link:
            top, wrap, base = holder, holder, paragraph.base
            if item.link is not None:  # its own base: the link's most common format needs no pair
                base = _base([i for i in paragraph.items if i.link == item.link])
                top = wrap = etree.SubElement(holder, "link", n=str(item.link), style=base)
            open_link, open_style = item.link, base
        style = item.style if item.text is not None else open_style
        if style != open_style and item.text is not None:
            wrap = top if style == base else etree.SubElement(top, "format", style=style)
            open_style = style
        if item.text is not None:
            place_text(wrap, item.text)
        else:
            etree.SubElement(wrap, "code", n=str(number))
    return read(holder, lambda e: e.tag in ("link", "format") and bool("".join(e.itertext()).strip()))


def _kind(p, part_kind: str) -> tuple[str, int]:
    ppr = p.find(_w("pPr"))
    style = ppr.find(_w("pStyle")) if ppr is not None else None
    name = (style.get(_w("val")) or "") if style is not None else ""
    lowered = name.lower()
    for prefix in ("heading", "kop"):
        if lowered.startswith(prefix) and lowered[len(prefix) :].isdigit():
            return "heading", int(lowered[len(prefix) :])
    if lowered == "title":
        return "heading", 1
    if part_kind != "body":
        return part_kind, 0
    if (ppr is not None and ppr.find(_w("numPr")) is not None) or lowered.startswith(("list", "lijst")):
        return "item", 0
    parent = p.getparent()
    while parent is not None:
        if _local(parent) == "tc":
            return "cell", 0
        parent = parent.getparent()
    return "paragraph", 0


def _cell_place(p) -> str | None:
    """'table T row R cell C' for a paragraph in a table cell (T counts the body's tables)."""
    cell = p.getparent()
    while cell is not None and _local(cell) != "tc":
        cell = cell.getparent()
    if cell is None:
        return None
    row = cell.getparent()
    table = row.getparent()
    body_tables = list(table.getroottree().getroot().iter(_w("tbl")))
    rows = [r for r in table if _local(r) == "tr"]
    cells = [c for c in row if _local(c) == "tc"]
    return f"table {body_tables.index(table) + 1} row {rows.index(row) + 1} cell {cells.index(cell) + 1}"


class DocxDocument:
    """A DOCX file read into blocks, written back with the translations in place."""

    suffix = ".docx"

    def __init__(self, path: str) -> None:
        docx = package(path, "DOCX", "docx", "python-docx", "; is it an old .doc, or encrypted?")
        check_parts(path, "DOCX")
        _register_note_parts()
        try:
            self._doc = docx.Document(path)
        except Exception as exc:  # python-docx raises KeyError, ValueError, PackageNotFoundError
            raise InputError(
                f"{path} cannot be read as DOCX ({type(exc).__name__}); open and save it in Word"
            ) from exc
        self._paragraphs: list[_Paragraph] = []
        self._accepted: list[_Paragraph] = []
        self.revisions = 0  # tracked changes accepted (insertions kept, deletions left out)
        self.blocks: list[Block] = []
        for part_kind, root in self._roots():
            for number, p in enumerate(root.iter(_w("p")), start=1):
                self._add(p, part_kind, number)

    def _roots(self):
        doc = self._doc
        yield "body", doc.element.body
        seen = set()
        for section in doc.sections:
            for kind, name in (
                ("header", "header"),
                ("header", "first_page_header"),
                ("header", "even_page_header"),
                ("footer", "footer"),
                ("footer", "first_page_footer"),
                ("footer", "even_page_footer"),
            ):
                story = getattr(section, name)
                if story.is_linked_to_previous:
                    continue
                part = story.part
                if id(part) not in seen:
                    seen.add(id(part))
                    yield kind, part.element
        for rel in doc.part.rels.values():
            if rel.reltype.endswith(("/footnotes", "/endnotes")) and hasattr(rel.target_part, "element"):
                yield "note", rel.target_part.element

    def _add(self, p, part_kind: str, number: int) -> None:
        paragraph = _paragraph(p)
        self.revisions += paragraph.revisions
        text = " ".join(paragraph.source.split())
        if not any(item.text and item.text.strip() for item in paragraph.items):
            if paragraph.revisions:
                self._accepted.append(paragraph)  # no words, but revisions to accept
            return
        kind, level = _kind(p, part_kind)
        self._paragraphs.append(paragraph)
        place = _cell_place(p) if kind == "cell" else None
        self.blocks.append(
            Block(text, kind, place or f"{part_kind} paragraph {number}", level, len(self._paragraphs) - 1)
        )

    def write(self, path: str | Path, translated: list[Translated], target_lang: str = "en") -> None:
        """Put each translation into its paragraph and save to `path`."""
        for item in translated:
            paragraph = self._paragraphs[item.block.ref]
            _rebuild(paragraph, respace(item.text, paragraph.source.strip()))
        for paragraph in self._accepted:
            _rebuild(paragraph, paragraph.source.strip())
        self._doc.save(str(path))


def _rebuild(paragraph: _Paragraph, target: str) -> None:
    """Replace the paragraph's content (all but its properties) with `target`, its codes rebuilt."""
    from ..text.markup import rewritten

    holder = rewritten(paragraph.source, target, paragraph.codes)
    p = paragraph.element
    for child in list(p):
        if _local(child) != "pPr":
            p.remove(child)
    for element in _elements(holder, paragraph.styles.get(paragraph.base), paragraph, set()):
        p.append(element)


def _elements(node, rpr, paragraph: _Paragraph, used: set[int]) -> list:
    """The DOCX elements for a rebuilt node: runs for its text in `rpr`, a format's runs in its
    own properties, a hyperlink around its content, a code's original elements."""
    out = [_run(node.text, rpr)] if node.text else []
    for child in node:
        if child.tag == "format":
            out += _elements(child, paragraph.styles.get(child.get("style") or ""), paragraph, used)
        elif child.tag == "link":
            shell = _shallow(paragraph.links[int(child.get("n"))])
            for element in _elements(child, paragraph.styles.get(child.get("style") or ""), paragraph, used):
                shell.append(element)
            out.append(shell)
        elif child.tag == "code":
            number = int(child.get("n"))
            elements = paragraph.items[number].elements
            out += [copy.deepcopy(e) for e in elements] if number in used else list(elements)
            used.add(number)
        if child.tail:
            out.append(_run(child.tail, rpr))
    return out


def _run(text: str, rpr):
    from lxml import etree

    run = etree.Element(_w("r"))
    if rpr is not None:
        run.append(copy.deepcopy(rpr))
    t = etree.SubElement(run, _w("t"))
    t.text = text
    t.set(XML_SPACE, "preserve")
    return run


def _shallow(element):
    """The element without its children (a hyperlink's attributes, to wrap new runs in)."""
    from lxml import etree

    return etree.Element(element.tag, attrib=dict(element.attrib), nsmap=element.nsmap)
