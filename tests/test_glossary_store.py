"""The SQLite glossary store: migrations, entries, search, history, concurrency."""

import multiprocessing
import sqlite3

import pytest

from vertaal.db import open_db
from vertaal.db.migrations import migrations
from vertaal.errors import GlossaryError
from vertaal.glossary.store import GlossaryStore
from vertaal.terms.entry import Entry

PAIR = ("nl", "en")


@pytest.fixture
def store(tmp_path):
    return GlossaryStore(open_db(tmp_path / "v.db"))


def test_migrations_on_empty_database_and_reapplied(tmp_path):
    path = tmp_path / "new.db"
    db = open_db(path)
    assert {"glossaries", "entries", "history", "entries_fts", "memory"} <= set(db.table_names())
    applied = [m.name for m in migrations.applied(db)]
    assert applied == ["m001_glossary", "m002_memory", "m003_history_groups"]
    schema = db.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
    again = open_db(path)
    assert [m.name for m in migrations.applied(again)] == applied
    assert again.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall() == schema
    assert again.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_default_path_follows_xdg_and_env(isolated_home, monkeypatch, tmp_path):
    from vertaal.config import db_path

    assert db_path() == isolated_home / "data" / "vertaal" / "vertaal.db"
    monkeypatch.setenv("VERTAAL_DB", str(tmp_path / "x.db"))
    assert db_path() == tmp_path / "x.db"
    assert db_path(tmp_path / "y.db") == tmp_path / "y.db"


def test_source_terms_are_unique_after_normalisation(store):
    store.add("default", Entry("Coo\u0308rdinator  Bewaking", "Coordinator"))
    with pytest.raises(GlossaryError, match="already"):
        store.add("default", Entry("Coördinator Bewaking", "x"))
    assert store.get("default", " Coördinator\tBewaking ", PAIR).target == "Coordinator"
    store.add("default", Entry("Coördinator Bewaking", "y", source_lang="en", target_lang="nl"))
    store.add("other", Entry("Coördinator Bewaking", "z"))
    assert len(store.entries("default")) == 2


def test_entry_kinds(store):
    keep = store.add("default", Entry("JSCU", kind="keep"))
    assert keep.target == "JSCU" and keep.kind == "keep"
    forbidden = store.add("default", Entry("NCTb", kind="forbidden", forbidden=["NCTb"]))
    assert forbidden.kind == "forbidden"
    same = store.add("default", Entry("Sigint", "Sigint"))
    assert same.kind == "keep"
    with pytest.raises(GlossaryError, match="forbidden target"):
        store.add("default", Entry("x", kind="forbidden"))


def test_search_uses_the_full_text_index(store):
    store.import_entries(
        "default",
        [Entry(f"term{i}", f"target {i}") for i in range(200)]
        + [Entry("dreigingsniveau", "threat level", note="NCTV")],
    )
    assert [e.source for e in store.search("default", "threat")] == ["dreigingsniveau"]
    assert [e.source for e in store.search("default", "nctv")] == ["dreigingsniveau"]
    plan = store.db.execute("EXPLAIN QUERY PLAN SELECT rowid FROM entries_fts WHERE entries_fts MATCH 'x'")
    assert "VIRTUAL TABLE INDEX" in " ".join(str(r) for r in plan)


def test_history_records_changes_and_restores_removed_entries(store):
    store.add("default", Entry("AIVD", "General Intelligence and Security Service"))
    store.update("default", "AIVD", PAIR, kind="keep")
    store.remove("default", "AIVD", PAIR)
    events = store.history("default")
    assert [e["action"] for e in events] == ["remove", "update", "add"]
    assert events[1]["old"]["target"] == "General Intelligence and Security Service"
    assert events[1]["new"]["kind"] == "keep"
    restored = store.restore(events[0]["event"])
    assert restored.kind == "keep"
    undone = store.restore(events[1]["event"])
    assert undone.target == "General Intelligence and Security Service"


def test_version_changes_with_every_edit(store):
    store.create("g")
    v0 = store.version("g")
    store.add("g", Entry("a", "b"))
    v1 = store.version("g")
    store.update("g", "a", PAIR, target="c")
    assert v0 < v1 < store.version("g")


def test_import_conflicts(store):
    store.add("default", Entry("a", "b"))
    report = store.import_entries("default", [Entry("a", "x"), Entry("c", "d")], "fail")
    assert len(report.conflicts) == 1 and report.added == 0
    assert [e.source for e in store.entries("default")] == ["a"]
    report = store.import_entries("default", [Entry("a", "x"), Entry("c", "d")], "skip")
    assert (report.added, report.skipped) == (1, 1)
    assert store.get("default", "a", PAIR).target == "b"
    report = store.import_entries("default", [Entry("a", "x")], "replace")
    assert report.replaced == 1 and store.get("default", "a", PAIR).target == "x"


def _writer(path, prefix, count):
    store = GlossaryStore(open_db(path))
    for i in range(count):
        store.add("default", Entry(f"{prefix}{i}", f"t{i}"))


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    path = tmp_path / "shared.db"
    open_db(path)
    context = multiprocessing.get_context("spawn")
    procs = [context.Process(target=_writer, args=(path, p, 60)) for p in ("x", "y")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0]
    count = sqlite3.connect(path).execute("SELECT count(*) FROM entries").fetchone()[0]
    assert count == 120


def test_unwritable_database_is_one_line_error(tmp_path):
    from vertaal.errors import StoreError

    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot open the database"):
        open_db(blocker / "sub" / "v.db")


def test_matcher_is_built_once_per_glossary_version(store):
    from vertaal.glossary.matchers import matcher_for

    store.add("default", Entry("AIVD", kind="keep"))
    first = matcher_for(store, "default", PAIR)
    assert matcher_for(store, "default", PAIR) is first
    store.add("default", Entry("MIVD", kind="keep"))
    second = matcher_for(store, "default", PAIR)
    assert second is not first and len(second) == 2


def test_a_database_from_before_the_memory_is_upgraded(tmp_path):
    path = tmp_path / "old.db"
    db = open_db(path)
    db.execute("DROP TABLE memory")
    db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm002_memory'")
    GlossaryStore(db).add("default", Entry("AIVD", kind="keep"))
    upgraded = open_db(path)
    assert "memory" in upgraded.table_names()
    assert GlossaryStore(upgraded).get("default", "AIVD", PAIR).kind == "keep"


def test_a_database_from_before_history_groups_is_upgraded(tmp_path):
    import sqlite3

    from vertaal.db.connection import Database

    path = tmp_path / "old.db"
    old = Database(sqlite3.connect(path, isolation_level=None), path)
    migrations.apply(old, stop_before="m003_history_groups")
    GlossaryStore(old).add("default", Entry("AIVD", kind="keep"))
    old.conn.close()
    store = GlossaryStore(open_db(path))
    store.add("default", Entry("NCTV", kind="keep"))
    events = store.history("default")
    assert [(e["action"], e["new"]["source"], e["group"] is None) for e in events] == [
        ("add", "NCTV", True),
        ("add", "AIVD", True),
    ]
