# ruff: noqa: E501  (request bodies and headers read best on one line)
"""The server locked down and fair (issue 28): keys for every /api route, checked before the
body; Host names; Origin: null; security headers; no server path in any answer; downloads once;
LibreTranslate's limits and its /health, /frontend/settings and /spec."""

from __future__ import annotations

import stat
import tempfile
import threading
import time

import pytest

pytest.importorskip("fastapi")

import httpx  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from tests.servers import running  # noqa: E402
from vertaal.server.app import Settings, create_app  # noqa: E402
from vertaal.server.keys import KeyRing, add_key  # noqa: E402

NL = {"source": "nl", "target": "en"}


@pytest.fixture
def keyed(tiny_model, db, tmp_path):
    """A server with one API key; returns (client, key, settings-maker)."""
    key = add_key(tmp_path / "keys")
    settings = Settings(model=str(tiny_model), db=str(db), keys=KeyRing.load(tmp_path / "keys"))
    with TestClient(create_app(settings)) as client:
        yield client, key


def test_the_key_file_is_readable_by_its_owner_only(tmp_path):
    path = tmp_path / "keys"
    path.write_text("")
    path.chmod(0o644)
    add_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_with_keys_every_api_route_needs_one_reads_included(keyed):
    client, key = keyed
    for method, path in (("get", "/api/glossaries"), ("get", "/api/memory/search?q=x"),
                         ("get", "/api/glossaries/default/export?format=tsv"), ("post", "/api/check")):  # fmt: skip
        refused = getattr(client, method)(path)
        assert refused.status_code == 403, (path, refused.text)
    assert client.get("/api/glossaries", headers={"X-API-Key": key}).status_code == 200
    assert client.get("/api/glossaries", headers={"X-API-Key": "wrong"}).status_code == 403


OTHER_ROUTES = (("get", "/languages"), ("post", "/languages"), ("get", "/health"), ("get", "/frontend/settings"),
                ("get", "/spec"), ("get", "/openapi.json"), ("post", "/detect"), ("post", "/translate"),
                ("post", "/translate_file"), ("get", "/no-such-route"))  # fmt: skip


def test_with_keys_every_other_route_needs_one_too(keyed):
    """LibreTranslate's routes, reads included: refused without a key, answered with one given as
    a header, a bearer token, the query's api_key or (as LibreTranslate's clients send it) the body's."""
    client, key = keyed
    for method, path in OTHER_ROUTES:
        refused = getattr(client, method)(path)
        assert refused.status_code == 403, (method, path, refused.text)
        assert refused.json() == {"error": "Invalid API key"}
    for given in ({"headers": {"X-API-Key": key}}, {"headers": {"Authorization": f"Bearer {key}"}},
                  {"params": {"api_key": key}}):  # fmt: skip
        for _, path in (("get", "/languages"), ("get", "/health"), ("get", "/frontend/settings"), ("get", "/spec")):
            assert client.get(path, **given).status_code == 200, (path, given)
        assert client.post("/translate", json={**NL, "q": "De dienst."}, **given).status_code == 200
    assert client.request("GET", "/languages", data={"api_key": key}).status_code == 200
    assert client.request("GET", "/languages", data={"api_key": "wrong"}).status_code == 403
    assert client.post("/detect", data={"q": "De dienst werkt.", "api_key": key}).status_code == 200
    assert client.get("/ui/login").status_code == 200  # where a browser signs in with its key


def test_public_read_opens_reads_not_writes(tiny_model, db, tmp_path):
    add_key(tmp_path / "keys")
    keys = KeyRing.load(tmp_path / "keys")
    with TestClient(create_app(Settings(model=str(tiny_model), db=str(db), keys=keys, public_read=True))) as client:
        assert client.get("/api/glossaries").status_code == 200
        assert client.get("/languages").status_code == 200 and client.get("/health").status_code == 200
        assert client.post("/translate", json={**NL, "q": "De dienst."}).status_code == 403  # no read
        entry = {"source": "kabinet", "target": "cabinet"}
        assert client.post("/api/glossaries/default/entries", json=entry).status_code == 403


def test_the_key_is_checked_before_the_body_is_read(keyed):
    """A request over the body limit without a key is refused for the key (403), not measured
    (413): the server never takes in an anonymous body."""
    client, _ = keyed
    big = b"x" * 3_000_000
    answer = client.post("/api/glossaries/default/import", content=big, headers={"content-type": "text/plain"})
    assert answer.status_code == 403
    wrong = client.post("/translate", content=big, headers={"X-API-Key": "wrong", "content-type": "text/plain"})
    assert wrong.status_code == 403


def test_only_the_servers_own_host_names_are_answered(tiny_model, db):
    settings = Settings(model=str(tiny_model), db=str(db), allowed_hosts=["127.0.0.1", "localhost", "mt.example"])
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as client:
        assert client.get("/languages").status_code == 200
        assert client.get("/languages", headers={"Host": "mt.example"}).status_code == 200
        assert client.get("/languages", headers={"Host": "evil.example"}).status_code == 400  # DNS rebinding


def test_origin_null_cannot_write(tiny_model, db):
    with TestClient(create_app(Settings(model=str(tiny_model), db=str(db)))) as client:
        entry = {"source": "kabinet", "target": "cabinet"}
        refused = client.post("/api/glossaries/default/entries", json=entry, headers={"Origin": "null"})
        assert refused.status_code == 403
        assert client.post("/api/glossaries/default/entries", json=entry).status_code == 201


def test_every_answer_carries_the_security_headers(tiny_model, db):
    with TestClient(create_app(Settings(model=str(tiny_model), db=str(db)))) as client:
        for answer in (client.get("/"), client.get("/languages"), client.post("/translate", json={"q": ""})):
            headers = answer.headers
            assert headers["content-security-policy"].startswith("default-src 'self'")
            assert "frame-ancestors 'none'" in headers["content-security-policy"]
            assert headers["x-content-type-options"] == "nosniff"
            assert headers["referrer-policy"] == "no-referrer"
        assert client.get("/docs").status_code == 404  # its page would load a CDN's assets


def test_an_upload_error_names_the_clients_file_never_a_server_path(tiny_model, db):
    with TestClient(create_app(Settings(model=str(tiny_model), db=str(db)))) as client:
        answer = client.post("/translate_file", data=NL, files={"file": ("brief.docx", b"not a zip", "application/zip")})
        imported = client.post("/api/glossaries/default/import", files={"file": ("termen.tsv", b"kabinet\n")})
        warned = client.post("/api/glossaries/default/import", files={"file": ("t.tsv", b"kabinet\tcabinet\nx\ty\tz\n")})
    assert answer.status_code == 400
    assert "brief.docx" in answer.text and tempfile.gettempdir() not in answer.text and "source.docx" not in answer.text
    assert imported.status_code == 400 and imported.json()["error"].startswith("termen.tsv:1: missing target column")
    assert tempfile.gettempdir() not in imported.text + warned.text and "upload" not in imported.text + warned.text


def test_a_download_works_once_is_deleted_and_its_url_is_encoded_with_the_configured_host(tiny_model, db):
    settings = Settings(model=str(tiny_model), db=str(db), public_url="https://mt.example.org")
    with TestClient(create_app(settings)) as client:
        answer = client.post("/translate_file", data=NL, files={"file": ("verslag 2024 #1.txt", b"De dienst.\n")})
        url = answer.json()["translatedFileUrl"]
        assert url.startswith("https://mt.example.org/download_file/")
        assert url.endswith("/verslag%202024%20%231.txt"), url
        path = httpx.URL(url).raw_path.decode()
        first = client.get(path)
        assert first.status_code == 200 and first.text.strip()
        assert client.get(path).status_code == 404
        spool = client.app.state.vertaal._spool
        assert spool is not None and not any(spool.iterdir())  # the upload and its translation are gone


def test_downloads_past_their_ttl_are_deleted(tiny_model, db):
    settings = Settings(model=str(tiny_model), db=str(db), download_ttl=0.2)
    with TestClient(create_app(settings)) as client:
        url = client.post("/translate_file", data=NL, files={"file": ("a.txt", b"De dienst.\n")}).json()
        time.sleep(0.3)
        client.post("/translate_file", data=NL, files={"file": ("b.txt", b"Het kabinet.\n")})  # sweeps
        assert client.get(httpx.URL(url["translatedFileUrl"]).raw_path.decode()).status_code == 404
        assert len(list(client.app.state.vertaal._spool.iterdir())) == 1  # b.txt's only


def test_limits_and_bad_text_are_400_not_500(tiny_model, db):
    settings = Settings(model=str(tiny_model), db=str(db), char_limit=50, batch_limit=3)
    with TestClient(create_app(settings)) as client:
        long = client.post("/translate", json={"q": "woord " * 20, **NL})
        assert long.status_code == 400 and "exceeds text limit (50)" in long.json()["error"]
        many = client.post("/translate", json={"q": ["a", "b", "c", "d"], **NL})
        assert many.status_code == 400 and "batch limit (3)" in many.json()["error"]
        lone = client.post("/translate", content=b'{"q": "\\ud800", "source": "nl", "target": "en"}',
                           headers={"content-type": "application/json"})  # fmt: skip
        assert lone.status_code == 400
        restore = client.post("/api/glossaries/default/history/abc/restore")
        assert restore.status_code == 400


def test_libretranslate_health_settings_spec_and_detected_languages_per_text(tiny_model, db):
    with TestClient(create_app(Settings(model=str(tiny_model), db=str(db), char_limit=5000))) as client:
        assert client.get("/health").json() == {"status": "ok"}
        front = client.get("/frontend/settings").json()
        assert front["charLimit"] == 5000 and front["keyRequired"] is False and ".docx" in front["supportedFilesFormat"]
        assert "/translate" in client.get("/spec").json()["paths"]
        both = client.post("/translate", json={"q": ["De dienst.", "Het kabinet."], "source": "auto", "target": "en"})
        assert [d["language"] for d in both.json()["detectedLanguage"]] == ["nl", "nl"]


def test_a_short_request_is_answered_while_a_long_one_runs(tiny_model, db):
    """An 800-paragraph request is translated 32 paragraphs at a time: a one-sentence request
    sent after it starts comes back long before it ends."""
    settings = Settings(model=str(tiny_model), db=str(db), memory=False, char_limit=10**6, batch_limit=10**5)
    done: dict[str, float] = {}
    with running(settings) as url:
        def long() -> None:
            httpx.post(f"{url}/translate", json={"q": "\n\n".join(f"Zin {n} van het verslag." for n in range(800)),
                                                 **NL}, timeout=600)  # fmt: skip
            done["long"] = time.monotonic()

        worker = threading.Thread(target=long)
        worker.start()
        time.sleep(1.0)
        short = httpx.post(f"{url}/translate", json={"q": "De dienst.", **NL}, timeout=600)
        done["short"] = time.monotonic()
        worker.join()
    assert short.status_code == 200
    assert done["short"] < done["long"] - 1.0, done


def test_a_docx_element_bomb_is_refused_before_it_is_parsed(tiny_model, db, tmp_path):
    """A 40 KB upload whose document.xml unpacks to 17 MB of empty paragraphs is refused in one
    answer naming the part and the limit; the server never builds its tree."""
    import io
    import zipfile

    import docx

    docx.Document().save(tmp_path / "empty.docx")
    bomb = io.BytesIO()
    with zipfile.ZipFile(tmp_path / "empty.docx") as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body>" + b"<w:p/>" * 3_000_000)
            out.writestr(info.filename, data)
    assert len(bomb.getvalue()) < 100_000
    with TestClient(create_app(Settings(model=str(tiny_model), db=str(db)))) as client:
        answer = client.post("/translate_file", data=NL, files={"file": ("bomb.docx", bomb.getvalue())})
    assert answer.status_code == 400
    assert "word/document.xml unpacks to 17 MB, over the server's limit of 16 MB" in answer.json()["error"]


def test_languages_answers_while_a_document_is_translated(tiny_model, db, tmp_path):
    """A 400-paragraph DOCX is read and written in a worker thread and translated a chunk at a
    time: /languages answers meanwhile, each probe within a second."""
    import docx

    document = docx.Document()
    for n in range(400):
        document.add_paragraph(f"Paragraaf {n} van het jaarverslag van de dienst.")
    document.save(tmp_path / "long.docx")
    data = (tmp_path / "long.docx").read_bytes()
    answers: list[float] = []
    with running(Settings(model=str(tiny_model), db=str(db), memory=False)) as url:
        upload = threading.Thread(
            target=lambda: httpx.post(f"{url}/translate_file", data=NL, files={"file": ("long.docx", data)}, timeout=600)
        )
        upload.start()
        time.sleep(0.5)
        while upload.is_alive() and len(answers) < 5:
            started = time.monotonic()
            assert httpx.get(f"{url}/languages", timeout=30).status_code == 200
            answers.append(time.monotonic() - started)
            time.sleep(0.2)
        upload.join()
    assert answers and max(answers) < 1.0, answers


def test_req_limit_counts_requests_per_key_or_address(tiny_model, db):
    with TestClient(create_app(Settings(model=str(tiny_model), db=str(db), req_limit=3))) as client:
        assert [client.get("/health").status_code for _ in range(4)] == [200, 200, 200, 429]
        limited = client.get("/languages")
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
        assert client.get("/health", headers={"X-API-Key": "other"}).status_code == 200  # its own count


def test_requests_the_schema_allows_are_answered_and_others_refused_as_the_schema_says(tiny_model, db):
    """What schemathesis' positive and negative checks found, one by one."""
    with TestClient(create_app(Settings(model=str(tiny_model), db=str(db)))) as client:
        # lists of different lengths: checked as far as both go, the rest named (not a 400)
        report = client.post("/api/check", json={"source": ["a", "b", "c"], "target": ["a"]}).json()
        assert report["summary"]["segments"] == 1 and report["summary"]["problems"]["segment_count"] == 1
        assert report["document_problems"][0]["segments"] == [1, 2]
        # a PATCH whose fields are each valid but together don't make an entry: 409, not 400
        avoid = {"source": "bewindspersoon", "kind": "forbidden", "forbidden": ["bewindsman"]}
        assert client.post("/api/glossaries/default/entries", json=avoid).status_code == 201
        conflict = client.patch("/api/glossaries/default/entries/bewindspersoon", json={"kind": "preferred"})
        assert conflict.status_code == 409 and "empty target" in conflict.json()["error"]
        # JSON's 0 is no boolean; 1.0 is the integer 1
        assert client.post("/api/glossaries/default/entries", json={"source": "x", "target": "y", "compounds": 0}).status_code == 400
        assert client.post("/translate", json={**NL, "q": "De dienst.", "alternatives": 1.0}).status_code == 200
        assert client.post("/translate", json={**NL, "q": "De dienst.", "alternatives": "1"}).status_code == 400
        # an empty text in a list, a glossary name no glossary has, a name that is no name
        assert client.post("/translate", json={**NL, "q": ["De dienst.", ""]}).status_code == 400
        assert client.post("/translate", json={**NL, "q": "x", "glossary": "nosuch"}).status_code == 404
        assert client.post("/translate", json={**NL, "q": "x", "glossary": "../x"}).status_code == 400
        assert client.post("/translate", json={**NL, "q": "x", "api_key": 5}).status_code == 400
        # an upload of a type the server does not read
        png = client.post("/translate_file", data=NL, files={"file": ("a.png", b"\x89PNG\r\n\x1a\n")})
        assert png.status_code == 415 and ".docx" in png.json()["error"]


def test_html_keeps_the_control_characters_lxml_cannot_hold(tiny_model, db):
    with TestClient(create_app(Settings(model=str(tiny_model), db=str(db)))) as client:
        answer = client.post("/translate", json={**NL, "q": "<p>De dienst.</p><p>\x15</p><hr title='\x08'>", "format": "html"})
        assert answer.status_code == 200
        html = answer.json()["translatedText"]
        assert "<p>\x15</p>" in html and 'title="\x08"' in html and html.count("<p>") == 2
