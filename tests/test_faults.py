"""Nothing lost, no traceback: careless and hostile input, each case from the fault list."""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import stat
import sys
import threading

import pytest
from typer.testing import CliRunner

from vertaal.cli import app

runner = CliRunner()


def invoke(*args, input=None, env=None):
    return runner.invoke(app, [str(a) for a in args], input=input, env=env)


def one_line_error(result, *words, code=1):
    assert result.exit_code == code, result.output
    assert result.stderr.startswith("Error: ") and len(result.stderr.splitlines()) == 1, result.stderr
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.stderr, result.stderr


def entries(*args):
    result = invoke("glossary", "list", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return {e["source"]: e["target"] for e in json.loads(result.stdout)}


def editor(tmp_path, script):
    """An $EDITOR that runs `script` with `p` (the file) and `text` (its content)."""
    path = tmp_path / "editor.py"
    path.write_text(
        "import os, subprocess, sys\np = sys.argv[1]\ntext = open(p, encoding='utf-8').read()\n" + script
    )
    return f"{sys.executable} {path}"


CLI = f"{sys.executable} -c 'import sys; from vertaal.cli import main; sys.argv[0] = \"vertaal\"; main()'"


# -- 1. glossary edit changes only what it showed ------------------------------------------------
def test_edit_leaves_other_pairs_alone(db, tmp_path, monkeypatch):
    invoke("glossary", "add", "a", "b")
    invoke("glossary", "add", "threat", "dreiging", "--pair", "en-nl")
    monkeypatch.setenv("EDITOR", editor(tmp_path, ""))  # saves the file unchanged
    result = invoke("glossary", "edit")
    assert result.exit_code == 0 and "0 added, 0 changed, 0 removed" in result.stderr
    assert entries("--pair", "en-nl") == {"threat": "dreiging"}


def test_an_entry_added_while_the_editor_is_open_survives(db, tmp_path, monkeypatch):
    invoke("glossary", "add", "a", "b")
    script = (
        f"subprocess.run({CLI!r} + ' glossary add x y', shell=True, check=True)\n"
        "open(p, 'w', encoding='utf-8').write(text.replace('a\\tb', 'a\\tB'))\n"
    )
    monkeypatch.setenv("EDITOR", editor(tmp_path, script))
    result = invoke("glossary", "edit")
    assert result.exit_code == 0, result.output
    assert entries() == {"a": "B", "x": "y"}


def test_a_conflicting_change_while_editing_applies_nothing(db, tmp_path, monkeypatch):
    invoke("glossary", "add", "a", "b")
    invoke("glossary", "add", "c", "d")
    script = (
        f"subprocess.run({CLI!r} + ' glossary update a --target other', shell=True, check=True)\n"
        "open(p, 'w', encoding='utf-8').write(text.replace('a\\tb', 'a\\tB').replace('c\\td', 'c\\tD'))\n"
    )
    monkeypatch.setenv("EDITOR", editor(tmp_path, script))
    one_line_error(invoke("glossary", "edit"), "changed in the database while you edited", "'a'")
    assert entries() == {"a": "other", "c": "d"}  # nothing of the edit applied


def test_an_emptied_file_asks_before_removing(db, tmp_path, monkeypatch):
    for n in range(5):
        invoke("glossary", "add", f"term{n}", f"target{n}")
    monkeypatch.setenv("EDITOR", editor(tmp_path, "open(p, 'w').write('')\n"))
    one_line_error(invoke("glossary", "edit"), "would remove 5 entries", "--yes")
    assert len(entries()) == 5
    assert invoke("glossary", "edit", "--yes").exit_code == 0
    assert entries() == {}


def test_sources_starting_with_a_hash_survive_edit_and_tsv(db, tmp_path, monkeypatch):
    invoke("glossary", "add", "#hashtag", "hashtag")
    monkeypatch.setenv("EDITOR", editor(tmp_path, ""))
    assert invoke("glossary", "edit").exit_code == 0
    assert entries() == {"#hashtag": "hashtag"}
    out = tmp_path / "g.tsv"
    assert invoke("glossary", "export", out).exit_code == 0
    assert invoke("glossary", "import", out, "-g", "copy").exit_code == 0
    assert entries("-g", "copy") == {"#hashtag": "hashtag"}


@pytest.mark.parametrize(
    ("command", "words"),
    [
        ("no-such-editor-anywhere", ["cannot start the editor"]),
        (f"{sys.executable} -c 'import sys; sys.exit(3)'", ["exited with status 3", "nothing changed"]),
        (f"{sys.executable} -c 'import os, sys; os.remove(sys.argv[1])'", ["deleted the file"]),
        (
            f'{sys.executable} -c \'import sys; open(sys.argv[1], "wb").write(b"a\\tb\\xff\\n")\'',
            ["UTF-8", "nothing changed"],
        ),
    ],
)
def test_editor_faults_are_one_line(db, monkeypatch, command, words):
    invoke("glossary", "add", "a", "b")
    monkeypatch.setenv("EDITOR", command)
    one_line_error(invoke("glossary", "edit"), *words)
    assert entries() == {"a": "b"}


def test_an_editor_with_an_unbalanced_quote_is_a_usage_error(db, monkeypatch):
    monkeypatch.setenv("EDITOR", "vim '-c")
    one_line_error(invoke("glossary", "edit"), "quoting", code=2)


def test_one_import_is_restored_as_a_group(db, tmp_path):
    invoke("glossary", "add", "a", "b")
    tsv = tmp_path / "g.tsv"
    tsv.write_text("c\td\ne\tf\n", encoding="utf-8")
    assert invoke("glossary", "import", tsv).exit_code == 0
    history = [line.split() for line in invoke("glossary", "history").stdout.splitlines()]
    groups = {row[1] for row in history if row[3] == "add" and row[6] in ("c", "e")}
    assert len(groups) == 1 and groups != {"-"}
    result = invoke("glossary", "restore", "--group", groups.pop().lstrip("g"))
    assert result.exit_code == 0, result.output
    assert entries() == {"a": "b"}


def test_one_edit_is_restored_as_a_group(db, tmp_path, monkeypatch):
    invoke("glossary", "add", "a", "b")
    invoke("glossary", "add", "c", "d")
    edited = "text.replace('a\\tb', 'a\\tB').replace('c\\td\\n', '') + 'e\\tf\\n'"
    script = f"open(p, 'w', encoding='utf-8').write({edited})\n"
    monkeypatch.setenv("EDITOR", editor(tmp_path, script))
    assert invoke("glossary", "edit").exit_code == 0
    group = invoke("glossary", "history", "--json").stdout.splitlines()[0]
    assert invoke("glossary", "restore", "--group", json.loads(group)["group"]).exit_code == 0
    assert entries() == {"a": "b", "c": "d"}


# -- 2. -o never destroys an input or a special file ---------------------------------------------
def test_output_that_is_an_input_is_refused(tiny_model, db, tmp_path):
    source = tmp_path / "a.txt"
    source.write_text("De dienst werkt.", encoding="utf-8")
    one_line_error(invoke("translate", "-m", tiny_model, "-i", source, "-o", source), "is the input", code=2)
    assert source.read_text(encoding="utf-8") == "De dienst werkt."
    target = tmp_path / "t.txt"
    target.write_text("The service works.", encoding="utf-8")
    one_line_error(invoke("check", source, target, "-o", source), "is the input", code=2)
    assert source.read_text(encoding="utf-8") == "De dienst werkt."


def test_output_through_a_symlink_keeps_the_link_and_the_mode(tiny_model, tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("old\n", encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    assert invoke("translate", "-m", tiny_model, "--beams", "1", "-o", link, "Hallo.").exit_code == 0
    assert link.is_symlink() and real.read_text(encoding="utf-8") != "old\n"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640


def test_a_new_output_file_gets_the_umask_mode(tiny_model, tmp_path):
    out = tmp_path / "new.txt"
    old = os.umask(0o022)
    try:
        assert invoke("translate", "-m", tiny_model, "--beams", "1", "-o", out, "Hallo.").exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


def test_output_into_a_fifo_is_written_not_replaced(tiny_model, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text(encoding="utf-8")))
    reader.start()
    result = invoke("translate", "-m", tiny_model, "--beams", "1", "-o", fifo, "Hallo.")
    reader.join(timeout=60)
    assert result.exit_code == 0 and received and received[0].strip()
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_device_node_is_refused_and_dash_is_stdout(tiny_model):
    one_line_error(
        invoke("translate", "-m", tiny_model, "--beams", "1", "-o", "/dev/null", "Hallo."), "device"
    )
    result = invoke("translate", "-m", tiny_model, "--beams", "1", "-o", "-", "Hallo.")
    assert result.exit_code == 0 and result.stdout.strip()


def test_a_full_disk_leaves_the_previous_output(tiny_model, tmp_path, monkeypatch):
    out = tmp_path / "out.txt"
    out.write_text("previous\n", encoding="utf-8")

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    one_line_error(
        invoke("translate", "-m", tiny_model, "--beams", "1", "-o", out, "Hallo."), "No space left"
    )
    assert out.read_text(encoding="utf-8") == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


# -- 3. one line instead of a traceback ----------------------------------------------------------
def test_rich_markup_in_user_data_is_shown_as_text(db, tmp_path):
    assert invoke("glossary", "add", "[/]", "[link=https://example.org]x[/link]").exit_code == 0
    listing = invoke("glossary", "list", env={"COLUMNS": "300"})
    assert listing.exit_code == 0 and "[link=https://example.org]x[/link]" in listing.stdout
    scan = invoke("glossary", "scan", input="Hier staat [/] in de tekst.")
    assert scan.exit_code == 0 and "[/]" in scan.stdout
    source, target = tmp_path / "s.txt", tmp_path / "t.txt"
    source.write_text("Hier staat [/] in.", encoding="utf-8")
    target.write_text("Here [bold] stands.", encoding="utf-8")
    check = invoke("check", source, target, env={"COLUMNS": "300"})
    assert check.exit_code == 1 and "[link=https://example.org]x[/link]" in check.stdout


def test_a_write_to_a_read_only_database_is_one_line(db, monkeypatch):
    invoke("glossary", "add", "a", "b")
    import vertaal.db.connection as connection

    def refuse(database):
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(connection.migrations, "apply", refuse)
    one_line_error(invoke("glossary", "add", "c", "d"), "read-only", "--db")
    assert invoke("glossary", "list").exit_code == 0  # reading goes on


def test_a_damaged_database_is_one_line_with_the_way_back(db):
    db.write_bytes(b"this is not a database at all" * 200)
    one_line_error(invoke("glossary", "list"), "damaged", ".recover", "export")


def test_a_full_disk_during_import_changes_nothing(db, tmp_path, monkeypatch):
    from vertaal.glossary.store import GlossaryStore

    invoke("glossary", "add", "a", "b")
    tsv = tmp_path / "g.tsv"
    tsv.write_text("c\td\n", encoding="utf-8")

    def full(self, *args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(GlossaryStore, "_insert", full)
    one_line_error(invoke("glossary", "import", tsv), "full", "nothing was changed")
    assert entries() == {"a": "b"}


def test_a_full_disk_during_export_keeps_the_old_file(db, tmp_path, monkeypatch):
    invoke("glossary", "add", "a", "b")
    out = tmp_path / "g.tsv"
    out.write_text("old\n", encoding="utf-8")
    monkeypatch.setattr(
        os, "replace", lambda *a: (_ for _ in ()).throw(OSError(errno.ENOSPC, "No space left"))
    )
    one_line_error(invoke("glossary", "export", out), "No space left")
    assert out.read_text(encoding="utf-8") == "old\n"


@pytest.mark.parametrize("how", ["option", "environment"])
def test_a_model_path_that_does_not_exist(tmp_path, monkeypatch, how):
    missing = tmp_path / "no" / "model"
    if how == "environment":
        monkeypatch.setenv("VERTAAL_MODEL", str(missing))
        result = invoke("translate", "Hallo.")
    else:
        result = invoke("translate", "-m", missing, "Hallo.")
    one_line_error(result, "no such model directory")


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ('{"forbidden":[1]}', ['"forbidden" must be a list of strings']),
        ('{"alternatives":"notalist"}', ['"alternatives" must be a list of strings']),
        ('{"case_sensitive":"yes"}', ['"case_sensitive" must be true or false']),
        ('{"kind":["keep"]}', ['"kind" must be a string']),
    ],
)
def test_extra_fields_are_checked_by_type(db, tmp_path, extra, words):
    tsv = tmp_path / "g.tsv"
    tsv.write_text(f"a\tb\t\t{extra}\n", encoding="utf-8")
    one_line_error(invoke("glossary", "import", tsv), f"{tsv}:1", *words)
    assert invoke("glossary", "names").stdout == ""  # nothing imported, no glossary made


def test_comments_instructions_and_entities_in_a_tmx_seg(db, tmp_path):
    tmx = tmp_path / "m.tmx"
    tmx.write_text(
        '<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY org "AIVD">]><tmx version="1.4"><header srclang="nl"'
        ' segtype="sentence" datatype="plaintext" adminlang="en" o-tmf="x" creationtool="x"'
        ' creationtoolversion="1"/><body><tu><tuv xml:lang="nl"><seg>De <!-- c -->dienst<?pi x?> &org;.</seg>'
        '</tuv><tuv xml:lang="en"><seg>The <!-- c -->service.</seg></tuv></tu></body></tmx>',
        encoding="utf-8",
    )
    result = invoke("memory", "import", tmx)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output


# -- 4. a database from a newer vertaal ----------------------------------------------------------
def test_a_database_from_a_newer_vertaal_is_read_but_not_written(db):
    invoke("glossary", "add", "a", "b")
    with sqlite3.connect(db) as connection:
        connection.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
            " VALUES ('vertaal', 'm999_future', 'x')"
        )
    listing = invoke("glossary", "list", "--format", "json")
    assert listing.exit_code == 0 and "newer vertaal" in listing.stderr
    one_line_error(invoke("glossary", "add", "c", "d"), "newer vertaal", "upgrade")


# -- 5. control characters -----------------------------------------------------------------------
def test_control_characters_never_reach_the_memory_export(trained_model, db):
    result = invoke("translate", "-m", trained_model, "De minister\x01 deelt het rapport.\x02")
    assert result.exit_code == 0 and "\x01" not in result.stdout
    from vertaal.db import open_db
    from vertaal.memory.store import MemoryStore, Unit

    MemoryStore(open_db(db)).store([Unit("Een\x01 bron.", "A\x01 target.")])
    exported = invoke("memory", "export")
    assert exported.exit_code == 0 and "\x01" not in exported.stdout and "A target." in exported.stdout


# -- 6. CSV export and formula injection ---------------------------------------------------------
def test_csv_export_neutralises_formulas(db, tmp_path):
    invoke("glossary", "add", "=cmd|'/C calc'!A0", "+sum")
    out = tmp_path / "g.csv"
    assert invoke("glossary", "export", out).exit_code == 0
    assert "'=cmd" in out.read_text(encoding="utf-8") and "'+sum" in out.read_text(encoding="utf-8")
    raw = invoke("glossary", "export", "--format", "csv", "--raw")
    assert "\n=cmd" in raw.stdout
    assert invoke("glossary", "import", out, "-g", "copy").exit_code == 0
    assert entries("-g", "copy") == {"=cmd|'/C calc'!A0": "+sum"}


# -- 8. validation -------------------------------------------------------------------------------
def test_a_pair_of_one_language_and_scores_out_of_range_are_refused(db):
    one_line_error(invoke("glossary", "list", "--pair", "nl-nl"), "two different languages", code=2)
    assert invoke("memory", "search", "x", "--min-score", "101").exit_code == 2
    assert invoke("memory", "search", "x", "--min-score", "-1").exit_code == 2


# -- faults, round 2 (issue 31) --------------------------------------------------------------------
def test_emptying_a_one_entry_glossary_in_the_editor_asks_first(db, tmp_path, monkeypatch):
    invoke("glossary", "add", "kabinet", "cabinet")
    monkeypatch.setenv("EDITOR", editor(tmp_path, "open(p, 'w').write('')\n"))
    one_line_error(invoke("glossary", "edit"), "would remove 1 entries", "--yes")
    assert entries() == {"kabinet": "cabinet"}
    assert invoke("glossary", "edit", "--yes").exit_code == 0
    assert entries() == {}


def test_an_editor_that_leaves_a_folder_changes_nothing(db, tmp_path, monkeypatch):
    invoke("glossary", "add", "kabinet", "cabinet")
    monkeypatch.setenv("EDITOR", editor(tmp_path, "os.remove(p); os.mkdir(p)\n"))
    one_line_error(invoke("glossary", "edit"), "left a folder", "nothing changed")
    assert entries() == {"kabinet": "cabinet"}


@pytest.mark.parametrize("term", ["ab\u202ecd", "\u2066kabinet\u2069", "kabi\u200fnet"])
def test_bidirectional_controls_are_refused_in_terms(db, term):
    one_line_error(invoke("glossary", "add", term, "cabinet"), "bidirectional control")
    one_line_error(invoke("glossary", "add", "kabinet", term), "bidirectional control")
    assert "no glossary named 'default'" in invoke("glossary", "list").stderr  # nothing was stored


@pytest.mark.parametrize("name", ["", " ", "a b", "..", "ab\u202ecd", "x" * 101])
def test_a_glossary_name_must_be_a_name(db, name):
    result = invoke("glossary", "create", name)
    one_line_error(result, "is not a glossary name", code=2)
    assert len(result.stderr) < 200  # a long name is shortened in the message
    added = invoke("glossary", "add", "-g", name, "kabinet", "cabinet")
    one_line_error(added, "is not a glossary name", code=2)


def test_a_database_in_a_missing_folder_is_refused_not_created(tmp_path):
    missing = tmp_path / "nonexistent" / "dir" / "v.db"
    one_line_error(invoke("glossary", "add", "--db", missing, "kabinet", "cabinet"), "does not exist")
    assert not (tmp_path / "nonexistent").exists()


@pytest.mark.parametrize("device", ["tpu", "cuda:x", "gpu0"])
def test_an_unknown_device_is_refused_before_any_model_loads(tmp_path, device):
    """No model exists at the path: the device is refused first, in one line, exit 2."""
    result = invoke("translate", "--model", tmp_path / "no-model", "--device", device, "Hallo.")
    one_line_error(result, f"unknown device {device!r}", code=2)


def test_a_model_for_the_other_direction_is_refused_and_the_hint_works(tiny_model, monkeypatch):
    """The tiny model's tokenizer says nl to en: asked for en-nl (through $VERTAAL_MODEL too) it is
    refused in one line before it loads, and the direction the message suggests translates."""
    monkeypatch.setenv("VERTAAL_MODEL", str(tiny_model))
    refused = invoke("translate", "--no-memory", "--direction", "en-nl", "The service.")
    one_line_error(refused, "translates nl to en, not en to nl", "--direction nl-en", code=2)
    followed = invoke("translate", "--no-memory", "--direction", "nl-en", "De dienst.")
    assert followed.exit_code == 0 and followed.stdout.strip(), followed.output
    hub = invoke("translate", "--model", "Helsinki-NLP/opus-mt-en-nl", "--no-memory", "De dienst.")
    one_line_error(hub, "translates en to nl, not nl to en", "--direction en-nl", code=2)


def test_check_with_a_pair_the_glossary_does_not_hold_says_no_term_was_checked(db, tmp_path):
    source, target = tmp_path / "nl.txt", tmp_path / "en.txt"
    source.write_text("Het kabinet besluit.\n", encoding="utf-8")
    target.write_text("The government decides.\n", encoding="utf-8")
    assert invoke("glossary", "add", "kabinet", "cabinet").exit_code == 0
    missed = invoke("check", source, target)
    assert missed.exit_code == 1 and "term_missing" in missed.stdout  # the pair the entries have
    other = invoke("check", source, target, "--pair", "xx-yy")
    assert "has no xx-yy entries, so no term was checked" in other.stderr
    po = tmp_path / "ok.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: en\\n"\n\nmsgid "Het kabinet."\nmsgstr "The cabinet."\n')
    one_line_error(invoke("check", po, "--pair", "xx-yy"), "its target language is en")


def test_tables_written_to_a_pipe_or_a_file_are_not_cut(db, tmp_path):
    """Even with a 40-column terminal setting, a piped or saved table keeps every word whole."""
    long_note = "kept in every ministry letter since the reorganisation of 2017"
    assert invoke("glossary", "add", "dreigingsniveau", "threat level", "--note", long_note).exit_code == 0
    listing = invoke("glossary", "list", env={"COLUMNS": "40"})
    assert listing.exit_code == 0 and long_note in listing.stdout and "…" not in listing.stdout
    source, target = tmp_path / "s.txt", tmp_path / "t.txt"
    source.write_text("Op 15 juni 2014 begon de JSCU.\n", encoding="utf-8")
    target.write_text("On 16 June 2014 the JSCU started.\n", encoding="utf-8")
    message = "missing in the target: 15; not in the source: 16"
    piped = invoke("check", source, target, env={"COLUMNS": "40"})
    assert "number_mismatch" in piped.stdout and message in piped.stdout
    invoke("check", source, target, "-o", tmp_path / "report.txt", env={"COLUMNS": "40"})
    assert message in (tmp_path / "report.txt").read_text("utf-8")
