"""XLIFF and PO written back by splicing: what is not translated comes back byte for byte (line endings,
attribute order, quoting, entity spelling, empty-element form, the last newline), and a file with
nothing to translate comes back identical."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vertaal.cli import app

runner = CliRunner()
DATA = Path(__file__).parent / "data" / "cat"
PUBLIC = sorted(p for p in DATA.rglob("*") if p.suffix in (".xlf", ".po"))

CRLF = (
    '<?xml version="1.0" encoding="UTF-8"?>\r\n'
    "<xliff xmlns='urn:oasis:names:tc:xliff:document:1.2' version='1.2'>\r\n"
    ' <file target-language="en-GB" datatype="plaintext" original="a.txt" source-language="nl-NL">\r\n'
    "  <body>\r\n"
    '   <trans-unit id="done" approved="yes">'
    '<source>De &quot;dienst&quot; &apos;werkt&apos; &gt; 2<x id="1" /></source>'
    '<target state="final">The &quot;service&quot; &apos;works&apos; &gt; 2<x id="1" /></target>'
    "</trans-unit>\r\n"
    '   <trans-unit id="new"><source>Het kabinet deelt het rapport.</source></trans-unit>\r\n'
    '   <trans-unit translate="no" id="locked"><source>Niet &gt; vertalen</source></trans-unit>\r\n'
    "  </body>\r\n"
    " </file>\r\n"
    "</xliff>"
)  # fmt: skip


def translate(model: Path, source: Path, out: Path, *flags: str) -> None:
    common = ["translate", "-m", str(model), "--no-memory", "--no-glossary"]
    result = runner.invoke(app, [*common, str(source), "-o", str(out), *flags])
    assert result.exit_code == 0, result.output


def round_trip(model: Path, tmp_path: Path, name: str, text: str) -> tuple[bytes, bytes]:
    """The bytes of a file written from `text`, and of its translation."""
    source, out = tmp_path / name, tmp_path / f"out{Path(name).suffix}"
    source.write_bytes(text.encode())
    translate(model, source, out)
    return source.read_bytes(), out.read_bytes()


def test_only_the_translated_unit_changes_and_crlf_stays(tiny_model, tmp_path, monkeypatch):
    monkeypatch.setenv("VERTAAL_DB", str(tmp_path / "v.db"))
    before, after = round_trip(tiny_model, tmp_path, "crlf.xlf", CRLF)
    start = before.index(b'   <trans-unit id="new">')
    end = before.index(b"</trans-unit>", start) + len(b"</trans-unit>")
    assert after[:start] == before[:start]  # root attributes' order and quotes, the final unit's entities
    assert after.endswith(before[end:])  # the locked unit, and no newline added at the end
    changed = after[start : len(after) - len(before[end:])]
    assert b"<target" in changed and b"xmlns" not in changed
    assert b"\n" not in after.replace(b"\r\n", b"")  # every line ending still CRLF


@pytest.mark.parametrize("path", PUBLIC, ids=[p.name for p in PUBLIC])
def test_a_file_with_nothing_left_to_translate_comes_back_identical(tiny_model, tmp_path, monkeypatch, path):
    """Translated once, every empty segment is filled; translated again, nothing is chosen, and the
    file must come back byte for byte."""
    monkeypatch.setenv("VERTAAL_DB", str(tmp_path / "v.db"))
    source = tmp_path / f"nl-en{path.suffix}"  # the file with its languages said as nl and en
    data = re.sub(rb'(source-language|srcLang)="[^"]*"', rb'\1="nl"', path.read_bytes())
    data = re.sub(rb'(target-language|trgLang)="[^"]*"', rb'\1="en"', data)
    source.write_bytes(re.sub(rb'"Language: [^"\\]*', b'"Language: en', data))
    once, twice = tmp_path / f"once{path.suffix}", tmp_path / f"twice{path.suffix}"
    translate(tiny_model, source, once, "--direction", "nl-en")  # (for a PO without Language)
    translate(tiny_model, once, twice, "--direction", "nl-en")
    assert twice.read_bytes() == once.read_bytes()


PO = (
    '# Een vertaling.\r\nmsgid ""\r\nmsgstr ""\r\n"Language: en\\n"\r\n'
    '"Content-Type: text/plain; charset=UTF-8\\n"\r\n\r\n'
    '#: a.c:1\r\nmsgid ""\r\n"Een lange regel die de maker van het bestand zelf op deze plek "\r\n'
    '"heeft afgebroken, "\r\n'
    '"niet waar gettext het zou doen."\r\nmsgstr "A long line."\r\n\r\n'
    'msgid "Het kabinet deelt het rapport."\r\nmsgstr ""\r\n\r\n'
    '#~ msgid "Oud."\r\n#~ msgstr "Old."'
)  # fmt: skip


def test_a_po_file_keeps_every_untranslated_entry_as_written(tiny_model, tmp_path, monkeypatch):
    monkeypatch.setenv("VERTAAL_DB", str(tmp_path / "v.db"))
    before, after = round_trip(tiny_model, tmp_path, "messages.po", PO)
    start = before.index(b'msgid "Het kabinet')
    end = before.index(b"\r\n\r\n#~")
    assert after[:start] == before[:start]  # the header and the hand-wrapped entry, as written
    assert after.endswith(before[end:])  # the obsolete entry, no newline added
    changed = after[start : len(after) - len(before[end:])]
    assert b"#, fuzzy" in changed and b'msgstr ""\r\n' not in changed
    assert b"\n" not in after.replace(b"\r\n", b"")
