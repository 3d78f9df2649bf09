"""Fuzzing the importers, the segmenter and the matcher: every input either works or fails with
one line, never a traceback and never a partly applied change."""

from __future__ import annotations

from xml.sax.saxutils import escape as xml_escape

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
from vertaal.text.codes import without_codes
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


WORDS = st.one_of(
    st.sampled_from(["De AIVD werkt samen.", "dreigingsniveau", " ", "é", "\u200b", "Tabel 1", "a & b"]),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
).map(xml_escape)


def nested(leaves, wrappers: list[tuple[str, str]], *, most: int = 12):
    """Well-formed mixed content: leaves, and wrappers around lists of what nests inside."""
    return st.recursive(
        leaves,
        lambda inner: st.tuples(st.sampled_from(wrappers), st.lists(inner, max_size=4)).map(
            lambda pair: pair[0][0] + "".join(pair[1]) + pair[0][1]
        ),
        max_leaves=most,
    )


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
RUNS = nested(
    st.one_of(
        WORDS.map(lambda t: f'<w:r><w:t xml:space="preserve">{t}</w:t></w:r>'),
        WORDS.map(lambda t: f"<w:r><w:rPr><w:b/></w:rPr><w:t>{t}</w:t><w:tab/><w:t>{t}</w:t></w:r>"),
        st.sampled_from(
            [
                "<w:r><w:tab/></w:r>", "<w:r><w:br/></w:r>", '<w:r><w:br w:type="page"/></w:r>',
                '<w:r><w:footnoteReference w:id="1"/></w:r>', '<w:bookmarkStart w:id="0" w:name="b"/>',
                '<w:bookmarkEnd w:id="0"/>', '<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
                "<w:r><w:instrText>PAGE</w:instrText></w:r>",
                '<w:r><w:fldChar w:fldCharType="separate"/></w:r>',
                '<w:r><w:fldChar w:fldCharType="end"/></w:r>', '<w:commentRangeStart w:id="5"/>',
                '<w:del w:id="2" w:author="a"><w:r><w:delText>weg</w:delText></w:r></w:del>',
            ]
        ),
    ),
    [
        ('<w:ins w:id="1" w:author="a">', "</w:ins>"), ('<w:moveTo w:id="3" w:author="a">', "</w:moveTo>"),
        ('<w:hyperlink r:id="rId99">', "</w:hyperlink>"), ('<w:hyperlink w:anchor="b">', "</w:hyperlink>"),
        ('<w:fldSimple w:instr="PAGE">', "</w:fldSimple>"), ("<w:smartTag>", "</w:smartTag>"),
        ("<w:sdt><w:sdtContent>", "</w:sdtContent></w:sdt>"),
    ],
)  # fmt: skip
PARAGRAPH = st.tuples(
    st.sampled_from(["", "<w:pPr><w:pStyle w:val='Heading1'/></w:pPr>", "<w:pPr><w:numPr/></w:pPr>"]),
    st.lists(RUNS, max_size=4),
).map(lambda p: f"<w:p>{p[0]}{''.join(p[1])}</w:p>")
WORD = st.lists(
    st.one_of(PARAGRAPH, st.lists(PARAGRAPH, min_size=1, max_size=2).map(
        lambda ps: f"<w:tbl><w:tr><w:tc>{''.join(ps)}</w:tc></w:tr></w:tbl>"
    )),
    max_size=5,
).map(lambda body: f"<w:document {W} {R}><w:body>{''.join(body)}</w:body></w:document>")  # fmt: skip
ODF = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.2"'
)
SPANS = nested(
    st.one_of(
        WORDS,
        st.sampled_from(
            [
                "<text:tab/>", "<text:line-break/>", "<text:s text:c='3'/>", "<text:s/>",
                "<text:bookmark text:name='b'/>",
                "<text:note text:note-class='footnote'><text:note-citation>1</text:note-citation>"
                "<text:note-body>"
                "<text:p>Een noot.</text:p></text:note-body></text:note>", "<text:soft-page-break/>",
                "<text:bookmark-start text:name='c'/>", "<text:bookmark-end text:name='c'/>",
            ]
        ),
    ),
    [("<text:span text:style-name='T1'>", "</text:span>"), ("<text:a xlink:href='http://x'>", "</text:a>"),
     ("<text:span>", "</text:span>")],
)  # fmt: skip
ODT_PARAGRAPH = st.tuples(st.sampled_from(["text:p", "text:h"]), st.lists(SPANS, max_size=4)).map(
    lambda p: f"<{p[0]}>{''.join(p[1])}</{p[0]}>"
)
ODT_BODY = st.lists(
    st.one_of(
        ODT_PARAGRAPH,
        ODT_PARAGRAPH.map(lambda p: f"<text:list><text:list-item>{p}</text:list-item></text:list>"),
        ODT_PARAGRAPH.map(
            lambda p: f"<table:table><table:table-row><table:table-cell>{p}</table:table-cell>"
            "</table:table-row></table:table>"
        ),
    ),
    max_size=5,
).map(
    lambda body: f"<office:document-content {ODF}><office:body><office:text>{''.join(body)}"
    "</office:text></office:body></office:document-content>"
)


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    """An empty DOCX (python-docx) and ODT (odfpy) whose main part each example replaces."""
    import docx
    from odf.opendocument import OpenDocumentText

    directory = tmp_path_factory.mktemp("packages")
    docx.Document().save(directory / "empty.docx")
    OpenDocumentText().save(str(directory / "empty.odt"))
    return directory


def _replaced(package, part: str, content: str, out) -> None:
    import zipfile

    with zipfile.ZipFile(package) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = content.encode("utf-8", "surrogatepass") if info.filename == part else source.read(info)
            target.writestr(info, data)


@FUZZ
@given(data=st.data())
def test_docx_and_odt_readers_and_writers_work_or_fail_with_one_line(packages, tmp_path_factory, data):
    """A package whose main part is fuzzed WordprocessingML or ODF text (well-formed or not, known
    elements in any order): read, translate every block, write, read the result back."""
    from vertaal.documents import open_document
    from vertaal.documents.blocks import Translated

    suffix = data.draw(st.sampled_from(["docx", "odt"]))
    content = data.draw(st.one_of(WORD if suffix == "docx" else ODT_BODY, TEXTS))
    directory = tmp_path_factory.mktemp("package")
    file = directory / f"in.{suffix}"
    part = "word/document.xml" if suffix == "docx" else "content.xml"
    _replaced(packages / f"empty.{suffix}", part, content, file)
    try:
        document = open_document(file)
    except Exception as exc:  # noqa: BLE001
        one_line(exc)
        return
    document.write(directory / f"out.{suffix}", [Translated(b, b.text) for b in document.blocks])
    again = open_document(directory / f"out.{suffix}")  # tracked changes are accepted: compare words
    assert [without_codes(b.text) for b in again.blocks] == [without_codes(b.text) for b in document.blocks]


INLINE_12 = nested(
    st.one_of(
        WORDS,
        st.sampled_from(['<x id="2"/>', '<ph id="5">%s</ph>', '<bpt id="3" rid="1">&lt;b&gt;</bpt>',
                         '<ept id="4" rid="1">&lt;/b&gt;</ept>', '<it id="6" pos="open">&lt;i&gt;</it>']),
    ),
    [('<g id="1">', "</g>"), ('<mrk mtype="protected">', "</mrk>"), ('<g id="7" ctype="bold">', "</g>")],
)  # fmt: skip
UNIT_12 = st.tuples(
    st.sampled_from(['<trans-unit id="1">', '<trans-unit id="2" translate="no">', '<trans-unit id="1">']),
    st.lists(INLINE_12, max_size=4).map("".join),
    st.sampled_from(["", "<target/>", '<target state="final">{}</target>', "<target>{}</target>",
                     '<target state="needs-translation"></target>']),
).map(lambda u: f"{u[0]}<source>{u[1]}</source>{u[2].replace('{}', u[1])}</trans-unit>")  # fmt: skip
XLIFF_12 = st.tuples(st.sampled_from(["\n", "\r\n"]), st.lists(UNIT_12, max_size=4)).map(
    lambda f: f[0].join(
        [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">',
            '<file original="f" source-language="nl-NL" target-language="en-GB" datatype="plaintext"><body>',
            *f[1],
            "</body></file></xliff>",
        ]
    )
)
INLINE_2 = nested(
    st.one_of(
        WORDS,
        st.sampled_from(['<ph id="5"/>', '<sc id="7"/>', '<ec startRef="7"/>', '<ec id="8" isolated="no"/>']),
    ),
    [('<pc id="6">', "</pc>"), ('<pc id="9" canReorder="no">', "</pc>"),
     ('<mrk id="m1" translate="no">', "</mrk>")],
)  # fmt: skip
XLIFF2_NS = "urn:oasis:names:tc:xliff:document:2.0"


def _xliff2(units: list[tuple[str, str, str]]) -> str:
    body = "".join(
        f'<unit id="u{n}"><segment{state}><source>{source}</source>{target.replace("{}", source)}'
        "</segment></unit>"
        for n, (source, target, state) in enumerate(units)
    )
    head = f'<xliff version="2.0" xmlns="{XLIFF2_NS}" srcLang="nl" trgLang="en"><file id="f">'
    return f"{head}{body}</file></xliff>"


XLIFF_2 = st.lists(
    st.tuples(
        st.lists(INLINE_2, max_size=4).map("".join),
        st.sampled_from(["", "<target>{}</target>", "<target/>"]),
        st.sampled_from(["", ' state="final"', ' state="initial"']),
    ),
    max_size=4,
).map(_xliff2)
PO_TEXT = st.one_of(
    st.sampled_from(["Het kabinet.", "%s dossiers", "%(n)d stukken", "", "vervolg\\nregel", "é"]),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12).map(
        lambda t: t.replace("\\", "\\\\").replace('"', '\\"')
    ),
)
PO_ENTRY = st.tuples(
    st.sampled_from(["", "#, fuzzy\n", "#, c-format\n", "#: file.c:1\n", "#. note\n"]),
    st.sampled_from(["", 'msgctxt "menu"\n']),
    PO_TEXT,
    st.one_of(PO_TEXT.map(lambda t: f'msgstr "{t}"\n'), st.integers(0, 3).map(
        lambda k: 'msgid_plural "meer"\n' + "".join(f'msgstr[{i}] ""\n' for i in range(k))
    )),
    st.booleans(),
).map(lambda e: ("#~ " if e[4] else "") + f'{e[0]}{e[1]}msgid "{e[2] or "x"}"\n{e[3]}\n')  # fmt: skip
PO_PIECES = st.tuples(
    st.sampled_from(["Language: en", "Language: nl", "", "Plural-Forms: nplurals=2; plural=(n != 1);",
                     "Plural-Forms: nplurals=1; plural=0;"]),
    st.lists(PO_ENTRY, max_size=5),
).map(lambda po: f'msgid ""\nmsgstr ""\n"{po[0]}\\n"\n\n' + "".join(po[1]))  # fmt: skip
XLIFF_PIECES = st.one_of(XLIFF_12, XLIFF_2)


@FUZZ
@given(data=st.data())
def test_cat_readers_and_writers_work_or_fail_with_one_line(tmp_path_factory, data):
    """An XLIFF or PO file of known pieces in any order: read, put each source back as its target,
    save, and the saved file reads again with the same segments."""
    from vertaal.cat import open_bilingual

    suffix = data.draw(st.sampled_from(["xlf", "po"]))
    content = data.draw(st.one_of(XLIFF_PIECES if suffix == "xlf" else PO_PIECES, TEXTS))
    directory = tmp_path_factory.mktemp("cat")
    file = directory / f"in.{suffix}"
    file.write_bytes(content.encode("utf-8", "surrogatepass"))
    try:
        bilingual = open_bilingual(file)
        for segment in bilingual.segments:
            if not segment.locked:
                bilingual.set_target(segment, segment.source, "fuzz")
        bilingual.save(directory / f"out.{suffix}")
    except Exception as exc:  # noqa: BLE001
        one_line(exc)
        return
    again = open_bilingual(directory / f"out.{suffix}")
    assert [s.source for s in again.segments] == [s.source for s in bilingual.segments]


ARGUMENTS = st.sampled_from(["x.docx", "a/b", "-", "n.xlf", ".", "*.txt"])


@FUZZ
@given(words=st.lists(st.one_of(TEXTS, ARGUMENTS), max_size=3))
def test_the_argument_classifier_gives_an_input_or_one_line(tmp_path_factory, words):
    from vertaal.inputs import classify

    try:
        found = classify(words, None)
    except Exception as exc:  # noqa: BLE001
        one_line(exc)
        return
    assert found.kind in ("text", "document", "bilingual")
