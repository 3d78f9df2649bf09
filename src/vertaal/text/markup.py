"""Inline markup of an XML or HTML element to text with code characters, and back.

XLIFF units (`vertaal.cat`) and HTML blocks (`vertaal.documents.html`) both go through it.

Every inline element becomes one code character (:mod:`vertaal.engine.placeholders`):

* elements that wrap translatable text (1.2 ``<g>``, ``<mrk>``; 2.x ``<pc>``, ``<mrk>``): an
  opening and a closing code around their content, which is read on;
* paired empty codes (1.2 ``<bpt>``/``<ept>`` by ``rid``/``i``/``id``, ``<bx>``/``<ex>``; 2.x
  ``<sc>``/``<ec startRef>``, ``<sm>``/``<em startRef>``): an opening and a closing code when
  both are in the segment, else a standalone one;
* everything else (``<x>``, ``<ph>``, ``<it>``, a protected ``<mrk>``, ``<cp>``, isolated
  codes, elements of other namespaces): a standalone code, copied whole with its content; an
  ordered one (kept in the source's order) where XLIFF 2 says ``canReorder="no"`` or ``firstNo``;
  a wrapping ``<pc>`` that says so is a pair of ordered codes (opening, then closing, in place).

Writing a target rebuilds the elements from the source's: wrapping elements as empty copies
that the translated content goes into, the others as whole copies. Nothing of a code is lost.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .codes import CLOSE, OPEN, ORDERED, STANDALONE, Code, code_char, kind_of

WRAPPING = {"g", "pc", "mrk"}
STARTS = {"bpt": "ept", "bx": "ex", "sc": "ec", "sm": "em"}
ENDS = {end: start for start, end in STARTS.items()}
PROTECTED = {"protected"}  # mrk types whose content is not translated (1.2 mtype, 2.x translate="no")


def local(tag: Any) -> str:
    """An element's name without its namespace ('' for a comment or processing instruction)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


@dataclass
class _Token:
    kind: str  # text, wrap-open, wrap-close, start, end, single
    element: Any = None
    text: str = ""
    key: str = ""


def _wraps(element: Any) -> bool:
    name = local(element.tag)
    if name not in WRAPPING:
        return False
    if name == "mrk" and (element.get("mtype") in PROTECTED or element.get("translate") == "no"):
        return False
    return True


def _key(element: Any) -> str:
    name = local(element.tag)
    if name in ("ec", "em"):
        return element.get("startRef") or element.get("id") or ""
    return element.get("rid") or element.get("i") or element.get("id") or ""


def _tokens(container: Any, wraps: Callable[[Any], bool] = _wraps) -> list[_Token]:
    tokens: list[_Token] = []
    if container.text:
        tokens.append(_Token("text", text=container.text))
    for child in container:
        if isinstance(child.tag, str):
            name = local(child.tag)
            if wraps(child):
                tokens.append(_Token("wrap-open", child))
                tokens += _tokens(child, wraps)
                tokens.append(_Token("wrap-close", child))
            elif name in STARTS and child.get("isolated") != "yes":
                tokens.append(_Token("start", child, key=f"{name}/{STARTS[name]}#{_key(child)}"))
            elif name in ENDS and child.get("isolated") != "yes":
                tokens.append(_Token("end", child, key=f"{ENDS[name]}/{name}#{_key(child)}"))
            else:
                tokens.append(_Token("single", child))
        # comments and processing instructions inside a segment are dropped from the text
        if child.tail:
            tokens.append(_Token("text", text=child.tail))
    return tokens


def _fixed(element: Any) -> bool:
    """XLIFF 2's canReorder="no" or "firstNo": the code may not move among the others."""
    return element.get("canReorder") in ("no", "firstNo")


def label(element: Any, closing: bool = False, wrapping: bool = False) -> str:
    """How a code reads in messages: ``<g id="1">``, ``</g>``, ``<x id="2"/>``."""
    name = local(element.tag) or "?"
    if closing:
        return f"</{name}>"
    ident = element.get("id") or element.get("rid") or element.get("i") or element.get("startRef")
    attribute = f' id="{ident}"' if ident else ""
    return f"<{name}{attribute}>" if wrapping or _wraps(element) else f"<{name}{attribute}/>"


def read(container: Any, wraps: Callable[[Any], bool] = _wraps) -> tuple[str, dict[str, Code]]:
    """The text of an inline container (``<source>``, ``<target>``, a ``<mrk>``) with its codes as
    placeholder characters, and what each character stands for. `wraps` says which elements wrap
    translatable text (XLIFF's by default; the server passes HTML's inline elements)."""
    if container is None:
        return "", {}
    tokens = _tokens(container, wraps)
    ends = {t.key for t in tokens if t.kind == "end"}
    starts = {t.key for t in tokens if t.kind == "start"}
    counter = {OPEN: 0, STANDALONE: 0, ORDERED: 0}
    pair_of: dict[str, int] = {}  # a pair's key or element -> its number
    stack: list[int] = []
    parts: list[str] = []
    codes: dict[str, Code] = {}

    def add(kind: str, k: int, token: _Token, closing: bool = False) -> None:
        char = code_char(kind, k)
        element = token.element
        key = token.key or f"{local(element.tag)}#{element.get('id') or element.get('mid') or ''}"
        codes[char] = Code(label(element, closing, token.kind == "wrap-open"), key, (token.kind, element))
        parts.append(char)

    def ordered(token: _Token) -> None:
        add(ORDERED, counter[ORDERED], token, closing=token.kind == "wrap-close")
        counter[ORDERED] += 1

    for token in tokens:
        if token.kind == "text":
            parts.append(token.text)
        elif token.kind == "wrap-open" and _fixed(token.element):  # its place among the others: kept
            stack.append(-1)
            ordered(token)
        elif token.kind == "wrap-open" or (
            token.kind == "start" and token.key in ends and token.key not in pair_of
        ):
            k = counter[OPEN]
            counter[OPEN] += 1
            if token.kind == "start":
                pair_of[token.key] = k
            else:
                stack.append(k)
            add(OPEN, k, token)
        elif token.kind == "wrap-close":
            k = stack.pop()
            if k < 0:
                ordered(token)
            else:
                add(CLOSE, k, token, closing=True)
        elif token.kind == "end" and token.key in starts and token.key in pair_of:
            add(CLOSE, pair_of.pop(token.key), token)
        else:  # XLIFF 2's canReorder="no" (or "firstNo"): kept in the source's order
            kind = ORDERED if _fixed(token.element) else STANDALONE
            k = counter[kind]
            counter[kind] += 1
            add(kind, k, token)
    return "".join(parts), codes


def write(container: Any, text: str, codes: dict[str, Code]) -> None:
    """Fill `container` (emptied first) with `text`, each code character rebuilt from `codes`.

    Codes that wrap text become empty copies of their source element that take what follows,
    up to their closing code; all others are whole copies. A closing code without its opening
    one closes nothing (the wrapping element then ends with its content)."""
    for child in list(container):
        container.remove(child)
    container.text = None
    stack = [container]
    last: Any = None  # the element whose tail takes the next text (None: the container's text)

    def add_text(value: str) -> None:
        nonlocal last
        if not value:
            return
        if last is None:
            stack[-1].text = (stack[-1].text or "") + value
        else:
            last.tail = (last.tail or "") + value

    buffer: list[str] = []
    for ch in text:
        code = codes.get(ch)
        if code is None:
            buffer.append(ch)
            continue
        add_text("".join(buffer))
        buffer = []
        kind, element = code.data
        if kind == "wrap-open":
            shell = copy.copy(element)  # (not a new element: HTML allows names XML would refuse)
            for inner in list(shell):
                shell.remove(inner)
            shell.text = shell.tail = None
            stack[-1].append(shell)
            stack.append(shell)
            last = None
        elif kind == "wrap-close":
            if len(stack) > 1 and kind_of(ch)[0] in (CLOSE, ORDERED):
                last = stack.pop()
        else:
            whole = copy.deepcopy(element)
            whole.tail = None
            stack[-1].append(whole)
            last = whole
    add_text("".join(buffer))


def rewritten(source: str, target: str, codes: dict[str, Code]) -> Any:
    """A new element holding `target` with its codes rebuilt (:func:`write`), and the spaces that
    `source` (the text as read) had at its edges: what a writer puts back in place of the source."""
    from lxml import etree

    lead = source[: len(source) - len(source.lstrip())]
    trail = source[len(source.rstrip()) :]
    holder = etree.Element("rewritten")
    write(holder, lead + target + trail, codes)
    return holder
