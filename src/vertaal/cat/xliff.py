"""XLIFF 1.2 (with Trados SDLXLIFF and memoQ MQXLIFF) and XLIFF 2.x, read with translate-toolkit.

translate-toolkit parses the file and gives its units and their states; vertaal reads and writes
the units' inline content itself (:mod:`vertaal.text.markup`) on the same lxml tree, and writes
the tree back with the file's own XML declaration, byte-order mark and everything before the
root element. (translate-toolkit's own writer re-indents the whole file, which changes text where
whitespace matters, and fails on a comment inside a unit.)

What is read as what:

* XLIFF 1.2: a ``<trans-unit>`` is one segment, or, when its ``<seg-source>`` holds
  ``<mrk mtype="seg">`` segments (Trados, Okapi), one segment per ``mrk``, written into the
  ``mrk`` of the same ``mid`` in ``<target>``. Locked: ``translate="no"``, Trados
  ``sdl:seg locked="true"``, memoQ ``mq:locked``. Final: ``approved="yes"``, target
  ``state="final"`` or ``"signed-off"``, Trados ``conf="ApprovedTranslation"`` or
  ``"ApprovedSignOff"``, memoQ ``mq:status`` confirmed or proofread.
* XLIFF 2.x: each ``<segment>``; locked by ``translate="no"`` on it or an ancestor; final when
  ``state="final"`` or ``"reviewed"``.

Machine output is marked: 1.2 ``state="needs-review-translation"`` with
``state-qualifier="mt-suggestion"`` (Trados: ``conf="Draft" origin="mt"``; memoQ:
``mq:status="MachineTranslated"``); 2.x ``state="translated"``.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

from lxml import etree

from ..errors import InputError
from ..languages import primary
from ..text.markup import local as tag_name
from ..text.markup import read as read_inline
from ..text.markup import write as write_inline
from .segments import DRAFT, FINAL, NEW, Segment

SDL = "http://sdl.com/FileTypes/SdlXliff/1.0"
MEMOQ = "MQXliff"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FINAL_STATES_1 = {"final", "signed-off"}
FINAL_SDL = {"ApprovedTranslation", "ApprovedSignOff"}
FINAL_MEMOQ = {"ManuallyConfirmed", "Reviewer1Confirmed", "Reviewer2Confirmed", "Proofread"}
FINAL_STATES_2 = {"final", "reviewed"}
_ROOT = re.compile(rb"<(?:[\w.-]+:)?xliff[\s>]")


def local(element: Any) -> str:
    return tag_name(element.tag)


def children(element: Any, name: str) -> list[Any]:
    return [c for c in element if isinstance(c.tag, str) and local(c) == name]


def child(element: Any, name: str) -> Any:
    found = children(element, name)
    return found[0] if found else None


class _XliffBase:
    """What both versions share: the parse, the languages, and writing the tree back."""

    dialect = "XLIFF"

    def __init__(self, path: Path, data: bytes, store: Any) -> None:
        self.path = path
        self.store = store
        self.tree = store.document
        self.root = self.tree.getroot()
        match = _ROOT.search(data)
        self._prolog = data[: match.start()] if match else b""
        self._encoding = self.tree.docinfo.encoding or "UTF-8"
        self._data = data
        self._root_attributes = dict(self.root.attrib)
        self._changed: list[Any] = []  # the units whose content changed, to splice into the bytes
        self.segments: list[Segment] = []

    unit_name = "trans-unit"

    def changed(self, unit: Any) -> None:
        """Mark a unit as changed: on saving, it is written anew and spliced into the original bytes."""
        if all(unit is not other for other in self._changed):
            self._changed.append(unit)

    def save(self, path: str | Path) -> None:
        """Write the file: the original bytes with each changed unit spliced in (everything else,
        line endings, quoting, entities and the last newline included, as it was); the whole tree
        when a unit cannot be found in the bytes (a unit's tag inside a comment, say)."""
        from ..text.files import save_atomic

        data = self._spliced()
        if data is None:
            body = etree.tostring(self.root, encoding=self._encoding, xml_declaration=False)
            after = b"".join(
                etree.tostring(sibling, encoding=self._encoding) for sibling in _following(self.root)
            )
            data = self._prolog + body + after + b"\n"
        save_atomic(path, lambda tmp: Path(tmp).write_bytes(data))

    def _spliced(self) -> bytes | None:
        data = self._data
        if self._encoding.lower().replace("-", "") not in ("utf8", "ascii", "usascii"):
            return None  # the byte patterns below are ASCII-compatible encodings' only
        name = self.unit_name.encode()
        units = [e for e in self.root.iter() if isinstance(e.tag, str) and local(e) == self.unit_name]
        starts = [m.start() for m in re.finditer(rb"<(?:[\w.-]+:)?" + name + rb"[\s/>]", data)]
        if len(starts) != len(units):
            return None
        position = {id(unit): n for n, unit in enumerate(units)}
        pieces, cursor = [], 0
        for unit in sorted(self._changed, key=lambda u: position[id(u)]):
            start = starts[position[id(unit)]]
            end = _end_of(data, start, name)
            if end is None or start < cursor:
                return None
            pieces += [data[cursor:start], self._written(unit, b"\r\n" in data)]
            cursor = end
        pieces.append(data[cursor:])
        out = b"".join(pieces)
        for key, value in self.root.attrib.items():  # an attribute set on the root (XLIFF 2 trgLang)
            if key not in self._root_attributes:
                out = _add_root_attribute(out, key, value)
        return out

    def _written(self, unit: Any, crlf: bool) -> bytes:
        """A unit serialised, without the namespace declarations its ancestors already make."""
        raw = etree.tostring(unit, encoding=self._encoding, xml_declaration=False, with_tail=False)
        head, rest = raw.split(b">", 1)
        for prefix, uri in (unit.getparent().nsmap if unit.getparent() is not None else {}).items():
            declaration = f' xmlns="{uri}"' if prefix is None else f' xmlns:{prefix}="{uri}"'
            head = head.replace(declaration.encode(), b"", 1)
        raw = head + b">" + rest
        return raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n") if crlf else raw


def _end_of(data: bytes, start: int, name: bytes) -> int | None:
    """Where the element whose start tag begins at `start` ends (its end tag; units do not nest)."""
    close = data.find(b">", start)
    if close < 0:
        return None
    if data[close - 1 : close] == b"/":
        return close + 1
    end = re.compile(rb"</(?:[\w.-]+:)?" + name + rb"\s*>").search(data, close)
    return end.end() if end else None


def _add_root_attribute(data: bytes, key: str, value: str) -> bytes:
    match = _ROOT.search(data)
    if match is None or key.startswith("{"):
        return data
    close = data.find(b">", match.start())
    at = close - 1 if data[close - 1 : close] == b"/" else close
    quoted = value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return data[:at] + f' {key}="{quoted}"'.encode() + data[at:]


def _following(element: Any) -> list[Any]:
    out = []
    sibling = element.getnext()
    while sibling is not None:
        out.append(sibling)
        sibling = sibling.getnext()
    return out


class Xliff1(_XliffBase):
    """An XLIFF 1.2 file (also SDLXLIFF and MQXLIFF)."""

    def __init__(self, path: Path, data: bytes) -> None:
        from translate.storage import xliff

        super().__init__(path, data, xliff.xlifffile.parsestring(data))
        for unit in self.store.units:  # translate-toolkit gives a unit without an id an empty one
            if unit.xmlelement.get("id") == "":
                del unit.xmlelement.attrib["id"]
        files = [f for f in self.root if isinstance(f.tag, str) and local(f) == "file"]
        first = files[0] if files else self.root
        self.source_lang = primary(first.get("source-language") or "")
        self.target_lang = primary(first.get("target-language") or "")
        names = self.root.nsmap.values()
        self.dialect = "SDLXLIFF" if SDL in names else "MQXLIFF" if MEMOQ in names else "XLIFF 1.2"
        for index, unit in enumerate(self.store.units, 1):
            self.segments += self._segments(unit.xmlelement, unit, str(index))

    def _segments(self, element: Any, unit: Any, fallback: str) -> list[Segment]:
        ident = element.get("id") or fallback
        locked = not unit.istranslatable() or element.get(f"{{{MEMOQ}}}locked") in ("locked", "true")
        target = child(element, "target")
        marks = _seg_marks(child(element, "seg-source"))
        if not marks:
            source, codes = read_inline(child(element, "source"))
            text, target_codes = read_inline(target)
            state = self._unit_state(element, target, text)
            return [Segment(ident, source, text, codes, target_codes, state, locked, (element, None))]
        segments = []
        for mark in marks:
            mid = mark.get("mid") or ""
            source, codes = read_inline(mark)
            target_mark = _mark(target, mid)
            text, target_codes = read_inline(target_mark)
            state = self._unit_state(element, target, text)
            seg_locked = locked
            sdl = self._sdl_seg(element, mid)
            if sdl is not None:
                seg_locked = seg_locked or sdl.get("locked") == "true"
                conf = sdl.get("conf")
                state = FINAL if conf in FINAL_SDL else (DRAFT if text.strip() else NEW)
            handle = (element, mid)
            segments.append(
                Segment(f"{ident}#{mid}", source, text, codes, target_codes, state, seg_locked, handle)
            )
        return segments

    @staticmethod
    def _unit_state(element: Any, target: Any, text: str) -> str:
        status = element.get(f"{{{MEMOQ}}}status")
        if element.get("approved") == "yes" or status in FINAL_MEMOQ:
            return FINAL
        if target is not None and target.get("state") in FINAL_STATES_1:
            return FINAL
        return DRAFT if text.strip() else NEW

    @staticmethod
    def _sdl_seg(element: Any, mid: str) -> Any:
        for defs in element.iter(f"{{{SDL}}}seg-defs"):
            for seg in defs.iter(f"{{{SDL}}}seg"):
                if seg.get("id") == mid:
                    return seg
        return None

    def set_target(self, segment: Segment, target: str, note: str) -> None:
        element, mid = segment.handle
        if mid is None and self.dialect == "SDLXLIFF" and child(element, "seg-source") is None:
            mid = self._segment_unit(element, note.removeprefix("machine translation by "))
        target_el = child(element, "target")
        if target_el is None:
            target_el = self._new_target(element)
        if mid is None:
            write_inline(target_el, target, segment.codes)
        else:
            mark = _mark(target_el, mid)
            if mark is None:
                mark = etree.SubElement(target_el, etree.QName(element, "mrk").text, mtype="seg", mid=mid)
            write_inline(mark, target, segment.codes)
            sdl = self._sdl_seg(element, mid)
            if sdl is not None:
                sdl.set("conf", "Draft")
                sdl.set("origin", "mt")
                sdl.set("origin-system", note.removeprefix("machine translation by "))
                for stale in ("percent", "text-match"):
                    sdl.attrib.pop(stale, None)
        if self.dialect != "SDLXLIFF":
            target_el.set("state", "needs-review-translation")
            target_el.set("state-qualifier", "mt-suggestion")
            _provenance_note(element, note, target_el, annotates="target", **{"from": "vertaal"})
        if element.get(f"{{{MEMOQ}}}status") is not None:
            element.set(f"{{{MEMOQ}}}status", "MachineTranslated")
        self.changed(element)
        segment.target, segment.state = target, DRAFT

    @staticmethod
    def _segment_unit(element: Any, system: str) -> str:
        """Segment a Trados unit that is not segmented yet, as Trados does: the source as one
        ``mrk mtype="seg"`` in a ``seg-source``, and an ``sdl:seg`` for it in ``sdl:seg-defs``
        (marked as machine translation below); its id, "1"."""
        namespace = etree.QName(element).namespace
        inner, closing = element.text, element[-1].tail  # the indentation of children, and of </trans-unit>
        source = child(element, "source")
        seg_source = etree.Element(f"{{{namespace}}}seg-source" if namespace else "seg-source")
        mark = etree.SubElement(seg_source, etree.QName(element, "mrk").text, mtype="seg", mid="1")
        mark.text = source.text
        for node in source:
            mark.append(copy.deepcopy(node))
        source.addnext(seg_source)
        defs = next((d for d in element if isinstance(d.tag, str) and d.tag == f"{{{SDL}}}seg-defs"), None)
        if defs is None:
            defs = etree.SubElement(element, f"{{{SDL}}}seg-defs")
        for node in element[:-1]:
            if not (node.tail or "").strip():
                node.tail = inner
        element[-1].tail = closing
        seg = etree.SubElement(defs, f"{{{SDL}}}seg", id="1", conf="Draft", origin="mt")
        seg.set("origin-system", system)
        return "1"

    def _new_target(self, element: Any) -> Any:
        """A ``<target>`` right after ``<seg-source>`` or ``<source>``; for a segmented unit, a copy
        of the segmented source with every segment emptied."""
        source = child(element, "source")
        seg_source = child(element, "seg-source")
        anchor = seg_source if seg_source is not None else source
        target = etree.Element(etree.QName(element, "target").text)
        if source is not None and source.get(XML_LANG) and self.target_lang:
            target.set(XML_LANG, self.store.gettargetlanguage() or self.target_lang)
        if seg_source is not None and _seg_marks(seg_source):
            target.text = seg_source.text
            for node in seg_source:
                target.append(copy.deepcopy(node))
            for mark in _seg_marks(target):
                write_inline(mark, "", {})
        anchor.addnext(target)
        target.tail = anchor.tail
        if anchor.tail is not None and element.text is not None and not element.text.strip():
            anchor.tail = element.text  # the children's indentation (the closing tag keeps its own)
        return target


def _seg_marks(container: Any) -> list[Any]:
    if container is None:
        return []
    marks = (m for m in container.iter() if isinstance(m.tag, str) and local(m) == "mrk")
    return [m for m in marks if m.get("mtype") == "seg"]


def _mark(container: Any, mid: str) -> Any:
    return next((m for m in _seg_marks(container) if m.get("mid") == mid), None)


class Xliff2(_XliffBase):
    """An XLIFF 2.x file: one segment per ``<segment>``."""

    dialect = "XLIFF 2"
    unit_name = "unit"

    def __init__(self, path: Path, data: bytes) -> None:
        from translate.storage import xliff2

        super().__init__(path, data, xliff2.Xliff2File.parsestring(data))
        self.source_lang = primary(self.root.get("srcLang") or "")
        self.target_lang = primary(self.root.get("trgLang") or "")
        for index, unit in enumerate(self.store.units, 1):
            element = unit.xmlelement
            parent = element.getparent()
            ident = (parent.get("id") if parent is not None else None) or str(index)
            if element.get("id"):
                ident += "#" + element.get("id")
            locked = any(a.get("translate") == "no" for a in [element, *element.iterancestors()])
            source, codes = read_inline(child(element, "source"))
            text, target_codes = read_inline(child(element, "target"))
            state = FINAL if element.get("state") in FINAL_STATES_2 and text.strip() else DRAFT
            state = state if text.strip() else NEW
            self.segments.append(Segment(ident, source, text, codes, target_codes, state, locked, element))

    def set_target(self, segment: Segment, target: str, note: str) -> None:
        element = segment.handle
        target_el = child(element, "target")
        if target_el is None:
            source = child(element, "source")
            target_el = etree.Element(etree.QName(element, "target").text)
            source.addnext(target_el)
            target_el.tail = source.tail
        write_inline(target_el, target, segment.codes)
        element.set("state", "translated")
        unit = next((a for a in element.iterancestors() if tag_name(a.tag) == "unit"), None)
        if unit is not None:
            notes = child(unit, "notes")
            if notes is None:  # before originalData and the segments, as the schema orders them
                notes = etree.Element(etree.QName(unit, "notes").text)
                first = next(c for c in unit if tag_name(c.tag) in ("originalData", "segment", "ignorable"))
                first.addprevious(notes)
                notes.tail = unit.text if unit.text is not None and not unit.text.strip() else None
            _provenance_note(notes, note, None, category="vertaal", appliesTo="target")
        if not self.root.get("trgLang") and self.target_lang:
            self.root.set("trgLang", self.target_lang)
        self.changed(element.getparent() if element.getparent() is not None else element)
        segment.target, segment.state = target, DRAFT


def _provenance_note(parent: Any, text: str, after: Any, **attributes: str) -> None:
    """One ``<note>`` in `parent` saying which model wrote the machine translation (its id and
    revision, never a local path), after `after` (else last); the one an earlier run wrote (the
    note with these attributes) is replaced. Indented as `parent`'s other children are."""
    for old in [c for c in parent if tag_name(c.tag) == "note" and _has(c, attributes)]:
        previous = old.getprevious()
        if previous is not None:
            previous.tail = old.tail
        else:
            parent.text = old.tail
        parent.remove(old)
    note = etree.Element(etree.QName(parent, "note").text, attributes)
    note.text = text
    place = after if after is not None and after.getparent() is parent else None
    if place is None and len(parent):
        place = parent[-1]
    if place is None:
        parent.append(note)
        return
    note.tail, place.tail = place.tail, parent.text if place.tail is not None else None
    place.addnext(note)


def _has(element: Any, attributes: dict[str, str]) -> bool:
    return all(element.get(name) == value for name, value in attributes.items())


def open_xliff(path: Path, data: bytes) -> Xliff1 | Xliff2:
    """An XLIFF file of either version; one-line errors for what cannot be read."""
    from ..text.xmlfiles import parse

    root = parse(str(path), data, InputError)
    if tag_name(root.tag) != "xliff":
        raise InputError(f"{path}: not an XLIFF file (the root element is <{tag_name(root.tag)}>)")
    version = root.get("version") or ""
    namespace = etree.QName(root).namespace or ""
    if version.startswith("2.") or ":2." in namespace:
        reader: type[Xliff1] | type[Xliff2] = Xliff2
    elif version in ("1.0", "1.1", "1.2") or ":1." in namespace or not version:
        reader = Xliff1
    else:
        raise InputError(f"{path}: XLIFF version {version} is not supported (1.2 and 2.x are)")
    try:
        return reader(path, data)
    except (ValueError, etree.XMLSyntaxError, AssertionError) as error:
        raise InputError(f"{path}: cannot read this XLIFF file ({error})") from error
