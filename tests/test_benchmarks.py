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
        "generate,vertaal,vertaal+glossary,fast,ctranslate2",
        "--repeat",
        "1",
        "--json",
    ]
    out = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    summary = json.loads(out.stdout)
    variants = {r["variant"]: r for r in summary["results"]}
    assert set(variants) == {
        "generate",
        "vertaal",
        "vertaal+glossary",
        "fast",
        "ctranslate2",
    }  # needs ctranslate2
    assert all(
        r["target_tokens"] > 0 and r["peak_rss_mb"] > 0 and r["process_s"] > 0 for r in variants.values()
    )
    assert len({r["sentences"] for r in variants.values()}) == 1  # every variant decodes the same segments
    # the same work: 4 decoding steps per segment in every variant without terms, CTranslate2 included
    plain = ("generate", "vertaal", "fast", "ctranslate2")
    assert {variants[v]["target_tokens"] for v in plain} == {4 * variants["generate"]["sentences"]}
    assert variants["vertaal"]["speed_vs_generate"] > 0
    assert "constrained_vs_unconstrained" in variants["vertaal+glossary"]


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
    alone, fast, _ = every["results"]
    assert every["sentences"] > written["sentences"] > 50 and alone["placed"] == alone["repaired"] == 0
    assert fast["placed"] > 0 and all(r["seconds"] > 0 for r in every["results"] + written["results"])
    assert written["results"][1]["placed"] == written["results"][1]["repaired"] == 0
