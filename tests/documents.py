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


def sample_pdf(path: Path, first_page: int = 40) -> Path:
    """The sample page in three columns on two pages, with a running head and page numbers."""
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
    paragraphs = sample_paragraphs()
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
