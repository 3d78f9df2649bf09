"""`vertaal glossary` through the CLI: commands, formats, bad input."""

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vertaal.cli import app

runner = CliRunner()
DATA = Path(__file__).parent / "data" / "glossaries"
STARTER = Path(__file__).resolve().parents[1] / "glossary" / "nl-en-government.tsv"


def run(*args, input=None):
    return runner.invoke(app, ["glossary", *[str(a) for a in args]], input=input)


def listing(*args):
    result = run("list", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def fields(entries):
    return [{k: v for k, v in e.items() if k not in ("created", "updated")} for e in entries]


def populate():
    for args in (
        [
            "Alerteringssysteem Terrorismebestrijding",
            "Counterterrorism Alert System",
            "--note",
            "NCTV English site",
        ],
        ["JSCU", "--keep", "--case-sensitive"],
        ["dreigingsniveau", "threat level", "--alt", "level of threat", "--forbid", "menace level"],
        ["NCTb", "--forbid", "NCTb", "--note", "old abbreviation; never in English"],
        ["Coördinator", 'Coordinator, "quoted"', "--fold-diacritics"],
        ["toezicht", "oversight", "--compounds"],
    ):
        result = run("add", *args)
        assert result.exit_code == 0, result.output


def test_add_show_update_remove(db):
    populate()
    shown = json.loads(run("show", "dreigingsniveau").stdout)
    assert shown["alternatives"] == ["level of threat"] and shown["forbidden"] == ["menace level"]
    result = run("update", "dreigingsniveau", "--target", "threat-level", "--note", "hyphenated")
    assert result.exit_code == 0 and json.loads(result.stdout)["target"] == "threat-level"
    assert run("remove", "JSCU").exit_code == 0
    assert "JSCU" not in [e["source"] for e in listing()]
    missing = run("show", "JSCU")
    assert missing.exit_code == 1 and "no entry 'JSCU'" in missing.stderr


def test_add_usage_errors(db):
    result = run("add", "AIVD")
    assert result.exit_code == 2 and "--keep" in result.stderr
    assert run("add", "x", "y", "--pair", "dutch").exit_code == 2


@pytest.mark.parametrize("fmt", ["tsv", "csv", "tbx"])
def test_export_import_round_trips_every_field(db, tmp_path, fmt):
    populate()
    before = fields(listing())
    out = tmp_path / f"g.{fmt}"
    assert run("export", out).exit_code == 0
    result = run("import", out, "--glossary", "copy")
    assert result.exit_code == 0, result.output
    assert fields(listing("--glossary", "copy")) == before


def test_flags_survive_every_format(db, tmp_path):
    populate()
    for fmt in ("tsv", "csv", "tbx"):
        out = tmp_path / f"flags.{fmt}"
        assert run("export", out).exit_code == 0
        assert run("import", out, "--glossary", fmt).exit_code == 0
        flags = {e["source"]: (e["compounds"], e["fold_diacritics"]) for e in listing("--glossary", fmt)}
        assert flags["toezicht"] == (True, False) and flags["Coördinator"] == (False, True), fmt


def test_tbx_export_read_by_plain_xpath(db, tmp_path):
    """The TBX we write, read without our reader: TBX v3 terms, statuses and flags where they belong."""
    from lxml import etree

    populate()
    out = tmp_path / "g.tbx"
    assert run("export", out).exit_code == 0
    ns = {"t": "urn:iso:std:iso:30042:ed-2"}
    root = etree.parse(str(out)).getroot()
    assert root.tag == "{urn:iso:std:iso:30042:ed-2}tbx" and root.get("type") == "TBX-Basic"
    [concept] = root.xpath(
        "//t:conceptEntry[t:langSec[@xml:lang='nl']/t:termSec/t:term='dreigingsniveau']", namespaces=ns
    )
    statuses = {
        term.findtext("t:term", namespaces=ns): term.findtext(
            "t:termNote[@type='administrativeStatus']", namespaces=ns
        )
        for term in concept.xpath("t:langSec[@xml:lang='en']/t:termSec", namespaces=ns)
    }
    assert statuses == {
        "threat level": "preferredTerm-admn-sts",
        "level of threat": "admittedTerm-admn-sts",
        "menace level": "deprecatedTerm-admn-sts",
    }
    [toezicht] = root.xpath("//t:conceptEntry[.//t:term='toezicht']", namespaces=ns)
    assert toezicht.xpath("t:descrip[@type='compounds']/text()", namespaces=ns) == ["true"]


def test_export_to_stdout_is_plain_tsv_for_plain_entries(db):
    run("add", "jaarverslag", "annual report")
    run("add", "ambtsbericht", "official report", "--note", "AIVD")
    result = run("export")
    assert result.stdout == "ambtsbericht\tofficial report\tAIVD\njaarverslag\tannual report\n"


def test_csv_export_has_language_code_header(db):
    run("add", "jaarverslag", "annual report")
    assert run("export", "-f", "csv").stdout == "nl,en\njaarverslag,annual report\n"


def test_reads_tbx_basic_2008(db):
    result = run("import", DATA / "basic-2008.tbx")
    assert result.exit_code == 0, result.output
    entries = {e["source"]: e for e in listing()}
    assert entries["dreigingsniveau"]["target"] == "threat level"
    assert entries["dreigingsniveau"]["alternatives"] == ["level of threat"]
    assert entries["dreigingsniveau"]["forbidden"] == ["menace level"]
    assert entries["JSCU"]["kind"] == "keep"


def test_reads_tbx_v3(db):
    result = run("import", DATA / "v3.tbx")
    assert result.exit_code == 0, result.output
    [entry] = listing()
    assert entry["target"] == "Counterterrorism Alert System"
    assert entry["case_sensitive"] is True and entry["note"] == "NCTV English site"


def test_format_from_content_and_override(db, tmp_path):
    file = tmp_path / "glossary.dat"
    file.write_text("nl,en\nkabinet,cabinet\n")
    assert run("import", file).exit_code == 0
    assert listing()[0]["target"] == "cabinet"
    tsv_as_txt = tmp_path / "odd.csv"
    tsv_as_txt.write_text("jaarverslag\tannual report\n")
    assert run("import", tsv_as_txt, "--format", "tsv").exit_code == 0


BAD_ROWS = [
    ("missing.tsv", "a\tb\nonly-source\n", "missing.tsv:2: missing target column"),
    ("control.tsv", "a\tb\nx\x07y\tz\n", "control.tsv:2: a control character in the source term"),
    ("long.tsv", "a\tb\n" + "x" * 400 + "\ty\n", "long.tsv:2: the source term is longer than"),
    ("newline.csv", 'nl,en\na,b\n"two\nlines",c\n', "newline.csv:3: a newline inside the source term"),
    ("header.csv", "a,b\nc,d\n", "header.csv:1: the first row must name the languages"),
    ("broken.tbx", "<martif><text><body><termEntry>", "broken.tbx:1: not well-formed XML"),
    ("meta.tsv", "a\tb\t\t{not json\n", "meta.tsv:1: the vertaal column is not a JSON object"),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_ROWS)
def test_malformed_rows_stop_the_import_and_change_nothing(db, tmp_path, name, content, message):
    run("add", "bestaand", "existing")
    before = listing()
    file = tmp_path / name
    file.write_text(content, encoding="utf-8")
    result = run("import", file)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {tmp_path / name}:" if ":" in message else "Error: ")
    assert message in result.stderr, result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert listing() == before


SKIPPED_ROWS = [
    ("empty.tsv", "a\tb\n\tx\nc\td\n", "1 skipped (empty nl term: line 2)", {"a": "b", "c": "d"}),
    ("empty-target.tsv", "a\t \nc\td\n", "1 skipped (empty en term: line 1)", {"c": "d"}),
    ("dup.tsv", "a\tb\nc\td\na\tx\n", "1 skipped (defined differently on an earlier line: line 3)",
     {"a": "b", "c": "d"}),
    ("dup.csv", "nl,en\na,b\nc,d\nd,x\na,y\nc,z\n",
     "2 skipped (defined differently on an earlier line: lines 5, 6)", {"a": "b", "c": "d", "d": "x"}),
]  # fmt: skip


@pytest.mark.parametrize(("name", "content", "message", "kept"), SKIPPED_ROWS)
def test_empty_and_conflicting_rows_are_skipped_with_their_lines_first_kept(
    db, tmp_path, name, content, message, kept
):
    """An import keeps going past an empty term or a term defined again differently (the first
    definition is kept); --strict refuses the file and imports nothing."""
    file = tmp_path / name
    file.write_text(content, encoding="utf-8")
    strict = run("import", file, "--strict")
    assert strict.exit_code == 1 and message in strict.stderr and "nothing imported" in strict.stderr
    assert "no glossary named" in run("list").stderr  # nothing was written
    result = run("import", file)
    assert result.exit_code == 0, result.output
    assert message in result.stderr, result.stderr
    assert {row["source"]: row["target"] for row in listing()} == kept


def test_the_editor_still_refuses_an_empty_or_repeated_term(db, tmp_path):
    from vertaal.errors import GlossaryError
    from vertaal.glossary import delimited
    from vertaal.glossary.importing import check_duplicates

    with pytest.raises(GlossaryError, match="edit.tsv:2: an empty source term"):
        delimited.read("edit.tsv", "a\tb\n\tx\n", ("nl", "en"), "tsv")
    rows = delimited.read("edit.tsv", "a\tb\na\tx\n", ("nl", "en"), "tsv")
    with pytest.raises(GlossaryError, match="edit.tsv:2: 'a' is already defined differently on line 1"):
        check_duplicates("edit.tsv", rows)


def test_exact_duplicates_are_reported_and_imported_once(db, tmp_path):
    file = tmp_path / "d.tsv"
    file.write_text("a\tb\nc\td\na\tb\n")
    result = run("import", file)
    assert result.exit_code == 0
    assert "d.tsv:3: 'a' repeats line 1" in result.stderr
    assert len(listing()) == 2


def test_conflicts_fail_skip_replace(db, tmp_path):
    run("add", "a", "old")
    file = tmp_path / "c.tsv"
    file.write_text("a\tnew\nb\tc\n")
    failed = run("import", file)
    assert failed.exit_code == 1
    assert (
        "1 entries conflict" in failed.stderr and "line 1: 'a' -> 'new', existing -> 'old'" in failed.stderr
    )
    assert [e["source"] for e in listing()] == ["a"]
    assert run("import", file, "--on-conflict", "skip").exit_code == 0
    assert {e["source"]: e["target"] for e in listing()} == {"a": "old", "b": "c"}
    assert run("import", file, "--on-conflict", "replace").exit_code == 0
    assert {e["source"]: e["target"] for e in listing()}["a"] == "new"


def test_non_utf8_file_gets_encoding_hint(db, tmp_path):
    file = tmp_path / "latin.tsv"
    file.write_bytes("Coördinator\tCoordinator\n".encode("cp1252"))
    result = run("import", file)
    assert result.exit_code == 1 and "--encoding" in result.stderr
    assert run("import", file, "--encoding", "cp1252").exit_code == 0
    assert listing()[0]["source"] == "Coördinator"


def test_missing_file_and_directory(db, tmp_path):
    assert run("import", tmp_path / "none.tsv").stderr == f"Error: {tmp_path / 'none.tsv'}: no such file\n"
    assert "is a directory" in run("import", tmp_path).stderr


def test_search_lists_matches(db):
    populate()
    result = run("list", "--search", "threat", "--format", "tsv")
    assert result.stdout.startswith("dreigingsniveau\tthreat level")
    assert len(result.stdout.splitlines()) == 1


def test_history_and_restore(db):
    run("add", "a", "b")
    run("remove", "a")
    lines = run("history").stdout.splitlines()
    assert "remove" in lines[0] and "add" in lines[1]
    event = lines[0].split()[0]
    assert run("restore", event).exit_code == 0
    assert listing()[0]["target"] == "b"


def test_named_glossaries(db):
    assert run("create", "nato", "--description", "NATO terms").exit_code == 0
    assert run("create", "nato").exit_code == 1
    run("add", "NAVO", "NATO", "-g", "nato")
    assert run("names").stdout == "nato\t1\tNATO terms\n"
    assert run("list", "-g", "missing").exit_code == 1
    assert run("delete", "nato", "--yes").exit_code == 0
    assert run("names").stdout == ""


def _editor(tmp_path, script):
    path = tmp_path / "editor.py"
    path.write_text("import sys\np = sys.argv[1]\ntext = open(p, encoding='utf-8').read()\n" + script)
    return f"{sys.executable} {path}"


def test_edit_applies_changes_in_one_go(db, tmp_path, monkeypatch):
    run("add", "a", "b")
    run("add", "c", "d")
    script = (
        "text = text.replace('a\\tb', 'a\\tB').replace('c\\td\\n', '') + 'e\\tf\\n'\n"
        "open(p, 'w', encoding='utf-8').write(text)\n"
    )
    monkeypatch.setenv("EDITOR", _editor(tmp_path, script))
    result = run("edit")
    assert result.exit_code == 0, result.output
    assert "1 added, 1 changed, 1 removed" in result.stderr
    assert {e["source"]: e["target"] for e in listing()} == {"a": "B", "e": "f"}


def test_edit_with_invalid_result_changes_nothing(db, tmp_path, monkeypatch):
    run("add", "a", "b")
    script = "open(p, 'w', encoding='utf-8').write(text + 'broken-line\\n')\n"
    monkeypatch.setenv("EDITOR", _editor(tmp_path, script))
    result = run("edit")
    assert result.exit_code == 1
    assert "missing target column" in result.stderr and "nothing changed" in result.stderr
    assert [e["target"] for e in listing()] == ["b"]


def test_starter_glossary_imports(db):
    result = run("import", STARTER)
    assert result.exit_code == 0, result.output
    entries = {e["source"]: e for e in listing()}
    assert entries["Alerteringssysteem Terrorismebestrijding"]["target"] == "Counterterrorism Alert System"
    assert entries["Nationaal Coördinator Terrorismebestrijding en Veiligheid"]["target"] == (
        "National Coordinator for Counterterrorism and Security"
    )
    assert entries["JSCU"]["kind"] == "keep"
    assert all(e["note"] for e in entries.values())


def test_scan_table_json_and_summary(db, tmp_path):
    run("import", STARTER)
    text = tmp_path / "t.txt"
    text.write_text(
        "De AIVD en de MIVD.\nHet Alerteringssysteem\nTerrorismebestrijding en de AIVD-gebouwen.\n"
    )
    table = run("scan", text)
    assert table.exit_code == 0, table.output
    assert "2:5" in table.stdout and "Alerteringssysteem" in table.stdout
    report = json.loads(run("scan", text, "--format", "json").stdout)
    assert set(report) == {"file", "glossary", "pair", "hits", "summary"}
    assert [(h["source"], h["line"], h["column"]) for h in report["hits"]] == [
        ("AIVD", 1, 4),
        ("MIVD", 1, 15),
        ("Alerteringssysteem Terrorismebestrijding", 2, 5),
        ("AIVD", 3, 29),
    ]
    assert report["hits"][3]["compound"] is True
    assert report["summary"][0] == {"source": "AIVD", "target": "AIVD", "kind": "keep", "count": 2}
    summary = run("scan", text, "--summary")
    assert "AIVD" in summary.stdout and " 2 " in summary.stdout


def test_scan_stdin_and_missing_glossary(db):
    run("add", "jaarverslag", "annual report")
    result = run("scan", input="Het jaarverslag 2014.")
    assert result.exit_code == 0 and "jaarverslag" in result.stdout
    assert run("scan", "-g", "nope", input="x").exit_code == 1


def test_streamed_scan_json_equals_the_report(db):
    import io

    from vertaal.glossary.scan import scan_report, write_scan_json
    from vertaal.terms.entry import Entry
    from vertaal.terms.matcher import Matcher

    text = "De AIVD en de NCTV.\nHet dreigingsniveau van de AIVD."
    hits = Matcher([Entry("AIVD", kind="keep"), Entry("dreigingsniveau", "threat level")]).find(text)
    for found in (hits, []):
        out = io.StringIO()
        write_scan_json(text, found, out, file="f", glossary="g", pair="nl-en")
        expected = scan_report(text, found, file="f", glossary="g", pair="nl-en")
        assert out.getvalue() == json.dumps(expected, ensure_ascii=False, indent=2) + "\n"


TBX_WITH_GAPS = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX" xml:lang="en"><text><body>
<termEntry id="c1"><langSet xml:lang="nl"><tig><term>bank</term></tig></langSet>
  <langSet xml:lang="en"><tig><term>bank</term></tig></langSet></termEntry>
<termEntry id="c2"><langSet xml:lang="nl"><tig><term/></tig></langSet>
  <langSet xml:lang="en"><tig><term>empty</term></tig></langSet></termEntry>
<termEntry id="c3"><langSet xml:lang="nl"><tig><term>bank</term></tig></langSet>
  <langSet xml:lang="en"><tig><term>bench</term></tig></langSet></termEntry>
<termEntry id="c4"><langSet xml:lang="nl"><tig><term>kabinet</term></tig><tig><term> </term></tig></langSet>
  <langSet xml:lang="en"><tig><term>cabinet</term></tig></langSet></termEntry>
<termEntry id="c5"><langSet xml:lang="de"><tig><term></term></tig></langSet>
  <langSet xml:lang="en"><tig><term>only English</term></tig></langSet></termEntry>
</body></text></martif>
"""


def test_a_termbase_with_an_empty_term_and_a_homonym_imports_the_rest(db, tmp_path):
    """An empty <term/> (c2, and a blank second term in c4) and a homonym (c3: 'bank' again, as
    'bench') are skipped and counted with their lines; every other concept is imported."""
    file = tmp_path / "gaps.tbx"
    file.write_text(TBX_WITH_GAPS, encoding="utf-8")
    result = run("import", file)
    assert result.exit_code == 0, result.output
    assert (
        "4 skipped (2 empty nl term: lines 5, 9, 1 no nl term, "
        "1 defined differently on an earlier line: line 7)" in result.stderr
    ), result.stderr
    assert {row["source"]: row["target"] for row in listing()} == {"bank": "bank", "kabinet": "cabinet"}
    assert run("import", file, "--strict", "--glossary", "other").exit_code == 1


def test_a_huge_term_is_not_echoed_whole(db):
    result = run("add", "x" * 100_000, "y")
    assert result.exit_code == 1
    assert len(result.stderr) < 400 and "(100,002 characters)" in result.stderr, result.stderr[:300]


def test_an_amazon_translate_csv_imports_every_distinct_source_of_the_pair(db, tmp_path):
    """Amazon Translate's custom terminology CSV: one column per language. Rows made for another
    column (Russian genders) repeat the en-fr pair with another fr: the first is kept, the rest
    skipped with their lines; a source differing only in case is its own term."""
    file = tmp_path / "terminology.csv"
    file.write_text(
        "en,fr,ru\nIntraday,Intraday,Внутридневной\nIntraday,Intrajournalier,Внутридневная\n"
        "intraday,intrajournalier,внутридневной\nMarket,Marché,Рынок\n,vide,пусто\n",
        encoding="utf-8",
    )
    result = run("import", file, "--pair", "en-fr")
    assert result.exit_code == 0, result.output
    assert "3 added" in result.stderr and "defined differently on an earlier line: line 3" in result.stderr
    assert "1 no en term" in result.stderr
    kept = {row["source"]: row["target"] for row in listing("--pair", "en-fr")}
    assert kept == {"Intraday": "Intraday", "intraday": "intrajournalier", "Market": "Marché"}
