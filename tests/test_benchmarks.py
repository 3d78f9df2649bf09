"""The benchmarks run (on the tiny models, quickly); their figures live in benchmarks/README.md."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_speed_benchmark_runs_on_a_tiny_model(trained_model):
    command = [
        sys.executable,
        "-m",
        "benchmarks.speed",
        "--model",
        str(trained_model),
        "--new-tokens",
        "4",
        "--beams",
        "2",
        "--variants",
        "generate,ctranslate2,vertaal,vertaal+glossary,torch",
        "--parts",
        "table,one-sentence",
        "--repeat",
        "1",
        "--sentence-repeat",
        "1",
        "--json",
    ]
    out = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    summary = json.loads(out.stdout)
    variants = {r["variant"]: r for r in summary["results"]}
    assert set(variants) == {"generate", "ctranslate2", "vertaal", "vertaal+glossary", "torch"}
    assert all(
        r["target_tokens"] > 0 and r["peak_rss_mb"] > 0 and r["process_s"] > 0 for r in variants.values()
    )
    assert len({r["sentences"] for r in variants.values()}) == 1  # every variant decodes the same segments
    # the same work: 4 decoding steps per segment in every variant without terms, CTranslate2 included
    plain = ("generate", "ctranslate2", "vertaal", "torch")
    assert {variants[v]["target_tokens"] for v in plain} == {4 * variants["generate"]["sentences"]}
    assert variants["vertaal"]["speed_vs_generate"] > 0
    assert "constrained_vs_unconstrained" in variants["vertaal+glossary"]
    # the default engine and the bare script never import torch; generate and --engine torch do
    assert not variants["vertaal"]["torch_imported"] and not variants["ctranslate2"]["torch_imported"]
    assert variants["generate"]["torch_imported"] and variants["torch"]["torch_imported"]
    one = {r["run"]: r for r in summary["one_sentence"]["runs"]}
    assert set(one) == {"bare CTranslate2", "vertaal, no glossary", "vertaal, starter glossary"}
    assert one["vertaal, no glossary"]["same_output_as_bare"]  # the same sentence, beam and length limit
    assert not one["vertaal, no glossary"]["torch_imported"]


def test_parity_benchmark_runs_small(trained_model):
    command = [sys.executable, "-m", "benchmarks.parity", "--models", "trained", "--limit", "20", "--json"]
    out = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    summary = json.loads(out.stdout)
    [trained] = summary["models"]
    runs = {(r["run"], r["glossary"]): r for r in trained["runs"]}
    assert trained["sentences"] == 20 and trained["sentences_with_terms"] > 0
    assert 0 <= runs["ctranslate2 int8", False]["identical"] <= 20
    assert 0 < runs["ctranslate2 int8", False]["chrf"] <= 100
    assert runs["torch fp32", True]["terms"]["terms"] == runs["ctranslate2 int8", True]["terms"]["terms"] > 0
    assert summary["unconfirmed_claims"] == 0  # every enforced or unforced term is one check finds


def test_chrf():
    from benchmarks.parity import chrf

    assert chrf(["the threat level"], ["the threat level"]) == 100.0
    assert chrf(["abc"], ["xyz"]) == 0.0
    assert 0 < chrf(["the threat levels"], ["the threat level"]) < 100


def test_big_memory_benchmark_runs_small():
    command = [sys.executable, "-m", "benchmarks.big_memory", "--megabytes", "1", "--json"]
    out = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    [result] = json.loads(out.stdout)["results"]
    assert result["units"] > 1000 and result["import"]["peak_rss_mb"] > 0


def test_documents_benchmark_runs_small(trained_model):
    command = [
        sys.executable,
        "-m",
        "benchmarks.documents",
        "--pages",
        "2",
        "--model",
        str(trained_model),
        "--json",
    ]
    out = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout)
    assert result["pages"] >= 2 and result["pages_per_s"] > 0 and result["translate"]["seconds"] > 0


def test_fast_terms_benchmark_runs(trained_model):
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.fast_terms", "--json"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    every, written = json.loads(out.stdout)["texts"]
    alone, default, _ = every["results"]
    assert every["sentences"] > written["sentences"] > 50 and alone["placed"] == alone["repaired"] == 0
    assert default["placed"] > 0 and all(r["seconds"] > 0 for r in every["results"] + written["results"])
    assert written["results"][1]["placed"] == written["results"][1]["repaired"] == 0


def test_term_extraction_benchmark_measures_against_its_annotations():
    """The figures benchmarks/README.md reports, from the shipped data (no speed part: seconds)."""
    from benchmarks.term_extraction import ENGLISH_TEXT, precision_recall, targets

    found = precision_recall()
    assert found["names"] == 17 and found["p_at_20"] >= 0.9 and found["recall_abbreviations"] >= 0.75
    proposed = targets()
    assert proposed["terms"] == 30 and proposed["pairs"] == 327 and proposed["top_3"] >= 0.8
    english = precision_recall(ENGLISH_TEXT, ("en", "nl"))
    assert english["names"] == 8 and english["p_at_20"] >= 0.9 and english["recall_abbreviations"] >= 0.75
    assert targets(("en", "nl"))["top_3"] >= 0.8
