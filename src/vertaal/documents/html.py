"""HTML (lxml.html): translate the running text of block elements in place.

A block is a run of text and inline elements (``<b>``, ``<a>``, ``<em>``, ``<span>``...) inside a
block element (``<p>``, ``<h2>``, ``<li>``, ``<td>``...), up to the next block child, ``<br>``,
``<img>`` or untouched element. Inline elements become spans that `documents.inline` places on
the translation where it can. ``script``, ``style``, ``code``, ``pre``, ``textarea`` and anything
marked ``translate="no"`` are left untouched (inline ``<code>`` too: the text around it is
translated as separate pieces, so the code is never lost or changed); ``alt`` and ``title``
attributes are translated; the ``lang`` of ``<html>`` becomes the target language. The file is
written back as UTF-8.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from ..errors import InputError
from ..text.files import read_bytes, sniff_bom
from .blocks import Block, TextBuilder, Translated

BLOCKS = {
    "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "dialog", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "html", "legend", "li", "main", "nav", "ol", "p", "section", "summary", "table", "tbody", "td",
    "tfoot", "th", "thead", "title", "tr", "ul", "head", "option", "label", "button",
}  # fmt: skip
UNTOUCHED_BLOCKS = {"script", "style", "pre", "textarea", "svg", "math", "template", "noscript"}
UNTOUCHED = UNTOUCHED_BLOCKS | {"code", "kbd", "samp", "var"}
BREAKS = {"br", "img", "input", "wbr", "iframe", "video", "audio", "object", "embed", "select"}
ATTRIBUTES = ("alt", "title")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_KINDS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}


def _tag(element) -> str:
    return element.tag.lower() if isinstance(element.tag, str) else ""


def _untouched(element) -> bool:
    return _tag(element) in UNTOUCHED or (element.get("translate") or "").lower() == "no"


def _decode(name: str, data: bytes, encoding: str | None) -> str:
    """The page's text: --encoding, else a byte-order mark, else <meta charset>, else UTF-8."""
    found = sniff_bom(data[:4])
    declared = _CHARSET.search(data[:4096])
    chosen = encoding or (found[0] if found else None)
    chosen = chosen or (declared.group(1).decode("ascii", "replace") if declared else "utf-8")
    try:
        codecs.lookup(chosen)
    except LookupError as exc:
        raise InputError(
            f"{name}: unknown encoding {chosen!r}; pass --encoding, e.g. --encoding cp1252"
        ) from exc
    try:
        return data[found[1] if found and not encoding else 0 :].decode(chosen)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name} is not valid {chosen} (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "pass --encoding, e.g. --encoding cp1252"
        ) from exc


class _Segment:
    """Where a block's text lives: the holder of its first text (an element's text or a child's
    tail), and the inline children that follow it."""

    __slots__ = ("parent", "holder", "inline", "lead", "trail")

    def __init__(self, parent, holder) -> None:
        self.parent = parent
        self.holder = holder  # ("text", parent) or ("tail", child)
        self.inline: list = []
        self.lead = self.trail = ""  # a space before or after the text, kept around the translation


class HtmlDocument:
    suffix = ".html"

    def __init__(self, path: str, encoding: str | None = None) -> None:
        import lxml.html

        data = read_bytes(path)
        text = _decode(path, data, encoding)
        try:
            self._tree = lxml.html.document_fromstring(re.sub(r"^\s*<\?xml[^>]*\?>", "", text))
        except Exception as exc:  # lxml raises ParserError for an empty or odd document
            raise InputError(f"{path} cannot be read as HTML ({exc})") from exc
        self._doctype = self._tree.getroottree().docinfo.doctype or "<!DOCTYPE html>"
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
        for name in ATTRIBUTES:
            value = element.get(name)
            if value and value.strip():
                self._attributes.append((element, name))
                self.blocks.append(Block(" ".join(value.split()), "caption", f"<{tag}> {name}", 0, [], None))
        segment = _Segment(element, ("text", element))
        for child in element:
            if not isinstance(child.tag, str):
                continue  # a comment or processing instruction stays where it is
            child_tag = _tag(child)
            if child_tag in BLOCKS or child_tag in BREAKS or _untouched(child):
                self._close(segment, kind, level)
                self._walk(child, kind, level)
                segment = _Segment(element, ("tail", child))
            else:
                segment.inline.append(child)
                self._inline_attributes(child)
        self._close(segment, kind, level)

    def _inline_attributes(self, element) -> None:
        for inner in element.iter():
            if not isinstance(inner.tag, str):
                continue
            for name in ATTRIBUTES:
                value = inner.get(name)
                if value and value.strip():
                    self._attributes.append((inner, name))
                    self.blocks.append(
                        Block(" ".join(value.split()), "caption", f"<{_tag(inner)}> {name}", 0, [], None)
                    )

    def _close(self, segment: _Segment, kind: str, level: int) -> None:
        builder = TextBuilder()
        where, holder = segment.holder
        builder.add((holder.text if where == "text" else holder.tail) or "")
        for child in segment.inline:
            self._add_inline(builder, child, ())
            builder.add(child.tail or "")
        text = builder.text()
        if not text or _tag(segment.parent) in ("html", "head"):
            return
        raw = ((holder.text if where == "text" else holder.tail) or "") + "".join(
            (c.text_content() if hasattr(c, "text_content") else "") + (c.tail or "") for c in segment.inline
        )
        segment.lead = " " if raw[:1].isspace() else ""
        segment.trail = " " if raw[-1:].isspace() else ""
        self._segments.append(segment)
        place = f"<{_tag(segment.parent)}> {len(self._segments)}"
        self.blocks.append(
            Block(text, kind, place, level, builder.spans, ("segment", len(self._segments) - 1))
        )

    def _add_inline(self, builder: TextBuilder, element, chain: tuple) -> None:
        key = (*chain, element)  # rebuilt on writing from the element, its attributes translated by then
        builder.add(element.text or "", key)
        for child in element:
            if isinstance(child.tag, str):
                self._add_inline(builder, child, key)
            builder.add(child.tail or "", key)

    def write(self, path: str | Path, translated: list[Translated], target_lang: str = "en") -> None:
        """Put the translations back and write the page as UTF-8, its `lang` the target language."""
        attributes = iter(self._attributes)
        for item in translated:
            if item.block.ref is None:
                element, name = next(attributes)
                element.set(name, item.text)
        for item in translated:
            if item.block.ref is not None:
                self._replace(self._segments[item.block.ref[1]], item)
        self._tree.set("lang", target_lang)
        for meta in self._tree.iter("meta"):
            if meta.get("charset"):
                meta.set("charset", "utf-8")
            elif "charset" in (meta.get("content") or "").lower():
                meta.set("content", "text/html; charset=utf-8")
        import lxml.html

        html = lxml.html.tostring(self._tree, encoding="unicode", doctype=self._doctype)
        Path(path).write_text(html + "\n", encoding="utf-8")

    @staticmethod
    def _replace(segment: _Segment, item: Translated) -> None:
        from lxml import etree

        where, holder = segment.holder
        for child in segment.inline:
            segment.parent.remove(child)
        text = segment.lead + item.text + segment.trail
        shift = len(segment.lead)
        spans = [(span.start + shift, span.end + shift, span.key) for span in item.spans]
        starts = [start for start, _, _ in spans] + [len(text)]
        head = text[: starts[0]]
        if where == "text":
            holder.text = head
            position = 0
        else:
            holder.tail = head
            position = list(segment.parent).index(holder) + 1
        for offset, (start, end, key) in enumerate(spans):
            element = _build(key, text[start:end], etree)
            element.tail = text[end : starts[offset + 1]]
            segment.parent.insert(position + offset, element)


def _shallow_copy(original):
    """The element with its attributes, without content (copied: the HTML parser accepts tag names
    that lxml's element factory would refuse)."""
    import copy

    element = copy.copy(original)
    for child in list(element):
        element.remove(child)
    element.text = element.tail = None
    return element


def _build(key: tuple, text: str, etree):
    """Nested inline elements for a span key (outermost first), holding `text`."""
    outer = inner = None
    for original in key:
        element = _shallow_copy(original)
        if outer is None:
            outer = element
        else:
            inner.append(element)
        inner = element
    inner.text = text
    return outer
