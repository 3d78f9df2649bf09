"""HTML in /translate (``format=html``): tags kept exactly, by the inline-code mechanism.

Each innermost block (a ``p``, ``li``, ``td``, heading, or the fragment itself) is one text whose
inline elements (``b``, ``a``, ``span``, ...) are pairs of codes around their words and whose
void or verbatim elements (``br``, ``img``, ``code``) are standalone codes: the decoder places
each once, nested as in the source, and the elements are rebuilt around the translation. Script,
style and ``translate="no"`` stay as they are.
"""

from __future__ import annotations

from typing import Any

INLINE = set(
    "a abbr b bdi bdo cite data dfn em font i ins del mark q s small span strong sub sup time u".split()
)
VERBATIM = {"code", "kbd", "samp", "var", "br", "img", "wbr", "input", "svg", "math"}
UNTOUCHED = {"script", "style", "pre", "textarea", "template"}


def _wraps(element: Any) -> bool:
    return isinstance(element.tag, str) and element.tag in INLINE and element.get("translate") != "no"


def _flat(element: Any) -> bool:
    """Only text, inline and verbatim elements below it."""
    return all(not isinstance(e.tag, str) or e.tag in INLINE | VERBATIM for e in element.iterdescendants())


def translate_html(translator: Any, text: str) -> str:
    """`text` (a fragment or a whole page) translated with every tag kept."""
    import lxml.html

    from ..cat.inline import read, write

    whole = "<html" in text[:1000].lower()
    if whole:
        root = lxml.html.document_fromstring(text)
    else:
        root = lxml.html.fragment_fromstring(text, create_parent="div")
    containers = []
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag in UNTOUCHED or element.tag in INLINE:
            continue
        if element.tag in VERBATIM or element.get("translate") == "no":
            continue
        if any(a in containers for a in element.iterancestors()):
            continue
        if any(a.tag in UNTOUCHED or a.get("translate") == "no" for a in element.iterancestors()):
            continue
        if _flat(element) and "".join(element.itertext()).strip():
            containers.append(element)
    read_in = [read(c, _wraps) for c in containers]
    result = translator.translate_blocks([t for t, _ in read_in])
    for container, (_, codes), target in zip(containers, read_in, result.paragraphs(), strict=True):
        tail = container.tail
        write(container, target, codes)
        container.tail = tail
    if whole:
        return lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")
    inner = [lxml.html.tostring(child, encoding="unicode") for child in root]
    return (root.text or "") + "".join(inner)
