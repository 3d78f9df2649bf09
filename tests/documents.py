"""Documents the tests build themselves: PDFs with reportlab, DOCX with python-docx, ODT with odfpy.

`sample_pdf` lays out the sample page (tests/data/documents/sample-page-reading-order.txt) as an
annual-report page: a running head and a page number on every page, a large heading across the
top, then three columns that the text flows through, over two pages.
"""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).parent / "data" / "documents"
READING_ORDER = DATA / "sample-page-reading-order.txt"
RUNNING_HEAD = "Samenwerking en organisatieontwikkeling"


def sample_paragraphs() -> list[str]:
    return [" ".join(p.split()) for p in READING_ORDER.read_text(encoding="utf-8").split("\n\n") if p.strip()]


def _is_heading(paragraph: str) -> bool:
    return len(paragraph) < 70 and not paragraph.endswith(".")


def sample_pdf(path: Path, first_page: int = 40, paragraphs: list[str] | None = None) -> Path:
    """The sample page (or `paragraphs`) in three columns, with a running head and page numbers."""
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        FrameBreak,
        NextPageTemplate,
        PageTemplate,
        Paragraph,
    )

    width, height = 480, 640  # a narrow report page; three columns of about 130 points
    margin, gutter, top_band = 30, 12, 70
    column = (width - 2 * margin - 2 * gutter) / 3

    def columns(top: float) -> list[Frame]:
        return [
            Frame(margin + i * (column + gutter), margin, column, top - margin, id=f"c{i}", showBoundary=0,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
            for i in range(3)
        ]  # fmt: skip

    def furniture(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.drawString(margin, height - 22, RUNNING_HEAD)
        canvas.drawRightString(width - margin, height - 22, str(first_page + doc.page - 1))
        canvas.restoreState()

    heading_frame = Frame(margin, height - top_band - 30, width - 2 * margin, top_band - 10, id="head",
                          leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)  # fmt: skip
    doc = BaseDocTemplate(str(path), pagesize=(width, height), leftMargin=margin, rightMargin=margin)
    doc.addPageTemplates(
        [
            PageTemplate("first", [heading_frame, *columns(height - top_band - 40)], onPage=furniture),
            PageTemplate("rest", columns(height - 40), onPage=furniture),
        ]
    )
    title = ParagraphStyle("title", fontName="Helvetica-Bold", fontSize=15, leading=18)
    head = ParagraphStyle(
        "head", fontName="Helvetica-Bold", fontSize=9, leading=12, spaceBefore=6, spaceAfter=2
    )
    body = ParagraphStyle("body", fontName="Helvetica", fontSize=9, leading=11.5, alignment=TA_JUSTIFY,
                          spaceAfter=5)  # fmt: skip
    paragraphs = paragraphs or sample_paragraphs()
    story = [Paragraph(paragraphs[0], title), NextPageTemplate("rest"), FrameBreak()]
    for paragraph in paragraphs[1:]:
        story.append(Paragraph(paragraph, head if _is_heading(paragraph) else body))
    doc.build(story)
    return path


def table_pdf(path: Path) -> Path:
    """One column of text with a table and a footnote in smaller type at the foot of the page."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    body = ParagraphStyle("body", fontName="Helvetica", fontSize=10, leading=13)
    note = ParagraphStyle("note", fontName="Helvetica", fontSize=7, leading=9)

    def footnote(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.drawString(72, 60, "1 Zie ook het jaarverslag van de MIVD.")
        canvas.restoreState()

    table = Table([["Dienst", "Aantal"], ["AIVD", "1.250"], ["MIVD", "830"]])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    doc = SimpleDocTemplate(str(path), pagesize=A4)
    doc.build(
        [
            Paragraph("De AIVD werkt samen met de MIVD.1", body),
            Spacer(1, 12),
            table,
            Spacer(1, 12),
            Paragraph("Het dreigingsniveau blijft substantieel.", body),
        ],
        onFirstPage=footnote,
        onLaterPages=footnote,
    )
    del note
    return path


def scanned_pdf(path: Path, text_pages: int = 1, image_pages: int = 1) -> Path:
    """Pages with text, then pages that hold only an image (as a scan without OCR)."""
    from PIL import Image
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("RGB", (200, 100), "white")
    sheet = canvas.Canvas(str(path), pagesize=A4)
    for _ in range(text_pages):
        sheet.drawString(72, 700, "De AIVD werkt samen met de MIVD.")
        sheet.showPage()
    for _ in range(image_pages):
        sheet.drawImage(ImageReader(image), 72, 500, 400, 200)
        sheet.showPage()
    sheet.save()
    return path


def encrypted_pdf(path: Path) -> Path:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    sheet = canvas.Canvas(str(path), encrypt=pdfencrypt.StandardEncryption("geheim", canPrint=0))
    sheet.drawString(72, 700, "Geheim.")
    sheet.save()
    return path


TERM = "Alerteringssysteem Terrorismebestrijding"
_FOOTNOTES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:id="1"><w:p><w:r><w:t xml:space="preserve">Zie ook het jaarverslag van de MIVD.</w:t>'
    "</w:r></w:p></w:footnote></w:footnotes>"
)


def report_docx(path: Path) -> Path:
    """A ministry letter: a heading, a bold glossary term, a hyperlink, a list, a table, a header and
    footer, a footnote, a comment, a tracked insertion, a page-number field and an image."""
    import io
    import zipfile

    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.shared import Inches
    from PIL import Image

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Jaarverslag 2014"
    footer = document.sections[0].footer.paragraphs[0]
    footer.text = "Pagina "
    footer._p.append(
        parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple>')
    )
    document.add_heading("Samenwerking met de NCTV", level=1)
    paragraph = document.add_paragraph("Het ")
    paragraph.add_run(TERM).bold = True
    paragraph.add_run(" wordt door de NCTV beheerd.")
    paragraph._p.append(
        parse_xml(f'<w:r {nsdecls("w")}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                  '<w:footnoteReference w:id="1"/></w:r>')
    )  # fmt: skip
    linked = document.add_paragraph("Zie ")
    relation = document.part.relate_to("https://www.aivd.nl", docx.opc.constants.RELATIONSHIP_TYPE.HYPERLINK,
                                       is_external=True)  # fmt: skip
    linked._p.append(
        parse_xml(f'<w:hyperlink {nsdecls("w", "r")} r:id="{relation}">'
                  '<w:r><w:rPr><w:u w:val="single"/></w:rPr>'
                  "<w:t>https://www.aivd.nl</w:t></w:r></w:hyperlink>")
    )  # fmt: skip
    linked.add_run(" voor meer informatie.")
    document.add_paragraph("De AIVD werkt samen met de MIVD.", style="List Bullet")
    tracked = document.add_paragraph("De dienst werkt samen.")
    tracked._p.append(
        parse_xml(f'<w:ins {nsdecls("w")} w:id="9" w:author="Redactie" w:date="2024-01-01T00:00:00Z">'
                  '<w:r><w:t xml:space="preserve"> Dit is ingevoegd.</w:t></w:r></w:ins>')
    )  # fmt: skip
    commented = document.add_paragraph("Het dreigingsniveau is substantieel.")
    document.add_comment(commented.runs, text="Klopt dit?", author="Redactie")
    table = document.add_table(rows=2, cols=2)
    for (r, c), text in {(0, 0): "Dienst", (0, 1): "Jaar", (1, 0): "De AIVD", (1, 1): "2014"}.items():
        table.cell(r, c).text = text
    image = io.BytesIO()
    Image.new("RGB", (40, 20), "red").save(image, format="PNG")
    image.seek(0)
    document.add_picture(image, width=Inches(1))
    document.save(str(path))
    _add_footnotes(path)
    del zipfile
    return path


def _add_footnotes(path: Path) -> None:
    """python-docx writes no footnotes part: add word/footnotes.xml with its relationship."""
    import zipfile

    with zipfile.ZipFile(path) as source:
        items = {name: source.read(name) for name in source.namelist()}
    items["word/footnotes.xml"] = _FOOTNOTES.encode()
    rels = items["word/_rels/document.xml.rels"].decode()
    rels = rels.replace(
        "</Relationships>",
        '<Relationship Id="rIdFootnotes" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/footnotes" Target="footnotes.xml"/></Relationships>',
    )
    items["word/_rels/document.xml.rels"] = rels.encode()
    types = (
        items["[Content_Types].xml"]
        .decode()
        .replace(
            "</Types>",
            '<Override PartName="/word/footnotes.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.footnotes+xml"/></Types>',
        )
    )
    items["[Content_Types].xml"] = types.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in items.items():
            target.writestr(name, data)


def report_odt(path: Path) -> Path:
    """The same letter as ODT: heading, bold term, link, list, table, footnote, header, comment."""
    from odf.office import Annotation
    from odf.opendocument import OpenDocumentText
    from odf.style import Header, MasterPage, PageLayout, Style, TextProperties
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import A as Link
    from odf.text import H, List, ListItem, Note, NoteBody, NoteCitation, P, Span

    document = OpenDocumentText()
    bold = Style(name="Bold", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    document.automaticstyles.addElement(bold)
    layout = PageLayout(name="Layout")
    document.automaticstyles.addElement(layout)
    master = MasterPage(name="Standard", pagelayoutname=layout)
    header = Header()
    header.addElement(P(text="Jaarverslag 2014"))
    master.addElement(header)
    document.masterstyles.addElement(master)
    document.text.addElement(H(outlinelevel=1, text="Samenwerking met de NCTV"))
    paragraph = P(text="Het ")
    paragraph.addElement(Span(stylename=bold, text=TERM))
    paragraph.addText(" wordt door de NCTV beheerd.")
    note = Note(noteclass="footnote", id="n1")
    note.addElement(NoteCitation(text="1"))
    body = NoteBody()
    body.addElement(P(text="Zie ook het jaarverslag van de MIVD."))
    note.addElement(body)
    paragraph.addElement(note)
    document.text.addElement(paragraph)
    linked = P(text="Zie ")
    linked.addElement(Link(href="https://www.aivd.nl", type="simple", text="https://www.aivd.nl"))
    linked.addText(" voor meer informatie.")
    document.text.addElement(linked)
    items = List()
    item = ListItem()
    item.addElement(P(text="De AIVD werkt samen met de MIVD."))
    items.addElement(item)
    document.text.addElement(items)
    commented = P(text="Het dreigingsniveau is substantieel.")
    annotation = Annotation()
    annotation.addElement(P(text="Klopt dit?"))
    commented.addElement(annotation)
    document.text.addElement(commented)
    table = Table(name="Diensten")
    table.addElement(TableColumn(numbercolumnsrepeated=2))
    for row_texts in (("Dienst", "Jaar"), ("De AIVD", "2014")):
        row = TableRow()
        for text in row_texts:
            cell = TableCell()
            cell.addElement(P(text=text))
            row.addElement(cell)
        table.addElement(row)
    document.text.addElement(table)
    document.save(str(path))
    return path
