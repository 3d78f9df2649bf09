"""A bilingual file's languages: a file that does not say them is refused unless the user says,
and every refusal's hint, followed as written, works."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vertaal.cli import app

runner = CliRunner()

PO = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
{language}
msgid "De dienst."
msgstr "{target}"

msgid "Het kabinet."
msgstr ""
"""

XLIFF = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
 <file original="a.txt" {languages} datatype="plaintext">
  <body>
   <trans-unit id="1"><source>{source}</source></trans-unit>
   <trans-unit id="2" approved="yes"><source>{source}</source><target>{target}</target></trans-unit>
  </body>
 </file>
</xliff>
"""


def po(tmp_path: Path, language: str | None, target: str = "The service.") -> Path:
    path = tmp_path / "messages.po"
    header = f'"Language: {language}\\n"' if language else ""
    path.write_text(PO.format(language=header, target=target), encoding="utf-8")
    return path


def xliff(tmp_path: Path, languages: str, source: str = "De dienst.", target: str = "The service.") -> Path:
    path = tmp_path / "file.xlf"
    path.write_text(XLIFF.format(languages=languages, source=source, target=target), encoding="utf-8")
    return path


def hint(stderr: str) -> list[str]:
    """The option and value the one-line refusal tells the user to pass (the first one offered)."""
    assert len(stderr.strip().splitlines()) == 1, stderr
    found = re.search(r"(?:pass|with|e\.g\.) (--\w+) ([a-z]{2}-[a-z]{2})\b", stderr)
    assert found, stderr
    return [found.group(1), found.group(2)]


def stored_pairs(db: Path) -> set[tuple[str, str]]:
    with sqlite3.connect(db) as connection:
        return set(connection.execute("SELECT source_lang, target_lang FROM memory"))


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "v.db"
    monkeypatch.setenv("VERTAAL_DB", str(path))
    return path


def test_a_po_file_without_language_is_refused_until_the_user_says(tiny_model, tmp_path, db):
    path = po(tmp_path, None)
    command = ["translate", "-m", str(tiny_model), "--no-memory", str(path)]
    refused = runner.invoke(app, command)
    assert refused.exit_code == 1 and "no Language header" in refused.stderr
    assert not list(tmp_path.glob("messages.*.po"))  # nothing written
    followed = runner.invoke(app, [*command, *hint(refused.stderr)])
    assert followed.exit_code == 0, followed.output
    assert (tmp_path / "messages.en.po").exists()

    imported = ["memory", "import", str(path)]
    refused = runner.invoke(app, imported)
    assert refused.exit_code == 1 and "no Language header" in refused.stderr
    assert not db.exists() or not stored_pairs(db)  # nothing stored as a guessed pair
    followed = runner.invoke(app, [*imported, *hint(refused.stderr)])
    assert followed.exit_code == 0, followed.output
    assert stored_pairs(db) == {("nl", "en")}

    checked = ["check", str(path)]
    refused = runner.invoke(app, checked)
    assert refused.exit_code == 1 and "no Language header" in refused.stderr
    followed = runner.invoke(app, [*checked, *hint(refused.stderr)])
    assert followed.exit_code in (0, 1) and "Language" not in followed.stderr, followed.output


def test_a_file_naming_only_its_english_source_is_english_to_dutch(tiny_model_en_nl, tmp_path):
    path = xliff(tmp_path, 'source-language="en-US"', source="The service.", target="De dienst.")
    result = runner.invoke(app, ["translate", "-m", str(tiny_model_en_nl), "--no-memory", str(path)])
    assert result.exit_code == 0, result.output
    written = (tmp_path / "file.nl.xlf").read_text(encoding="utf-8")  # named for Dutch
    assert '<trans-unit id="1"><source>The service.</source><target' in written


def test_a_language_vertaal_cannot_translate_gets_no_hint_that_would_fail(tiny_model, tmp_path, db):
    path = po(tmp_path, "be")
    for flags in ([], ["--direction", "nl-en"]):
        result = runner.invoke(app, ["translate", "-m", str(tiny_model), "--no-memory", str(path), *flags])
        assert result.exit_code == 1 and "vertaal translates" in result.stderr, result.output
        assert "--direction" not in result.stderr.split(";")[-1]  # no direction to pass that would work
    # the memory takes any pair: its hint names one, and following it stores the file's units
    refused = runner.invoke(app, ["memory", "import", str(path)])
    assert refused.exit_code == 1
    followed = runner.invoke(app, ["memory", "import", str(path), *hint(refused.stderr)])
    assert followed.exit_code == 0, followed.output
    assert stored_pairs(db) == {("nl", "be")}


def test_a_direction_the_file_contradicts_is_refused_with_the_files_own(tiny_model, tmp_path):
    path = xliff(tmp_path, 'source-language="nl-NL" target-language="en-GB"')
    command = ["translate", "-m", str(tiny_model), "--no-memory", str(path)]
    refused = runner.invoke(app, [*command, "--direction", "en-nl"])
    assert refused.exit_code == 1 and "its source language is nl" in refused.stderr
    assert hint(refused.stderr) == ["--direction", "nl-en"]
    followed = runner.invoke(app, [*command, *hint(refused.stderr)])
    assert followed.exit_code == 0, followed.output
