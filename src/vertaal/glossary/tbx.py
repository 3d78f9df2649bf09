"""TBX termbases (ISO 30042): read TBX v3 and TBX-Basic 2008 (``martif``); write TBX v3 (DCA style).

Read: every dialect the standard defines (TBX-Basic, TBX-Min, TBX-Core, and the TBX-Basic 2008
``martif`` that MultiTerm, Weblate and the Translate Toolkit write), in DCA style
(``<termNote type="administrativeStatus">``) and in DCT style (``<min:administrativeStatus>``),
with or without a namespace or DOCTYPE. Elements are matched by local name, so any prefix works.

A concept becomes one entry per source-language term. A term's status comes from
`administrativeStatus`, `normativeAuthorization` or `usageStatus` (full values such as
``preferredTerm-admn-sts`` and short ones such as ``preferred``; Weblate's ``obsolete`` and
``forbidden`` too):

- preferred (or standardized, legal, regulated, or no status): the target; the first such term
  wins and the others become alternatives;
- admitted: an alternative (the target if the concept has no preferred term);
- deprecated, superseded, obsolete, not recommended or forbidden: a forbidden target.

A deprecated *source* term is not imported: the termbase says not to use it, and its right
translation is not necessarily the concept's current one (an organisation's old name is
translated with the old English name), so vertaal neither enforces nor forbids anything for it.
It is counted as skipped. A concept without a term in the pair's source or target language is
skipped and counted too; the file is never aborted for it.

Notes and definitions become the entry's note, whitespace normalised. A term keeps its full text
through inline markup (``<hi>``), entities the file declares and comments. vertaal's matching
flags travel as ``<descrip type="caseSensitive">true</descrip>`` (and ``compounds``,
``foldDiacritics``) on the concept.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from ..errors import GlossaryError
from ..languages import primary
from ..skips import Skipped
from ..terms.entry import Entry
from ..text.xmlfiles import local, parse
from . import Row

TBX3_NS = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_STATUS_CATEGORIES = ("administrativeStatus", "normativeAuthorization", "usageStatus")
_STATUS_VALUES = {
    "preferred": "preferred",
    "standardized": "preferred",
    "legal": "preferred",
    "regulated": "preferred",
    "admitted": "admitted",
    "deprecated": "forbidden",
    "superseded": "forbidden",
    "obsolete": "forbidden",
    "notrecommended": "forbidden",
    "forbidden": "forbidden",
}
_NOTE_TYPES = {"definition", "usageNote", "usage note", "explanation", ""}  # "": Weblate's <descrip>
_FLAG_DESCRIPS = {
    "case_sensitive": "caseSensitive",
    "compounds": "compounds",
    "fold_diacritics": "foldDiacritics",
}
_CONCEPTS = ("termEntry", "conceptEntry")
_LANGUAGES = ("langSet", "langSec")
_TERM_GROUPS = ("tig", "ntig", "termSec")


def status(value: str) -> str:
    """'preferredTerm-admn-sts', 'deprecatedTerm', 'notRecommended' -> preferred, admitted or forbidden.

    An unknown value counts as no status (preferred).
    """
    key = " ".join(value.split()).lower().removesuffix("-admn-sts").removesuffix("term")
    return _STATUS_VALUES.get(key.replace(" ", ""), "preferred")


def _category(element) -> str:
    """The data category an element carries: DCT style names it, DCA style puts it in `type`."""
    name = local(element.tag)
    if name in ("termNote", "descrip", "admin"):
        return element.get("type") or ""
    return name


def _clean(element) -> str:
    """An element's text through inline markup, whitespace normalised (wrapped notes are fine)."""
    return " ".join("".join(element.itertext()).split())


def _own(element, stop: tuple[str, ...]):
    """Descendants of `element`, not entering the nested sections named in `stop`."""
    for child in element:
        if not isinstance(child.tag, str) or local(child.tag) in stop:
            continue
        yield child
        yield from _own(child, stop)


def _notes(element, stop: tuple[str, ...]) -> list[str]:
    return [
        _clean(child)
        for child in _own(element, stop)
        if local(child.tag) == "note" or _category(child) in _NOTE_TYPES
    ]


class _Term:
    __slots__ = ("text", "status", "notes", "line")

    def __init__(self, name: str, group) -> None:
        term = next((t for t in group.iter() if local(t.tag) == "term"), None)
        self.text = _clean(term) if term is not None else ""  # empty: skipped and counted
        self.line = (term if term is not None else group).sourceline or 0
        statuses = [_clean(c) for c in _own(group, ()) if _category(c) in _STATUS_CATEGORIES]
        self.status = status(statuses[0]) if statuses else "preferred"
        self.notes = _notes(group, ())


def read(
    name: str, data: bytes, pair: tuple[str, str], skipped: Skipped | None = None, encoding: str = "utf-8"
) -> list[Row]:
    """Entries of the pair's languages; concepts and terms left out are counted in `skipped`."""
    root = parse(name, data, GlossaryError, encoding)
    if local(root.tag) not in ("martif", "tbx"):
        raise GlossaryError(f"{name}:{root.sourceline}: not a TBX file (root element <{local(root.tag)}>)")
    skipped = skipped if skipped is not None else Skipped()
    rows: list[Row] = []
    for concept in root.iter(f"{{*}}{_CONCEPTS[0]}", f"{{*}}{_CONCEPTS[1]}"):
        rows += _concept(name, concept, pair, skipped)
    return rows


def _languages(
    name: str, concept, pair: tuple[str, str], skipped: Skipped, emptied: set[str]
) -> dict[str, tuple[list[_Term], list[str]]]:
    """Terms and notes per primary language subtag; an empty term of the pair is skipped and counted."""
    found: dict[str, tuple[list[_Term], list[str]]] = {}
    for section in concept:
        if not isinstance(section.tag, str) or local(section.tag) not in _LANGUAGES:
            continue
        lang = primary(section.get(XML_LANG) or section.get("lang"))
        terms, notes = found.setdefault(lang, ([], []))
        notes += _notes(section, _TERM_GROUPS)
        for group in section:
            if not isinstance(group.tag, str) or local(group.tag) not in _TERM_GROUPS:
                continue
            term = _Term(name, group)
            if term.text:
                terms.append(term)
            elif lang in pair:
                skipped.add(f"empty {lang} term", term.line, listed=True)
                emptied.add(lang)  # the concept is counted once, for its empty term
    return found


def _concept(name: str, concept, pair: tuple[str, str], skipped: Skipped) -> list[Row]:
    categories = {_category(d): _clean(d).lower() for d in concept if isinstance(d.tag, str)}
    flags = {flag: categories.get(kind) in ("true", "yes", "1") for flag, kind in _FLAG_DESCRIPS.items()}
    emptied: set[str] = set()
    by_lang = _languages(name, concept, pair, skipped, emptied)
    sources, source_notes = by_lang.get(pair[0], ([], []))
    targets, _ = by_lang.get(pair[1], ([], []))
    line = concept.sourceline or 0
    if not sources or not targets:
        missing = pair[0] if not sources else pair[1]
        if missing not in emptied:
            skipped.add(f"no {missing} term", line)
        return []
    preferred = [t.text for t in targets if t.status == "preferred"]
    admitted = [t.text for t in targets if t.status == "admitted"]
    forbidden = [t.text for t in targets if t.status == "forbidden"]
    chosen = (preferred or admitted)[:1]
    alternatives = [t for t in preferred + admitted if t not in chosen]
    concept_notes = _notes(concept, _LANGUAGES)
    rows = []
    for source in sources:
        if source.status == "forbidden":
            skipped.add(f"deprecated {pair[0]} term", source.line)
            continue
        entry = Entry(
            source=source.text,
            target=chosen[0] if chosen else "",
            kind="preferred" if chosen else "forbidden",
            **flags,
            alternatives=alternatives,
            forbidden=forbidden,
            note=" ".join(n for n in concept_notes + source_notes + source.notes if n),
            source_lang=pair[0],
            target_lang=pair[1],
        )
        problem = entry.problem()
        if problem:
            raise GlossaryError(f"{name}:{source.line}: {problem}")
        rows.append(Row(entry, source.line))
    return rows


def skeleton(language: str, description: str) -> tuple[Any, Any]:
    """A TBX v3 (TBX-Basic, DCA style) document's root and its empty body, in `language`."""
    ns = f"{{{TBX3_NS}}}"
    root = etree.Element(f"{ns}tbx", nsmap={None: TBX3_NS}, style="dca", type="TBX-Basic")
    root.set(XML_LANG, language)
    header = etree.SubElement(root, f"{ns}tbxHeader")
    desc = etree.SubElement(etree.SubElement(header, f"{ns}fileDesc"), f"{ns}sourceDesc")
    etree.SubElement(desc, f"{ns}p").text = description
    return root, etree.SubElement(etree.SubElement(root, f"{ns}text"), f"{ns}body")


def write(entries: list[Entry], pair: tuple[str, str]) -> str:
    """Serialise entries as a TBX v3 (TBX-Basic, DCA style) document."""
    ns = f"{{{TBX3_NS}}}"
    root, body = skeleton(pair[0], "Exported by vertaal")
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
