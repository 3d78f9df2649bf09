"""Named schema migrations (sqlite-utils `Migrations`), applied by :func:`vertaal.db.open_db`."""

from __future__ import annotations

from collections.abc import Callable

from .sqlite_utils_fence import Database, Migrations

migrations = Migrations("vertaal")
KNOWN: list[str] = []  # the names of the migrations this vertaal has, in order


def migration(function: Callable[[Database], None]) -> Callable[[Database], None]:
    """Register a migration (named by its function) with the set, and remember its name."""
    KNOWN.append(function.__name__)
    return migrations()(function)


_ENTRY_JSON = """json_object('id', {r}.id, 'glossary_id', {r}.glossary_id, 'source_lang', {r}.source_lang,
    'target_lang', {r}.target_lang, 'source', {r}.source, 'target', {r}.target, 'kind', {r}.kind,
    'case_sensitive', {r}.case_sensitive, 'compounds', {r}.compounds, 'fold_diacritics', {r}.fold_diacritics,
    'alternatives', json({r}.alternatives),
    'forbidden', json({r}.forbidden), 'note', {r}.note, 'created', {r}.created, 'updated', {r}.updated)"""


@migration
def m001_glossary(db: Database) -> None:
    """Named glossaries, their entries, full-text search and a change history."""
    db.execute("""
        CREATE TABLE glossaries (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            description TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        )""")
    db.execute("""
        CREATE TABLE entries (
            id INTEGER PRIMARY KEY,
            glossary_id INTEGER NOT NULL REFERENCES glossaries(id) ON DELETE CASCADE,
            source_lang TEXT NOT NULL,
            target_lang TEXT NOT NULL,
            source TEXT NOT NULL,
            source_key TEXT NOT NULL,
            target TEXT NOT NULL DEFAULT '',
            kind TEXT NOT NULL CHECK (kind IN ('preferred', 'keep', 'forbidden')),
            case_sensitive INTEGER NOT NULL DEFAULT 0,
            compounds INTEGER NOT NULL DEFAULT 0,
            fold_diacritics INTEGER NOT NULL DEFAULT 0,
            alternatives TEXT NOT NULL DEFAULT '[]',
            forbidden TEXT NOT NULL DEFAULT '[]',
            note TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            UNIQUE (glossary_id, source_lang, target_lang, source_key)
        )""")
    db.execute("""
        CREATE TABLE history (
            id INTEGER PRIMARY KEY,
            glossary_id INTEGER NOT NULL,
            entry_id INTEGER NOT NULL,
            action TEXT NOT NULL,
            old TEXT,
            new TEXT,
            at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        )""")
    db.execute("CREATE INDEX history_glossary ON history (glossary_id, id)")
    db.execute("CREATE INDEX history_entry ON history (entry_id, id)")
    # While a bulk insert holds a row in bulk_insert (inside its own write transaction), the
    # per-row insert triggers stand aside and the bulk code fills history and FTS set-wise.
    db.execute("CREATE TABLE bulk_insert (active INTEGER)")
    new, old = _ENTRY_JSON.format(r="new"), _ENTRY_JSON.format(r="old")
    db.execute(f"""CREATE TRIGGER entries_history_insert AFTER INSERT ON entries
        WHEN NOT EXISTS (SELECT 1 FROM bulk_insert) BEGIN
        INSERT INTO history (glossary_id, entry_id, action, new)
        VALUES (new.glossary_id, new.id, 'add', {new});
        END""")
    db.execute(f"""CREATE TRIGGER entries_history_update AFTER UPDATE ON entries BEGIN
        INSERT INTO history (glossary_id, entry_id, action, old, new)
        VALUES (new.glossary_id, new.id, 'update', {old}, {new});
        END""")
    db.execute(f"""CREATE TRIGGER entries_history_delete AFTER DELETE ON entries BEGIN
        INSERT INTO history (glossary_id, entry_id, action, old)
        VALUES (old.glossary_id, old.id, 'remove', {old});
        END""")
    db["entries"].enable_fts(["source", "target", "note"], create_triggers=False, tokenize="unicode61")
    db.execute("""CREATE TRIGGER entries_fts_insert AFTER INSERT ON entries
        WHEN NOT EXISTS (SELECT 1 FROM bulk_insert) BEGIN
        INSERT INTO entries_fts (rowid, source, target, note)
        VALUES (new.id, new.source, new.target, new.note);
        END""")
    db.execute("""CREATE TRIGGER entries_fts_delete AFTER DELETE ON entries BEGIN
        INSERT INTO entries_fts (entries_fts, rowid, source, target, note)
        VALUES ('delete', old.id, old.source, old.target, old.note);
        END""")
    db.execute("""CREATE TRIGGER entries_fts_update AFTER UPDATE ON entries BEGIN
        INSERT INTO entries_fts (entries_fts, rowid, source, target, note)
        VALUES ('delete', old.id, old.source, old.target, old.note);
        INSERT INTO entries_fts (rowid, source, target, note)
        VALUES (new.id, new.source, new.target, new.note);
        END""")


def history_json(row: str) -> str:
    """The SQL expression that renders entry row `row` as history JSON."""
    return _ENTRY_JSON.format(r=row)


@migration
def m002_memory(db: Database) -> None:
    """The translation memory: one row per source segment, target, model and glossary fingerprint."""
    db.execute("""
        CREATE TABLE memory (
            id INTEGER PRIMARY KEY,
            source_lang TEXT NOT NULL,
            target_lang TEXT NOT NULL,
            source_key TEXT NOT NULL,
            source TEXT NOT NULL,
            target TEXT NOT NULL,
            model TEXT NOT NULL DEFAULT '',
            revision TEXT NOT NULL DEFAULT '',
            fingerprint TEXT NOT NULL DEFAULT '',
            origin TEXT NOT NULL CHECK (origin IN ('machine', 'human', 'edited')),
            created TEXT NOT NULL,
            last_used TEXT NOT NULL,
            UNIQUE (source_lang, target_lang, source_key, origin, model, revision, fingerprint)
        )""")
    db.execute("CREATE INDEX memory_lookup ON memory (source_lang, target_lang, source_key)")
    db.execute("CREATE INDEX memory_last_used ON memory (last_used)")


@migration
def m003_history_groups(db: Database) -> None:
    """History events grouped by the command that made them (one edit, one import), to restore at once.

    While a group is open its id stands in `history_group`; the history triggers copy it.
    """
    db.execute("ALTER TABLE history ADD COLUMN grp INTEGER")
    db.execute("CREATE INDEX history_grp ON history (grp)")
    db.execute("CREATE TABLE history_groups (id INTEGER PRIMARY KEY, action TEXT NOT NULL, at TEXT NOT NULL)")
    db.execute("CREATE TABLE history_group (id INTEGER)")
    for name in ("entries_history_insert", "entries_history_update", "entries_history_delete"):
        db.execute(f"DROP TRIGGER {name}")
    new, old = _ENTRY_JSON.format(r="new"), _ENTRY_JSON.format(r="old")
    group = "(SELECT id FROM history_group)"
    db.execute(f"""CREATE TRIGGER entries_history_insert AFTER INSERT ON entries
        WHEN NOT EXISTS (SELECT 1 FROM bulk_insert) BEGIN
        INSERT INTO history (glossary_id, entry_id, action, new, grp)
        VALUES (new.glossary_id, new.id, 'add', {new}, {group});
        END""")
    db.execute(f"""CREATE TRIGGER entries_history_update AFTER UPDATE ON entries BEGIN
        INSERT INTO history (glossary_id, entry_id, action, old, new, grp)
        VALUES (new.glossary_id, new.id, 'update', {old}, {new}, {group});
        END""")
    db.execute(f"""CREATE TRIGGER entries_history_delete AFTER DELETE ON entries BEGIN
        INSERT INTO history (glossary_id, entry_id, action, old, grp)
        VALUES (old.glossary_id, old.id, 'remove', {old}, {group});
        END""")
