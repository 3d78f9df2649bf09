"""Reading XML files (TBX, TMX) safely, whole or streamed, in whatever encoding they come in.

One set of parser settings for every XML input: no network, no external DTD or entities (only
entities the document declares itself are expanded), no huge trees. A byte-order mark for UTF-16
or UTF-32, or an explicit ``--encoding``, is honoured by transcoding to UTF-8 on the fly (libxml2
would otherwise trust the XML declaration); otherwise libxml2 reads the declared encoding.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from typing import BinaryIO

from lxml import etree

from ..errors import VertaalError
from .files import CHUNK, text_encoding

_SETTINGS = {"resolve_entities": "internal", "no_network": True, "load_dtd": False, "huge_tree": False}


def local(tag: object) -> str:
    """The local name of an element's tag ('' for comments, processing instructions, entities)."""
    return etree.QName(tag).localname if isinstance(tag, str) else ""


class _Utf8Reader:
    """A binary stream that reads another one in `encoding` and gives UTF-8."""

    def __init__(self, handle: BinaryIO, encoding: str, head: bytes) -> None:
        self._handle = handle
        self._decoder = codecs.getincrementaldecoder(encoding)()
        self._pending = self._decoder.decode(head).encode("utf-8")

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._pending) < size:
            chunk = self._handle.read(CHUNK)
            self._pending += self._decoder.decode(chunk, final=not chunk).encode("utf-8")
            if not chunk:
                break
        if size < 0:
            size = len(self._pending)
        out, self._pending = self._pending[:size], self._pending[size:]
        return out


def _source(head: bytes, encoding: str) -> tuple[str | None, int]:
    """The encoding to transcode from (None: let libxml2 read the file as declared), and the mark to skip."""
    chosen, skip = text_encoding(head, encoding)
    if chosen.lower().replace("_", "-") in ("utf-8", "utf8") and skip in (0, 3):
        return None, 0
    return chosen, skip


def _syntax_error(name: str, exc: etree.XMLSyntaxError, error: type[VertaalError]) -> VertaalError:
    line = exc.lineno or (exc.position[0] if exc.position else 0)
    message = " ".join(str(exc.msg).split())  # libxml2's can run over two lines
    message = re.sub(r"[ ,]*line \d+, column \d+$", "", message).rstrip(" ,")
    return error(f"{name}:{line}: not well-formed XML: {message}")


def parse(name: str, data: bytes, error: type[VertaalError], encoding: str = "utf-8"):
    """The root element of an XML document held in `data`; malformed XML raises `error` with file:line."""
    source, skip = _source(data[:4], encoding)
    try:
        if source is None:
            return etree.fromstring(data, etree.XMLParser(**_SETTINGS))
        text = data[skip:].decode(source).encode("utf-8")
        return etree.fromstring(text, etree.XMLParser(encoding="utf-8", **_SETTINGS))
    except LookupError as exc:
        raise error(f"unknown encoding {encoding!r}; try utf-8, utf-16 or latin-1") from exc
    except UnicodeDecodeError as exc:
        raise error(f"{name} is not valid {source} (near byte {exc.start}); pass --encoding") from exc
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(name, exc, error) from exc


def iterparse(
    name: str, handle: BinaryIO, tags: tuple[str, ...], error: type[VertaalError], encoding: str = "utf-8"
) -> Iterator[tuple[str, object]]:
    """Stream ('root', element) for the root, then ('start'|'end', element) for the elements named
    in `tags` (local names, any namespace). The caller clears what it has used.

    Malformed XML raises `error` with file:line, at the point where it is found.
    """
    head = handle.read(4)
    source, skip = _source(head, encoding)
    try:
        stream = _Utf8Reader(handle, source, head[skip:]) if source else _Prefixed(head, handle)
    except LookupError as exc:
        raise error(f"unknown encoding {encoding!r}; try utf-8, utf-16 or latin-1") from exc
    events = etree.iterparse(
        stream, events=("start", "end"), encoding="utf-8" if source else None, **_SETTINGS
    )
    wanted = set(tags)
    try:
        for event, element in events:
            if event == "start" and element.getparent() is None:
                yield "root", element
            if local(element.tag) in wanted:
                yield event, element
    except UnicodeDecodeError as exc:
        raise error(f"{name} is not valid {source} (near byte {exc.start}); pass --encoding") from exc
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(name, exc, error) from exc


class _Prefixed:
    """`handle` with `head` (bytes already read from it) put back in front."""

    def __init__(self, head: bytes, handle: BinaryIO) -> None:
        self._head = head
        self._handle = handle

    def read(self, size: int = -1) -> bytes:
        if not self._head:
            return self._handle.read(size)
        if 0 <= size <= len(self._head):
            out, self._head = self._head[:size], self._head[size:]
            return out
        head, self._head = self._head, b""
        return head + self._handle.read(-1 if size < 0 else size - len(head))
