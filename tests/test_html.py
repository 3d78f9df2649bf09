"""HTML pages and fragments: every tag comes back (inline codes the decoder places once each),
a fragment stays a fragment, the output declares UTF-8, and what cannot be read safely is refused
in one line. The CLI and the server's ``format=html`` share the reader and writer."""

from __future__ import annotations

from collections import Counter

import lxml.html
import pytest
from typer.testing import CliRunner

from vertaal import Translator
from vertaal.cli import app
from vertaal.server.html import translate_html

runner = CliRunner()

FRAGMENT = (
    '<p>De <b>dienst</b> werkt <a href="https://www.aivd.nl"><img src="logo.png" alt="Het logo"></a> samen'
    " met de <i>politie</i>.<br>Het kabinet <code>vertaal check</code> deelt het rapport.</p>\n"
    '<map name="kaart"><area shape="rect" coords="0,0,10,10" href="noord.html" alt="Het noorden"></map>\n'
    '<center><a href="legenda.html">De legenda</a></center>'
)


def tags(html: str, fragment: bool) -> Counter:
    root = (
        lxml.html.fragment_fromstring(html, create_parent="div")
        if fragment
        else lxml.html.document_fromstring(html)
    )
    return Counter(e.tag for e in root.iter() if isinstance(e.tag, str))


@pytest.fixture(scope="module")
def random_translator(tiny_model):
    return Translator(model=str(tiny_model), glossary=None, memory=False, beams=2)


def test_a_fragment_keeps_every_tag_and_stays_a_fragment(random_translator):
    """Random weights never write a code by themselves: every one is placed by the decoder."""
    out, _ = translate_html(random_translator, FRAGMENT)
    assert not out.lstrip().lower().startswith(("<!doctype", "<html"))
    assert "<body" not in out and "<head" not in out
    assert tags(out, True) == tags(FRAGMENT, True)  # b, a, img, i, br, code, map, area, center
    for kept in ('src="logo.png"', 'href="noord.html"', 'coords="0,0,10,10"', "<code>vertaal check</code>"):
        assert kept in out, kept
    assert 'alt="Het logo"' not in out and 'alt="Het noorden"' not in out  # attributes translated


def test_the_cli_and_the_server_write_the_same_page(random_translator, tiny_model, tmp_path, monkeypatch):
    monkeypatch.setenv("VERTAAL_DB", str(tmp_path / "v.db"))
    page = tmp_path / "page.html"
    page.write_text(FRAGMENT, encoding="utf-8")
    result = runner.invoke(
        app, ["translate", "-m", str(tiny_model), "--no-memory", "--no-glossary", "--beams", "2", str(page)]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "page.en.html").read_text(encoding="utf-8") == translate_html(
        random_translator, FRAGMENT
    )[0]


def test_a_page_without_a_charset_declares_utf8(random_translator):
    page = "<!DOCTYPE html>\n<html><head><title>Het jaarverslag</title></head>"
    page += "<body><p>Coördinatie.</p></body></html>"
    out, _ = translate_html(random_translator, page)
    assert out.startswith("<!DOCTYPE html>\n<html")
    assert '<meta charset="utf-8">' in out and out.index("<meta") < out.index("<title>")
    bare, _ = translate_html(random_translator, "<html><body><p>De dienst.</p></body></html>")
    assert not bare.lower().startswith("<!doctype")  # no doctype the page did not have
    assert '<meta charset="utf-8">' in bare


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b'<html><head><meta charset="utf-7"></head><body><p>+ADw-script+AD4-</p></body></html>', "UTF-7"),
        ("<p>De dienst werkt samen met de politie.</p>".encode("utf-16-le"), "--encoding utf-16-le"),
        (("<div>" * 600 + "<p>Diep.</p>" + "</div>" * 600).encode(), "nested 60"),
        (("<div>" * 3000 + "<p>Dieper.</p>" + "</div>" * 3000).encode(), "nested"),
    ],
    ids=["utf-7", "utf-16-without-bom", "deep", "deeper-than-the-parser"],
)
def test_what_cannot_be_read_safely_is_refused_in_one_line(tiny_model, tmp_path, monkeypatch, data, says):
    monkeypatch.setenv("VERTAAL_DB", str(tmp_path / "v.db"))
    page = tmp_path / "page.html"
    page.write_bytes(data)
    result = runner.invoke(app, ["translate", "-m", str(tiny_model), "--no-memory", str(page)])
    assert result.exit_code == 1 and says in result.stderr, result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "page.en.html").exists()


def test_nested_text_below_lxmls_default_depth_is_translated(random_translator):
    """lxml stops at 255 levels by default and drops what lies below, silently; vertaal parses
    deeper trees (up to its own limit) and translates their text."""
    page = "<html><body>" + "<div>" * 300 + "<p>Diep verborgen tekst.</p>" + "</div>" * 300 + "</body></html>"
    out, _ = translate_html(random_translator, page)
    assert "Diep verborgen tekst" not in out and out.count("<div>") == 300 and out.count("<p>") == 1
