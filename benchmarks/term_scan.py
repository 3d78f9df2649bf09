"""Scan 1 MB of Dutch text with a 50,000-entry glossary: load, build and match, and peak memory.

Baseline in the same run: tokenising the same text and looking every token up in a plain dict
of the single-word terms (no case rules, inflection, multi-word terms or compounds).

    python -m benchmarks.term_scan [--entries 50000] [--megabytes 1] [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

from benchmarks.common import SAMPLE, factory, peak_rss_mb

STARTER = Path(__file__).resolve().parents[1] / "glossary" / "nl-en-government.tsv"


def make_glossary(path: Path, count: int) -> None:
    """The starter glossary plus generated single and multi-word terms, up to `count` entries."""
    rng = random.Random(1)
    syllables = [
        "ver",
        "dien",
        "inlich",
        "ting",
        "be",
        "strij",
        "ding",
        "vei",
        "lig",
        "heid",
        "raad",
        "wet",
        "over",
        "leg",
        "plan",
        "rap",
        "port",
        "mi",
        "nis",
        "ter",
        "cyber",
        "data",
        "toe",
        "zicht",
    ]
    lines = STARTER.read_text(encoding="utf-8").splitlines()
    seen = {line.split("\t")[0].lower() for line in lines}
    while len(lines) < count:
        words = [
            "".join(rng.choice(syllables) for _ in range(rng.randint(2, 5)))
            for _ in range(rng.choice([1, 1, 1, 2, 3]))
        ]
        term = " ".join(words)
        if term.lower() not in seen:
            seen.add(term.lower())
            lines.append(f"{term}\tterm {len(lines)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def make_text(megabytes: float) -> str:
    """Real Dutch (the sample page, the test corpus) mixed with made-up inflected compounds, so
    that the text has tens of thousands of distinct words, as a long report does."""
    parts = [SAMPLE.read_text(encoding="utf-8")] + [nl for nl, _ in factory.corpus_pairs()]
    syllables = [
        "aan",
        "vraag",
        "be",
        "leid",
        "ont",
        "wik",
        "ke",
        "ling",
        "ge",
        "meen",
        "te",
        "lijk",
        "heid",
        "sa",
        "men",
        "wer",
        "king",
        "pro",
        "ces",
        "in",
        "for",
        "ma",
        "tie",
        "zorg",
        "ver",
        "band",
    ]
    suffixes = ["", "", "en", "s", "e", "je", "'s"]
    text, size = [], 0
    rng = random.Random(2)
    while size < megabytes * 1_000_000:
        if rng.random() < 0.5:
            part = rng.choice(parts)
        else:
            words = [
                "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) + rng.choice(suffixes)
                for _ in range(rng.randint(6, 14))
            ]
            part = "De " + " ".join(words) + "."
        text.append(part)
        size += len(part.encode()) + 1
    return "\n".join(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument("--megabytes", type=float, default=1.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from vertaal.db import open_db
    from vertaal.glossary.importing import import_glossary
    from vertaal.glossary.matchers import matcher_for
    from vertaal.glossary.store import GlossaryStore
    from vertaal.terms.matcher import tokens

    text = make_text(args.megabytes)
    with tempfile.TemporaryDirectory() as tmp:
        tsv = Path(tmp) / "g.tsv"
        make_glossary(tsv, args.entries)
        db_path = Path(tmp) / "v.db"
        import_glossary(GlossaryStore(open_db(db_path)), "default", str(tsv))
        rss_before = peak_rss_mb()

        started = time.perf_counter()
        store = GlossaryStore(open_db(db_path))
        matcher = matcher_for(store, "default", ("nl", "en"))
        loaded = time.perf_counter()
        hits = matcher.find(text)
        finished = time.perf_counter()
        again = time.perf_counter()
        assert matcher_for(store, "default", ("nl", "en")) is matcher
        reuse_s = time.perf_counter() - again

        base_started = time.perf_counter()
        plain = {line.split("\t")[0].lower() for line in tsv.read_text(encoding="utf-8").splitlines()}
        base_hits = sum(1 for word in tokens(text) if word.lower() in plain)
        base_s = time.perf_counter() - base_started
    total = finished - started
    result = {
        "entries": args.entries,
        "text_bytes": len(text.encode()),
        "load_and_build_s": round(loaded - started, 3),
        "scan_s": round(finished - loaded, 3),
        "total_s": round(total, 3),
        "hits": len(hits),
        "distinct_words": len(set(tokens(text))),
        "cached_matcher_lookup_ms": round(reuse_s * 1000, 3),
        "baseline_s": round(base_s, 3),
        "baseline_hits": base_hits,
        "total_vs_baseline": round(total / base_s, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "rss_before_mb": round(rss_before, 1),
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>26}: {value}")


if __name__ == "__main__":
    main()
