"""TMX 1.4b translation memories (read and write) with lxml.

Each <tu> needs a <tuv> in the source and the target language (``xml:lang`` such as nl or
nl-NL); inline markup inside <seg> is flattened to its text. vertaal's own fields travel as
``<prop type="x-vertaal-...">`` so that export then import keeps them.
"""

from __future__ import annotations

from datetime import datetime

from lxml import etree

from ..errors import InputError
from ..text.reflow import strip_control
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


def _seg_text(element) -> str:
    """The text of a <seg>: inline native codes (<ph>, <bpt>, ...) left out, <hi> and <sub> kept."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and etree.QName(child).localname not in _NATIVE_CODE:
            parts.append(_seg_text(child))  # comments, processing instructions, entities: left out
        parts.append(child.tail or "")
    return "".join(parts)


def read(name: str, data: bytes, pair: tuple[str, str], origin: str = "human") -> list[Unit]:
    """Parse a TMX file; anything malformed raises InputError with file:line, and nothing is returned."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{name}:{exc.lineno or 0}: not well-formed XML: {exc.msg}") from exc
    if etree.QName(root).localname != "tmx":
        raise InputError(
            f"{name}:{root.sourceline}: not a TMX file (root element <{etree.QName(root).localname}>)"
        )
    body = root.find("body")
    if body is None:
        raise InputError(f"{name}:{root.sourceline}: a TMX file needs a <body>")
    units = []
    for tu in body.iter("tu"):
        segs: dict[str, str] = {}
        for tuv in tu.findall("tuv"):
            lang = (tuv.get(XML_LANG) or tuv.get("lang") or "").lower().replace("_", "-").split("-")[0]
            seg = tuv.find("seg")
            if not lang or seg is None:
                raise InputError(f"{name}:{tuv.sourceline}: a <tuv> needs xml:lang and a <seg>")
            segs[lang] = " ".join(_seg_text(seg).split())
        missing = [lang for lang in pair if not segs.get(lang)]
        if missing:
            raise InputError(f"{name}:{tu.sourceline}: this <tu> has no {' or '.join(missing)} segment")
        props = {
            p.get("type", "")[len("x-vertaal-") :]: (p.text or "")
            for p in tu.findall("prop")
            if p.get("type", "").startswith("x-vertaal-")
        }
        unit_origin = props.get("origin", origin)
        if unit_origin not in ORIGINS:
            raise InputError(
                f"{name}:{tu.sourceline}: unknown origin {unit_origin!r} (use {', '.join(ORIGINS)})"
            )
        units.append(
            Unit(
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
        )
    return units


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
