"""The default engine with the starter glossary where the model produces most terms: the tiny
trained model.

The corpus sentences that hold a starter-glossary term (and, apart, those of them whose terms
CTranslate2 writes by itself) are translated by whole `vertaal translate` processes: the default
engine (CTranslate2 int8) without the glossary (CTranslate2 alone, the baseline: within the
noise of bare CTranslate2), the default engine with the glossary, and `--engine torch` with the
glossary. Each process starts on a fresh database holding the starter glossary, with no memory.
`--verbose` tells how many sentences had a term placed in CTranslate2's output and how many went
to the constrained decoder (which imports torch and loads the model).

    python -m benchmarks.fast_terms [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import VERTAAL, factory

ROOT = Path(__file__).resolve().parents[1]
STARTER = ROOT / "glossary" / "nl-en-government.tsv"
VARIANTS = {
    "default engine, no glossary (CTranslate2 alone)": ["--no-glossary"],
    "default engine, starter glossary": [],
    "--engine torch, starter glossary": ["--engine", "torch"],
}


def starter_matcher():
    from vertaal.glossary.formats import read
    from vertaal.terms.matcher import Matcher

    rows = read(STARTER.name, STARTER.read_bytes(), pair=("nl", "en"))
    return Matcher([row.entry for row in rows], language="nl")


def with_terms() -> list[str]:
    """The corpus's Dutch sentences that hold a starter-glossary term."""
    matcher = starter_matcher()
    return [nl for nl, _ in factory.corpus_pairs() if matcher.find(nl)]


def produced(sentences: list[str], output: str) -> list[str]:
    """The sentences whose CTranslate2 translation (one paragraph each) holds every term."""
    from vertaal.terms.statuses import satisfied

    matcher = starter_matcher()
    targets = [t.strip() for t in output.strip().split("\n\n")]
    assert len(targets) == len(sentences), "one output paragraph per sentence"
    return [s for s, t in zip(sentences, targets, strict=True) if satisfied(matcher.find(s), t, "en")]


def run(model: Path, flags: list[str], text: Path, home: Path) -> dict:
    env = {**os.environ, "VERTAAL_DB": str(home / "v.db"), "HF_HUB_OFFLINE": "1"}
    subprocess.run(
        [sys.executable, "-c", VERTAAL, "glossary", "import", str(STARTER)],
        env=env,
        check=True,
        capture_output=True,
    )
    started = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            VERTAAL,
            "translate",
            "-m",
            str(model),
            "-i",
            str(text),
            "--no-memory",
            "--verbose",
        ]
        + flags,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - started
    placed = re.search(r"terms placed in (\d+) sentence", done.stderr)
    repaired = re.search(r"(\d+) sentence\(s\) repaired", done.stderr)
    return {
        "seconds": round(seconds, 2),
        "placed": int(placed.group(1)) if placed else 0,
        "repaired": int(repaired.group(1)) if repaired else 0,
        "output": done.stdout,
    }


def measure(model: Path, sentences: list[str], tmp: Path, name: str) -> dict:
    """Every variant on one text, each on a fresh database."""
    text = tmp / f"{name}.txt"
    text.write_text("\n\n".join(sentences) + "\n", encoding="utf-8")
    results = []
    for variant, flags in VARIANTS.items():
        home = tmp / f"{name}-{len(results)}"
        home.mkdir()
        results.append({"variant": variant, **run(model, flags, text, home)})
    base = results[0]["seconds"]
    for r in results:
        r["vs_ctranslate2"] = round(base / r["seconds"], 2)
        r.pop("output")
    return {"text": name, "sentences": len(sentences), "results": results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    model = factory.trained_model(ROOT / "tests" / ".cache")
    sentences = with_terms()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        (tmp / "warm").mkdir()
        all_text = tmp / "all.txt"
        all_text.write_text("\n\n".join(sentences) + "\n", encoding="utf-8")
        free = run(model, ["--no-glossary"], all_text, tmp / "warm")  # also converts the model once
        written = produced(sentences, free["output"])
        texts = [
            measure(model, sentences, tmp, "every corpus sentence with a starter-glossary term"),
            measure(model, written, tmp, "those whose terms CTranslate2 writes by itself"),
        ]
    print(json.dumps({"texts": texts}, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
