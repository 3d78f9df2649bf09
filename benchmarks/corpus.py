"""Corpora: flat memory whatever the corpus size, and the Ray actor pool's scaling.

1. **Streaming.** A folder of text files of 10 MB, 100 MB and 1 GB (paragraphs drawn from a
   seed text, so that after one run over the seed every sentence is in the translation memory:
   what a resumed or repeated job does) goes through `vertaal translate -i DIR -o OUT` as a whole
   process; peak RSS stays flat. A second pair of runs decodes every sentence (nothing in the
   memory) with the tiny model on 0.25 MB and 1 MB, so the model's own memory is in the figure.
2. **Scaling.** The same job on the opus-mt-shaped random model (output fixed at 24 tokens, beam
   4): on one machine (`vertaal translate -i DIR`), then on a local Ray with one and with two
   translation actors; sentences/s, the scaling efficiency (2 actors / (2 x 1 actor)), and each
   actor's peak RSS.

    python -m benchmarks.corpus [--megabytes 10,100,1000] [--sentences 96] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import CACHE, SAMPLE, measure_process, opus_shaped_model
from tests import factory

FILE_MB = 50  # a corpus is many files: at most this many MB each


def tiny_model() -> Path:
    directory = CACHE / "tiny-corpus"
    if not (directory / "config.json").exists():
        factory.build_model(directory)
    return directory


def seed_paragraphs(count: int, seed: int = 0) -> list[str]:
    """Distinct Dutch paragraphs: sample-page sentences with numbers, two or three a paragraph."""
    rng = random.Random(seed)
    lines = [s for s in SAMPLE.read_text(encoding="utf-8").replace("\n", " ").split(". ") if len(s) > 30]
    paragraphs = []
    for n in range(count):
        parts = [f"{rng.choice(lines).strip()} ({n}-{k})." for k in range(rng.randint(2, 3))]
        paragraphs.append(" ".join(parts))
    return paragraphs


def write_corpus(folder: Path, paragraphs: list[str], megabytes: float, seed: int = 1) -> int:
    """Files of at most FILE_MB holding about `megabytes` MB of the paragraphs, in random order."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    total, index = 0, 0
    while total < megabytes * 1_000_000:
        with (folder / f"deel-{index:04d}.txt").open("w", encoding="utf-8") as out:
            while out.tell() < FILE_MB * 1_000_000 and total + out.tell() < megabytes * 1_000_000:
                out.write(rng.choice(paragraphs) + "\n\n")
            total += out.tell()
        index += 1
    return total


def streaming(megabytes: list[float], work: Path) -> list[dict]:
    model = tiny_model()
    env = {**os.environ, "VERTAAL_DB": str(work / "stream.db"), "HF_HUB_OFFLINE": "1"}
    seed = seed_paragraphs(2000)
    write_corpus(work / "seed", seed, 0.35)
    (work / "seed" / "all.txt").write_text("\n\n".join(seed) + "\n", encoding="utf-8")
    seed_args = ["-i", str(work / "seed"), "-o", str(work / "seed-out")]
    rows = [_run(seed_args, model, env, "seed: fills the memory")]
    for size in megabytes:
        folder = work / f"corpus-{size}"
        written = write_corpus(folder, seed, size)
        row = _run(["-i", str(folder), "-o", str(work / f"out-{size}")], model, env, "from the memory")
        row["megabytes"] = round(written / 1e6)
        rows.append(row)
        _remove(folder)
        _remove(work / f"out-{size}")
    for size, seed_number in ((0.25, 11), (1.0, 12)):  # every sentence decoded
        fresh = seed_paragraphs(int(size * 4000), seed=seed_number)
        folder = work / f"decode-{size}"
        written = write_corpus(folder, fresh, size, seed=seed_number)
        decode_env = {**env, "VERTAAL_DB": str(work / f"decode-{size}.db")}
        row = _run(["-i", str(folder), "-o", str(work / f"decode-out-{size}")], model, decode_env, "decoded")
        row["megabytes"] = round(written / 1e6, 2)
        rows.append(row)
    return rows


def _run(args: list[str], model: Path, env: dict[str, str], what: str) -> dict:
    result = measure_process(["translate", "-m", str(model), "--no-glossary", *args], env)
    return {"run": what, **result}


def _remove(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


CLUSTER = """
import json, sys, time
from pathlib import Path
import ray
ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
from vertaal.api import Translator
from vertaal.corpus import plan, cluster
model, corpus, out, db, workers = sys.argv[1:6]
options = {"model": model, "max_new_tokens": 24, "beams": 4}
translator = Translator(glossary=None, db=db, memory=True, **options)
jobs = plan([corpus], Path(out))
Path(out).mkdir(parents=True, exist_ok=True)
started = time.perf_counter()
summary, report = cluster.run(translator, jobs, cluster.ClusterSettings(None, int(workers), 0.0, 8))
print(json.dumps({"seconds": time.perf_counter() - started, "translated": report.translated,
                  "actor_rss_mb": round(report.peak_actor_rss / 2**20)}))
"""

LOCAL = """
import json, sys, time
from pathlib import Path
from vertaal.api import Translator
from vertaal.corpus import plan
from vertaal.corpus.local import Runner
model, corpus, out, db = sys.argv[1:5]
translator = Translator(model=model, glossary=None, db=db, memory=True, max_new_tokens=24, beams=4)
jobs = plan([corpus], Path(out))
Path(out).mkdir(parents=True, exist_ok=True)
started = time.perf_counter()
summary = Runner(translator).run(jobs)
print(json.dumps({"seconds": time.perf_counter() - started,
                  "translated": sum(o.sentences - o.remembered for o in summary.outcomes)}))
"""


def scaling(sentences: int, work: Path) -> list[dict]:
    import subprocess

    model = opus_shaped_model()
    folder = work / "scaling"
    paragraphs = seed_paragraphs(sentences, seed=5)
    folder.mkdir(parents=True, exist_ok=True)
    for part in range(4):
        (folder / f"deel-{part}.txt").write_text("\n\n".join(paragraphs[part::4]) + "\n", encoding="utf-8")
    rows = []
    runs = [
        ("one machine (2 torch threads)", LOCAL, []),
        ("Ray, 1 actor", CLUSTER, ["1"]),
        ("Ray, 2 actors", CLUSTER, ["2"]),
    ]
    for name, code, extra in runs:
        db = work / f"scale-{len(rows)}.db"
        out = work / f"scale-out-{len(rows)}"
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", code, str(model), str(folder), str(out), str(db), *extra],
            capture_output=True,
            text=True,
            env={**os.environ, "HF_HUB_OFFLINE": "1", "RAY_AUTH_MODE": "disabled"},
        )
        whole = time.perf_counter() - started
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        rows.append(
            {
                "run": name,
                "sentences": figures["translated"],
                "whole_process_seconds": round(whole, 1),
                "job_seconds": round(figures["seconds"], 1),
                "sentences_per_second": round(figures["translated"] / figures["seconds"], 2),
                "actor_rss_mb": figures.get("actor_rss_mb"),
            }
        )
    one, two = rows[1]["sentences_per_second"], rows[2]["sentences_per_second"]
    rows.append({"run": "scaling efficiency, 2 actors / (2 x 1 actor)", "ratio": round(two / (2 * one), 2)})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", default="10,100,1000")
    parser.add_argument("--sentences", type=int, default=96)
    parser.add_argument("--skip", choices=["streaming", "scaling"], default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vertaal-corpus-") as tmp:
        work = Path(tmp)
        result = {}
        if args.skip != "streaming":
            result["streaming"] = streaming([float(m) for m in args.megabytes.split(",")], work)
        if args.skip != "scaling":
            result["scaling"] = scaling(args.sentences, work)
    if args.json:
        print(json.dumps(result))
        return
    for section, rows in result.items():
        print(f"## {section}")
        for row in rows:
            print("  " + ", ".join(f"{k}={v}" for k, v in row.items()))


if __name__ == "__main__":
    main()
