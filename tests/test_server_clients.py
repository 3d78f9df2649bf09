"""The server as the MT backend of clients that know nothing of vertaal (Weblate, OmegaT plugins,
browser extensions, libretranslatepy): the server's glossary and the translation memory apply to
every request, as the CLI applies them (issue 28)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402

from vertaal.cli import app as cli  # noqa: E402
from vertaal.db import open_db  # noqa: E402
from vertaal.memory.store import MemoryStore, Unit  # noqa: E402
from vertaal.server.app import Settings, create_app  # noqa: E402

runner = CliRunner()
STARTER = Path(__file__).resolve().parents[1] / "glossary" / "nl-en-government.tsv"
SENTENCE = "Het dreigingsniveau blijft substantieel."


def ask(client, **extra):
    body = {"q": SENTENCE, "source": "nl", "target": "en", **extra}
    answer = client.post("/translate", json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()


@pytest.fixture
def starter(db):
    assert runner.invoke(cli, ["glossary", "import", str(STARTER)]).exit_code == 0
    return db


def test_a_request_without_a_glossary_gets_the_default_and_empty_means_none(glossary_model, starter):
    with TestClient(create_app(Settings(model=str(glossary_model), db=str(starter)))) as client:
        plain = ask(client)  # what Weblate sends: no glossary field
        assert [(t["source"], t["status"]) for t in plain["terms"]] == [("dreigingsniveau", "enforced")]
        assert "threat level" in plain["translatedText"]
        none = ask(client, glossary="")
        assert "terms" not in none


def test_serve_glossary_names_the_glossary_for_every_request(glossary_model, starter):
    added = runner.invoke(cli, ["glossary", "add", "-g", "eigen", "substantieel", "substantial"])
    assert added.exit_code == 0, added.output
    settings = Settings(model=str(glossary_model), db=str(starter), glossary="eigen")
    with TestClient(create_app(settings)) as client:
        assert [t["source"] for t in ask(client)["terms"]] == ["substantieel"]
        assert [t["source"] for t in ask(client, glossary="default")["terms"]] == ["dreigingsniveau"]
    refused = runner.invoke(cli, ["serve", "--glossary", "nergens", "--db", str(starter)])
    assert refused.exit_code == 1 and "no glossary named 'nergens'" in refused.stderr


@pytest.mark.parametrize("fmt", ["text", "html"])
def test_an_edited_translation_in_the_memory_answers_and_no_memory_turns_it_off(glossary_model, starter, fmt):
    """A sentence saved in Review as edited is what /translate answers (for HTML too), not the
    model's output; with the memory off the model translates it again."""
    edited = "The threat level remains substantial (checked)."
    MemoryStore(open_db(starter)).store([Unit(SENTENCE, edited, "nl", "en", "edited")])
    q = f"<p>{SENTENCE}</p>" if fmt == "html" else SENTENCE
    for memory, expected in ((True, True), (False, False)):
        settings = Settings(model=str(glossary_model), db=str(starter), memory=memory)
        with TestClient(create_app(settings)) as client:
            answer = ask(client, q=q, format=fmt)
        assert (edited in answer["translatedText"]) is expected, answer
        assert [t["source"] for t in answer["terms"]] == ["dreigingsniveau"]  # terms for HTML too


def test_detect_and_source_auto_identify_each_text_offline(glossary_model, starter):
    """/detect and source "auto" identify the language (lingua, offline) per text: a Dutch text is
    translated nl-en, an English one asked into English comes back as it is, each with its own
    detectedLanguage."""
    with TestClient(create_app(Settings(model=str(glossary_model), db=str(starter)))) as client:
        english = client.post("/detect", json={"q": "The service publishes its annual report today."}).json()
        assert english[0]["language"] == "en" and english[0]["confidence"] > 50
        assert {d["language"] for d in english} == {"nl", "en"}
        dutch = client.post("/detect", data={"q": "De dienst publiceert vandaag het jaarverslag."}).json()
        assert dutch[0]["language"] == "nl"
        q = [SENTENCE, "The threat level remains."]
        answer = client.post("/translate", json={"q": q, "source": "auto", "target": "en"}).json()
        assert [d["language"] for d in answer["detectedLanguage"]] == ["nl", "en"]
        assert "threat level" in answer["translatedText"][0] and answer["translatedText"][1] == q[1]
        assert client.post("/detect", json={"q": ""}).status_code == 400


def test_alternatives_come_from_the_beam_and_hold_the_glossary(glossary_model, starter):
    """LibreTranslate's `alternatives`: the beam's other hypotheses (4 beams: up to 3), none equal
    to the translation or to each other; under a glossary only those that hold every term."""
    with TestClient(create_app(Settings(model=str(glossary_model), db=str(starter)))) as client:
        plain = ask(client, q="De minister deelt het verslag.", alternatives=3, glossary="")
        assert 1 <= len(plain["alternatives"]) <= 3
        assert len(set(plain["alternatives"])) == len(plain["alternatives"])
        assert plain["translatedText"] not in plain["alternatives"]
        termed = ask(client, alternatives=3)
        assert all("threat level" in alt for alt in termed["alternatives"]), termed
        many = client.post("/translate", json={"q": ["Een.", "Twee."], **{"source": "nl", "target": "en"},
                                               "alternatives": 1}).json()  # fmt: skip
        assert len(many["alternatives"]) == 2 and all(len(a) <= 1 for a in many["alternatives"])
        too_many = {"q": "x", "source": "nl", "target": "en", "alternatives": 6}
        assert client.post("/translate", json=too_many).status_code == 400
