"""DOCX paragraphs keep everything inline: tabs, line breaks, fields with their spaces, note
references, bookmarks and hyperlinks come back once each, in their paragraph; tracked changes are
accepted (inserted and moved-to text translated, deleted and moved-from text gone, no revisions
left). Run on a random model, which never writes a code by itself: the decoder places each."""

from __future__ import annotations

import zipfile
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from vertaal.cli import app

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = f'xmlns:w="{W}"'
runner = CliRunner()

D = 'w:author="R" w:date="2024-01-01T00:00:00Z"'  # a revision's author and date
T = '<w:t xml:space="preserve">'
PARAGRAPHS = [
    # a tab and a line break inside the text
    f'<w:p {NS}><w:r><w:t>Naam</w:t><w:tab/><w:t>De dienst werkt samen.</w:t><w:br/>'
    "<w:t>Een tweede regel van de dienst.</w:t></w:r></w:p>",
    # a complex field (a caption number) with a space before it, and a footnote reference
    f'<w:p {NS}><w:r>{T}Zie Tabel </w:t></w:r>'
    '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
    '<w:r><w:instrText xml:space="preserve"> SEQ Tabel </w:instrText></w:r>'
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
    '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    f'<w:r>{T} voor de cijfers van de dienst.</w:t></w:r>'
    '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="1"/></w:r>'
    f'<w:r>{T} Het kabinet deelt het rapport.</w:t></w:r></w:p>',
    # tracked changes: an insertion, a deletion, a move
    f'<w:p {NS}><w:r>{T}De minister </w:t></w:r>'
    f'<w:del w:id="1" {D}><w:r><w:delText>VERWIJDERD </w:delText></w:r></w:del>'
    f'<w:ins w:id="2" {D}><w:r>{T}deelt </w:t></w:r></w:ins>'
    f'<w:moveFrom w:id="3" {D}><w:r><w:t>VERPLAATST</w:t></w:r></w:moveFrom>'
    f'<w:r>{T}het rapport </w:t></w:r>'
    f'<w:moveTo w:id="4" {D}><w:r><w:t>vandaag.</w:t></w:r></w:moveTo></w:p>',
    # a bookmark and a bold word
    f'<w:p {NS}><w:bookmarkStart w:id="7" w:name="hier"/><w:r>{T}Het </w:t></w:r>'
    f'<w:r><w:rPr><w:b/></w:rPr><w:t>dreigingsniveau</w:t></w:r><w:r>{T} blijft gelijk.</w:t></w:r>'
    '<w:bookmarkEnd w:id="7"/></w:p>',
]  # fmt: skip

KEPT = ["tab", "br", "fldChar", "instrText", "footnoteReference", "bookmarkStart", "bookmarkEnd", "b"]


def make(path: Path) -> Path:
    import docx

    document = docx.Document()
    body = document.element.body
    for xml in PARAGRAPHS:
        body.insert(len(body) - 1, etree.fromstring(xml))
    document.save(str(path))
    return path


def counts(path: Path) -> tuple[Counter, str]:
    with zipfile.ZipFile(path) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    names = Counter(etree.QName(e).localname for e in root.iter() if isinstance(e.tag, str))
    return names, "".join(root.itertext())


@pytest.fixture(scope="module")
def translated(tiny_model, tmp_path_factory) -> tuple[Path, Path, str]:
    folder = tmp_path_factory.mktemp("docx-inline")
    source = make(folder / "in.docx")
    result = runner.invoke(
        app,
        ["translate", "-m", str(tiny_model), "--no-memory", "--no-glossary", "--beams", "2", str(source),
         "-o", str(folder / "out.docx"), "--db", str(folder / "v.db")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return source, folder / "out.docx", result.stderr


def test_every_inline_element_comes_back_once(translated):
    source, out, _ = translated
    before, _ = counts(source)
    after, _ = counts(out)
    for name in KEPT:
        assert after[name] == before[name], (name, after[name], before[name])
    assert after["p"] == before["p"]


def test_tracked_changes_are_accepted_and_said(translated):
    source, out, stderr = translated
    after, text = counts(out)
    assert not any(after[name] for name in ("ins", "del", "moveFrom", "moveTo", "delText"))
    assert "VERWIJDERD" not in text and "VERPLAATST" not in text and "vandaag" not in text
    assert (
        "4 tracked changes accepted" in stderr
        and len([line for line in stderr.splitlines() if "tracked" in line]) == 1
    )


def test_a_field_keeps_its_spaces(translated):
    """Wherever the decoder puts the field, it stands apart from the words around it, as "Tabel 1"
    does in the source (never "...Table1 for")."""
    _, out, _ = translated
    with zipfile.ZipFile(out) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    paragraph = [p for p in root.iter(f"{{{W}}}p") if p.find(f".//{{{W}}}fldChar") is not None][0]
    runs = list(paragraph.iter(f"{{{W}}}r"))
    marks = [i for i, r in enumerate(runs) if r.find(f"{{{W}}}fldChar") is not None]
    assert len(marks) == 3 and marks[-1] - marks[0] == 4  # begin, code, separate, result, end: together
    before = "".join(t.text or "" for r in runs[: marks[0]] for t in r.iter(f"{{{W}}}t"))
    after = "".join(t.text or "" for r in runs[marks[-1] + 1 :] for t in r.iter(f"{{{W}}}t"))
    assert not before or before[-1] == " ", repr(before)
    assert not after or not after[0].isalnum(), repr(after)
    assert [t.text for r in runs[marks[0] : marks[-1]] for t in r.iter(f"{{{W}}}t")] == ["1"]  # its result
