"""The PDF reader on public PDFs that other tools wrote (issue 29): reading order, running heads
and feet, footnotes, margin numbers, rotated text, lists, line ends inside identifiers. Every
expected value was read off the page by eye (tests/data/documents/public-pdf/README.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("pdfplumber")

from typer.testing import CliRunner  # noqa: E402

from vertaal.cli import app  # noqa: E402
from vertaal.documents.pdf import PdfDocument  # noqa: E402

PUBLIC = Path(__file__).parent / "data" / "documents" / "public-pdf"


@pytest.fixture(scope="module")
def dmca() -> PdfDocument:
    return PdfDocument(str(PUBLIC / "dmca.pdf"))


@pytest.fixture(scope="module")
def register() -> PdfDocument:
    return PdfDocument(str(PUBLIC / "federal-register-2020-17221.pdf"))


def texts(document: PdfDocument, kind: str | None = None) -> list[str]:
    return [b.text for b in document.blocks if kind is None or b.kind == kind]


def test_running_heads_and_feet_are_left_out_wherever_they_sit(dmca):
    """The foot sits at 10.6% from the bottom (outside a fixed band); both recur on 18 pages."""
    body = texts(dmca)
    assert not any("Copyright Office Summary December 1998 Page" in t for t in body)
    assert body.count("THE DIGITAL MILLENNIUM COPYRIGHT ACT OF 1998") == 1  # the title, on page 1
    assert not any(t == "The Digital Millennium Copyright Act of 1998" for t in body)  # the heads
    assert sum("running head" in line for line in dmca.left_out) == 35  # 18 feet, 17 heads


def test_footnotes_are_notes_and_body_text_is_not(dmca, register):
    assert [t[:24] for t in texts(dmca, "note")] == [
        "1 Pub. L. No. 105-304, 1", "2 “Copying” is used in t", "3 The Fairness in Musica"
    ]
    assert not any(t.startswith("1 Pub. L.") for t in texts(dmca) if t not in texts(dmca, "note"))
    notes = texts(register, "note")
    assert notes[0].startswith("2 The flight control system for 737 MAX airplanes")
    assert all(re.match(r"\d{1,2} ", n) for n in notes[:12])  # each a note of its own number
    assert not any(t.startswith(("AGENCY", "SUMMARY", "DATES")) for t in notes)


def test_a_hanging_bullet_stays_with_its_text(dmca, register):
    items = texts(dmca, "item")
    assert items[0] == "! Title I, the “WIPO Copyright and Performances and Phonograms Treaties Implementation Act of 1998,” implements the WIPO treaties."  # noqa: E501
    assert len([t for t in items if t.startswith("! Title ")]) == 5
    assert "•" not in texts(register)
    assert "• Fax: 202–493–2251." in texts(register, "item")


def test_line_ends_inside_identifiers_and_urls_get_no_space(register):
    whole = "\n".join(texts(register))
    assert "FAA–2020–0686" in whole and "FAA–2020– 0686" not in whole
    assert "https://www.regulations.gov" in whole and "https:// www" not in whole
    assert "M–30, West Building" in whole


def test_rotated_text_is_never_letters(register):
    assert [t for t in texts(register) if len(t) <= 3] == []
    assert not any("DSKJLSW7X2PROD" in t for t in texts(register))  # the slug, on every page
    assert sum("DSKJLSW7X2PROD" in line for line in register.left_out) == 15
    assert [b.text for b in PdfDocument(str(PUBLIC / "issue-449-vertical.pdf")).blocks] == ["Test", "Vertical", "Layout"]  # noqa: E501


def test_margin_line_numbers_and_double_spacing():
    blocks = texts(PdfDocument(str(PUBLIC / "scotus-transcript-p1.pdf")))
    assert not any(t.isdigit() for t in blocks)
    assert "The above-entitled matter came on for oral argument before the Supreme Court of the United States at 1:01 p.m." in blocks  # noqa: E501
    assert blocks.index("Washington, D.C.") < blocks.index("Tuesday, January 13, 2009") < blocks.index("APPEARANCES:")  # noqa: E501


def test_word_lists_come_out_one_item_each():
    document = PdfDocument(str(PUBLIC / "word365_structure.pdf"))
    assert texts(document, "item") == ["• Liste", "• Liste 2", "• Liste 3", "1. Liste numérotée", "2. Liste numérotée"]  # noqa: E501


def test_extract_verbose_lists_what_was_left_out():
    result = CliRunner().invoke(app, ["extract", str(PUBLIC / "dmca.pdf"), "--verbose", "--format", "jsonl"])
    assert result.exit_code == 0
    assert "left out: page 2: running head, foot or page number: The Digital Millennium Copyright Act of 1998" in result.stderr  # noqa: E501
    assert "December 1998 Page" not in result.stdout


def test_a_note_becomes_a_docx_footnote_at_its_reference(dmca, tmp_path):
    """Written as DOCX, each note with a known reference is a real footnote, its reference where
    the body had the superscript mark; read back, the document has the same blocks."""
    import zipfile

    from vertaal.documents import open_document
    from vertaal.documents.blocks import Translated
    from vertaal.documents.render import write

    out = tmp_path / "dmca.docx"
    write([Translated(b, b.text) for b in dmca.blocks], out, "docx")
    with zipfile.ZipFile(out) as package:
        notes = package.read("word/footnotes.xml").decode()
        body = package.read("word/document.xml").decode()
    assert notes.count("<w:footnoteRef/>") == 3 and "Pub. L. No. 105-304" in notes
    assert "(DMCA)</w:t></w:r><w:r><w:rPr><w:vertAlign w:val=\"superscript\"/></w:rPr><w:footnoteReference w:id=\"1\"/>" in body  # noqa: E501
    back = open_document(out)
    assert len(back.blocks) == len(dmca.blocks)
    assert [b.kind for b in back.blocks].count("note") == 3
