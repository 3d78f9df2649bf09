"""Documents: PDF reading order, DOCX/ODT/HTML/Markdown structure through translation, bad input."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests import documents as fixtures
from vertaal.cli import app
from vertaal.documents.pdf import PdfDocument

runner = CliRunner()
DATA = Path(__file__).parent / "data" / "documents"
STARTER = Path(__file__).resolve().parents[1] / "glossary" / "nl-en-government.tsv"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture
def starter(db):
    assert runner.invoke(app, ["glossary", "import", str(STARTER)]).exit_code == 0
    return db


def translate(model: Path, *args: object):
    result = runner.invoke(app, ["translate", "-m", str(model), *[str(a) for a in args]])
    assert result.exit_code == 0, result.output
    return result


# --- PDF ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory) -> Path:
    return fixtures.sample_pdf(tmp_path_factory.mktemp("pdf") / "sample.pdf")


def test_pdf_reading_order_follows_the_columns(sample_pdf):
    document = PdfDocument(str(sample_pdf))
    assert document.pages == 2
    assert [b.text for b in document.blocks] == fixtures.sample_paragraphs()


def test_pdf_running_heads_page_numbers_and_headings(sample_pdf):
    blocks = PdfDocument(str(sample_pdf)).blocks
    texts = [b.text for b in blocks]
    assert not any(fixtures.RUNNING_HEAD in t or t in ("40", "41") for t in texts)
    headings = [(b.text, b.level) for b in blocks if b.kind == "heading"]
    assert headings == [
        ("AIVD en MIVD stemmen operationele activiteiten op elkaar af", 1),
        ("JSCU", 2),
        ("NCTV", 2),
        ("Samenwerking met departementen", 2),
    ]
    # the paragraph broken over the first and second column is one block again
    assert any("en bepaalt hij het dreigingsniveau in Nederland." in t for t in texts)


def test_pdf_tables_cell_by_cell_and_footnotes_at_the_end(tmp_path):
    blocks = PdfDocument(str(fixtures.table_pdf(tmp_path / "t.pdf"))).blocks
    cells = [(b.place, b.text) for b in blocks if b.kind == "cell"]
    assert cells[:2] == [("table 1 row 1 cell 1", "Dienst"), ("table 1 row 1 cell 2", "Aantal")]
    assert ("table 1 row 2 cell 2", "1.250") in cells
    assert blocks[-1].kind == "note" and blocks[-1].text == "1 Zie ook het jaarverslag van de MIVD."
    order = [b.text for b in blocks]
    assert order.index("De AIVD werkt samen met de MIVD.1") < order.index("Dienst")
    assert order.index("830") < order.index("Het dreigingsniveau blijft substantieel.")


def test_pdf_without_text_layer_and_partly_scanned(tmp_path):
    scan = fixtures.scanned_pdf(tmp_path / "scan.pdf", text_pages=0, image_pages=2)
    result = runner.invoke(app, ["translate", str(scan)])
    assert result.exit_code == 1 and "no text layer" in result.stderr and "ocrmypdf" in result.stderr
    warnings: list[str] = []
    partly = fixtures.scanned_pdf(tmp_path / "partly.pdf", text_pages=1, image_pages=2)
    PdfDocument(str(partly), warn=warnings.append)
    assert warnings and "page(s) 2, 3" in warnings[0]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: fixtures.encrypted_pdf(p), "is encrypted"),
        (lambda p: p.write_bytes(b"not a pdf at all") and p, "is not a PDF file"),
    ],
)
def test_bad_pdfs_give_one_line(tmp_path, make, message):
    path = tmp_path / "bad.pdf"
    make(path)
    result = runner.invoke(app, ["translate", str(path)])
    assert result.exit_code == 1 and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("suffix", [".docx", ".md", ".html", ".txt"])
def test_pdf_translates_to_each_format(trained_model, db, sample_pdf, tmp_path, suffix):
    out = tmp_path / f"out{suffix}"
    result = translate(trained_model, sample_pdf, "-o", out, "--no-glossary")
    assert out.exists() and "13 blocks" in result.stderr
    if suffix == ".md":
        text = out.read_text()
        assert text.startswith("# ") and text.count("\n## ") == 3


def test_pdf_defaults_to_docx_beside_it(trained_model, db, sample_pdf, tmp_path):
    copy = tmp_path / "report.pdf"
    copy.write_bytes(sample_pdf.read_bytes())
    translate(trained_model, copy, "--no-glossary")
    assert (tmp_path / "report.en.docx").exists()


# --- DOCX and ODT -------------------------------------------------------------------------------


def test_docx_structure_survives_and_the_bold_term_is_bold(glossary_model, starter, tmp_path):
    import docx

    source = fixtures.report_docx(tmp_path / "letter.docx")
    out = tmp_path / "letter.en.docx"
    result = translate(glossary_model, source, "-o", out)
    translated = docx.Document(str(out))
    original = docx.Document(str(source))
    assert [p.style.name for p in translated.paragraphs] == [p.style.name for p in original.paragraphs]
    term = translated.paragraphs[1]
    assert [r.text for r in term.runs if r.bold] == ["Counterterrorism Alert System"]
    assert len(translated.tables) == 1 and len(translated.tables[0].rows) == 2
    assert translated.tables[0].cell(1, 1).text == "2014"  # numbers alone are copied
    assert translated.sections[0].header.paragraphs[0].text != "Jaarverslag 2014"
    body = translated.element.body
    assert len(body.findall(f".//{W}drawing")) == 1  # the image
    assert not body.findall(f".//{W}ins")  # the tracked insertion accepted: no revisions left
    assert "ingevoegd" not in translated.paragraphs[4].text  # and translated with its sentence
    assert "tracked change accepted" in result.stderr
    assert len(body.findall(f".//{W}commentRangeStart")) == 1
    assert len(body.findall(f".//{W}footnoteReference")) == 1
    footer = translated.sections[0].footer._element
    assert footer.find(f".//{W}fldSimple").get(f"{W}instr") == "PAGE"
    with zipfile.ZipFile(out) as package:
        notes = package.read("word/footnotes.xml").decode()
        comments = package.read("word/comments.xml").decode()
    assert "Zie ook het jaarverslag" not in notes  # the footnote is translated
    assert "Klopt dit?" in comments  # comments are not
    assert "blocks" in result.stderr


def test_odt_structure_survives_and_the_bold_term_is_bold(glossary_model, starter, tmp_path):
    from vertaal.documents.odt import OdtDocument

    source = fixtures.report_odt(tmp_path / "letter.odt")
    out = tmp_path / "letter.en.odt"
    translate(glossary_model, source, "-o", out)
    before, after = OdtDocument(str(source)).blocks, OdtDocument(str(out)).blocks
    assert [(b.kind, b.level) for b in after] == [(b.kind, b.level) for b in before]
    with zipfile.ZipFile(out) as package:
        content = package.read("content.xml").decode()
    assert '<text:span text:style-name="Bold">Counterterrorism Alert System</text:span>' in content
    assert "Klopt dit?" in content and "<text:note-citation>1</text:note-citation>" in content
    assert after[-1].kind == "header" and after[-1].text != "Jaarverslag 2014"


def test_an_inline_format_no_rule_can_place_is_decoded_not_dropped(trained_model, db, tmp_path):
    """An italic word the translation does not copy: its codes are decoded under constraints, so
    the italic run is there, around words of the translation, and nothing is reported dropped."""
    import docx

    document = docx.Document()
    paragraph = document.add_paragraph("De dienst ")
    paragraph.add_run("werkt").italic = True
    paragraph.add_run(" samen met de politie.")
    source = tmp_path / "in.docx"
    document.save(str(source))
    result = translate(trained_model, source, "-o", tmp_path / "out.docx", "--no-glossary")
    assert "dropped" not in result.stderr
    runs = docx.Document(str(tmp_path / "out.docx")).paragraphs[0].runs
    italic = [r.text for r in runs if r.italic]
    assert len(italic) == 1 and italic[0].strip(), [(r.text, r.italic) for r in runs]


def test_bilingual_review_tables(trained_model, db, tmp_path):
    import docx

    source = fixtures.report_docx(tmp_path / "letter.docx")
    translate(trained_model, source, "-o", tmp_path / "review.docx", "--bilingual", "--no-glossary")
    table = docx.Document(str(tmp_path / "review.docx")).tables[0]
    assert [c.text for c in table.rows[0].cells] == ["Source", "Translation"]
    assert table.rows[1].cells[0].text == "Samenwerking met de NCTV"
    translate(trained_model, source, "-o", tmp_path / "review.html", "--bilingual", "--no-glossary")
    assert "<th>Source</th><th>Translation</th>" in (tmp_path / "review.html").read_text()


def test_documents_give_jsonl_rows_with_their_place(trained_model, db, tmp_path):
    source = fixtures.report_docx(tmp_path / "letter.docx")
    result = translate(trained_model, source, "-o", tmp_path / "out.docx", "--format", "jsonl")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    places = {row["place"] for row in rows}
    assert (
        "table 1 row 1 cell 1" in places and "header paragraph 1" in places and "note paragraph 2" in places
    )


def test_check_aligns_two_documents_by_block(trained_model, starter, tmp_path):
    source = fixtures.report_docx(tmp_path / "letter.docx")
    out = tmp_path / "out.docx"
    translate(trained_model, source, "-o", out)
    result = runner.invoke(app, ["check", str(source), str(out), "-f", "json"])
    report = json.loads(result.stdout)
    assert report["summary"]["segments"] == 13  # every block of the letter, header, footer and note included
    other = runner.invoke(app, ["check", str(source), str(fixtures.report_odt(tmp_path / "x.odt"))])
    assert other.exit_code == 1 and "blocks" in other.stderr


# --- HTML and Markdown --------------------------------------------------------------------------


def test_html_untouched_parts_and_attributes(trained_model, db, tmp_path):
    out = tmp_path / "page.en.html"
    translate(trained_model, DATA / "page.html", "-o", out, "--no-glossary")
    html = out.read_text(encoding="utf-8")
    for kept in (
        'var dienst = "De AIVD werkt samen.";',
        "p.intro { font-weight: bold; }",
        '<p translate="no">De AIVD blijft onvertaald.</p>',
        "<pre>De code blijft zoals hij is.</pre>",
        "<code>vertaal check</code>",
        'href="https://www.aivd.nl"',
        'src="logo.png"',
    ):
        assert kept in html, kept
    assert '<html lang="en">' in html and 'charset="utf-8"' in html
    assert 'alt="Het logo van de AIVD"' not in html and "<title>Jaarverslag 2014</title>" not in html
    assert 'title="De website van de AIVD"' not in html  # the link was placed, its title translated
    assert html.count("<li>") == 2 and html.count("<br>") == 1 and "<table>" in html
    assert "Coördinator" not in html  # read as windows-1252 and translated


def test_markdown_keeps_structure_code_and_link_targets(trained_model, db, tmp_path):
    out = tmp_path / "page.en.md"
    translate(trained_model, DATA / "page.md", "-o", out, "--no-glossary")
    text = out.read_text(encoding="utf-8")
    source = (DATA / "page.md").read_text(encoding="utf-8")
    for kept in (
        "```\nDe code blijft zoals hij is.\n```",
        "    Ingesprongen code blijft ook.",
        "`vertaal check`",
        "![Het logo](logo.png)",
        "<div>De HTML blijft.</div>",
        "|---|---|",
    ):
        assert kept in text, kept
    lines = text.split("\n")
    assert lines[0].startswith("# ") and sum(1 for line in lines if line.startswith("- ")) == 2
    assert any(line.startswith("1. ") for line in lines) and any(line.startswith("> ") for line in lines)
    assert len(lines) == len(source.split("\n")) - 1  # the two-line paragraph is written on one line


# --- bad input ----------------------------------------------------------------------------------


def test_a_docx_that_is_not_a_zip(db, tmp_path):
    fake = tmp_path / "letter.docx"
    fake.write_bytes(b"\xd0\xcf\x11\xe0 an old .doc or an encrypted file")
    result = runner.invoke(app, ["translate", str(fake)])
    assert result.exit_code == 1 and "not a DOCX file" in result.stderr
    assert not (tmp_path / "letter.en.docx").exists()


def test_unknown_output_extension_and_unsupported_input(db, tmp_path):
    source = fixtures.report_docx(tmp_path / "letter.docx")
    result = runner.invoke(app, ["translate", str(source), "-o", str(tmp_path / "out.xyz")])
    assert result.exit_code == 2 and "-o" in result.stderr
    old = tmp_path / "letter.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    result = runner.invoke(app, ["translate", "-i", str(old)])
    assert result.exit_code == 2 and ".docx" in result.stderr


def test_html_in_an_unknown_encoding(db, tmp_path):
    page = tmp_path / "page.html"
    page.write_bytes(b'<html><head><meta charset="x-klingon"></head><body><p>Hallo</p></body></html>')
    result = runner.invoke(app, ["translate", str(page)])
    assert result.exit_code == 1 and "unknown encoding 'x-klingon'" in result.stderr


def test_bilingual_odt(trained_model, db, tmp_path):
    from odf.opendocument import load
    from odf.table import TableRow

    source = fixtures.report_odt(tmp_path / "letter.odt")
    translate(trained_model, source, "-o", tmp_path / "review.odt", "--bilingual", "--no-glossary")
    rows = load(str(tmp_path / "review.odt")).getElementsByType(TableRow)
    assert len(rows) == 1 + 11 and str(rows[1]).startswith("Samenwerking met de NCTV")


def test_a_missing_reader_gives_an_install_hint(db, tmp_path, monkeypatch):
    import sys

    source = fixtures.report_docx(tmp_path / "letter.docx")
    monkeypatch.setitem(sys.modules, "docx", None)  # as if python-docx were not installed
    result = runner.invoke(app, ["translate", str(source)])
    assert result.exit_code == 1 and 'pip install "vertaal[documents]"' in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("suffix", [".docx", ".md", ".html"])
def test_a_pdf_and_its_translation_align_for_check(trained_model, starter, tmp_path, suffix):
    """What render writes holds exactly the PDF's blocks (no added heading or title), so check aligns."""
    source = fixtures.table_pdf(tmp_path / "t.pdf")
    out = tmp_path / f"t{suffix}"
    translate(trained_model, source, "-o", out)
    result = runner.invoke(app, ["check", str(source), str(out), "-f", "json"])
    assert json.loads(result.stdout)["summary"]["segments"] == 9, result.output
    text = tmp_path / "t.txt"
    translate(trained_model, source, "-o", text)
    mixed = runner.invoke(app, ["check", str(source), str(text)])
    assert mixed.exit_code == 2 and "one of each" in mixed.stderr


BADGES = (
    "[![Tests](https://github.com/x/y/workflows/Tests/badge.svg)](https://github.com/x/y/actions) "
    "[![Cover](https://img.shields.io/c.svg)](https://cov.io/x) <img src='logo.png' width=40>"
)


def test_markdown_leaves_what_it_does_not_translate_byte_identical(tiny_model, db, tmp_path):
    """A line of badges (images in links, raw HTML) has no words: it comes back as written. In a
    translated paragraph, inline code, an image and a link target are kept exactly, the link's
    text translated around the codes the decoder places (random weights: it places every one)."""
    source = tmp_path / "read.md"
    paragraph = (
        "De dienst gebruikt `vertaal check` en ![logo](logo.png) bij [de politie](https://politie.nl)."
    )
    source.write_text(f"# Titel\n\n{BADGES}\n\n{paragraph}\n", encoding="utf-8")
    out = tmp_path / "read.en.md"
    result = runner.invoke(
        app, ["translate", "-m", str(tiny_model), "--no-memory", "--no-glossary", str(source), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").split("\n")
    assert lines[2] == BADGES
    for kept in ("`vertaal check`", "![logo](logo.png)", "](https://politie.nl)"):
        assert kept in lines[4], kept
    assert "dropped" not in result.stderr


LINK_FORMS = [
    ("[de site](<https://example.org/a b> 'Titel')", "](<https://example.org/a b> 'Titel')"),
    ("[het verslag][ref]", "][ref]"),
    ("[ref][]", "][ref]"),  # the words were the reference: it is named
    ("[ref]", "][ref]"),
    ("<https://aivd.nl/over?x=1&y=2>", "<https://aivd.nl/over?x=1&y=2>"),
    ("![het logo](img/a%20b.png 'T')", "![het logo](img/a%20b.png 'T')"),
    ("[de pagina](https://example.org/%7Euser?q=a+b&amp;c \"Een \\\"titel\\\"\")",
     "](https://example.org/%7Euser?q=a+b&amp;c \"Een \\\"titel\\\"\")"),
]  # fmt: skip


@pytest.mark.parametrize(("written", "kept"), LINK_FORMS)
def test_markdown_link_targets_come_back_as_written(tiny_model, db, tmp_path, written, kept):
    """A link's target, title, reference and an autolink are the source's own bytes in the output
    (markdown-it normalises them: %-encoding, quotes, the reference resolved), however the random
    model translates the words around them."""
    source = tmp_path / "links.md"
    source.write_text(f"De dienst verwijst naar {written} voor meer.\n\n[ref]: https://example.org/r?a=1&b=2\n")
    out = tmp_path / "links.en.md"
    result = runner.invoke(
        app, ["translate", "-m", str(tiny_model), "--no-memory", "--no-glossary", str(source), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").split("\n")
    assert kept in lines[0], lines[0]
    assert lines[2] == "[ref]: https://example.org/r?a=1&b=2"


def test_the_plain_install_reads_every_documented_format():
    """`pip install vertaal` (the README's command) brings the DOCX, ODT and PDF readers: they are
    core requirements, not behind an extra; `vertaal[documents]` is kept as an empty alias."""
    from importlib.metadata import requires

    listed = [r for r in requires("vertaal") or [] if "extra ==" not in r]
    core = {r.split(";")[0].split(">")[0].split("=")[0].strip().lower() for r in listed}
    assert {"python-docx", "odfpy", "pdfplumber"} <= core


def test_markdown_markup_the_model_places_side_by_side_still_reads_as_markup(tmp_path):
    """Codes the translation puts next to each other must not run together (`a``b` is one other
    code span), `__` inside a word is no emphasis (written as **), and emphasis around
    punctuation that CommonMark's flanking rules would not read becomes <strong>."""
    from markdown_it import MarkdownIt

    from vertaal.documents import open_document
    from vertaal.documents.blocks import Translated
    from vertaal.text.codes import codes_in

    source = tmp_path / "doc.md"
    source.write_text("Zie `a` en `b` met __vet__ en __zwaar__ woord.\n", encoding="utf-8")
    document = open_document(source)
    [block] = document.blocks
    first, second, open1, close1, open2, close2 = codes_in(block.text)
    text = f"See {first}{second} x{open1}bold{close1}ly and {open2}.{close2}s word."
    document.write(tmp_path / "out.md", [Translated(block, text)])
    written = (tmp_path / "out.md").read_text(encoding="utf-8")
    assert "`a` `b`" in written and "__" not in written, written
    kinds = [t.type for tok in MarkdownIt("commonmark").parse(written) for t in tok.children or []]
    html = [t.content for tok in MarkdownIt("commonmark").parse(written) for t in tok.children or []
            if t.type == "html_inline"]  # fmt: skip
    assert kinds.count("code_inline") == 2
    assert kinds.count("strong_open") + html.count("<strong>") == 2, written


@pytest.mark.parametrize(
    ("before", "inner", "after", "reads"),
    [(" ", ".", "s", False), (" ", "bold", ".", True), ("x", " a", " ", False), ("x", "bold", "y", True),
     ("(", "!", ")", True), ("a", "!", "b", False)],
)  # fmt: skip
def test_markdown_emphasis_is_judged_by_commonmarks_flanking_rules(before, inner, after, reads):
    """Checked against markdown-it itself: the writer's judgement matches the parser's."""
    from markdown_it import MarkdownIt

    from vertaal.documents.markdown import _emphasis_reads

    parsed = MarkdownIt("commonmark").parseInline(f"{before}*{inner}*{after}")[0].children
    assert any(t.type == "em_open" for t in parsed) is reads
    assert _emphasis_reads(before, inner, after) is reads


PDFPLUMBER = Path(__file__).parent / "data" / "documents" / "pdfplumber"
PDFPLUMBER_DOCS = [PDFPLUMBER / "colors.md", PDFPLUMBER / "repairing.md"]


def _markdown_inventory(text: str):
    """What a Markdown page holds besides its words: link targets, images, code spans and
    blocks, raw HTML (HTML emphasis counted as emphasis), emphasis."""
    from collections import Counter

    from markdown_it import MarkdownIt

    found: Counter = Counter()
    html_emphasis = {"<em>": "em_open", "<strong>": "strong_open"}
    for token in MarkdownIt("commonmark").enable("table").parse(text):
        if token.type in ("fence", "code_block", "html_block"):
            found[(token.type, token.content)] += 1
        for child in token.children or []:
            if child.type == "link_open":
                found[("link", child.attrs.get("href"))] += 1
            elif child.type == "image":
                found[("image", child.attrs.get("src"))] += 1
            elif child.type == "code_inline":
                found[("code", child.content)] += 1
            elif child.type in ("em_open", "strong_open"):
                found[(child.type, "")] += 1
            elif child.type == "html_inline" and child.content in html_emphasis:
                found[(html_emphasis[child.content], "")] += 1
            elif child.type == "html_inline" and child.content not in ("</em>", "</strong>"):
                found[("html", child.content)] += 1
    return found


@pytest.mark.parametrize("page", PDFPLUMBER_DOCS, ids=lambda p: p.name)
def test_public_markdown_comes_back_whole(trained_model, db, tmp_path, page):
    """pdfplumber's own documentation pages (not written for these tests): after translation
    every link target, image, code span, code block and emphasis is there, as often as before."""
    out = tmp_path / page.name
    flags = ["--no-memory", "--no-glossary"]
    result = runner.invoke(app, ["translate", "-m", str(trained_model), *flags, str(page), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert _markdown_inventory(out.read_text("utf-8")) == _markdown_inventory(page.read_text("utf-8"))


def test_pdf_table_without_ruling_lines_is_read_row_by_row(tmp_path):
    """A table set by alignment alone, between two paragraphs: its cells row by row (not its
    columns one after the other), the paragraphs around it as paragraphs."""
    from reportlab.pdfgen import canvas

    path = tmp_path / "unruled.pdf"
    page = canvas.Canvas(str(path), pagesize=(595, 842))
    page.setFont("Helvetica", 10)
    page.drawString(60, 780, "De tabel hieronder geeft de aantallen per jaar weer.")
    rows = [["Bevoegdheid", "2021", "2022", "2023"], ["Tap", "3.120", "3.410", "3.662"],
            ["Observatie", "812", "790", "845"], ["Hacken", "95", "110", "121"]]  # fmt: skip
    for r, row in enumerate(rows):
        page.drawString(60, 740 - 16 * r, row[0])
        for x, cell in zip([290, 390, 490], row[1:], strict=True):  # numbers set right-aligned
            page.drawRightString(x, 740 - 16 * r, cell)
    page.drawString(60, 640, "Het aantal tapverlengingen steeg in 2023 opnieuw.")
    page.save()
    blocks = PdfDocument(str(path)).blocks
    assert [b.text for b in blocks if b.kind == "cell"] == [cell for row in rows for cell in row]
    assert blocks[0].text.startswith("De tabel") and blocks[-1].text.startswith("Het aantal")
    assert [b.kind for b in blocks].count("paragraph") == 2
