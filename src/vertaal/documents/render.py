"""New documents from translated blocks: what a PDF becomes (DOCX, Markdown, HTML, text), and the
bilingual review layout (source and target side by side) in DOCX, ODT or HTML.

Headings stay headings (by level), list items list items, table cells are laid out as tables
again (consecutive cells of one table, by row), notes go after a separator at the end, in smaller
type. Nothing is added that holds text of its own (no "Notes" heading, no page title), so that the
new document has exactly the source's blocks and `vertaal check` can align the two.
"""

from __future__ import annotations

import html
from itertools import groupby
from pathlib import Path

from ..errors import InputError, UsageError
from ..text.files import save_atomic, write_atomic
from .blocks import Translated


def write(translated: list[Translated], path: Path, fmt: str, bilingual: bool = False) -> None:
    translated = [_plain(t) for t in translated]  # a new document has no inline markup to place codes in
    if bilingual:
        if fmt == "docx":
            save_atomic(path, lambda tmp: _bilingual_docx(translated, tmp))
        elif fmt == "odt":
            save_atomic(path, lambda tmp: _bilingual_odt(translated, tmp))
        elif fmt == "html":
            write_atomic(path, _bilingual_html(translated))
        else:
            raise UsageError("--bilingual writes .docx, .odt or .html")
        return
    if fmt == "docx":
        save_atomic(path, lambda tmp: _docx(translated, tmp))
    elif fmt == "html":
        write_atomic(path, _html(translated))
    elif fmt == "markdown":
        write_atomic(path, _markdown(translated))
    elif fmt == "text":
        write_atomic(path, "\n\n".join(t.text for t in _body(translated) + _notes(translated)) + "\n")
    else:
        raise UsageError(f"cannot write this document as {fmt}; use .docx, .md, .html or .txt")


def _body(translated: list[Translated]) -> list[Translated]:
    return [t for t in translated if t.block.kind not in ("note", "header", "footer") and t.text]


def _notes(translated: list[Translated]) -> list[Translated]:
    return [t for t in translated if t.block.kind == "note" and t.text]


def _table_of(item: Translated) -> str | None:
    """'table 2' for a cell placed as 'table 2 row 1 cell 3', else None."""
    place = item.block.place
    return place.split(" row ")[0] if item.block.kind == "cell" and " row " in place else None


def _rows(cells: list[Translated]) -> list[list[str]]:
    rows: dict[str, list[str]] = {}
    for cell in cells:
        row = cell.block.place.split(" row ")[1].split(" cell ")[0]
        rows.setdefault(row, []).append(cell.text)
    return list(rows.values())


def _groups(translated: list[Translated]):
    """Body blocks in order, consecutive cells of one table grouped: ('table', rows) or ('block', item)."""
    for table, items in groupby(_body(translated), key=_table_of):
        if table is None:
            for item in items:
                yield "block", item
        else:
            yield "table", _rows(list(items))


def _docx(translated: list[Translated], path: str) -> None:
    try:
        import docx
    except ImportError as exc:
        raise InputError('writing DOCX needs python-docx; pip install "vertaal[documents]"') from exc
    document = docx.Document()
    written = {}  # a body block's index among the translated blocks -> its paragraph
    index = {id(t): i for i, t in enumerate(translated)}
    for kind, value in _groups(translated):
        if kind == "table":
            width = max(len(r) for r in value)
            table = document.add_table(rows=len(value), cols=width)
            for r, row in enumerate(value):
                for c, text in enumerate(row):
                    table.cell(r, c).text = text
            continue
        if value.block.kind == "heading":
            paragraph = document.add_heading(value.text, level=max(1, min(value.block.level or 1, 9)))
        elif value.block.kind == "item":
            paragraph = document.add_paragraph(value.text, style="List Bullet")
        else:
            paragraph = document.add_paragraph(value.text)
        written[index[id(value)]] = paragraph
    notes = _notes(translated)
    referred = [(note, written.get((note.block.ref or {}).get("refers"))) for note in notes]
    placed = _footnotes(document, [(note, where) for note, where in referred if where is not None])
    rest = [note for note in notes if id(note) not in placed]
    if rest:
        from docx.shared import Pt

        document.add_paragraph()  # an empty separator: it holds no text
        for note in rest:
            document.add_paragraph().add_run(note.text).font.size = Pt(8)
    document.save(path)


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_FOOTNOTES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{W}">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
    "</w:footnote>{}</w:footnotes>"
)


def _footnotes(document, notes: list) -> set[int]:
    """Real footnotes for notes whose referring paragraph is known: the reference where the
    paragraph's text has the note's mark (else at its end), the note in word/footnotes.xml.
    Returns the ids of the notes placed."""
    import re
    from xml.sax.saxutils import escape

    from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml

    bodies = []
    for number, (note, paragraph) in enumerate(notes, start=1):
        mark = note.block.ref["mark"]
        text = re.sub(rf"^\s*{re.escape(mark)}\s*", "", note.text)  # Word numbers the note itself
        run = paragraph.runs[-1]
        before, after = _split_at_mark(run.text, mark)
        run.text = before
        reference = paragraph.add_run()
        reference.font.superscript = True
        reference.element.append(parse_xml(f'<w:footnoteReference xmlns:w="{W}" w:id="{number}"/>'))
        if after:
            paragraph.add_run(after)
        bodies.append(
            f'<w:footnote w:id="{number}"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
            f'<w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {escape(text)}</w:t></w:r></w:p>'
            "</w:footnote>"
        )
    if bodies:
        xml = _FOOTNOTES.format("".join(bodies)).encode()
        part = Part(PackURI("/word/footnotes.xml"), CONTENT_TYPE.WML_FOOTNOTES, xml, document.part.package)
        document.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
    return {id(note) for note, _ in notes}


def _split_at_mark(text: str, mark: str) -> tuple[str, str]:
    """`text` before and after a note's mark: glued to a word's end ("MIVD.1"), else standing
    alone ("(DMCA) 1 was"); all of it before when the translation lost the mark."""
    import re

    escaped = re.escape(mark)
    glued = re.search(rf"(?<=[^\s\d]){escaped}(?=\s|$)", text)
    found = glued or re.search(rf"(?<=\s){escaped}(?=\s|$)", text)
    if found is None:
        return text, ""
    before = text[: found.start()]
    return (before if glued else before.rstrip(" ")), text[found.end() :]


def _html_page(body: str, lang: str = "en") -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n'
        '<head><meta charset="utf-8"></head>\n'
        f"<body>\n{body}</body>\n</html>\n"
    )


def _html(translated: list[Translated]) -> str:
    out = []
    for kind, value in _groups(translated):
        if kind == "table":
            rows = "".join(
                "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>\n" for row in value
            )
            out.append(f"<table>\n{rows}</table>\n")
        elif value.block.kind == "heading":
            level = max(1, min(value.block.level or 1, 6))
            out.append(f"<h{level}>{html.escape(value.text)}</h{level}>\n")
        else:
            out.append(f"<p>{html.escape(value.text)}</p>\n")
    notes = _notes(translated)
    if notes:
        items = "".join(f"<p>{html.escape(n.text)}</p>\n" for n in notes)
        out.append(f'<hr>\n<section class="notes" style="font-size:smaller">\n{items}</section>\n')
    return _html_page("".join(out))


def _md_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|") if text else text


def _markdown(translated: list[Translated]) -> str:
    out = []
    for kind, value in _groups(translated):
        if kind == "table":
            width = max(len(r) for r in value)
            rows = [row + [""] * (width - len(row)) for row in value]
            lines = ["| " + " | ".join(_md_escape(c) for c in rows[0]) + " |", "|" + " --- |" * width]
            lines += ["| " + " | ".join(_md_escape(c) for c in row) + " |" for row in rows[1:]]
            out.append("\n".join(lines))
        elif value.block.kind == "heading":
            out.append("#" * max(1, min(value.block.level or 1, 6)) + " " + value.text)
        elif value.block.kind == "item":
            out.append("- " + value.text)
        else:
            out.append(value.text)
    notes = _notes(translated)
    if notes:
        out.append("---")
        out += [note.text for note in notes]
    return "\n\n".join(out) + "\n"


def _pairs(translated: list[Translated]) -> list[tuple[str, str]]:
    return [(t.block.text, t.text) for t in translated if t.block.text]


def _bilingual_docx(translated: list[Translated], path: str) -> None:
    import docx

    document = docx.Document()
    pairs = _pairs(translated)
    table = document.add_table(rows=len(pairs) + 1, cols=2)
    table.style = "Table Grid"
    table.cell(0, 0).text, table.cell(0, 1).text = "Source", "Translation"
    for row, (source, target) in enumerate(pairs, start=1):
        table.cell(row, 0).text = source
        table.cell(row, 1).text = target
    document.save(path)


def _bilingual_odt(translated: list[Translated], path: str) -> None:
    from odf.opendocument import OpenDocumentText
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import P

    document = OpenDocumentText()
    table = Table(name="Translation")
    table.addElement(TableColumn(numbercolumnsrepeated=2))
    for source, target in [("Source", "Translation"), *_pairs(translated)]:
        row = TableRow()
        for text in (source, target):
            cell = TableCell()
            cell.addElement(P(text=text))
            row.addElement(cell)
        table.addElement(row)
    document.text.addElement(table)
    document.save(path)


def _bilingual_html(translated: list[Translated]) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(s)}</td><td>{html.escape(t)}</td></tr>\n" for s, t in _pairs(translated)
    )
    style = "table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:4px}"
    return _html_page(
        f"<style>{style}</style>\n<table>\n<tr><th>Source</th><th>Translation</th></tr>\n{rows}</table>\n"
    )


def _plain(item: Translated) -> Translated:
    """`item` without inline code characters (an HTML block's links and emphasis, as codes)."""
    from dataclasses import replace

    from ..text.codes import CODE, without_codes

    if not (CODE.search(item.text) or CODE.search(item.block.text)):
        return item
    return replace(
        item, block=replace(item.block, text=without_codes(item.block.text)), text=without_codes(item.text)
    )
