"""`vertaal extract`: a file's blocks as translate reads them, printed without a model."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tests.documents import report_docx
from vertaal.cli import app

runner = CliRunner()
DATA = Path(__file__).parent / "data"


def rows(*args) -> list[dict]:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_a_markdown_file_gives_its_headings_and_paragraphs_with_their_lines(tmp_path):
    page = tmp_path / "nota.md"
    table = "| a | b |\n|---|---|\n| één | twee |\n"
    page.write_text(f"# Jaarverslag\n\nDe **AIVD** werkt samen.\n\n- Eerste punt\n\n{table}", "utf-8")
    found = rows("extract", page, "--format", "jsonl")
    assert found[:3] == [
        {"text": "Jaarverslag", "kind": "heading", "place": "line 1", "level": 1},
        {"text": "De AIVD werkt samen.", "kind": "paragraph", "place": "line 3"},
        {"text": "Eerste punt", "kind": "item", "place": "line 5"},
    ]
    assert [r["text"] for r in found if r["kind"] == "cell"] == ["a", "b", "één", "twee"]


def test_translate_sends_exactly_the_blocks_extract_prints(tiny_model, db, tmp_path):
    """Every sentence translate writes (its jsonl `place`) comes from a block extract lists, and
    every block with words is translated."""
    document = report_docx(tmp_path / "brief.docx")
    blocks = rows("extract", document, "--format", "jsonl")
    assert {"heading", "paragraph", "cell", "note"} <= {b["kind"] for b in blocks}
    translated = rows("translate", "-m", tiny_model, "--no-memory", "--no-glossary", document, "-o",
                      tmp_path / "out.docx", "--format", "jsonl")  # fmt: skip
    places = {b["place"] for b in blocks if any(ch.isalpha() for ch in b["text"])}
    assert {r["place"] for r in translated} == places


def test_cat_files_give_the_segments_to_fill_and_text_its_paragraphs(tmp_path):
    xliff = tmp_path / "units.xlf"
    xliff.write_text(
        '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file source-language="nl" '
        'target-language="en" original="x" datatype="plaintext"><body>'
        '<trans-unit id="a"><source>De <g id="1">dienst</g>.</source></trans-unit>'
        '<trans-unit id="b"><source>Klaar.</source><target state="final">Done.</target></trans-unit>'
        "</body></file></xliff>",
        encoding="utf-8",
    )
    expected = [{"text": "De dienst.", "kind": "segment", "place": "unit a"}]  # the final unit is not
    assert rows("extract", xliff, "-f", "jsonl") == expected
    text = tmp_path / "brief.txt"
    text.write_text("Eerste alinea\nloopt door.\n\nTweede.\n", encoding="utf-8")
    paragraphs = [r["text"] for r in rows("extract", text, "-f", "jsonl")]
    assert paragraphs == ["Eerste alinea loopt door.", "Tweede."]
    missing = runner.invoke(app, ["extract", str(tmp_path / "nergens.docx")])
    assert missing.exit_code == 1 and "no such file" in missing.stderr
