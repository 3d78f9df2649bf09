"""Fuzzing the importers, the segmenter and the matcher: every input either works or fails with
one line, never a traceback and never a partly applied change."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vertaal.db import open_db
from vertaal.errors import VertaalError
from vertaal.glossary.importing import import_glossary
from vertaal.glossary.store import GlossaryStore
from vertaal.memory import tmx
from vertaal.terms.entry import Entry
from vertaal.terms.matcher import Matcher
from vertaal.text.reflow import collapse, paragraphs
from vertaal.text.sentences import MAX_SENTENCE_CHARS, sentences, split_long

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
PIECES = st.sampled_from(
    [
        "AIVD",
        "dreigingsniveau",
        "threat level",
        "\t",
        "\n",
        "\r\n",
        ",",
        '"',
        "#",
        "=",
        "{",
        "}",
        '"kind"',
        '"keep"',
        "[1]",
        "nl",
        "en",
        "\x00",
        "\x01",
        "\u200b",
        "é",
        "Coördinator",
        " ",
        "'",
        "<",
        ">",
        "&",
    ]
)
TEXTS = st.one_of(st.text(max_size=200), st.lists(PIECES, max_size=40).map("".join))
XML = st.lists(
    st.sampled_from(
        [
            "<martif>",
            "</martif>",
            "<tbx>",
            "</tbx>",
            "<termEntry>",
            "</termEntry>",
            "<conceptEntry>",
            '<langSet xml:lang="nl">',
            '<langSet xml:lang="en">',
            "</langSet>",
            "<tig>",
            "</tig>",
            "<term>",
            "</term>",
            '<termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote>',
            "<tmx>",
            "</tmx>",
            "<body>",
            "</body>",
            "<tu>",
            "</tu>",
            '<tuv xml:lang="nl">',
            '<tuv xml:lang="en">',
            "</tuv>",
            "<seg>",
            "</seg>",
            "AIVD",
            "threat level",
            "<!-- c -->",
            "<?pi x?>",
            "&amp;",
            "&bogus;",
            '<!DOCTYPE x [<!ENTITY e "v">]>',
            "&e;",
            "<ph>x</ph>",
            "\x01",
        ]
    ),
    max_size=30,
).map("".join)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    database = open_db(tmp_path_factory.mktemp("fuzz") / "v.db")
    glossary = GlossaryStore(database)
    glossary.add("fuzz", Entry("vast", "fixed"))
    return glossary


def one_line(exc: BaseException) -> None:
    assert isinstance(exc, VertaalError), repr(exc)
    assert "\n" not in str(exc) and str(exc)


@FUZZ
@given(content=st.one_of(TEXTS, XML), suffix=st.sampled_from(["tsv", "csv", "tbx", "txt"]))
def test_glossary_import_works_or_fails_with_one_line(store, tmp_path_factory, content, suffix):
    file = tmp_path_factory.mktemp("in") / f"g.{suffix}"
    file.write_text(content, encoding="utf-8", errors="surrogatepass")
    before = [e.to_row() for e in store.entries("fuzz")]
    try:
        import_glossary(store, "fuzz", str(file), on_conflict="fail")
    except Exception as exc:  # noqa: BLE001 - the point: which exceptions come out
        one_line(exc)
        assert [e.to_row() for e in store.entries("fuzz")] == before  # nothing partly applied
    store.db.execute(
        "DELETE FROM entries WHERE glossary_id = ? AND source != 'vast'", [store.glossary_id("fuzz")]
    )


@FUZZ
@given(content=st.one_of(XML, TEXTS))
def test_tmx_read_works_or_fails_with_one_line(content):
    try:
        units = tmx.read("m.tmx", content.encode("utf-8", "surrogatepass"), ("nl", "en"))
    except Exception as exc:  # noqa: BLE001
        one_line(exc)
        return
    for unit in units:
        assert isinstance(unit.source, str) and isinstance(unit.target, str)


@FUZZ
@given(text=TEXTS)
def test_segmenter_never_fails_and_keeps_the_limit(text):
    for paragraph in paragraphs(text):
        for sentence in sentences(paragraph):
            assert all(len(piece) <= MAX_SENTENCE_CHARS for piece in split_long(sentence))


TERMS = st.lists(
    st.sampled_from(
        [
            "AIVD",
            "dreigingsniveau",
            "Tweede Kamer",
            "ATb",
            "raad",
            "Wet op de raad 2002",
            "inlichtingendienst",
            "veiligheidsdienst",
            "Coördinator",
            "a-b",
        ]
    ),
    min_size=1,
)


@FUZZ
@given(
    terms=TERMS,
    text=st.one_of(
        TEXTS,
        st.lists(
            st.sampled_from(
                [
                    "AIVD",
                    "dreigingsniveau",
                    "Tweede",
                    "Kamer",
                    "kamer",
                    "(",
                    ")",
                    "Wiv",
                    "2002",
                    "inlichtingen-",
                    "en",
                    "veiligheidsdiensten",
                    "ATB",
                    "ATb",
                    "raden",
                    "\u00ad",
                    "\u200b",
                    " ",
                    "\n",
                    "-",
                    "'s",
                ]
            ),
            max_size=30,
        ).map(" ".join),
    ),
)
def test_matcher_never_fails_and_spans_hold_the_surface(terms, text):
    matcher = Matcher([Entry(t, "x") for t in dict.fromkeys(terms)])
    for hit in matcher.find(text):
        assert 0 <= hit.start < hit.end <= len(text)
        found = collapse(text[hit.start : hit.end].replace("\u00ad", "").replace("\u200b", ""))
        assert hit.surface.replace("\u00ad", "").replace("\u200b", "") in (
            found,
            found.rstrip(")"),
            found + "",
        )


MARKUP = st.lists(
    st.sampled_from(
        [
            "<p>", "</p>", "<b>", "</b>", "<a href='x'>", "</a>", "<br>", "<code>", "</code>", "<ul><li>",
            "</li></ul>", "<pre>", "</pre>", "<img alt='Het logo'>", "<td>", "<table><tr>", " translate='no'",
            "# ", "## ", "\n", "\n\n", "- ", "1. ", "> ", "| a | b |\n|---|---|\n", "```\n", "`", "*", "**",
            "[link](http://x)", "![i](i.png)", "De AIVD werkt samen.", "dreigingsniveau", "&amp;", "&bogus;",
            "<!-- c -->", "\x00", "\x08", "\u200b", "é", "<A\x08>", "<a,>", "<i x\x01='1'>",
        ]
    ),  # fmt: skip
    max_size=40,
).map("".join)


@FUZZ
@given(content=st.one_of(MARKUP, TEXTS), suffix=st.sampled_from(["html", "md"]))
def test_document_readers_and_writers_work_or_fail_with_one_line(tmp_path_factory, content, suffix):
    """Read, put back a translation for every block (the source, upper-cased), write: no traceback."""
    from vertaal.documents import open_document
    from vertaal.documents.blocks import Translated

    directory = tmp_path_factory.mktemp("doc")
    file = directory / f"page.{suffix}"
    file.write_text(content, encoding="utf-8", errors="surrogatepass")
    try:
        document = open_document(file)
    except Exception as exc:  # noqa: BLE001
        one_line(exc)
        return
    translated = [Translated(b, b.text.upper()) for b in document.blocks]
    document.write(directory / f"out.{suffix}", translated)
    assert (directory / f"out.{suffix}").exists()
