"""DOCX (python-docx): translate the text of every paragraph in place, leaving the rest as it was.

Paragraphs are found in the body (tables and text boxes included), in every header and footer,
and in the footnotes and endnotes. Within a paragraph, the runs that carry text (and hyperlinks
around them) are replaced by runs that carry the translation; everything else stays where it
is, untouched: images, fields (page numbers, references, tables of contents), comments, tracked
changes, bookmarks, content controls. Paragraph properties (style, list numbering) and section
layout are not touched either.

A paragraph's most common run format is its base; the other formats (bold, italic, underline,
a hyperlink) become spans that `documents.inline` places on the translation where it can.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from .blocks import Block, Translated, from_runs
from .packages import package

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_KEEP_RUN = {
    "drawing",
    "pict",
    "object",
    "fldChar",
    "instrText",
    "footnoteReference",
    "endnoteReference",
    "commentReference",
    "ruby",
    "sym",
}


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
class _Paragraph:
    """A w:p and its text-bearing elements, in order."""

    element: object
    pieces: list[tuple[object, str, tuple[str, str]]] = field(default_factory=list)  # element, text, format
    base: tuple[str, str] = ("", "")  # the most common format: no span needed


def _format_key(run, link) -> tuple[str, str]:
    from lxml import etree

    rpr = run.find(_w("rPr"))
    style = etree.tostring(rpr, encoding="unicode") if rpr is not None else ""
    return style, (etree.tostring(_shallow(link), encoding="unicode") if link is not None else "")


def _shallow(element):
    """The element without its children (a hyperlink's attributes, to wrap new runs in)."""
    from lxml import etree

    return etree.Element(element.tag, attrib=dict(element.attrib), nsmap=element.nsmap)


def _run_text(run) -> str | None:
    """The text of a plain text run, or None for a run to keep as it is (an image, a field)."""
    parts = []
    for child in run:
        name = _local(child)
        if name in _KEEP_RUN:
            return None
        if name == "t":
            parts.append(child.text or "")
        elif name in ("tab", "br", "cr"):
            parts.append(" ")
    return "".join(parts) if parts else None


def _paragraph(p) -> _Paragraph:
    paragraph = _Paragraph(p)
    in_field = 0
    for child in p:
        name = _local(child)
        if name == "r":
            kinds = {_local(c) for c in child}
            if "fldChar" in kinds:
                for c in child:
                    if _local(c) == "fldChar":
                        kind = c.get(_w("fldCharType"))
                        in_field += 1 if kind == "begin" else -1 if kind == "end" else 0
                continue
            text = None if in_field else _run_text(child)
            if text is not None:
                paragraph.pieces.append((child, text, _format_key(child, None)))
        elif name == "hyperlink" and not in_field:
            runs = [r for r in child if _local(r) == "r"]
            texts = [_run_text(r) for r in runs]
            if runs and all(t is not None for t in texts) and len(runs) == len(child):
                for run, text in zip(runs, texts, strict=True):
                    paragraph.pieces.append((child, text or "", _format_key(run, child)))
    return paragraph


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
        _register_note_parts()
        try:
            self._doc = docx.Document(path)
        except Exception as exc:  # python-docx raises KeyError, ValueError, PackageNotFoundError
            raise InputError(
                f"{path} cannot be read as DOCX ({type(exc).__name__}); open and save it in Word"
            ) from exc
        self._paragraphs: list[_Paragraph] = []
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
        if not paragraph.pieces:
            return
        text, spans, paragraph.base = from_runs([(t, key) for _, t, key in paragraph.pieces], ("", ""))
        if not text:
            return
        kind, level = _kind(p, part_kind)
        self._paragraphs.append(paragraph)
        place = _cell_place(p) if kind == "cell" else None
        self.blocks.append(
            Block(
                text,
                kind,
                place or f"{part_kind} paragraph {number}",
                level,
                spans,
                len(self._paragraphs) - 1,
            )
        )

    def write(self, path: str | Path, translated: list[Translated], target_lang: str = "en") -> None:
        """Put each translation into its paragraph and save to `path`."""
        for item in translated:
            self._replace(self._paragraphs[item.block.ref], item)
        self._doc.save(str(path))

    def _replace(self, paragraph: _Paragraph, item: Translated) -> None:
        p = paragraph.element
        originals = list(dict.fromkeys(element for element, _, _ in paragraph.pieces))
        position = list(p).index(originals[0])
        for element in originals:
            p.remove(element)
        templates = {key: element for element, _, key in paragraph.pieces}
        for offset, (text, key) in enumerate(item.runs(paragraph.base)):
            p.insert(position + offset, self._element(text, key, templates))

    @staticmethod
    def _element(text: str, key: tuple[str, str], templates: dict):
        from lxml import etree

        template = templates[key]
        run_template = template if _local(template) == "r" else next(r for r in template if _local(r) == "r")
        run = etree.Element(_w("r"))
        rpr = run_template.find(_w("rPr"))
        if rpr is not None:
            run.append(copy.deepcopy(rpr))
        t = etree.SubElement(run, _w("t"))
        t.text = text
        t.set(XML_SPACE, "preserve")
        if _local(template) == "hyperlink":
            link = _shallow(template)
            link.append(run)
            return link
        return run
