"""Does --fast change translations? The tiny trained model on the 400 corpus sentences, fp32 and fast.

python -m benchmarks.fast_quality [--json]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from benchmarks.common import factory

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from vertaal import Translator

    model = str(factory.trained_model(ROOT / "tests" / ".cache"))
    pairs = factory.corpus_pairs()
    sources = [nl for nl, _ in pairs]
    default = Translator(model=model, glossary=None).translate_sentences(sources)
    fast = Translator(model=model, glossary=None, fast=True).translate_sentences(sources)
    result = {
        "sentences": len(sources),
        "identical": sum(a == b for a, b in zip(default, fast, strict=True)),
        "default_equals_reference": sum(a == en for a, (_, en) in zip(default, pairs, strict=True)),
        "fast_equals_reference": sum(b == en for b, (_, en) in zip(fast, pairs, strict=True)),
        "examples": [[a, b] for a, b in zip(default, fast, strict=True) if a != b][:5],
    }
    result["identical_share"] = round(result["identical"] / len(sources), 3)
    print(json.dumps(result, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
