"""`vertaal serve`: LibreTranslate's API with a resident model, driven by the real libretranslatepy
client; vertaal's glossary extension; batching across requests; security and bad requests."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from typer.testing import CliRunner

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

from fastapi.testclient import TestClient  # noqa: E402

from tests.servers import free_port, running  # noqa: E402
from vertaal.cli import app as cli  # noqa: E402
from vertaal.server.app import Settings, create_app  # noqa: E402
from vertaal.server.keys import KeyRing, add_key  # noqa: E402

runner = CliRunner()
STARTER = Path(__file__).resolve().parents[1] / "glossary" / "nl-en-government.tsv"


@pytest.fixture
def starter(db):
    assert runner.invoke(cli, ["glossary", "import", str(STARTER)]).exit_code == 0
    return db


@pytest.fixture
def client(glossary_model, starter):
    with TestClient(create_app(Settings(model=str(glossary_model), db=str(starter)))) as test_client:
        yield test_client


def test_translate_json_string_and_list_with_glossary_statuses(client):
    one = client.post("/translate", json={"q": "De AIVD werkt samen met de MIVD.", "source": "nl", "target": "en"})
    assert one.status_code == 200 and isinstance(one.json()["translatedText"], str)
    many = client.post(
        "/translate",
        json={"q": ["De AIVD werkt.", "Het dreigingsniveau blijft."], "source": "nl", "target": "en",
              "glossary": "default"},
    )
    body = many.json()
    assert len(body["translatedText"]) == 2
    statuses = [t for terms in body["terms"] for t in terms]
    assert {t["source"] for t in statuses} >= {"AIVD", "dreigingsniveau"}
    assert {t["status"] for t in statuses} <= {"enforced", "unforced"}  # every term is in its text
    assert "threat level" in body["translatedText"][1]


def test_form_posts_and_paragraphs_kept(client):
    answer = client.post(
        "/translate", data={"q": "De dienst werkt.\n\nDe minister spreekt.", "source": "nl", "target": "en"}
    )
    assert answer.status_code == 200 and answer.json()["translatedText"].count("\n\n") == 1


def test_languages_and_auto_source(client):
    languages = client.get("/languages").json()
    assert {"code": "nl", "name": "Dutch", "targets": ["en"]} in languages
    auto = client.post("/translate", json={"q": "De dienst.", "source": "auto", "target": "en"}).json()
    assert auto["detectedLanguage"]["language"] == "nl"


def test_html_keeps_every_tag(client):
    """format=html: every tag comes back once, nested as it was, around translated words."""
    from lxml import html

    source = (
        '<p>De <b>AIVD</b> werkt <a href="https://aivd.nl" title="site">samen <i>met</i> de MIVD</a>.<br>Zie '
        "<code>rapport.pdf</code>.</p><ul><li>Eerste punt.</li><li>Tweede <span class=x>punt</span>.</li></ul>"
        "<script>var x = 'niet vertalen';</script>"
    )
    answer = client.post("/translate", json={"q": source, "source": "nl", "target": "en", "format": "html"})
    text = answer.json()["translatedText"]

    def shape(fragment: str) -> list[tuple]:
        root = html.fragment_fromstring(fragment, create_parent="div")
        def attributes(e) -> tuple:  # alt and title are translated: their names kept, not their values
            return tuple(sorted((k, "" if k in ("alt", "title") else v) for k, v in e.attrib.items()))

        return sorted((e.tag, attributes(e), e.getparent().tag) for e in root.iterdescendants())

    assert shape(text) == shape(source)  # the same elements, attributes and parents
    assert "<code>rapport.pdf</code>" in text and "var x = 'niet vertalen';" in text
    link = html.fragment_fromstring(text, create_parent="div").find(".//a")
    assert link.find("i") is not None and link.text_content().strip()
    assert link.get("title") != "site"  # translated, as the CLI translates it (one HTML writer)


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({"source": "nl", "target": "en"}, 400, "missing q"),
        ({"q": "x", "source": "nl", "target": "fr"}, 400, "not supported"),
        ({"q": "x", "source": "nl", "target": "en", "format": "pdf"}, 400, "format"),
        ({"q": ["x", 3], "source": "nl", "target": "en"}, 400, "list of strings"),
        ({"q": "x", "source": "nl"}, 400, "missing target"),
        ({"q": "x", "source": "nl", "target": "en", "glossary": "nope"}, 404, "nope"),
    ],
)
def test_bad_requests_get_4xx_with_an_error(client, body, status, says):
    answer = client.post("/translate", json=body)
    assert answer.status_code == status and says in answer.json()["error"]


def test_malformed_json_and_no_traceback(client):
    answer = client.post("/translate", content=b"{not json", headers={"content-type": "application/json"})
    assert answer.status_code == 400 and answer.json() == {"error": "Invalid request: the body is not valid JSON"}


def test_internal_errors_are_500_without_a_traceback(glossary_model, db, monkeypatch):
    app = create_app(Settings(model=str(glossary_model)))

    def broken(*args, **kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(app.state.vertaal.translators, "translator", broken)
    with TestClient(app, raise_server_exceptions=False) as client:  # as uvicorn answers it
        answer = client.post("/translate", json={"q": "De dienst.", "source": "nl", "target": "en"})
    assert answer.status_code == 500 and "secret" not in answer.text and "Traceback" not in answer.text


def test_translate_file_upload_and_download(client):
    upload = client.post(
        "/translate_file",
        data={"source": "nl", "target": "en"},
        files={"file": ("../../etc/nota.md", b"# Nota\n\nDe AIVD werkt samen.\n", "text/markdown")},
    )
    assert upload.status_code == 200, upload.text
    url = upload.json()["translatedFileUrl"]
    assert url.endswith("/nota.md") and "etc" not in url
    download = client.get(url)
    assert download.status_code == 200 and download.text.startswith("# ")
    rejected = client.post(
        "/translate_file", data={"source": "nl", "target": "en"}, files={"file": ("x.exe", b"MZ", "application/x")}
    )
    assert rejected.status_code == 415 and "not a supported type" in rejected.json()["error"]
    assert client.get("/download_file/forged-token/x.md").status_code == 404


def test_size_limits(glossary_model, db):
    settings = Settings(model=str(glossary_model), max_body=1_000, max_upload=2_000)
    with TestClient(create_app(settings)) as small:
        big = small.post("/translate", json={"q": "woord " * 2_000, "source": "nl", "target": "en"})
        assert big.status_code == 413 and "limit" in big.json()["error"]

        def chunks():
            for _ in range(20):
                yield b"q=" + b"a" * 500

        unsized = small.post("/translate", content=chunks(), headers={"content-type": "application/x-www-form-urlencoded"})
        assert unsized.status_code == 413


def test_api_keys_are_required_and_stored_hashed(glossary_model, db, tmp_path):
    keys = tmp_path / "keys"
    key = add_key(keys, "weblate")
    assert key not in keys.read_text() and keys.read_text().startswith("sha256:")
    with TestClient(create_app(Settings(model=str(glossary_model), keys=KeyRing.load(keys)))) as guarded:
        request = {"q": "De dienst.", "source": "nl", "target": "en"}
        assert guarded.post("/translate", json=request).status_code == 403
        assert guarded.post("/translate", json={**request, "api_key": "wrong"}).status_code == 403
        assert guarded.post("/translate", json={**request, "api_key": key}).status_code == 200
        assert guarded.get("/languages").status_code == 403  # reads need a key too (unless --public-read)
        assert guarded.get("/languages", headers={"X-API-Key": key}).status_code == 200


def test_binding_beyond_this_machine_needs_keys(tmp_path):
    result = runner.invoke(cli, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "--api-keys" in result.stderr
    made = runner.invoke(cli, ["serve", "--add-key", str(tmp_path / "keys")])
    assert made.exit_code == 0 and made.stdout.strip() not in (tmp_path / "keys").read_text()
    bad = tmp_path / "plain"
    bad.write_text("my-secret-key\n", encoding="utf-8")
    refused = runner.invoke(cli, ["serve", "--host", "0.0.0.0", "--api-keys", str(bad)])
    assert refused.exit_code == 1 and "not a hashed key" in refused.stderr


def test_cors_is_off_unless_configured(glossary_model, db):
    headers = {"Origin": "https://evil.example"}
    with TestClient(create_app(Settings(model=str(glossary_model)))) as closed:
        assert "access-control-allow-origin" not in closed.get("/languages", headers=headers).headers
    settings = Settings(model=str(glossary_model), cors_origins=["https://weblate.example"])
    with TestClient(create_app(settings)) as opened:
        allowed = opened.get("/languages", headers={"Origin": "https://weblate.example"})
        assert allowed.headers["access-control-allow-origin"] == "https://weblate.example"


def test_concurrent_requests_share_model_calls(glossary_model, db):
    """Eight clients at once: their sentences go through fewer model calls than requests."""
    import httpx

    app = create_app(Settings(model=str(glossary_model), window=0.05), preload=True)

    async def burst() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            requests = [
                client.post("/translate", json={"q": f"De dienst werkt {n}.", "source": "nl", "target": "en"})
                for n in range(8)
            ]
            return await asyncio.gather(*requests)

    answers = asyncio.run(burst())
    assert all(a.status_code == 200 for a in answers)
    assert app.state.vertaal.batchers["nl-en"].calls < 8
    for each in app.state.vertaal.batchers.values():
        each.stop()


# --- a real server, driven by the real LibreTranslate client ---------------------------------------


@pytest.fixture
def live_server(glossary_model, starter, tmp_path):
    keys = tmp_path / "keys"
    key = add_key(keys)
    settings = Settings(model=str(glossary_model), db=str(starter), keys=KeyRing.load(keys))
    with running(settings) as url:
        yield url + "/", key


def test_libretranslatepy_client(live_server):
    libretranslatepy = pytest.importorskip("libretranslatepy")
    url, key = live_server
    client = libretranslatepy.LibreTranslateAPI(url, api_key=key)
    assert isinstance(client.translate("De AIVD werkt samen met de MIVD.", "nl", "en"), str)
    assert any(language["code"] == "en" for language in client.languages())  # its key in a GET's form
    refused = libretranslatepy.LibreTranslateAPI(url, api_key="wrong")
    with pytest.raises(Exception, match="403"):
        refused.languages()
    with pytest.raises(Exception) as error:  # urllib raises HTTPError 403
        refused.translate("De dienst.", "nl", "en")
    assert "403" in str(error.value)
    assert json.loads(error.value.read())["error"] == "Invalid API key"


def test_server_without_the_extra_gives_an_install_hint(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def missing(name, *args, **kwargs):
        if name in ("fastapi", "uvicorn", "python_multipart"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", missing)
    result = runner.invoke(cli, ["serve"])
    assert result.exit_code == 2 and 'pip install "vertaal[server]"' in result.stderr


# --- every operation, fuzzed from the OpenAPI schema with every check ------------------------------

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.config import SchemathesisConfig  # noqa: E402

# the project's own config: what an upload's content can make the server refuse (its comments say why)
FUZZ_CONFIG = SchemathesisConfig.from_path(str(Path(__file__).parents[1] / "schemathesis.toml"))


@pytest.fixture(scope="module")
def fuzzed_app(tmp_path_factory):
    """The app over a tiny random model that declares nl-en: the schema names that one pair."""
    from tests import factory

    model = tmp_path_factory.mktemp("fuzz-model")
    factory.build_model(model)
    app = create_app(Settings(model=str(model), db=str(tmp_path_factory.mktemp("fuzz") / "fuzz.db")))
    yield app
    for batcher in app.state.vertaal.batchers.values():
        batcher.stop()


def test_every_operation_from_its_schema(fuzzed_app):
    """Generated requests, valid and invalid, for every operation with every check schemathesis
    has (`--checks all`): never a 500, a valid request accepted, an invalid one refused, every
    answer as the schema says."""
    from hypothesis import given
    from schemathesis.generation.modes import GenerationMode

    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzzed_app, config=FUZZ_CONFIG)
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 21  # every route of the API and of LibreTranslate's
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck), database=None)
            @given(operation.as_strategy(generation_mode=mode))
            def run(case):
                case.call_and_validate()

            try:
                run()
            except Exception as error:
                if "Unable to satisfy assumptions" not in str(error):  # no invalid form of a bare GET
                    failures.append(f"{mode.name} {operation.label}: {str(error)[:600]}")
    assert not failures, "\n\n".join(failures)


def test_a_path_of_several_routes_names_all_its_methods(fuzzed_app):
    client = TestClient(fuzzed_app)
    assert client.request("TRACE", "/api/glossaries/x/entries").headers["allow"] == "GET, HEAD, POST"
    assert client.delete("/languages").headers["allow"] == "GET, HEAD, POST"


def test_a_model_serves_the_pair_it_declares(fuzzed_app):
    client = TestClient(fuzzed_app)
    assert client.get("/languages").json() == [
        {"code": "en", "name": "English", "targets": []},
        {"code": "nl", "name": "Dutch", "targets": ["en"]},
    ]
    schema = client.get("/openapi.json").json()["components"]["schemas"]["TranslateBody"]
    assert schema["properties"]["target"]["enum"] == ["en", "nl"]
    assert schema["anyOf"] == [{"properties": {"source": {"enum": ["nl", "auto"]}, "target": {"const": "en"}}}]
    refused = client.post("/translate", json={"q": "Good day.", "source": "en", "target": "nl"})
    assert refused.status_code == 400 and "en to nl is not supported" in refused.json()["error"]


def test_glossary_api_round_trip(client):
    added = client.post("/api/glossaries/default/entries", json={"source": "bewindspersoon", "target": "minister"})
    assert added.status_code == 201
    assert client.post("/api/glossaries/default/entries", json={"source": "bewindspersoon"}).status_code in (400, 409)
    found = client.get("/api/glossaries/default/entries", params={"search": "bewinds"}).json()
    assert [e["target"] for e in found] == ["minister"]
    changed = client.patch("/api/glossaries/default/entries/bewindspersoon", json={"target": "member of government"})
    assert changed.json()["target"] == "member of government"
    event = client.get("/api/glossaries/default/history", params={"source": "bewindspersoon"}).json()[0]["event"]
    assert client.post(f"/api/glossaries/default/history/{event}/restore").json()["target"] == "minister"
    assert "bewindspersoon\tminister" in client.get("/api/glossaries/default/export").text
    assert client.delete("/api/glossaries/default/entries/bewindspersoon").status_code == 200
    assert client.get("/api/glossaries/default/entries/bewindspersoon").status_code == 404
    imported = client.post("/api/glossaries/extra/import", files={"file": ("x.tsv", b"rapport\treport\n")})
    assert imported.json()["added"] == 1
    report = client.post("/api/check", json={"source": ["Het jaarverslag."], "target": ["The yearly report."]})
    assert report.json()["summary"]["problems"]["term_missing"] == 1
    assert client.post("/api/check", params={"format": "html"}, json={"source": ["a"], "target": ["a"]}).text.startswith(
        "<!DOCTYPE html>"
    )


def test_cli_edits_while_the_server_runs(client, starter):
    """The CLI writes the same database while the server holds it open (WAL, busy timeout)."""
    assert runner.invoke(cli, ["glossary", "add", "kabinetsbesluit", "cabinet decision"]).exit_code == 0
    assert client.get("/api/glossaries/default/entries/kabinetsbesluit").json()["target"] == "cabinet decision"
    assert client.post("/api/glossaries/default/entries", json={"source": "ministerraad", "target": "council of ministers"}).status_code == 201
    shown = runner.invoke(cli, ["glossary", "show", "ministerraad"])
    assert shown.exit_code == 0 and "council of ministers" in shown.stdout


def test_sigterm_lets_the_request_in_flight_finish(glossary_model, tmp_path):
    """`vertaal serve` as its own process: SIGTERM during a translation; the client still gets its
    answer, and the server exits cleanly."""
    import os
    import signal
    import subprocess
    import sys

    import httpx

    port = free_port()
    env = {**os.environ, "VERTAAL_DB": str(tmp_path / "v.db")}
    code = "import sys; from vertaal.cli import main; sys.argv[0] = 'vertaal'; main()"
    server = subprocess.Popen(
        [sys.executable, "-c", code, "serve", "--port", str(port), "--preload", "-m", str(glossary_model)],
        env=env,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(600):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/languages", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        long_text = "\n\n".join(f"De dienst werkt samen met partner {n}." for n in range(40))
        answers: list = []
        request = threading.Thread(
            target=lambda: answers.append(
                httpx.post(
                    f"http://127.0.0.1:{port}/translate",
                    json={"q": long_text, "source": "nl", "target": "en"},
                    timeout=120,
                )
            )
        )
        request.start()
        time.sleep(0.5)  # the request is in the model now
        server.send_signal(signal.SIGTERM)
        request.join(120)
        assert answers and answers[0].status_code == 200
        assert answers[0].json()["translatedText"].count("\n\n") == 39
        assert server.wait(60) in (0, -signal.SIGTERM)  # uvicorn re-raises the signal once it is done
        assert b"Traceback" not in server.stderr.read()
    finally:
        if server.poll() is None:
            server.kill()


def test_a_client_that_goes_away_leaks_nothing(glossary_model, db):
    """A request abandoned while its sentences are in the model: the batcher drops its answer,
    the next request is served, and no thread or task is left behind."""
    import httpx

    app = create_app(Settings(model=str(glossary_model), window=0.05), preload=True)
    threads_before = threading.active_count()

    async def scenario() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            abandoned = asyncio.ensure_future(
                client.post("/translate", json={"q": "De dienst werkt.", "source": "nl", "target": "en"})
            )
            await asyncio.sleep(0.01)
            abandoned.cancel()  # what a disconnect does to the request's task
            await asyncio.gather(abandoned, return_exceptions=True)
            return await client.post("/translate", json={"q": "De minister spreekt.", "source": "nl", "target": "en"})

    answer = asyncio.run(scenario())
    assert answer.status_code == 200
    batcher = app.state.vertaal.batchers["nl-en"]
    time.sleep(0.3)
    assert not batcher._pending  # nothing waits for a client that is gone
    batcher.stop()
    assert threading.active_count() <= threads_before


# --- the glossary as it is now: every write is seen by the very next request ------------------------

FRESH = "Het kabinetsbesluit is genomen."


def translated_terms(client, text: str = FRESH) -> tuple[str, dict[str, dict]]:
    """/translate with the default glossary: the translation and its terms by source."""
    answer = client.post("/translate", json={"q": text, "source": "nl", "target": "en", "glossary": "default"})
    assert answer.status_code == 200, answer.text
    return answer.json()["translatedText"], {t["source"]: t for t in answer.json()["terms"]}


def add_through_the_api(client) -> None:
    added = client.post("/api/glossaries/default/entries", json={"source": "kabinetsbesluit", "target": "cabinet decision"})
    assert added.status_code == 201


def add_through_the_ui(client) -> None:
    client.cookies.set("vertaal_csrf", "token")
    form = {"csrf": "token", "name": "default", "pair": "nl-en", "source": "kabinetsbesluit", "target": "cabinet decision"}
    assert client.post("/ui/glossary/add", data=form, follow_redirects=False).status_code == 303


def add_in_another_process(client) -> None:
    """`vertaal glossary add` as its own process, on the server's database ($VERTAAL_DB)."""
    import subprocess
    import sys

    code = "import sys; from vertaal.cli import main; sys.argv[0] = 'vertaal'; main()"
    command = [sys.executable, "-c", code, "glossary", "add", "kabinetsbesluit", "cabinet decision"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("add", [add_through_the_api, add_through_the_ui, add_in_another_process])
def test_a_new_entry_is_enforced_by_the_next_translate_request(client, add):
    """The server caches nothing a write can leave behind: the matcher is the glossary's current
    version's, whoever wrote it."""
    _, before = translated_terms(client)
    assert "kabinetsbesluit" not in before
    add(client)
    text, after = translated_terms(client)
    assert after["kabinetsbesluit"]["status"] == "enforced" and after["kabinetsbesluit"]["target"] == "cabinet decision"
    assert "cabinet decision" in text  # the random model never writes it by itself


def test_an_edited_or_removed_entry_is_seen_by_the_next_request(client):
    add_through_the_api(client)
    assert "cabinet decision" in translated_terms(client)[0]
    changed = client.patch("/api/glossaries/default/entries/kabinetsbesluit", json={"target": "government decision"})
    assert changed.status_code == 200
    text, terms = translated_terms(client)
    assert "government decision" in text and terms["kabinetsbesluit"]["target"] == "government decision"
    client.cookies.set("vertaal_csrf", "token")
    form = {"csrf": "token", "name": "default", "pair": "nl-en", "source": "kabinetsbesluit"}
    assert client.post("/ui/glossary/delete", data=form).status_code == 200
    assert "kabinetsbesluit" not in translated_terms(client)[1]


def test_the_ui_translate_page_and_review_use_the_current_glossary(client):
    client.cookies.set("vertaal_csrf", "token")
    form = {"csrf": "token", "direction": "nl-en", "glossary": "default"}
    assert "cabinet decision" not in client.post("/ui/translate", data={**form, "text": FRESH}).text
    add_in_another_process(client)
    page = client.post("/ui/translate", data={**form, "text": FRESH})
    assert '<mark class="enforced">cabinet decision</mark>' in page.text
    review = client.post("/ui/review", data={**form, "source": FRESH, "target": "The decision was taken."})
    assert "is not translated as" in review.text and "cabinet decision" in review.text


def test_one_model_per_direction_shared_by_every_glossary_version(glossary_model, starter, monkeypatch):
    """Translators come from the server's options, once per pair; a glossary change makes no new model."""
    from vertaal.api import Translator
    from vertaal.languages import Pair

    made = []
    real = Translator.from_options.__func__
    monkeypatch.setattr(Translator, "from_options", classmethod(lambda cls, o: made.append(o) or real(cls, o)))
    app = create_app(Settings(model=str(glossary_model), db=str(starter)))
    with TestClient(app) as client:
        translated_terms(client)
        add_through_the_api(client)
        translated_terms(client)
        client.post("/translate", json={"q": FRESH, "source": "nl", "target": "en"})
    assert [(str(o.pair), o.glossary, o.model) for o in made] == [("nl-en", None, str(glossary_model))]
    translators = app.state.vertaal.translators
    assert translators.translator(Pair("nl", "en"), "default").engine is translators.resident(Pair("nl", "en")).engine


def test_a_ui_post_names_its_direction(client):
    client.cookies.set("vertaal_csrf", "token")
    answer = client.post("/ui/translate", data={"csrf": "token", "text": "De dienst.", "glossary": ""})
    assert answer.status_code == 400 and "choose a direction: nl-en" in answer.text  # the model's one
    unknown = client.post("/ui/translate", data={"csrf": "token", "text": "x", "direction": "fr-de"})
    assert unknown.status_code == 400 and "fr-de is not a direction" in unknown.text
