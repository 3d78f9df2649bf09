"""ODT: translate the text of every paragraph and heading in place, nothing of it dropped.

The package is a zip of XML parts; ``content.xml`` (the body) and ``styles.xml`` (the headers and
footers of the master pages) are read with lxml, and every other part is written back byte for
byte, in its place and with its compression (``mimetype`` first, stored, as ODF requires).

Paragraphs (``text:p``) and headings (``text:h``) are found in the body, tables, lists, frames,
footnotes and endnotes (``text:note-body``), and the headers and footers. Comments
(``office:annotation``) are not translated. A paragraph's content travels through the inline
codes that XLIFF uses (`vertaal.text.markup`): a ``text:span`` or ``text:a`` around words is a
pair of codes; a tab, a line break, repeated spaces (``text:s``), a note, an image, a field or a
bookmark is a standalone code, kept whole. The decoder places every code once, nested as in the
source.

Tracked changes are accepted: inserted text is translated with its sentence, deleted text (kept
in ``text:tracked-changes``) is left out, and the output holds no change marks; the reader counts
them in ``revisions``, which the caller reports.
"""

from __future__ import annotations

import copy
import zipfile
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..text.codes import respace
from .blocks import Block, Translated
from .packages import check_parts

TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
PARTS = ("content.xml", "styles.xml")
_PARAGRAPHS = {f"{{{TEXT}}}p", f"{{{TEXT}}}h"}
_WRAPPERS = {f"{{{TEXT}}}span", f"{{{TEXT}}}a"}
_NOT_TRANSLATED = {f"{{{OFFICE}}}annotation", f"{{{TEXT}}}tracked-changes"}
_CHANGE_MARKS = {f"{{{TEXT}}}change", f"{{{TEXT}}}change-start", f"{{{TEXT}}}change-end"}
_SIDES = ("header", "footer", "header-left", "footer-left", "header-first", "footer-first")


class _Paragraph:
    """A text:p or text:h, its content as text with codes, and the elements the codes stand for."""

    def __init__(self, element: Any) -> None:
        self.element = element
        self.kept: list[Any] = []  # elements kept whole, by number
        self.source = ""
        self.codes: dict = {}
        self.revisions = 0


def _holder(paragraph: _Paragraph) -> Any:
    """A stand-in tree of the paragraph: its text, ``wrap`` elements for spans and links around
    words, ``code`` elements for what is kept whole (change marks left out: accepted)."""
    from lxml import etree

    def fill(source: Any, target: Any) -> None:
        target.text = source.text
        for child in source:
            if child.tag in _CHANGE_MARKS:
                paragraph.revisions += child.tag != f"{{{TEXT}}}change-end"
                node = None
            elif child.tag in _WRAPPERS and "".join(child.itertext()).strip():
                node = etree.SubElement(target, "wrap", n=str(len(paragraph.kept)))
                paragraph.kept.append(child)
                fill(child, node)
            else:
                node = etree.SubElement(target, "code", n=str(len(paragraph.kept)))
                paragraph.kept.append(child)
            tail = child.tail or ""
            if node is not None:
                node.tail = tail
            elif len(target):
                target[-1].tail = (target[-1].tail or "") + tail
            else:
                target.text = (target.text or "") + tail

    holder = etree.Element("paragraph")
    fill(paragraph.element, holder)
    return holder


def _read(paragraph: _Paragraph) -> None:
    from ..text.markup import read

    paragraph.source, paragraph.codes = read(_holder(paragraph), lambda e: e.tag == "wrap")


def _rebuild(paragraph: _Paragraph, target: str) -> None:
    """Replace the paragraph's content with `target`, its codes rebuilt from the kept elements."""
    from ..text.markup import rewritten

    holder = rewritten(paragraph.source, target, paragraph.codes)
    p = paragraph.element
    for child in list(p):
        p.remove(child)
    used: set[int] = set()
    _fill(p, holder, paragraph, used)


def _fill(target: Any, node: Any, paragraph: _Paragraph, used: set[int]) -> None:
    target.text = node.text
    for child in node:
        number = int(child.get("n"))
        original = paragraph.kept[number]
        if child.tag == "wrap":
            element = copy.copy(original)
            for inner in list(element):
                element.remove(inner)
            _fill(element, child, paragraph, used)
        else:
            element = copy.deepcopy(original) if number in used else original
        used.add(number)
        element.tail = child.tail
        target.append(element)


def _kind(p: Any) -> tuple[str, int]:
    if p.tag == f"{{{TEXT}}}h":
        return "heading", int(p.get(f"{{{TEXT}}}outline-level") or 1)
    for parent in p.iterancestors():
        name = parent.tag.rsplit("}", 1)[-1]
        if name == "note-body":
            return "note", 0
        if name in _SIDES and parent.tag.startswith(f"{{{STYLE}}}"):
            return name.split("-")[0], 0
        if name == "table-cell":
            return "cell", 0
        if name == "list-item":
            return "item", 0
    return "paragraph", 0


class OdtDocument:
    """An ODT file read into blocks, written back with the translations in place."""

    suffix = ".odt"

    def __init__(self, path: str) -> None:
        from ..text.xmlfiles import parse

        self._path = path
        if not zipfile.is_zipfile(path):
            raise InputError(f"{path} is not an ODT file (not a zip archive)")
        check_parts(path, "ODT")
        try:
            with zipfile.ZipFile(path) as package:
                names = package.namelist()
                if "content.xml" not in names:
                    raise InputError(f"{path} is not an ODT file (it has no content.xml)")
                self._roots = {
                    name: parse(f"{path}/{name}", package.read(name), InputError)
                    for name in PARTS
                    if name in names
                }
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
            raise InputError(f"{path} cannot be read as ODT ({exc}); is it encrypted?") from exc
        self._paragraphs: list[_Paragraph] = []
        self.revisions = sum(
            1 for root in self._roots.values() for _ in root.iter(f"{{{TEXT}}}changed-region")
        )
        self.blocks: list[Block] = []
        for name in PARTS:
            root = self._roots.get(name)
            if root is not None:
                for p in root.iter(*_PARAGRAPHS):
                    if name == "styles.xml" and not any(a.tag.endswith(_SIDES) for a in p.iterancestors()):
                        continue  # styles.xml holds text only in the master pages' headers and footers
                    if not any(a.tag in _NOT_TRANSLATED for a in p.iterancestors()):
                        self._add(p)

    def _add(self, p: Any) -> None:
        paragraph = _Paragraph(p)
        _read(paragraph)
        if not any(ch.isalnum() for ch in paragraph.source) and not paragraph.revisions:
            return
        kind, level = _kind(p)
        self._paragraphs.append(paragraph)
        text = " ".join(paragraph.source.split())
        self.blocks.append(
            Block(text, kind, f"{kind} {len(self._paragraphs)}", level, len(self._paragraphs) - 1)
        )

    def write(self, path: str | Path, translated: list[Translated], target_lang: str = "en") -> None:
        """Put each translation into its paragraph, accept the tracked changes, and save to `path`."""
        from lxml import etree

        done = set()
        for item in translated:
            paragraph = self._paragraphs[item.block.ref]
            _rebuild(paragraph, respace(item.text, paragraph.source.strip()))
            done.add(item.block.ref)
        for number, paragraph in enumerate(self._paragraphs):
            if number not in done:
                _rebuild(paragraph, paragraph.source.strip())  # change marks out, all else as it was
        for root in self._roots.values():
            for region in list(root.iter(f"{{{TEXT}}}tracked-changes")):
                region.getparent().remove(region)
            for mark in list(root.iter(*_CHANGE_MARKS)):  # any left outside the paragraphs read
                _drop_keeping_tail(mark)
        changed = {name for name, root in self._roots.items() if _holds(root, self._paragraphs)}
        parts = {
            name: etree.tostring(root, xml_declaration=True, encoding="UTF-8")
            for name, root in self._roots.items()
            if name in changed or name == "content.xml" and self.revisions
        }
        with zipfile.ZipFile(self._path) as source, zipfile.ZipFile(path, "w") as out:
            for info in source.infolist():
                out.writestr(info, parts.get(info.filename) or source.read(info.filename))


def _holds(root: Any, paragraphs: list[_Paragraph]) -> bool:
    """Whether a part holds a paragraph that was read (and so rebuilt): else it is written as it was."""
    return any(p.element.getroottree().getroot() is root for p in paragraphs)


def _drop_keeping_tail(element: Any) -> None:
    parent = element.getparent()
    tail = element.tail or ""
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)
