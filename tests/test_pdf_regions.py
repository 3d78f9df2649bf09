"""The PDF reader on layouts that change within a page (issue 29): two columns under a full-width
paragraph, an address beside a date, a margin column of side notes and running heads, a table
whose rules were left out between rows, hanging indents, ligatures. Each page is drawn here with
reportlab, so the expected blocks are the strings drawn, in the order a person reads them; the
hand-written references of public PDFs are checked last."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("reportlab")

from reportlab.pdfgen import canvas  # noqa: E402

from benchmarks.pdf_files import REFERENCES, against_reference  # noqa: E402
from vertaal.documents.pdf import PdfDocument  # noqa: E402

PUBLIC = Path(__file__).parent / "data" / "documents" / "public-pdf"
LINE = 13


def _lines(page: canvas.Canvas, x: float, y: float, lines: list[str]) -> float:
    for line in lines:
        page.drawString(x, y, line)
        y -= LINE
    return y


def texts(path: Path, kind: str | None = None) -> list[str]:
    return [b.text for b in PdfDocument(str(path)).blocks if kind is None or b.kind == kind]


def _intro(count: int) -> list[str]:
    """Full-width lines, each its own order of words (no gap between words lines up from line to
    line), and a short last line."""
    words = "de dienst meldt dat het dreigingsniveau in het afgelopen jaar opnieuw is gestegen door".split()
    lines = [" ".join(words[i:] + words[:i]) + f", regel {i} over de volle breedte." for i in range(count)]
    return [*lines, "Einde van de inleiding."]


def _under_intro(
    path: Path, intro: list[str], columns: list[tuple[float, list[str], float]], size: float = 10
):
    """A page: `intro` across it, then each column (x, lines, pitch) below it."""
    page = canvas.Canvas(str(path), pagesize=(595, 842))
    page.setFont("Helvetica", size)
    y = _lines(page, 60, 790, intro) - 20
    for x, lines, pitch in columns:
        for k, line in enumerate(lines):
            page.drawString(x, y - (LINE - pitch) - pitch * k, line)
    page.save()


def test_two_columns_under_a_full_width_paragraph_are_read_column_by_column(tmp_path):
    """The page as a whole has no gutter (the paragraph above crosses it), the part below does."""
    intro = _intro(11)
    left = [f"Links staat regel {i} van de eerste kolom," for i in range(1, 20)] + ["en dat is links."]
    right = [f"Rechts staat regel {i} van de tweede kolom," for i in range(1, 20)] + ["en dat is rechts."]
    _under_intro(tmp_path / "parts.pdf", intro, [(60, left, LINE), (320, right, LINE)])
    assert texts(tmp_path / "parts.pdf") == [" ".join(intro), " ".join(left), " ".join(right)]


def test_three_columns_under_a_full_width_paragraph_stay_three(tmp_path):
    intro = _intro(9)
    columns = [
        [f"{name} regel {i} van deze kolom," for i in range(1, 16)] + [f"slot van {name}."]
        for name in ("Links", "Midden", "Rechts")
    ]
    drawn = [(x, lines, LINE) for x, lines in zip((60, 240, 420), columns, strict=True)]
    _under_intro(tmp_path / "three.pdf", intro, drawn, size=9)
    assert texts(tmp_path / "three.pdf") == [" ".join(intro), *(" ".join(lines) for lines in columns)]


def test_two_columns_that_do_not_share_baselines_are_still_two(tmp_path):
    """Under a full-width paragraph, a left column at 13 pt and a right one at 11 pt: no row
    holds text on both sides, the gutter is found all the same."""
    intro = _intro(8)
    left = [f"Links staat regel {i} van de kolom," for i in range(1, 16)] + ["en zo eindigt links."]
    right = [f"Rechts staat regel {i} van de kolom," for i in range(1, 19)] + ["en zo eindigt rechts."]
    _under_intro(tmp_path / "baselines.pdf", intro, [(60, left, LINE), (320, right, 11)])
    assert texts(tmp_path / "baselines.pdf") == [" ".join(intro), " ".join(left), " ".join(right)]


def test_an_address_beside_a_date_is_not_read_across(tmp_path):
    path = tmp_path / "letter.pdf"
    page = canvas.Canvas(str(path), pagesize=(595, 842))
    page.setFont("Helvetica", 10)
    _lines(page, 60, 760, ["Ministerie van Justitie en Veiligheid", "Turfmarkt 147", "2511 DP Den Haag"])
    for y, text in ((760, "Datum 3 december 2026"), (747, "Kenmerk 6123456")):
        page.drawRightString(535, y, text)
    body = [
        "Hierbij bied ik u, mede namens de minister van Binnenlandse Zaken en Koninkrijksrelaties,",
        "het jaarverslag aan van de Algemene Inlichtingen- en Veiligheidsdienst over het afgelopen jaar.",
    ]
    _lines(page, 60, 700, ["Geachte voorzitter,", "", *body])
    page.save()
    blocks = texts(path)
    assert not any("Justitie en Veiligheid Datum" in b or "147 Kenmerk" in b for b in blocks), blocks
    assert blocks[-2:] == ["Geachte voorzitter,", " ".join(body)], blocks
    for part in ("Datum 3 december 2026", "Kenmerk 6123456", "Turfmarkt 147"):
        assert any(part in b for b in blocks), (part, blocks)


def test_a_margin_column_is_its_own_column_and_its_running_head_is_left_out(tmp_path):
    """A journal's layout: side heads ("ER" over "29,2"), side notes and page numbers in a
    margin column beside the body, on every page."""
    path = tmp_path / "journal.pdf"
    page = canvas.Canvas(str(path), pagesize=(519, 680))
    topics = [
        "slaap",
        "gezin",
        "vrienden",
        "sport",
        "school",
        "zorg",
        "verlof",
        "reistijd",
        "loon",
        "werk",
        "rust",
        "eten",
    ]  # each page, each paragraph its own words: no line recurs
    for number in (1, 2, 3, 4):
        page.setFont("Helvetica", 13)
        _lines(page, 20, 600, ["ER", "29,2"])
        page.drawString(20, 540, str(161 + number))
        page.setFont("Helvetica", 8)
        if number == 1:
            _lines(page, 20, 500, ["Ontvangen 4 oktober 2005", "Herzien 7 maart 2006"])
        page.setFont("Helvetica", 9)
        y = 600
        for p in range(3):
            topic = topics[(3 * number + p) % len(topics)]
            lines = [
                f"Over {topic} en ploegendienst zegt deze alinea op blad {number} het volgende, deel {i}."
                for i in "abcd"
            ]
            y = _lines(page, 116, y, lines) - 6
        page.showPage()
    page.save()
    blocks = texts(path)
    assert "Ontvangen 4 oktober 2005 Herzien 7 maart 2006" in blocks
    assert not any(b in ("ER", "29,2") or b.isdigit() for b in blocks), blocks
    paragraphs = [b for b in blocks if b.startswith("Over")]
    assert len(paragraphs) == 12 and all(b.count("ploegendienst") == 4 for b in paragraphs), paragraphs


def test_a_table_ruled_at_its_head_and_foot_only_is_read_row_by_row(tmp_path):
    """Booktabs: rules above and below the header and at the foot, none between the rows."""
    rows = [
        ["Datum", "Naam", "Plaats"],
        ["2005-09-23", "Katrina", "New Orleans"],
        ["2005-10-02", "Longwang", "Taiwan"],
        ["2005-11-20", "Gamma", "Florida"],
    ]
    path = tmp_path / "booktabs.pdf"
    page = canvas.Canvas(str(path), pagesize=(595, 842))
    page.setFont("Helvetica", 10)
    page.drawString(60, 780, "De tabel hieronder noemt drie stormen en waar zij aan land kwamen.")
    for y in (760, 742, 680):
        page.line(60, y, 360, y)
    page.line(60, 760, 60, 680)
    page.line(360, 760, 360, 680)
    for c, x in enumerate((65, 165, 265)):
        page.drawString(x, 748, rows[0][c])
        for r, row in enumerate(rows[1:]):
            page.drawString(x, 728 - 14 * r, row[c])
    for x in (160, 260):
        page.line(x, 760, x, 680)
    page.save()
    assert texts(path, "cell") == [cell for row in rows for cell in row]


def test_a_hanging_indent_continues_its_paragraph(tmp_path):
    """A list of appearances: each entry flush left, its next lines indented."""
    entries = [
        [
            "STEVEN E. MERCER, ESQ., Deputy Attorney General, Los",
            "Angeles, Cal.; on behalf of the Petitioner.",
        ],
        ["CHARLES M. SEVILLA, ESQ., San Diego, Cal.; on behalf", "of the Respondent."],
    ]
    path = tmp_path / "hanging.pdf"
    page = canvas.Canvas(str(path), pagesize=(595, 842))
    page.setFont("Courier", 12)
    y = 700
    for first, rest in entries:
        page.drawString(72, y, first)
        page.drawString(86, y - 24, rest)
        y -= 48
    page.save()
    assert texts(path) == [" ".join(entry) for entry in entries]


def test_ligatures_are_read_as_their_letters(tmp_path):
    font = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not font.exists():
        pytest.skip("DejaVu Sans draws the ligature glyphs")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("DejaVu", str(font)))
    path = tmp_path / "ligatures.pdf"
    page = canvas.Canvas(str(path), pagesize=(595, 842))
    page.setFont("DejaVu", 10)
    page.drawString(60, 780, "De oﬃciële deﬁnitie ﬂoreert.")
    page.save()
    assert texts(path) == ["De officiële definitie floreert."]


@pytest.mark.parametrize(
    "pdf, reference, most",
    [  # counts against references written by reading the pages (benchmarks/pdf_references)
        ("dmca.pdf", "pm-dmca.txt", {"missing": 1, "out_of_order": 0, "mid_block": 0, "notes_wrong": 0}),
        (
            "federal-register-2020-17221.pdf",
            "pp-federal-register-2020-17221.txt",
            {"missing": 5, "out_of_order": 5, "mid_block": 16, "notes_wrong": 1},
        ),
        (
            "scotus-transcript-p1.pdf",
            "pp-scotus-transcript-p1.txt",
            {"missing": 1, "out_of_order": 0, "mid_block": 0},
        ),
        (
            "word365_structure.pdf",
            "pp-word365_structure.txt",
            {"missing": 0, "out_of_order": 0, "mid_block": 0},
        ),
    ],
)
def test_public_pdfs_keep_to_their_hand_written_references(pdf, reference, most):
    counts = against_reference(PdfDocument(str(PUBLIC / pdf)).blocks, REFERENCES / reference)
    assert {key: counts[key] for key in most} == {key: min(counts[key], most[key]) for key in most}, counts


def test_a_reference_list_keeps_its_labels_with_their_entries(tmp_path):
    """Labels in a column of their own ("[Mit97]") are no text column: each stays with its entry."""
    entries = [
        (f"[Ref{i:02d}]", f"Auteur {i}, Titel van het werk nummer {i}, Uitgever, {1990 + i}.")
        for i in range(12)
    ]
    path = tmp_path / "references.pdf"
    page = canvas.Canvas(str(path), pagesize=(595, 842))
    page.setFont("Helvetica", 9)
    for k, (label, entry) in enumerate(entries):
        page.drawString(60, 780 - 14 * k, label)
        page.drawString(110, 780 - 14 * k, entry)
    page.save()
    assert texts(path) == [f"{label} {entry}" for label, entry in entries]


def test_a_year_three_times_on_one_page_is_no_page_number(tmp_path):
    """A lone number counts the pages only where it does so on three pages; '2023' heading three
    small tables on one page stays."""
    path = tmp_path / "years.pdf"
    page = canvas.Canvas(str(path), pagesize=(595, 842))
    page.setFont("Helvetica", 10)
    for k in range(3):
        page.drawString(60, 660 - 120 * k, "2023")
        page.drawString(
            60, 640 - 120 * k, f"In dat jaar groeide het aantal meldingen in regio {k + 1} opnieuw."
        )
    page.save()
    assert texts(path).count("2023") == 3
