"""TBX termbases (ISO 30042): read TBX-Basic 2008 (``martif``) and TBX v3; write TBX v3 (DCA style).

A concept entry becomes one glossary entry per source-language term. In the target language the
first preferred (or unmarked) term is the translation, other admitted terms are alternatives, and
deprecated or superseded terms are forbidden. vertaal's matching flags travel as
``<descrip type="caseSensitive">true</descrip>`` (and ``compounds``, ``foldDiacritics``) on the
concept.
"""

from __future__ import annotations

from lxml import etree

from ..errors import GlossaryError
from ..terms.entry import Entry
from . import Row

TBX3_NS = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_FORBIDDEN = {"deprecatedTerm-admn-sts", "supersededTerm-admn-sts", "deprecatedTerm", "supersededTerm"}
_ADMITTED = {"admittedTerm-admn-sts", "admittedTerm"}
_FLAG_DESCRIPS = {
    "case_sensitive": "caseSensitive",
    "compounds": "compounds",
    "fold_diacritics": "foldDiacritics",
}
_FLAG_TYPES = set(_FLAG_DESCRIPS.values())


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _children(element, *names: str):
    return [c for c in element if _local(c.tag) in names]


def _text(element) -> str:
    return "".join(element.itertext()).strip()


def read(name: str, data: bytes, pair: tuple[str, str]) -> list[Row]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or (exc.position[0] if exc.position else 0)
        raise GlossaryError(f"{name}:{line}: not well-formed XML: {exc.msg}") from exc
    if _local(root.tag) not in ("martif", "tbx"):
        raise GlossaryError(f"{name}:{root.sourceline}: not a TBX file (root element <{_local(root.tag)}>)")
    rows = []
    for concept in root.iter():
        if _local(concept.tag) not in ("termEntry", "conceptEntry"):
            continue
        rows += _concept(name, concept, pair)
    return rows


def _concept(name: str, concept, pair: tuple[str, str]) -> list[Row]:
    descrips = {d.get("type"): _text(d).lower() for d in _children(concept, "descrip")}
    flags = {flag: descrips.get(kind) in ("true", "yes", "1") for flag, kind in _FLAG_DESCRIPS.items()}
    notes = [_text(n) for n in _children(concept, "note")]
    by_lang: dict[str, list[tuple[str, str, list[str], int]]] = {}
    for lang_set in _children(concept, "langSet", "langSec"):
        lang = (lang_set.get(XML_LANG) or "").lower().replace("_", "-")
        for term_group in _children(lang_set, "tig", "ntig", "termSec"):
            term_el = next(iter(t for t in term_group.iter() if _local(t.tag) == "term"), None)
            if term_el is None:
                raise GlossaryError(f"{name}:{term_group.sourceline}: a term group without <term>")
            status = ""
            term_notes = []
            for child in term_group.iter():
                if _local(child.tag) == "termNote" and child.get("type") == "administrativeStatus":
                    status = _text(child)
                elif _local(child.tag) in ("note", "descrip") and child.get("type") not in _FLAG_TYPES:
                    term_notes.append(_text(child))
            by_lang.setdefault(lang.split("-")[0], []).append(
                (term_el.text or "", status, term_notes, term_el.sourceline)
            )
    sources = by_lang.get(pair[0], [])
    targets = by_lang.get(pair[1], [])
    if not sources:
        return []
    preferred = [t for t in targets if t[1] not in _FORBIDDEN | _ADMITTED]
    admitted = [t for t in targets if t[1] in _ADMITTED]
    forbidden = [t[0] for t in targets if t[1] in _FORBIDDEN]
    chosen = (preferred or admitted)[:1]
    alternatives = [t[0] for t in preferred + admitted if t not in chosen]
    rows = []
    for source, status, source_notes, line in sources:
        if status in _FORBIDDEN:
            continue
        note = " ".join(n for n in notes + source_notes if n)
        target = chosen[0][0] if chosen else ""
        kind = "preferred" if chosen else "forbidden"
        if not chosen and not forbidden:
            raise GlossaryError(f"{name}:{line}: no {pair[1]} term for {source!r}")
        entry = Entry(
            source=source,
            target=target,
            kind=kind,
            **flags,
            alternatives=alternatives,
            forbidden=forbidden,
            note=note,
            source_lang=pair[0],
            target_lang=pair[1],
        )
        problem = entry.problem()
        if problem:
            raise GlossaryError(f"{name}:{line}: {problem}")
        rows.append(Row(entry, line))
    return rows


def write(entries: list[Entry], pair: tuple[str, str]) -> str:
    """Serialise entries as a TBX v3 (TBX-Basic, DCA style) document."""
    ns = f"{{{TBX3_NS}}}"
    root = etree.Element(f"{ns}tbx", nsmap={None: TBX3_NS}, style="dca", type="TBX-Basic")
    root.set(XML_LANG, pair[0])
    header = etree.SubElement(root, f"{ns}tbxHeader")
    desc = etree.SubElement(etree.SubElement(header, f"{ns}fileDesc"), f"{ns}sourceDesc")
    etree.SubElement(desc, f"{ns}p").text = "Exported by vertaal"
    body = etree.SubElement(etree.SubElement(root, f"{ns}text"), f"{ns}body")
    for number, entry in enumerate(entries, start=1):
        concept = etree.SubElement(body, f"{ns}conceptEntry", id=f"c{number}")
        for flag, descrip in _FLAG_DESCRIPS.items():
            if getattr(entry, flag):
                etree.SubElement(concept, f"{ns}descrip", type=descrip).text = "true"
        if entry.note:
            etree.SubElement(concept, f"{ns}note").text = entry.note
        _term(concept, ns, pair[0], [(entry.source, "preferredTerm-admn-sts")])
        terms = []
        if entry.kind != "forbidden":
            terms.append((entry.target, "preferredTerm-admn-sts"))
        terms += [(a, "admittedTerm-admn-sts") for a in entry.alternatives]
        terms += [(f, "deprecatedTerm-admn-sts") for f in entry.forbidden]
        _term(concept, ns, pair[1], terms)
    return etree.tostring(root, encoding="unicode", pretty_print=True).join(
        ['<?xml version="1.0" encoding="UTF-8"?>\n', ""]
    )


def _term(concept, ns: str, lang: str, terms: list[tuple[str, str]]) -> None:
    lang_sec = etree.SubElement(concept, f"{ns}langSec")
    lang_sec.set(XML_LANG, lang)
    for text, status in terms:
        term_sec = etree.SubElement(lang_sec, f"{ns}termSec")
        etree.SubElement(term_sec, f"{ns}term").text = text
        etree.SubElement(term_sec, f"{ns}termNote", type="administrativeStatus").text = status
