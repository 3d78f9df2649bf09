"""HTML (lxml.html): translate the running text of block elements in place, every tag kept.

The one HTML reader and writer: ``vertaal translate page.html`` and the server's ``/translate``
with ``format=html`` both use it.

A block is a run of text and inline content inside a block element (``<p>``, ``<h2>``, ``<li>``,
``<td>``...), up to the next block child or untouched element. Its inline content travels through
the same inline codes as XLIFF (`vertaal.text.markup`): an inline element that holds text
(``<b>``, ``<a>``, ``<em>``, ``<span>``...) is a pair of codes around its words, and an element
that holds none (``<br>``, ``<img>``, ``<code>``, an image link, an ``<area>``) is a standalone
code, copied whole. The decoder places every code once, nested as in the source, so nothing is
dropped. ``script``, ``style``, ``pre``, ``textarea`` and anything marked ``translate="no"`` are
left untouched; ``alt`` and ``title`` attributes are translated; the ``lang`` of ``<html>``
becomes the target language.

A page is written back as UTF-8 and declares it (a ``<meta charset>`` is added where it had
none); a fragment (no ``<html>``, ``<head>`` or ``<body>``) stays a fragment. A page declared
UTF-7 is refused (it can hide markup in harmless-looking text), and so is one nested deeper than
400 elements (or than the parser follows), rather than losing the text below that depth.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..text.codes import respace
from ..text.files import read_bytes, sniff_bom, utf16_hint
from ..text.reflow import strip_control
from .blocks import Block, Translated

BLOCKS = {
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
    "h6", "header", "hr", "html", "legend", "li", "main", "map", "nav", "ol", "p", "section", "summary",
    "table", "tbody", "td", "tfoot", "th", "thead", "title", "tr", "ul", "head", "option", "label", "button",
    "select", "optgroup", "menu", "hgroup", "search",
}  # fmt: skip
UNTOUCHED_BLOCKS = {"script", "style", "pre", "textarea", "svg", "math", "template", "noscript"}
VERBATIM = {"code", "kbd", "samp", "var"}  # inline, never translated: standalone codes
ATTRIBUTES = ("alt", "title")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_WHOLE = re.compile(r"<(?:!doctype|html|head|body)[\s>/]", re.IGNORECASE)
_DOCTYPE = re.compile(r"<!doctype[^>]*>", re.IGNORECASE)
_KINDS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_HOLDER = "vertaal-segment"  # the temporary element a block's inline content is read from
MAX_DEPTH = 400  # nesting followed; a real page stays far below, and deeper would exhaust the stack


def _tag(element) -> str:
    return element.tag.lower() if isinstance(element.tag, str) else ""


def _untouched(element) -> bool:
    return _tag(element) in UNTOUCHED_BLOCKS or (element.get("translate") or "").lower() == "no"


def _wraps(element) -> bool:
    """Whether an inline element wraps words to translate (then its codes are a pair)."""
    if _tag(element) in VERBATIM or _untouched(element):
        return False
    return any(text.strip() for text in element.itertext())


def _decode(name: str, data: bytes, encoding: str | None) -> str:
    """The page's text: --encoding, else a byte-order mark, else <meta charset>, else UTF-8."""
    found = sniff_bom(data[:4])
    declared = _CHARSET.search(data[:4096])
    chosen = encoding or (found[0] if found else None)
    if not chosen and not declared:
        hint = utf16_hint(name, data)
        if hint:
            raise hint
    chosen = chosen or (declared.group(1).decode("ascii", "replace") if declared else "utf-8")
    try:
        codec = codecs.lookup(chosen)
    except LookupError as exc:
        raise InputError(
            f"{name}: unknown encoding {chosen!r}; pass --encoding, e.g. --encoding cp1252"
        ) from exc
    if codec.name == "utf-7":
        raise InputError(
            f"{name} is declared UTF-7, which can hide markup in plain-looking text; "
            "save it as UTF-8 (or pass --encoding utf-8 if it is)"
        )
    try:
        return data[found[1] if found and not encoding else 0 :].decode(chosen)
    except UnicodeDecodeError as exc:
        hint = utf16_hint(name, data)
        if hint and not found:
            raise hint from exc
        raise InputError(
            f"{name} is not valid {chosen} (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "pass --encoding, e.g. --encoding cp1252"
        ) from exc


class _Segment:
    """Where a block's text lives: the holder of its first text (an element's text or a child's
    tail) and the inline children that follow it."""

    __slots__ = ("parent", "holder", "inline", "source")

    def __init__(self, parent, holder) -> None:
        self.parent = parent
        self.holder = holder  # ("text", parent) or ("tail", child)
        self.inline: list = []
        self.source = ""  # the text with codes, as read (spaces at its edges included)

    def first(self) -> str:
        where, holder = self.holder
        return (holder.text if where == "text" else holder.tail) or ""

    def read(self) -> tuple[str, dict]:
        """The text with its inline codes, and what each code stands for (read from the live
        tree: on writing, with the attributes translated by then)."""
        from ..text.markup import read

        return read(_gathered(self.first(), self.inline), _wraps)


# Control characters that HTML parsers keep but lxml's tree cannot hold: held in the private-use
# plane while the page is read and translated, and written back as they were.
_CONTROLS = [c for c in range(32) if chr(c) not in "\t\n\r"]
_HIDE = {c: 0xF0000 + c for c in _CONTROLS}
_SHOW = {0xF0000 + c: c for c in _CONTROLS}


class HtmlDocument:
    """An HTML page or fragment read into blocks, written back with the translations in place."""

    suffix = ".html"

    def __init__(self, path: str, encoding: str | None = None) -> None:
        data = read_bytes(path)
        self._load(path, _decode(path, data, encoding))

    @classmethod
    def from_text(cls, text: str, name: str = "the HTML") -> HtmlDocument:
        """A page or fragment given as text (the server's ``format=html``)."""
        document = cls.__new__(cls)
        document._load(name, text)
        return document

    def _load(self, name: str, text: str) -> None:
        import lxml.html

        text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text).translate(_HIDE)
        self._whole = bool(_WHOLE.search(text[:4096]))
        doctype = _DOCTYPE.search(text[:4096])
        self._doctype = doctype.group(0) if doctype else None
        parser = lxml.html.HTMLParser(huge_tree=True)
        try:
            if self._whole:
                self._tree = lxml.html.document_fromstring(text, parser=parser)
            else:
                self._tree = lxml.html.fragment_fromstring(text, create_parent="div", parser=parser)
        except Exception as exc:  # lxml raises ParserError for an empty or odd document
            raise InputError(f"{name} cannot be read as HTML ({exc})") from exc
        deep = [e for e in parser.error_log if "depth" in e.message.lower()]
        if deep:
            raise InputError(
                f"{name}: elements nested deeper than the HTML parser follows (line {deep[0].line}); "
                "nothing written, as the text below that depth would be lost"
            )
        depth = _depth(self._tree)
        if depth > MAX_DEPTH:
            raise InputError(
                f"{name}: elements nested {depth} deep; vertaal follows {MAX_DEPTH} (nothing written)"
            )
        self._segments: list[_Segment] = []
        self._attributes: list[tuple[object, str]] = []
        self.blocks: list[Block] = []
        self._walk(self._tree, "paragraph", 0)

    def _walk(self, element, kind: str, level: int) -> None:
        if _untouched(element):
            return
        tag = _tag(element)
        kind, level = (("heading", _KINDS[tag]) if tag in _KINDS else
                       ("item", 0) if tag == "li" else ("cell", 0) if tag in ("td", "th") else
                       ("caption", 0) if tag in ("caption", "figcaption") else (kind, level))  # fmt: skip
        self._add_attributes(element)
        segment = _Segment(element, ("text", element))
        for child in element:
            if not isinstance(child.tag, str) or _tag(child) in BLOCKS or _untouched(child):
                # a comment or processing instruction also ends the block: it stays where it is
                self._close(segment, kind, level)
                if isinstance(child.tag, str):
                    self._walk(child, kind, level)
                segment = _Segment(element, ("tail", child))
            else:
                segment.inline.append(child)
                for inner in child.iter():
                    if isinstance(inner.tag, str):
                        self._add_attributes(inner)
        self._close(segment, kind, level)

    def _add_attributes(self, element) -> None:
        for name in ATTRIBUTES:
            value = element.get(name)
            if value and value.strip() and _tag(element) not in ("html", "head"):
                self._attributes.append((element, name))
                self.blocks.append(
                    Block(" ".join(value.split()), "caption", f"<{_tag(element)}> {name}", 0, None)
                )

    def _close(self, segment: _Segment, kind: str, level: int) -> None:
        if _tag(segment.parent) in ("html", "head"):
            return
        if not segment.first().strip() and not any(
            isinstance(c.tag, str) and "".join(c.itertext()).strip() and not _untouched(c)
            for c in segment.inline
        ):
            return  # no words: left exactly as it is
        segment.source, _ = segment.read()
        self._segments.append(segment)
        place = f"<{_tag(segment.parent)}> {len(self._segments)}"
        text = " ".join(segment.source.split())
        self.blocks.append(Block(text, kind, place, level, ("segment", len(self._segments) - 1)))

    def write(self, path: str | Path, translated: list[Translated], target_lang: str = "en") -> None:
        """Put the translations back and write the page as UTF-8."""
        Path(path).write_text(self.serialise(translated, target_lang), encoding="utf-8")

    def serialise(self, translated: list[Translated], target_lang: str = "en") -> str:
        """The page (or fragment) with the translations in place, as text."""
        import lxml.html

        attributes = iter(self._attributes)
        for item in translated:
            if item.block.ref is None:
                element, name = next(attributes)
                element.set(name, item.text)
        for item in translated:
            if item.block.ref is not None:
                self._replace(self._segments[item.block.ref[1]], item.text)
        if not self._whole:
            root = self._tree
            html = (root.text or "") + "".join(lxml.html.tostring(c, encoding="unicode") for c in root)
            return html.translate(_SHOW)
        self._tree.set("lang", target_lang)
        _declare_utf8(self._tree)
        html = lxml.html.tostring(self._tree, encoding="unicode")
        return ((self._doctype + "\n" if self._doctype else "") + html + "\n").translate(_SHOW)

    @staticmethod
    def _replace(segment: _Segment, target: str) -> None:
        from ..text.markup import rewritten

        source, codes = segment.read()
        holder_element = rewritten(source, respace(target, source.strip()), codes)
        where, holder = segment.holder
        parent = segment.parent
        position = 0 if where == "text" else list(parent).index(holder) + 1
        for child in segment.inline:
            parent.remove(child)
        if where == "text":
            parent.text = holder_element.text
        else:
            holder.tail = holder_element.text
        for offset, child in enumerate(list(holder_element)):
            parent.insert(position + offset, child)


def _gathered(text: str, inline: list) -> Any:
    """A temporary element holding `text` and copies of the inline children (tails included)."""
    import copy

    from lxml import etree

    holder = etree.Element(_HOLDER)
    holder.text = strip_control(text)
    for child in inline:
        twin = copy.deepcopy(child)
        for node in twin.iter():  # the HTML parser keeps control characters that XML refuses
            node.text = strip_control(node.text) if isinstance(node.text, str) else node.text
            node.tail = strip_control(node.tail) if node.tail else node.tail
        holder.append(twin)
    return holder


def _declare_utf8(root) -> None:
    """Every charset declaration says UTF-8, and a page without one gets ``<meta charset>``."""
    from lxml import etree

    declared = False
    for meta in root.iter("meta"):
        if meta.get("charset"):
            meta.set("charset", "utf-8")
            declared = True
        elif "charset" in (meta.get("content") or "").lower():
            meta.set("content", "text/html; charset=utf-8")
            declared = True
    if declared:
        return
    head = root.find("head")
    if head is None:
        head = etree.Element("head")
        root.insert(0, head)
        head.tail = "\n"
    meta = etree.Element("meta", charset="utf-8")
    meta.tail = head.text
    head.text = head.text if head.text and not head.text.strip() else None
    head.insert(0, meta)


def _depth(root) -> int:
    """How deep elements nest under `root` (counted without recursion)."""
    deepest, stack = 0, [(root, 1)]
    while stack:
        element, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in element)
    return deepest
