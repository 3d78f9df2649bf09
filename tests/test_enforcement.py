"""Glossary enforcement end to end: constraints from hits, statuses, the CLI."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vertaal import Translator
from vertaal.cli import app
from vertaal.terms.entry import Entry
from vertaal.terms.forms import english_plural, required_forms
from vertaal.terms.matcher import Matcher

runner = CliRunner()
STARTER = Path(__file__).resolve().parents[1] / "glossary" / "nl-en-government.tsv"


def glossary(*args):
    result = runner.invoke(app, ["glossary", *map(str, args)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("phrase", "plural"),
    [("threat level", "threat levels"), ("agency", "agencies"), ("process", "processes"), ("AIVD", "AIVD")],
)
def test_english_plural(phrase, plural):
    assert english_plural(phrase) == plural


def test_target_forms_follow_the_dutch_occurrence():
    entry = Entry("dreigingsniveau", "threat level")
    [plural_hit] = Matcher([entry]).find("De dreigingsniveaus.")
    [plain_hit] = Matcher([entry]).find("Het dreigingsniveau.")
    assert required_forms(plain_hit) == ["threat level", "Threat level"]
    expected = {"threat level", "Threat level", "threat levels", "Threat levels"}
    assert set(required_forms(plural_hit)) == expected


def test_trained_model_free_translation_drops_the_term(trained_model):
    free = Translator(model=str(trained_model), glossary=None).translate(
        "De MIVD bespreekt het dreigingsniveau."
    )
    assert free == "The MIVD discusses the threat."


@pytest.mark.parametrize("strategy", ["direct", "repair"])
def test_enforcement_fixes_the_term_and_keeps_the_rest(trained_model, strategy):
    entries = [Entry("dreigingsniveau", "threat level"), Entry("MIVD", kind="keep")]
    translator = Translator(model=str(trained_model), glossary=entries, strategy=strategy)
    document = translator.translate_document(
        "De MIVD bespreekt het dreigingsniveau. De minister deelt het rapport."
    )
    first, second = document.sentences
    assert first.target == "The MIVD discusses the threat level."
    assert [(t.source, t.status) for t in first.terms] == [
        ("MIVD", "unforced"),
        ("dreigingsniveau", "enforced"),
    ]
    assert second.target == "The minister shares the report."  # no term: the plain path
    assert second.terms == []


def test_preferred_and_forbidden_targets(trained_model):
    entries = [Entry("rapport", "dossier", forbidden=["report"])]
    text = Translator(model=str(trained_model), glossary=entries).translate("De AIVD deelt het rapport.")
    assert text == "The AIVD describes the dossier."  # the tiny model reads "deelt" so in this sentence
    forbid_only = [Entry("rapport", kind="forbidden", forbidden=["report"])]
    text = Translator(model=str(trained_model), glossary=forbid_only).translate("De AIVD deelt het rapport.")
    assert "report" not in text.lower()


def test_starter_glossary_on_the_sample_page(glossary_model, sample_text, db, tmp_path):
    glossary("import", STARTER)
    scan = json.loads(runner.invoke(app, ["glossary", "scan", "--format", "json"], input=sample_text).stdout)
    source = tmp_path / "page.txt"
    source.write_text(sample_text, encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "translate",
            "-m",
            str(glossary_model),
            "-i",
            str(source),
            "--beams",
            "2",
            "--format",
            "jsonl",
            "--strict",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    terms = [t for row in rows for t in row["terms"]]
    assert len(terms) == len(scan["hits"]) > 20
    assert all(t["status"] in ("enforced", "unforced") for t in terms)
    for row in rows:
        for term in row["terms"]:
            assert term["target"].lower() in row["target"].lower() or term["target"] + "s" in row["target"]


def test_cli_glossary_selection_and_strict(trained_model, db):
    glossary("add", "dreigingsniveau", "threat level")
    glossary("add", "dreigingsniveau", "degree of menace", "-g", "other")
    text = "De MIVD bespreekt het dreigingsniveau."
    base = ["translate", "-m", str(trained_model)]
    assert runner.invoke(app, [*base, text]).stdout == "The MIVD discusses the threat level.\n"
    assert runner.invoke(app, [*base, "--no-glossary", text]).stdout == "The MIVD discusses the threat.\n"
    missing = runner.invoke(app, [*base, "-g", "nope", text])
    assert missing.exit_code == 1 and "no glossary named 'nope'" in missing.stderr
    jsonl = runner.invoke(app, [*base, "--no-memory", "--format", "jsonl", text])
    [row] = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert row["terms"][0]["status"] == "enforced"


def test_strict_fails_when_a_term_cannot_be_spelled(trained_model, db):
    glossary("add", "dreigingsniveau", "niveau de menace ½")  # "½" is not in the tiny vocabulary
    base = ["translate", "-m", str(trained_model), "De MIVD bespreekt het dreigingsniveau."]
    lenient = runner.invoke(app, base)
    assert lenient.exit_code == 0 and "warning: 1 glossary term(s) could not be enforced" in lenient.stderr
    strict = runner.invoke(app, [*base, "--strict"])
    assert strict.exit_code == 1
    assert strict.stderr.startswith("Error: 1 glossary term(s) could not be enforced: 'dreigingsniveau'")
    assert strict.stdout  # the translation is still written
