"""Term accuracy as the WMT terminology tasks measure it: is each glossary term in the output?

Generated sentences (test-corpus sentences with one to three starter-glossary terms inserted)
are translated with ``vertaal translate --format jsonl`` and judged by ``vertaal check`` (exact
match as whole words, the WMT measure). Alongside: the share of terms that translate *claimed*
(status enforced or unforced) and the share whose target occurs anywhere in the output, glued
into other words or not (what a substring test would count). On two models: a tiny random one
(it never produces a term by itself, so every term is the decoder's) and the tiny trained one.

Only the command line is used, so ``--src DIR`` measures another checkout of vertaal (its
``src``) with the same sentences and models, e.g. the code before a change:

    python -m benchmarks.term_accuracy [--sentences 240] [--beams 4] [--src OTHER/src] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import CACHE, ROOT, SAMPLE
from tests import factory

STARTER = ROOT / "glossary" / "nl-en-government.tsv"


def sentences(count: int) -> list[str]:
    """Corpus sentences with starter-glossary terms inserted at random word positions (seeded)."""
    rng = random.Random(0)
    terms = [line.split("\t")[0] for line in STARTER.read_text(encoding="utf-8").splitlines() if line]
    corpus = [nl for nl, _ in factory.corpus_pairs()]
    made = []
    for i in range(count):
        words = corpus[i % len(corpus)].rstrip(".").split()
        for term in rng.sample(terms, rng.randint(1, 3)):
            words.insert(rng.randint(1, len(words)), term)
        made.append(" ".join(words) + ".")
    return made


def random_model() -> Path:
    """A tiny random model whose vocabulary can spell every starter-glossary target."""
    directory = CACHE / "term-accuracy-random-v1"
    if not (directory / "config.json").exists():
        texts = [t for pair in factory.corpus_pairs() for t in pair]
        texts += [" ".join(line.split("\t")[:2]) for line in STARTER.read_text(encoding="utf-8").splitlines()]
        texts += SAMPLE.read_text(encoding="utf-8").splitlines()
        factory.build_model(directory, texts=texts, spm_size=400, num_beams=4)
    return directory


def vertaal(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    code = "import sys; from vertaal.cli import main; sys.argv[0] = 'vertaal'; main()"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env)


def spellable(model: Path) -> dict[str, bool]:
    """Per starter-glossary target: whether the model's vocabulary can spell it at all."""
    from transformers import MarianTokenizer

    from vertaal.engine.enforcement import PhraseEncoder

    encoder = PhraseEncoder(MarianTokenizer.from_pretrained(model))
    targets = [line.split("\t")[1] for line in STARTER.read_text(encoding="utf-8").splitlines() if line]
    return {target: bool(encoder.phrases(target)) for target in targets}


def measure(model: Path, text: str, beams: int, src: str | None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, VERTAAL_DB=str(Path(tmp) / "v.db"), HF_HUB_OFFLINE="1")
        if src:
            env["PYTHONPATH"] = src
        source, output = Path(tmp) / "in.txt", Path(tmp) / "out.jsonl"
        source.write_text(text, encoding="utf-8")
        vertaal(["glossary", "import", str(STARTER)], env).check_returncode()
        started = time.perf_counter()
        done = vertaal(
            ["translate", "-m", str(model), "-i", str(source), "-o", str(output), "-f", "jsonl", "--beams",
             str(beams), "--no-memory"],
            env,
        )
        seconds = time.perf_counter() - started
        done.check_returncode()
        report = json.loads(vertaal(["check", str(output), "--format", "json"], env).stdout)
        rows = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    terms = [(t, row["target"]) for row in rows for t in row.get("terms", []) if t["kind"] != "forbidden"]
    present = [
        t["present"] for segment in report["segments"] for t in segment["terms"] if t["kind"] != "forbidden"
    ]
    summary = report["summary"]
    can_spell = spellable(model)
    pairs = zip(terms, present, strict=True)
    spelled = [found for (t, _), found in pairs if can_spell.get(t["target"], True)]
    return {
        "sentences": len(rows),
        "terms": len(terms),
        "exact_match_accuracy": summary["term_success_rate"],
        "claimed_by_translate": round(sum(t["status"] != "failed" for t, _ in terms) / len(terms), 4),
        "substring_anywhere": round(
            sum(t["target"].lower() in target.lower() for t, target in terms) / len(terms), 4
        ),
        "exact_match_among_spellable": round(sum(spelled) / len(spelled), 4),
        "unspellable_terms": len(terms) - len(spelled),
        "reported_failed": sum(t["status"] == "failed" for t, _ in terms),
        "translate_and_check_disagree": sum(
            (t["status"] != "failed") != found for (t, _), found in zip(terms, present, strict=True)
        ),
        "seconds": round(seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=240)
    parser.add_argument("--beams", type=int, default=4)
    parser.add_argument("--src", help="the src directory of another vertaal checkout to measure")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)
    text = "\n\n".join(sentences(args.sentences))
    models = {"random": random_model(), "trained": factory.trained_model(ROOT / "tests" / ".cache")}
    result = {name: measure(path, text, args.beams, args.src) for name, path in models.items()}
    print(json.dumps(result, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
