"""TMX 1.4b translation memories (read and write) with lxml, streamed so that size does not matter.

Reading follows the TMX 1.4b specification and the LISA TMX Compliance Kit:

- the file is parsed incrementally (`iterparse`), each <tu> cleared once read, so a large memory
  imports in bounded memory;
- a <tu> holds one <tuv> per language (``xml:lang`` such as nl, nl-NL or NL; TMX 1.1 ``lang``);
  the pair's languages are picked by primary subtag. Where a unit holds two variants of the source
  language (en-US and en-GB), the one its ``srclang`` (on the <tu>, else the header's) names wins;
- a unit without a segment in one of the pair's languages (another language pair, a note-only
  unit as OmegaT writes them) is skipped and counted, never aborting the file;
- whitespace inside <seg> is kept as written (the specification makes it significant); lookups
  compare segments with whitespace collapsed;
- inline native codes (<bpt>, <ept>, <ph>, <it>, <ut>) are left out, but the text of a <sub>
  inside them (an ALT text, a footnote) is kept; <hi> text is kept; comments and processing
  instructions give nothing.

vertaal's own fields travel as ``<prop type="x-vertaal-...">`` so that export then import keeps them.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime
from typing import BinaryIO

from lxml import etree

from ..errors import InputError
from ..languages import primary
from ..skips import Skipped
from ..text.reflow import strip_control
from ..text.xmlfiles import iterparse, local
from .store import ORIGINS, Unit

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_PROPS = ("origin", "model", "revision", "fingerprint")


def _tmx_date(stamp: str | None) -> str | None:
    """ISO 8601 as stored -> TMX's YYYYMMDDThhmmssZ."""
    if not stamp:
        return None
    return stamp[:19].replace("-", "").replace(":", "") + "Z"


def _iso_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        parsed = datetime.strptime(value, "%Y%m%dT%H%M%SZ")
    except ValueError:
        return None
    return parsed.strftime("%Y-%m-%dT%H:%M:%S.000000Z")


_NATIVE_CODE = {"bpt", "ept", "ph", "it", "ut"}


def _seg_text(element, in_code: bool = False) -> str:
    """The text of a <seg>: native codes left out except their <sub> text; <hi> and <sub> kept."""
    parts = [] if in_code else [element.text or ""]
    for child in element:
        name = local(child.tag)
        if name == "sub":
            parts.append(_seg_text(child))
        elif name:  # an element; comments, processing instructions and entities give nothing
            parts.append(_seg_text(child, in_code=name in _NATIVE_CODE))
        if not in_code:
            parts.append(child.tail or "")
    return "".join(parts)


def read(
    name: str,
    data: bytes | BinaryIO,
    pair: tuple[str, str],
    origin: str = "human",
    *,
    encoding: str = "utf-8",
    skipped: Skipped | None = None,
) -> list[Unit]:
    """All units of a TMX file (bytes or a binary stream) for `pair`; see `iter_units`."""
    return list(iter_units(name, data, pair, origin, encoding=encoding, skipped=skipped))


def iter_units(
    name: str,
    data: bytes | BinaryIO,
    pair: tuple[str, str],
    origin: str = "human",
    *,
    encoding: str = "utf-8",
    skipped: Skipped | None = None,
) -> Iterator[Unit]:
    """Stream the units of a TMX file for `pair`; units of other languages are counted in `skipped`.

    Malformed XML or a malformed unit raises InputError with file:line where it is found, so a
    caller that stores the units in one transaction imports all or nothing.
    """
    handle = io.BytesIO(data) if isinstance(data, bytes) else data
    skipped = skipped if skipped is not None else Skipped()
    header_srclang = ""
    for event, element in iterparse(name, handle, ("header", "tu"), InputError, encoding):
        tag = local(element.tag)
        if event == "root" and tag != "tmx":
            raise InputError(f"{name}:{element.sourceline}: not a TMX file (root element <{tag}>)")
        if event != "end":
            continue
        if tag == "header":
            header_srclang = element.get("srclang", "")
        elif tag == "tu":
            unit = _unit(name, element, pair, origin, element.get("srclang") or header_srclang, skipped)
            if unit is not None:
                yield unit
            element.clear(keep_tail=False)
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]


def _segments(name: str, tu, srclang: str) -> dict[str, str]:
    """The segment per primary language; of two variants, the one `srclang` names, else the first."""
    segs: dict[str, str] = {}
    exact: set[str] = set()
    for tuv in tu:
        if local(tuv.tag) != "tuv":
            continue
        tag = tuv.get(XML_LANG) or tuv.get("lang") or ""
        lang = primary(tag)
        seg = next((s for s in tuv if local(s.tag) == "seg"), None)
        if not lang:
            raise InputError(f"{name}:{tuv.sourceline}: a <tuv> needs xml:lang")
        text = _seg_text(seg) if seg is not None else ""
        is_src = tag.lower().replace("_", "-") == srclang.lower().replace("_", "-")
        if text.strip() and (lang not in segs or (is_src and lang not in exact)):
            segs[lang] = text
            if is_src:
                exact.add(lang)
    return segs


def _unit(name: str, tu, pair: tuple[str, str], origin: str, srclang: str, skipped: Skipped) -> Unit | None:
    segs = _segments(name, tu, srclang)
    if not any(local(child.tag) == "tuv" for child in tu):
        skipped.add("note-only unit", tu.sourceline)
        return None
    missing = [lang for lang in pair if lang not in segs]
    if missing:
        skipped.add(f"no {missing[0]} segment", tu.sourceline)
        return None
    props = {
        p.get("type", "")[len("x-vertaal-") :]: (p.text or "")
        for p in tu
        if local(p.tag) == "prop" and p.get("type", "").startswith("x-vertaal-")
    }
    unit_origin = props.get("origin", origin)
    if unit_origin not in ORIGINS:
        raise InputError(f"{name}:{tu.sourceline}: unknown origin {unit_origin!r} (use {', '.join(ORIGINS)})")
    return Unit(
        source=segs[pair[0]],
        target=segs[pair[1]],
        source_lang=pair[0],
        target_lang=pair[1],
        origin=unit_origin,
        model=props.get("model", ""),
        revision=props.get("revision", ""),
        fingerprint=props.get("fingerprint", ""),
        created=_iso_date(tu.get("creationdate")),
        last_used=_iso_date(tu.get("lastusagedate")) or _iso_date(tu.get("changedate")),
    )


def write(units: list[Unit], srclang: str = "nl") -> str:
    from .. import __version__

    root = etree.Element("tmx", version="1.4")
    etree.SubElement(
        root,
        "header",
        creationtool="vertaal",
        creationtoolversion=__version__,
        segtype="sentence",
        adminlang="en",
        srclang=srclang,
        datatype="plaintext",
        **{"o-tmf": "vertaal"},
    )
    body = etree.SubElement(root, "body")
    for unit in units:
        attributes = {
            k: v
            for k, v in (
                ("creationdate", _tmx_date(unit.created)),
                ("lastusagedate", _tmx_date(unit.last_used)),
            )
            if v
        }
        tu = etree.SubElement(body, "tu", **attributes)
        for prop in _PROPS:
            value = getattr(unit, prop)
            if value:
                etree.SubElement(tu, "prop", type=f"x-vertaal-{prop}").text = value
        for lang, text in ((unit.source_lang, unit.source), (unit.target_lang, unit.target)):
            tuv = etree.SubElement(tu, "tuv")
            tuv.set(XML_LANG, lang)
            etree.SubElement(tuv, "seg").text = strip_control(text)  # XML cannot hold them
    xml = etree.tostring(root, encoding="unicode", pretty_print=True)
    return '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n' + xml
