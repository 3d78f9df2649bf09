"""The browser UI end to end in headless chromium with Playwright: translate, document, glossary
(add, edit inline, delete, history, restore), review (edit, save to the memory), CSRF, sign-in.
Screenshots of each page go to docs/screenshots/."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

pytest.importorskip("fastapi")
playwright = pytest.importorskip("playwright.sync_api")

from tests.servers import running  # noqa: E402
from vertaal.cli import app as cli  # noqa: E402
from vertaal.server.app import Settings  # noqa: E402
from vertaal.server.keys import KeyRing, add_key  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
STARTER = Path(__file__).resolve().parents[1] / "glossary" / "nl-en-government.tsv"
pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"), reason="chromium is not installed"
)


@pytest.fixture
def site(glossary_model, glossary_model_en_nl, db, tmp_path, monkeypatch):
    """A server with a model for each direction (one model declared nl-en, its copy en-nl)."""
    models = tmp_path / "models.txt"
    models.write_text(f"nl-en {glossary_model}\nen-nl {glossary_model_en_nl}\n", encoding="utf-8")
    monkeypatch.setenv("VERTAAL_MODELS_FILE", str(models))
    assert CliRunner().invoke(cli, ["glossary", "import", str(STARTER)]).exit_code == 0
    with running(Settings(db=str(db))) as url:
        yield url, db


@pytest.fixture
def browser():
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_translate_page_highlights_terms_with_statuses(site, browser):
    url, _ = site
    page = browser.new_page(viewport={"width": 1100, "height": 800})
    page.goto(f"{url}/")
    page.fill("textarea[name=text]", "De AIVD en de MIVD bespreken het dreigingsniveau.")
    page.select_option("select[name=glossary]", "default")
    page.click("text=Translate >> nth=-1")
    page.wait_for_selector("#result")
    statuses = page.locator("#terms tbody td:nth-child(4)").all_inner_texts()
    assert statuses and set(statuses) <= {"enforced", "unforced"}
    assert page.locator("#result mark").count() >= len(statuses)
    assert "threat level" in page.inner_text("#result .target")
    shot(page, "translate")


def test_document_upload_downloads_the_translation(site, browser, tmp_path):
    url, _ = site
    note = tmp_path / "nota.md"
    note.write_text("# Nota\n\nDe AIVD werkt samen met de MIVD.\n", encoding="utf-8")
    page = browser.new_page()
    page.goto(f"{url}/ui/document")
    page.set_input_files("input[name=file]", str(note))
    with page.expect_download() as download:
        page.click("text=Translate and download")
    saved = tmp_path / "out.md"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "nota.en.md"
    assert saved.read_text(encoding="utf-8").startswith("# ")
    shot(page, "document")


def test_glossary_add_edit_delete_history_restore(site, browser):
    url, _ = site
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(f"{url}/ui/glossary")
    page.fill("#add input[name=source]", "bewindspersoon")
    page.fill("#add input[name=target]", "minister")
    page.click("#add button")
    row = page.locator("tr[data-source=bewindspersoon]")
    assert row.locator("input[name=target]").input_value() == "minister"
    row.locator("input[name=target]").fill("member of government")
    row.locator("button[data-action=save]").click()
    row.locator(".status", has_text="saved").wait_for()
    page.fill("input[name=search]", "bewinds")
    page.click("text=Search")
    assert page.locator("#entries tbody tr").count() == 1
    target = page.locator("tr[data-source=bewindspersoon] input[name=target]")
    assert target.input_value() == "member of government"
    shot(page, "glossary")
    page.click("tr[data-source=bewindspersoon] >> text=History")
    page.wait_for_selector("#history")
    shot(page, "history")
    page.click("#history tbody tr >> nth=0 >> text=Restore")  # the newest event: the edit
    assert page.locator("tr[data-source=bewindspersoon] input[name=target]").input_value() == "minister"
    page.once("dialog", lambda dialog: dialog.dismiss())  # delete asks first: "no" keeps the entry
    page.locator("tr[data-source=bewindspersoon] button[data-action=delete]").click()
    page.reload()
    assert page.locator("tr[data-source=bewindspersoon]").count() == 1
    page.locator("tr[data-source=bewindspersoon] input[name=target]").fill("minister of state")
    page.locator("tr[data-source=bewindspersoon] input[name=target]").press("Enter")  # Enter saves
    page.locator("tr[data-source=bewindspersoon] .status", has_text="saved").wait_for()
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("tr[data-source=bewindspersoon] button[data-action=delete]").click()
    page.locator("tr[data-source=bewindspersoon]").wait_for(state="detached")
    page.reload()
    assert page.locator("tr[data-source=bewindspersoon]").count() == 0


def review(page, url: str, source: str, target: str, direction: str = "nl-en") -> None:
    """The review page's check of `source` and `target` with the default glossary."""
    page.goto(f"{url}/ui/review")
    page.select_option("select[name=direction]", direction)
    page.fill("textarea[name=source]", source)
    page.fill("textarea[name=target]", target)
    page.select_option("select[name=glossary]", "default")
    page.click("text=Check")
    page.wait_for_selector("#report")


def test_review_edits_are_stored_in_the_memory(site, browser):
    url, db = site
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    source = "Het jaarverslag van de AIVD.\n\nDe dienst werkt."
    review(page, url, source, "The yearly report of the AIVD.\n\nThe service works.")
    assert "annual report" in page.inner_text("#report")  # the term check's message
    page.fill("textarea[aria-label='target 1']", "The annual report of the AIVD.")
    shot(page, "review")
    page.click("text=Save edits to the memory")
    assert "1 edited translations stored" in page.inner_text("#saved")  # the row left as it was: not
    from vertaal.db import open_db
    from vertaal.memory.store import MemoryStore

    units = {u.source: u for u in MemoryStore(open_db(db)).export_units() if u.origin == "edited"}
    assert units == {"Het jaarverslag van de AIVD.": units["Het jaarverslag van de AIVD."]}
    assert units["Het jaarverslag van de AIVD."].target == "The annual report of the AIVD."


def test_a_form_post_from_another_site_is_refused(site):
    """CSRF: a post without the page's token (what another site's form sends) changes nothing."""
    import httpx

    url, _ = site
    answer = httpx.post(f"{url}/ui/glossary/add", data={"name": "default", "source": "x", "target": "y"})
    assert answer.status_code == 403 and "CSRF" in answer.text
    forged = httpx.post(
        f"{url}/ui/glossary/add",
        data={"csrf": "guess", "name": "default", "source": "x"},
        cookies={"vertaal_csrf": "other"},
    )
    assert forged.status_code == 403
    assert httpx.get(f"{url}/ui/static/..%2F..%2Fapp.py").status_code == 404  # a fixed list, no paths
    # another site's page posting to the API (a form needs no CORS preflight) is refused too
    for path in ("/api/glossaries/default/history/1/restore", "/api/glossaries/default/import"):
        browser_says = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
        refused = httpx.post(f"{url}{path}", headers=browser_says)
        assert refused.status_code == 403 and "another site" in refused.json()["error"]


def test_with_api_keys_the_ui_asks_for_one(glossary_model, db, browser, tmp_path):
    keys = tmp_path / "keys"
    key = add_key(keys)
    with running(Settings(model=str(glossary_model), db=str(db), keys=KeyRing.load(keys))) as url:
        page = browser.new_page()
        page.goto(f"{url}/ui/glossary")
        assert page.url.endswith("/ui/login")
        page.fill("input[name=key]", "wrong")
        page.click("button:has-text('Sign in')")
        page.wait_for_selector("text=That key is not valid")
        page.goto(f"{url}/ui/login")
        page.fill("input[name=key]", key)
        page.click("button:has-text('Sign in')")
        page.goto(f"{url}/ui/glossary")
        assert page.url.endswith("/ui/glossary")


def test_english_to_dutch_in_every_page(site, browser, tmp_path):
    """The glossary page shows, adds, edits and deletes one pair's entries; documents and the
    review take the direction too."""
    from vertaal.db import open_db
    from vertaal.glossary.store import GlossaryStore
    from vertaal.memory.store import MemoryStore

    url, db = site
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(f"{url}/ui/glossary?pair=en-nl")
    assert page.locator("#entries tbody tr").count() == 0  # the starter glossary is nl-en
    assert page.get_attribute("#add input[name=source]", "placeholder") == "English term"
    page.fill("#add input[name=source]", "threat level")
    page.fill("#add input[name=target]", "dreigingsniveau")
    page.click("#add button")
    row = page.locator("tr[data-source='threat level']")
    row.locator("input[name=target]").fill("dreigingsgraad")
    row.locator("button[data-action=save]").click()
    row.locator(".status", has_text="saved").wait_for()
    [entry] = GlossaryStore(open_db(db)).entries("default", ("en", "nl"))
    assert (entry.source, entry.target) == ("threat level", "dreigingsgraad")
    page.select_option("select[name=pair]", "nl-en")
    page.click("text=Search")
    assert page.locator("tr[data-source='threat level']").count() == 0
    page.goto(f"{url}/ui/glossary?pair=en-nl")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("tr[data-source='threat level'] button[data-action=delete]").click()
    page.locator("tr[data-source='threat level']").wait_for(state="detached")
    assert GlossaryStore(open_db(db)).entries("default", ("en", "nl")) == []
    terms = tmp_path / "en-nl.tsv"
    terms.write_text("annual report\tjaarverslag\n", encoding="utf-8")
    page.set_input_files("input[type=file][name=file]", str(terms))
    page.click("text=Import")
    page.locator("tr[data-source='annual report']").wait_for()
    assert [e.target for e in GlossaryStore(open_db(db)).entries("default", ("en", "nl"))] == ["jaarverslag"]
    with page.expect_download() as download:
        page.click("text=TSV")
    assert download.value.suggested_filename == "default.en-nl.tsv"
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    assert "annual report\tjaarverslag" in exported and "dreigingsniveau" not in exported

    note = tmp_path / "memo.md"
    note.write_text("# Memo\n\nThe service works.\n", encoding="utf-8")
    page.goto(f"{url}/ui/document")
    page.select_option("select[name=direction]", "en-nl")
    page.set_input_files("input[name=file]", str(note))
    with page.expect_download() as download:
        page.click("text=Translate and download")
    assert download.value.suggested_filename == "memo.nl.md"

    review(page, url, "The service works.", "De dienst werkt.", "en-nl")
    page.fill("textarea[aria-label='target 1']", "De dienst werkt goed.")
    page.click("text=Save edits to the memory")
    assert "1 edited translations stored" in page.inner_text("#saved")
    [unit] = [u for u in MemoryStore(open_db(db)).export_units() if u.origin == "edited"]  # (and machine)
    assert (unit.source_lang, unit.target_lang, unit.target) == ("en", "nl", "De dienst werkt goed.")


def test_an_unknown_pair_gets_a_clear_answer(site):
    import httpx

    url, _ = site
    answer = httpx.get(f"{url}/ui/glossary?pair=fr-de")
    assert answer.status_code == 400 and "fr-de is not a direction" in answer.text


def test_errors_stay_on_the_page_with_the_input_and_long_actions_show_progress(site, browser, tmp_path):
    """A review whose texts do not align says so above the form, both texts kept; a document the
    server cannot read says so on the document page; a form being sent is busy and cannot be sent
    twice."""
    url, _ = site
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(f"{url}/ui/review")
    page.fill("textarea[name=source]", "Een.\n\nTwee.")
    page.fill("textarea[name=target]", "One.")
    page.click("text=Check")
    assert "2 source paragraphs but 1 target paragraphs" in page.inner_text("#error")
    assert page.input_value("textarea[name=source]") == "Een.\n\nTwee."
    assert page.input_value("textarea[name=target]") == "One."
    broken = tmp_path / "kapot.docx"
    broken.write_bytes(b"not a zip")
    page.goto(f"{url}/ui/document")
    page.set_input_files("input[name=file]", str(broken))
    page.click("text=Translate and download")
    page.locator("#error:not([hidden])").wait_for()
    message = page.inner_text("#error")
    assert "kapot.docx" in message and "source.docx" not in message and "/tmp" not in message, message
    assert page.locator("form[data-download] button").is_enabled()  # usable again after the answer
    page.goto(f"{url}/")
    # A listener on window runs after the page's own (on document): it notes what the form shows
    # at that moment and keeps the browser from navigating, so nothing waits on a network request.
    page.evaluate(
        """() => { window.seen = []; window.addEventListener("submit", (event) => {
            const form = event.target;
            window.seen.push({busy: form.getAttribute("aria-busy"), blocked: event.defaultPrevented,
                labels: [...form.querySelectorAll("button:disabled")].map((b) => b.textContent)});
            event.preventDefault(); }); }"""
    )
    page.fill("textarea[name=text]", "De AIVD werkt.")
    form = "document.querySelector('textarea[name=text]').form"
    page.evaluate(f"{form}.requestSubmit()")
    page.evaluate(f"{form}.dispatchEvent(new Event('submit', {{bubbles: true, cancelable: true}}))")
    first, second = page.evaluate("window.seen")
    assert first["busy"] == "true" and not first["blocked"] and "Working…" in first["labels"], first
    assert second["blocked"], second  # a form already sent is not sent again


def test_every_page_fits_a_phone(site, browser):
    """At 390 px wide no page scrolls sideways, and every page's navigation stays on screen."""
    url, _ = site
    page = browser.new_page(viewport={"width": 390, "height": 844})
    for path in ("/ui/translate", "/ui/document", "/ui/glossary", "/ui/review"):
        page.goto(f"{url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        for link in page.locator("header nav a").all():
            box = link.bounding_box()
            assert box is not None and box["x"] + box["width"] <= 390, (path, link.inner_text())
        shot(page, f"phone-{path.rsplit('/', 1)[-1]}")
