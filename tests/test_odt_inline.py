"""ODT paragraphs keep everything inline (tabs, line breaks, repeated spaces, notes, links), the
other parts of the package come back byte for byte, and tracked changes are accepted. Run on a
random model, which never writes a code by itself: the decoder places each."""

from __future__ import annotations

import zipfile
from collections import Counter
from pathlib import Path

from lxml import etree
from typer.testing import CliRunner

from vertaal.cli import app

runner = CliRunner()
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"

BODY = (
    "<text:p>Naam<text:tab/>De dienst werkt samen.<text:line-break/>Een tweede regel van de dienst.</text:p>"
    '<text:p>Het<text:s text:c="3"/>kabinet deelt <text:a xlink:type="simple" xlink:href="https://www.aivd.nl">'
    "het rapport</text:a> met de minister.</text:p>"
    '<text:p>De minister <text:change text:change-id="c1"/><text:change-start text:change-id="c2"/>deelt '
    '<text:change-end text:change-id="c2"/>het rapport.</text:p>'
)
CHANGES = (
    '<text:tracked-changes><text:changed-region text:id="c1"><text:deletion><office:change-info>'
    "<dc:creator>R</dc:creator><dc:date>2024-01-01T00:00:00</dc:date></office:change-info>"
    "<text:p>VERWIJDERD</text:p></text:deletion></text:changed-region>"
    '<text:changed-region text:id="c2"><text:insertion><office:change-info><dc:creator>R</dc:creator>'
    "<dc:date>2024-01-01T00:00:00</dc:date></office:change-info></text:insertion></text:changed-region>"
    "</text:tracked-changes>"
)


def make(path: Path) -> Path:
    from odf.opendocument import OpenDocumentText

    OpenDocumentText().save(str(path))  # a valid package; its body is replaced below
    with zipfile.ZipFile(path) as package:
        parts = {info: package.read(info.filename) for info in package.infolist()}
    content = next(data for info, data in parts.items() if info.filename == "content.xml").decode()
    content = content.replace("<office:text/>", f"<office:text>{CHANGES}{BODY}</office:text>")
    for prefix, uri in (("dc", "http://purl.org/dc/elements/1.1/"), ("xlink", "http://www.w3.org/1999/xlink")):
        if f"xmlns:{prefix}=" not in content:  # (odfpy declares the namespaces it has seen in the process)
            root = "<office:document-content "
            content = content.replace(root, f'{root}xmlns:{prefix}="{uri}" ', 1)
    with zipfile.ZipFile(path, "w") as package:
        for info, data in parts.items():
            package.writestr(info, content.encode() if info.filename == "content.xml" else data)
    return path


def names(path: Path) -> tuple[Counter, str]:
    with zipfile.ZipFile(path) as package:
        root = etree.fromstring(package.read("content.xml"))
    body = root.find(".//{urn:oasis:names:tc:opendocument:xmlns:office:1.0}text")
    return Counter(etree.QName(e).localname for e in body.iter() if isinstance(e.tag, str)), "".join(
        body.itertext()
    )


def test_inline_elements_parts_and_tracked_changes(tiny_model, tmp_path):
    source = make(tmp_path / "in.odt")
    out = tmp_path / "out.odt"
    result = runner.invoke(
        app,
        ["translate", "-m", str(tiny_model), "--no-memory", "--no-glossary", "--beams", "2", str(source),
         "-o", str(out), "--db", str(tmp_path / "v.db")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    before, _ = names(source)
    after, text = names(out)
    for name in ("tab", "line-break", "s", "a"):
        assert after[name] == before[name], (name, after[name], before[name])
    assert after["p"] == before["p"] - 1  # the deleted paragraph, held in the tracked changes
    assert not any(after[n] for n in ("tracked-changes", "change", "change-start", "change-end", "deletion"))
    assert "VERWIJDERD" not in text and "Naam" not in text
    assert "2 tracked changes accepted" in result.stderr
    with zipfile.ZipFile(source) as a, zipfile.ZipFile(out) as b:
        assert [i.filename for i in b.infolist()] == [i.filename for i in a.infolist()]
        assert b.infolist()[0].filename == "mimetype" and b.infolist()[0].compress_type == zipfile.ZIP_STORED
        for info in a.infolist():
            if info.filename != "content.xml":  # untouched parts: byte for byte
                assert b.read(info.filename) == a.read(info.filename), info.filename


def test_a_broken_odt_gets_one_line_and_nothing_on_stdout(tmp_path):
    """No content.xml, or a truncated one: one line on stderr, nothing on stdout, no output file."""
    whole = make(tmp_path / "whole.odt")
    with zipfile.ZipFile(whole) as package:
        parts = {info.filename: package.read(info.filename) for info in package.infolist()}
    cases = {
        "missing.odt": {k: v for k, v in parts.items() if k != "content.xml"},
        "truncated.odt": {**parts, "content.xml": parts["content.xml"][: len(parts["content.xml"]) // 2]},
    }
    for name, content in cases.items():
        path = tmp_path / name
        with zipfile.ZipFile(path, "w") as package:
            for part, data in content.items():
                package.writestr(part, data)
        result = runner.invoke(app, ["translate", str(path), "--db", str(tmp_path / "v.db")])
        assert result.exit_code == 1, result.output
        assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1, result.output
        assert name in result.stderr
        assert not list(tmp_path.glob(f"{path.stem}.en.*"))
