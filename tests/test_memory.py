"""The translation memory: hits, invalidation by glossary changes, TMX, concurrency, failing soft."""

import json
import multiprocessing
import sqlite3
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from vertaal.cli import app
from vertaal.db import open_db
from vertaal.errors import InputError
from vertaal.memory import tmx
from vertaal.memory.store import MemoryStore, Unit

runner = CliRunner()
TEXT = (
    "De MIVD bespreekt het dreigingsniveau.\n\nDe AIVD deelt het rapport.\n\nDe minister volgt de dreiging."
)


def translate(model, *args, text=TEXT):
    result = runner.invoke(app, ["translate", "-m", str(model), "--format", "jsonl", *args], input=text)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_second_run_comes_from_memory(trained_model, db):
    first = translate(trained_model)
    assert not any(row.get("memory") for row in first)
    second = translate(trained_model)
    assert all(row["memory"] for row in second)
    assert [r["target"] for r in second] == [r["target"] for r in first]
    bypass = translate(trained_model, "--no-memory")
    assert not any(row.get("memory") for row in bypass)


RERUN = """
import sys
from typer.testing import CliRunner
from vertaal.cli import app
result = CliRunner().invoke(app, ["translate", "-m", {model!r}, "-v"], input={text!r})
print(result.exit_code, "torch" in sys.modules, "transformers" in sys.modules)
print(result.stderr)
"""


def test_unchanged_document_loads_no_model_and_no_torch(trained_model, db):
    translate(trained_model)
    code = RERUN.format(model=str(trained_model), text=TEXT)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines()[0] == "0 False False", out.stdout + out.stderr
    assert "3 of 3 sentences from the translation memory" in out.stdout
    assert "not loaded" in out.stdout


def test_glossary_change_invalidates_exactly_the_affected_segments(trained_model, db):
    runner.invoke(app, ["glossary", "add", "dreigingsniveau", "threat level"])
    runner.invoke(app, ["glossary", "add", "rapport", "dossier"])
    first = translate(trained_model)
    assert [r["target"] for r in first][:2] == [
        "The MIVD discusses the threat level.",
        "The AIVD describes the dossier.",  # the tiny model reads "deelt" so in this sentence
    ]
    runner.invoke(app, ["glossary", "update", "rapport", "--target", "report"])
    second = translate(trained_model)
    assert [bool(r.get("memory")) for r in second] == [True, False, True]
    assert second[1]["target"] == "The AIVD describes the report."
    runner.invoke(app, ["glossary", "add", "minister", "minister"])  # a new entry touches the third only
    third = translate(trained_model)
    assert [bool(r.get("memory")) for r in third] == [True, True, False]


def test_memory_hits_report_term_statuses(trained_model, db):
    runner.invoke(app, ["glossary", "add", "dreigingsniveau", "threat level"])
    translate(trained_model)
    second = translate(trained_model)
    assert second[0]["terms"][0]["status"] == "memory"


def test_tmx_round_trip_and_human_precedence(trained_model, db, tmp_path):
    translate(trained_model)
    exported = tmp_path / "m.tmx"
    assert runner.invoke(app, ["memory", "export", str(exported)]).exit_code == 0
    units = tmx.read(str(exported), exported.read_bytes(), ("nl", "en"))
    assert len(units) == 3 and {u.origin for u in units} == {"machine"}
    assert runner.invoke(app, ["memory", "clear", "--yes"]).exit_code == 0
    assert runner.invoke(app, ["memory", "import", str(exported)]).exit_code == 0
    again = tmp_path / "again.tmx"
    runner.invoke(app, ["memory", "export", str(again)])
    assert again.read_text() == exported.read_text()
    human = tmp_path / "human.tmx"
    human.write_text(
        '<?xml version="1.0"?><tmx version="1.4"><header srclang="nl-NL" segtype="sentence"'
        ' datatype="plaintext" adminlang="en" o-tmf="x" creationtool="x" creationtoolversion="1"/><body>'
        '<tu><tuv xml:lang="nl-NL"><seg>De AIVD deelt het rapport.</seg></tuv>'
        '<tuv xml:lang="en-GB"><seg>The AIVD shares its <ph>&lt;b/&gt;</ph><hi>report</hi>.</seg></tuv></tu>'
        "</body></tmx>"
    )
    assert runner.invoke(app, ["memory", "import", str(human)]).exit_code == 0
    exported_units = tmx.read("x", runner.invoke(app, ["memory", "export"]).stdout.encode(), ("nl", "en"))
    chosen = {u.source: (u.target, u.origin) for u in exported_units}
    assert chosen["De AIVD deelt het rapport."] == ("The AIVD shares its report.", "human")
    rows = translate(trained_model)
    assert rows[1]["target"] == "The AIVD shares its report." and rows[1]["memory"]


@pytest.mark.parametrize(
    ("content", "message", "options"),
    [
        ("<tmx><body><tu>", "bad.tmx:1: not well-formed XML", []),
        ("<tmx><body><tu></tu><tu><tuv>", "not well-formed XML", []),  # found after good units
        (
            "<tmx version='1.4'>\n<body>\n<tu><tuv xml:lang='nl'><seg>a</seg></tuv></tu></body></tmx>",
            "bad.tmx:3: 1 skipped (no en segment); nothing imported (--strict)",
            ["--strict"],
        ),
        (
            "<tmx version='1.4'><body>\n<tu>\n<tuv><seg>a</seg></tuv></tu></body></tmx>",
            "bad.tmx:3: a <tuv> needs xml:lang",
            [],
        ),
        ("<xliff/>", "bad.tmx:1: not a TMX file", []),
    ],
)
def test_malformed_tmx_imports_nothing(db, tmp_path, content, message, options):
    good = "<tu><tuv xml:lang='nl'><seg>a</seg></tuv><tuv xml:lang='en'><seg>b</seg></tuv></tu>"
    path = tmp_path / "bad.tmx"
    path.write_text(content.replace("<body>", "<body>" + good, 1))
    result = runner.invoke(app, ["memory", "import", str(path), *options])
    assert result.exit_code == 1
    assert message in result.stderr and str(path) in result.stderr
    assert MemoryStore(open_db(db)).stats()["units"] == 0


def test_stats_search_and_clear_before(db):
    store = MemoryStore(open_db(db))
    store.store(
        [
            Unit("De AIVD werkt samen met de MIVD.", "The AIVD works with the MIVD.", last_used="2020-01-01"),
            Unit("De NCTV publiceert.", "The NCTV publishes.", origin="human"),
        ]
    )
    stats = json.loads(runner.invoke(app, ["memory", "stats", "--json"]).stdout)
    assert stats["units"] == 2 and stats["by_origin"] == {"machine": 1, "human": 1, "edited": 0}
    found = runner.invoke(app, ["memory", "search", "De AIVD werkt samen met de NCTV", "--json"]).stdout
    first = json.loads(found.splitlines()[0])
    assert first["source"] == "De AIVD werkt samen met de MIVD." and 80 < first["score"] < 100
    assert runner.invoke(app, ["memory", "clear", "--before", "2021-01-01", "--yes"]).exit_code == 0
    assert store.stats()["units"] == 1
    assert runner.invoke(app, ["memory", "clear", "--before", "yesterday", "--yes"]).exit_code == 2


def _writer(path, prefix, count):
    store = MemoryStore(open_db(path))
    for i in range(count):
        store.store([Unit(f"{prefix} zin {i}.", f"{prefix} sentence {i}.")])


def test_two_processes_writing_at_once(tmp_path):
    path = tmp_path / "shared.db"
    open_db(path)
    context = multiprocessing.get_context("spawn")
    procs = [context.Process(target=_writer, args=(path, p, 80)) for p in ("a", "b")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0]
    assert sqlite3.connect(path).execute("SELECT count(*) FROM memory").fetchone()[0] == 160


def test_unusable_database_lets_translation_go_on(trained_model, tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("VERTAAL_DB", str(blocker / "v.db"))
    result = runner.invoke(app, ["translate", "-m", str(trained_model), "--no-glossary", TEXT])
    assert result.exit_code == 0
    assert result.stdout.startswith("The MIVD discusses the threat.")
    assert result.stderr.count("translation memory unavailable") == 1


def test_read_only_database_reads_glossary_and_skips_memory(trained_model, db, monkeypatch):
    runner.invoke(app, ["glossary", "add", "dreigingsniveau", "threat level"])
    import vertaal.db.connection as store_db

    def refuse(database):
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(store_db.migrations, "apply", refuse)
    result = runner.invoke(
        app, ["translate", "-m", str(trained_model), "De MIVD bespreekt het dreigingsniveau."]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "The MIVD discusses the threat level.\n"
    assert result.stderr.count("read-only") == 1
    assert runner.invoke(app, ["memory", "stats"]).exit_code == 0  # reading is fine
    cleared = runner.invoke(app, ["memory", "clear", "--yes"])
    assert cleared.exit_code == 1 and "read-only" in cleared.stderr and len(cleared.stderr.splitlines()) == 1


def test_tmx_reader_rejects_unknown_origin():
    data = (
        b"<tmx version='1.4'><body><tu><prop type='x-vertaal-origin'>robot</prop>"
        b"<tuv xml:lang='nl'><seg>a</seg></tuv><tuv xml:lang='en'><seg>b</seg></tuv></tu></body></tmx>"
    )
    with pytest.raises(InputError, match="unknown origin 'robot'"):
        tmx.read("x.tmx", data, ("nl", "en"))


def test_importing_a_document_names_the_formats_memory_import_reads(db, tmp_path):
    letter = tmp_path / "letter.docx"
    letter.write_bytes(b"PK\x03\x04 not a memory")
    result = runner.invoke(app, ["memory", "import", str(letter)])
    assert result.exit_code == 2 and "reads TMX" in result.stderr and "XLIFF" in result.stderr, result.output
    assert "well-formed" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
