"""`vertaal check` and `translate --report`: each problem found exactly once, reports in three formats."""

import json
import os
import shutil
import subprocess
import tracemalloc
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vertaal.cli import app
from vertaal.errors import InputError
from vertaal.qa import alignment
from vertaal.qa.checks import CHECKS, Checker, numbers
from vertaal.terms.entry import Entry
from vertaal.terms.matcher import Matcher

runner = CliRunner()
GLOSSARY = [
    Entry("Alerteringssysteem Terrorismebestrijding", "Counterterrorism Alert System"),
    Entry("dreigingsniveau", "threat level", alternatives=["level of threat"]),
    Entry("AIVD", kind="keep"),
    Entry("NCTV", kind="keep"),
    Entry("Tweede Kamer", kind="forbidden", forbidden=["Second Chamber"]),
    Entry("jaarverslag", "annual report"),
]
# One instance of every problem, and nothing else.
SOURCE = [
    "De NCTV hanteert het Alerteringssysteem Terrorismebestrijding.",  # fine
    "De dreigingsniveaus blijven gelijk.",  # fine: English plural accepted
    "Het jaarverslag verschijnt in april.",  # term_missing
    "De Tweede Kamer debatteert.",  # forbidden_term
    "De AIVD werkt samen.",  # keep_altered
    "Dit is een proef van de dienst.",  # untranslated
    "Op 15 juni 2014 begon de JSCU.",  # number_mismatch
    "Het kabinet besluit.",  # inconsistent_translation (with the next)
    "Het kabinet besluit.",
    "De minister spreekt.",  # same_translation (with the next)
    "De bewindspersoon spreekt.",
]
TARGET = [
    "The NCTV uses the Counterterrorism Alert System.",
    "The threat levels stay the same.",
    "The yearly report comes out in April.",
    "The Second Chamber debates.",
    "The General Intelligence Service works together.",
    "Dit is een proef van de dienst.",
    "On 15 July 2014 the JSCU started.",
    "The cabinet decides.",
    "The government decides.",
    "The minister speaks.",
    "The minister speaks.",
]
CLEAN_SOURCE = SOURCE[:2] + ["Op 15 juni 2014 verscheen het jaarverslag van de AIVD met 1.250 pagina's."]
CLEAN_TARGET = TARGET[:2] + ["On 15 June 2014 the AIVD's annual report came out with 1,250 pages."]


def segments(source, target):
    pairs = enumerate(zip(source, target, strict=True))
    return [alignment.SegmentPair(i, s, t, i + 1) for i, (s, t) in pairs]


def test_each_problem_is_found_exactly_once():
    report = Checker(Matcher(GLOSSARY)).check(segments(SOURCE, TARGET))
    elsewhere = {c for c in CHECKS if c.startswith("tag_")} | {"segment_count"}  # bilingual files; the server
    assert report.summary()["problems"] == {check: int(check not in elsewhere) for check in CHECKS}
    where = {p.check: p.segments for p in report.problems()}
    assert where == {
        "term_missing": [2],
        "forbidden_term": [3],
        "keep_altered": [4],
        "untranslated": [5],
        "number_mismatch": [6],
        "inconsistent_translation": [7, 8],
        "same_translation": [9, 10],
    }


def test_clean_pair_finds_nothing():
    report = Checker(Matcher(GLOSSARY)).check(segments(CLEAN_SOURCE, CLEAN_TARGET))
    assert report.problems() == []
    assert report.summary()["term_success_rate"] == 1.0
    assert not report.fails("warning")


def test_term_success_rate():
    summary = Checker(Matcher(GLOSSARY)).check(segments(SOURCE, TARGET)).summary()
    assert (summary["terms_present"], summary["term_occurrences"]) == (3, 5)
    assert summary["term_success_rate"] == 0.6


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("15 juni 2014", "nl", {"15", "2014", "month:6"}),
        ("15 June 2014", "en", {"15", "2014", "month:6"}),
        ("1.250,5 euro", "nl", {"1250.5"}),
        ("1,250.5 euros", "en", {"1250.5"}),
        ("You may go.", "en", set()),
        ("in mei", "nl", set()),
    ],
)
def test_numbers_and_dates(text, language, expected):
    assert set(numbers(text, language)) == expected


@pytest.fixture
def files(tmp_path):
    def write(name, lines, sep="\n\n"):
        path = tmp_path / name
        path.write_text(sep.join(lines) + "\n", encoding="utf-8")
        return str(path)

    return write


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.setenv("VERTAAL_DB", str(tmp_path / "v.db"))
    from vertaal.db import open_db
    from vertaal.glossary.store import GlossaryStore

    store = GlossaryStore(open_db())
    for entry in GLOSSARY:
        store.add("default", entry)
    return store


def test_cli_exit_codes_and_fail_on(db, files):
    source, target = files("s.txt", SOURCE), files("t.txt", TARGET)
    result = runner.invoke(app, ["check", source, target])
    assert result.exit_code == 1
    assert "term success rate 60.0% (3/5), 4 errors, 3 warnings" in result.stdout
    clean_s, clean_t = files("cs.txt", CLEAN_SOURCE), files("ct.txt", CLEAN_TARGET)
    assert runner.invoke(app, ["check", clean_s, clean_t]).exit_code == 0
    warn_s, warn_t = files("ws.txt", SOURCE[5:6]), files("wt.txt", TARGET[5:6])
    assert runner.invoke(app, ["check", warn_s, warn_t]).exit_code == 1
    assert runner.invoke(app, ["check", warn_s, warn_t, "--fail-on", "error"]).exit_code == 0
    assert runner.invoke(app, ["check", warn_s, warn_t, "--fail-on", "bad"]).exit_code == 2


def test_line_alignment_and_tables(db, files, tmp_path):
    source, target = files("s.txt", SOURCE, "\n"), files("t.txt", TARGET, "\n")
    report = json.loads(runner.invoke(app, ["check", source, target, "--align", "line", "-f", "json"]).stdout)
    # counted by hand from the table above: 4 errors, 3 warnings; 3 of 5 required terms present
    assert report["summary"]["errors"] == 4 and report["summary"]["warnings"] == 3
    assert (report["summary"]["terms_present"], report["summary"]["term_occurrences"]) == (3, 5)
    tsv = tmp_path / "pairs.tsv"
    tsv.write_text("".join(f"{s}\t{t}\n" for s, t in zip(SOURCE, TARGET, strict=True)), encoding="utf-8")
    assert (
        json.loads(runner.invoke(app, ["check", str(tsv), "-f", "json"]).stdout)["summary"]
        == report["summary"]
    )
    jsonl = tmp_path / "pairs.jsonl"
    jsonl.write_text(
        "".join(json.dumps({"source": s, "target": t}) + "\n" for s, t in zip(SOURCE, TARGET, strict=True))
    )
    assert (
        json.loads(runner.invoke(app, ["check", str(jsonl), "-f", "json"]).stdout)["summary"]
        == report["summary"]
    )


def test_json_schema(db, files):
    result = runner.invoke(app, ["check", files("s.txt", SOURCE), files("t.txt", TARGET), "--format", "json"])
    report = json.loads(result.stdout)
    assert set(report) == {
        "version",
        "source",
        "target",
        "glossary",
        "pair",
        "summary",
        "segments",
        "document_problems",
    }
    assert set(report["summary"]) == {
        "segments",
        "term_occurrences",
        "terms_present",
        "term_success_rate",
        "problems",
        "errors",
        "warnings",
    }
    segment = report["segments"][2]
    assert set(segment) == {"index", "line", "source", "target", "terms", "problems"}
    assert set(segment["problems"][0]) == {"check", "severity", "message", "segments", "details"}
    assert set(segment["terms"][0]) == {"source", "target", "kind", "start", "end", "present"}


def test_misaligned_and_empty_files(db, files):
    result = runner.invoke(app, ["check", files("s.txt", SOURCE), files("t.txt", TARGET[:-2])])
    assert result.exit_code == 1
    assert f"has {len(SOURCE)} paragraphs but" in result.stderr and f"has {len(TARGET) - 2};" in result.stderr
    empty_s, empty_t = files("e1.txt", []), files("e2.txt", [])
    result = runner.invoke(app, ["check", empty_s, empty_t])
    assert result.exit_code == 1 and "hold no text to check" in result.stderr
    bad = files("bad.tsv", ["only one column"], "\n")
    result = runner.invoke(app, ["check", bad])
    assert result.exit_code == 1 and "bad.tsv:1: expected two tab-separated columns" in result.stderr


def test_large_files_are_streamed(tmp_path):
    line = "De AIVD en de MIVD werken nauw samen aan het jaarverslag van dit jaar.\n"
    source, target = tmp_path / "big-s.txt", tmp_path / "big-t.txt"
    source.write_text(line * 200_000, encoding="utf-8")  # 14 MB each
    target.write_text(line.replace("De", "The") * 200_000, encoding="utf-8")
    tracemalloc.start()
    count = sum(1 for _ in alignment.aligned(str(source), str(target), by="line"))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert count == 200_000
    assert peak < 2_000_000  # well under one file's size: read in chunks, never whole


def html_report(db, files, tmp_path):
    path = tmp_path / "report.html"
    result = runner.invoke(app, ["check", files("s.txt", SOURCE), files("t.txt", TARGET), "-o", str(path)])
    assert result.exit_code == 1 and result.stdout == ""
    return path


def test_html_structure(db, files, tmp_path):
    page = html_report(db, files, tmp_path).read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "http://" not in page and "https://" not in page and "<script" not in page and "<link" not in page
    assert 'id="summary"' in page and "60.0%" in page
    assert page.count("<tr class=") == len(SOURCE)
    assert '<mark class="term missing">jaarverslag</mark>' in page
    assert '<mark class="forbidden">Second Chamber</mark>' in page
    assert '<mark class="term">Counterterrorism Alert System</mark>' in page
    for check in CHECKS:
        assert check in page or check.startswith("tag_") or check == "segment_count"  # elsewhere


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="chromium is not installed")
def test_html_renders_in_a_real_browser(db, files, tmp_path):
    from PIL import Image

    page = html_report(db, files, tmp_path)
    profile = tmp_path / "profile"
    common = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--window-size=1200,900"]
    dom = subprocess.run([*common, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert "term success rate" in dom.stdout and "60.0%" in dom.stdout
    shot = tmp_path / "shot.png"
    subprocess.run([*common, f"--screenshot={shot}", page.as_uri()], capture_output=True, timeout=120)
    image = Image.open(shot).convert("RGB")
    assert image.size == (1200, 900)
    colours = image.getcolors(maxcolors=1 << 20)
    assert len(colours) > 50  # text, cards and highlights, not a blank page
    red_ish = sum(n for n, (r, g, b) in colours if r > 200 and g < 120 and b < 120)
    assert red_ish > 0  # the error highlights are drawn


def test_translate_report(trained_model, tmp_path, monkeypatch):
    monkeypatch.setenv("VERTAAL_DB", str(tmp_path / "v.db"))
    runner.invoke(app, ["glossary", "add", "dreigingsniveau", "threat level"])
    report = tmp_path / "r.json"
    result = runner.invoke(
        app,
        [
            "translate",
            "-m",
            str(trained_model),
            "--report",
            str(report),
            "De MIVD bespreekt het dreigingsniveau. De MIVD bespreekt het dreigingsniveau.",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(report.read_text())
    assert data["summary"]["term_success_rate"] == 1.0
    assert data["summary"]["problems"]["term_missing"] == 0
    assert len(data["segments"]) == 2


def test_missing_input_file(db, tmp_path):
    result = runner.invoke(app, ["check", str(tmp_path / "a.txt"), str(tmp_path / "b.txt")])
    assert result.exit_code == 1 and "no such file" in result.stderr


def test_input_error_type():
    with pytest.raises(InputError):
        list(alignment.from_table(str(Path(__file__).parent / "data")))


def test_streamed_json_equals_the_whole_document():
    from vertaal.qa.reports import render_json

    for source, target in ((SOURCE, TARGET), (CLEAN_SOURCE, CLEAN_TARGET), (SOURCE[:0], TARGET[:0])):
        report = Checker(Matcher(GLOSSARY)).check(segments(source, target), source="s", pair="nl-en")
        assert render_json(report) == json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"
