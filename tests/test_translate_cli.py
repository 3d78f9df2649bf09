"""`vertaal translate` end to end on locally built models."""

import json
import re

import pytest
from typer.testing import CliRunner

from vertaal.cli import app

runner = CliRunner()


def run(*args, input=None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def base(model):
    return ["translate", "--model", model, "--beams", "2"]


def test_translates_arguments(trained_model):
    result = run("translate", "--model", trained_model, "De", "minister", "deelt", "het", "rapport.")
    assert result.exit_code == 0, result.output
    assert result.stdout == "The minister shares the report.\n"
    assert result.stderr == ""


def test_paragraphs_in_equal_paragraphs_out(tiny_model):
    text = "Eerste alinea\nloopt door.\n\nTweede alinea. Met twee zinnen.\n\nDerde."
    result = run(*base(tiny_model), "--format", "jsonl", input=text)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["paragraph"], r["sentence"]) for r in rows] == [(0, 0), (1, 0), (1, 1), (2, 0)]
    assert rows[0]["source"] == "Eerste alinea loopt door."
    assert all(set(r) >= {"paragraph", "sentence", "source", "target"} for r in rows)


def test_text_output_keeps_paragraph_count(trained_model):
    text = "De AIVD onderzoekt de dreiging.\n\nDe minister deelt het rapport.\n\nDe MIVD meldt de informatie."
    result = run("translate", "--model", trained_model, input=text)
    assert result.exit_code == 0, result.output
    assert len(result.stdout.strip().split("\n\n")) == 3


def test_files_and_output_file(tiny_model, tmp_path):
    source = tmp_path / "in.txt"
    source.write_bytes("\ufeffDe dienst meldt het.\r\nOok dit.\r\n".encode())
    target = tmp_path / "out.txt"
    result = run(*base(tiny_model), "-i", source, "-o", target)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    to_stdout = run(*base(tiny_model), "-i", source)
    assert target.read_text(encoding="utf-8") == to_stdout.stdout != ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.txt", "out.txt"]


def test_environment_variable_picks_the_model(trained_model, monkeypatch):
    monkeypatch.setenv("VERTAAL_MODEL", str(trained_model))
    result = run("translate", "De minister deelt het rapport.")
    assert result.exit_code == 0, result.output
    assert result.stdout == "The minister shares the report.\n"


@pytest.mark.parametrize("text", ["", "   \n\t\n  "])
def test_empty_and_blank_input_give_empty_output(text):
    result = run("translate", input=text)  # no model is needed, so none is loaded
    assert result.exit_code == 0
    assert result.stdout == ""


def test_missing_file(tmp_path):
    result = run("translate", "-i", tmp_path / "nope.txt")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path / 'nope.txt'}: no such file\n"


def test_directory(tmp_path):
    """A folder is a corpus: it is translated into a folder, which -o must name."""
    result = run("translate", "-i", tmp_path)
    assert result.exit_code == 2
    assert "-o OUTDIR" in result.stderr and len(result.stderr.splitlines()) == 1


def test_binary_file(tmp_path):
    binary = tmp_path / "x.bin"
    binary.write_bytes(b"\x00\x01\x02PK\x03\x04")
    result = run("translate", "-i", binary)
    assert result.exit_code == 1
    assert str(binary) in result.stderr and "binary" in result.stderr


def test_invalid_utf8_names_file_and_offers_encoding(tmp_path, tiny_model):
    latin = tmp_path / "latin.txt"
    latin.write_bytes("De Coördinator.".encode("cp1252"))
    result = run("translate", "-i", latin)
    assert result.exit_code == 1
    assert str(latin) in result.stderr and "--encoding" in result.stderr
    ok = run(*base(tiny_model), "-i", latin, "--encoding", "cp1252", "--format", "jsonl")
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout.splitlines()[0])["source"] == "De Coördinator."


def test_unknown_direction_is_a_usage_error():
    result = run("translate", "--direction", "fr-en", "Bonjour")
    assert result.exit_code == 2
    assert "nl-en" in result.stderr


def test_model_path_that_is_not_marian(tmp_path):
    (tmp_path / "config.json").write_text('{"model_type": "bert"}')
    result = run("translate", "--model", tmp_path, "Hallo")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "not a Marian model" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_uncached_hub_model_offline_is_one_line():
    result = run("translate", "Hallo wereld.")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "Helsinki-NLP/opus-mt-nl-en" in result.stderr
    assert "vertaal models pull" in result.stderr and "--model" in result.stderr


def test_output_into_missing_directory_writes_nothing(tiny_model, tmp_path):
    result = run(*base(tiny_model), "-o", tmp_path / "no" / "out.txt", "Hallo.")
    assert result.exit_code == 1
    assert "does not exist" in result.stderr
    assert not (tmp_path / "no").exists()


def test_long_single_line_is_translated_in_pieces(tiny_model):
    line = "De dienst onderzoekt de dreiging en deelt de informatie " * 400  # ~22 KB, one line
    result = run(*base(tiny_model), "--format", "jsonl", "--beams", "1", input=line)
    assert result.exit_code == 0, result.output
    rows = [json.loads(x) for x in result.stdout.splitlines()]
    assert len(rows) > 10
    assert {r["paragraph"] for r in rows} == {0}
    assert " ".join(r["source"] for r in rows) == line.strip()


def test_verbose_reports_load_time(tiny_model):
    result = run(*base(tiny_model), "--verbose", "--engine", "torch", "Hallo.")
    assert result.exit_code == 0
    assert re.search(
        r"loaded in \d+\.\d\d s \(imports \d+\.\d\d s, tokenizer \d+\.\d\d s, model \d+\.\d\d s, "
        r"device \d+\.\d\d s\); 1 sentences translated in \d+\.\d\d s",
        result.stderr,
    )
    default = run(*base(tiny_model), "--verbose", "Hallo.")  # the ctranslate2 engine: no torch parts
    assert default.exit_code == 0
    assert re.search(
        r"loaded in \d+\.\d\d s \(ctranslate2 \d+\.\d\d s\); 1 sentences translated in \d+\.\d\d s\n$",
        default.stderr,
    )


def test_trained_model_gives_real_english(trained_model):
    result = run("translate", "--model", trained_model, "De minister deelt het rapport.")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "The minister shares the report."


def test_a_long_input_shows_progress_before_its_sentences_are_known():
    import io

    from rich.console import Console

    from vertaal.cli.runners.common import Progress as _Progress

    screen = io.StringIO()
    with _Progress(Console(file=screen, force_terminal=True, width=80)) as progress:
        progress.prepare(250_000)
        assert progress._task is not None  # shown from the start, while segmenting
        progress.start(40)
        progress.advance(40)
        assert progress._bar.tasks[0].total == 40 and progress._bar.tasks[0].finished
    assert progress._bar.tasks[0].description == "translating"
    with _Progress(Console(file=io.StringIO(), force_terminal=True)) as short:
        short.prepare(500)
        assert short._task is None  # a short input shows no spinner


TYPOS = ["nosuchfile.docx", "rapport.xlf", "map/tekst.txt", "./verslag", "begroting.ods"]


@pytest.mark.parametrize("name", TYPOS)
def test_a_file_name_that_names_no_file_is_one_line_not_translated(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    result = run("translate", name)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr == f"Error: {name}: no such file (words that look like a file name translate " \
        "from stdin: echo WORDS | vertaal translate)\n"


def test_a_folder_or_fifo_named_like_a_document_is_refused(tmp_path, monkeypatch):
    import os

    monkeypatch.chdir(tmp_path)
    (tmp_path / "map.docx").mkdir()
    os.mkfifo(tmp_path / "pijp.docx")
    folder = run("translate", "map.docx")
    assert folder.exit_code == 1 and "map.docx: is a folder" in folder.stderr
    fifo = run("translate", "-i", "pijp.docx")  # never opened: a FIFO would block the reader
    assert fifo.exit_code == 1 and "pijp.docx: not a regular file" in fifo.stderr
    assert folder.stdout == fifo.stdout == ""


def test_text_with_a_dot_still_translates(tiny_model):
    for text in (["Zie", "art.", "3."], ["Zie art. 3 van de wet."], ["Slot."]):
        result = run(*base(tiny_model), "--no-memory", *text)
        assert result.exit_code == 0, result.output
        assert result.stdout.strip()


def test_a_missing_output_folder_exits_1_for_text_and_documents_alike(tiny_model, tmp_path):
    from tests.documents import report_docx

    docx = report_docx(tmp_path / "in.docx")
    text = run(*base(tiny_model), "-o", tmp_path / "no" / "out.txt", "Hallo.")
    document = run(*base(tiny_model), str(docx), "-o", tmp_path / "no" / "out.docx")
    assert text.exit_code == document.exit_code == 1
    assert "does not exist" in text.stderr and "does not exist" in document.stderr
