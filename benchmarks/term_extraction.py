"""Term extraction measured: precision and recall against a hand annotation, target proposal
against a hand annotation, and speed and memory on a 1 MB folder.

Data (benchmarks/data/extraction/, sources and licences in its README.md):

* hwho-wettelijk-kader.md: the legal-framework chapter of the Dutch government's handbook on the
  reuse of public-sector information (MinBZK/Handleiding-hWho, EUPL 1.2), 50 KB of Dutch legal
  prose; gold-hwho-wettelijk-kader.txt: its terms, official names and abbreviations, written down
  by reading the text.
* coronamelder.nl-en.tmx: the CoronaMelder app's 327 Dutch-English string pairs (EUPL 1.2);
  gold-coronamelder-targets.tsv: 30 Dutch terms with their English renderings in those strings.
* dmca-summary.txt: the U.S. Copyright Office's summary of the Digital Millennium Copyright Act
  (1998, a work of the US government: public domain), 42 KB of English legal prose, as vertaal
  reads pdfminer.six's sample dmca.pdf; gold-dmca-summary.txt: its terms, names and abbreviations,
  written down by reading the text (English extraction, --pair en-nl).

Precision at k: the share of the top k candidates that the annotation lists (inflected forms
count). Recall: the share of the annotated official names and abbreviations among all candidates.
Targets: each annotated Dutch term is a candidate, and its proposals from the TMX's segment pairs
are compared with the annotated renderings (case-insensitive): top-1 and top-3 accuracy; for
en-nl, each term's first English rendering is the candidate and its Dutch term the target. Speed: a
folder of 1 MB (the handbook's three chapters copied 14 times: documents, Markdown) through
``vertaal glossary extract`` as a whole process; memory: that process's peak RSS against the same
for a quarter of the folder.

    python -m benchmarks.term_extraction [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from benchmarks.common import measure_process

DATA = Path(__file__).parent / "data" / "extraction"
TEXT = DATA / "hwho-wettelijk-kader.md"
ENGLISH_TEXT = DATA / "dmca-summary.txt"
CHAPTERS = [DATA / "hwho-wettelijk-kader.md", DATA / "hwho-algemeen.md", DATA / "hwho-verzoeken.md"]


def key(text: str, code: str = "nl") -> tuple[str, ...]:
    from vertaal.extraction import phrases
    from vertaal.extraction.language_rules import LANGUAGES

    lang = LANGUAGES[code]
    return tuple(phrases.key(w.rstrip("-"), lang) for w in phrases.tokens(text) if w[:1].isalnum())


def read_gold(gold: Path, code: str = "nl") -> tuple[set[tuple[str, ...]], list[str], list[str]]:
    """(every annotated term's key, the official names, the abbreviations)."""
    terms, names, short = set(), [], []
    for line in gold.read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        terms.add(key(parts[0], code))
        if len(parts) == 2:
            names.append(parts[0])
            short.append(parts[1])
            terms.add(key(parts[1], code))
    return terms, names, short


def precision_recall(text: Path = TEXT, pair: tuple[str, str] = ("nl", "en")) -> dict:
    """Precision at 20, 50 and 100 of the candidates of `text`, and recall of its official names and
    abbreviations, against the annotation beside it (gold-NAME.txt)."""
    from vertaal.extraction.extract import extract

    code = pair[0]
    terms, names, short = read_gold(text.with_name(f"gold-{text.stem}.txt"), code)
    candidates = extract([str(text)], pair=pair, glossary=None, limit=None).candidates
    hits = [key(c.source, code) in terms for c in candidates]
    found = {key(c.source, code) for c in candidates}
    found_short = {c.source for c in candidates} | {c.abbreviation for c in candidates if c.abbreviation}
    wrong = [c.source for c, hit in zip(candidates, hits, strict=True) if not hit]
    return {
        "candidates": len(candidates),
        **{f"p_at_{k}": round(sum(hits[:k]) / k, 3) for k in (20, 50, 100)},
        "recall_names": round(sum(key(n, code) in found for n in names) / len(names), 3),
        "recall_abbreviations": round(sum(s in found_short for s in short) / len(short), 3),
        "names": len(names),
        "missed_names": [n for n in names if key(n, code) not in found],
        "top_10": [c.source for c in candidates[:10]],
        "wrong_in_top_50": wrong[: sum(1 for h in hits[:50] if not h)],
    }


def targets(pair: tuple[str, str] = ("nl", "en")) -> dict:
    """Top-1 and top-3 of the targets proposed for the annotated terms; for en-nl, the annotation
    read the other way (each term's first English rendering, its Dutch term the target)."""
    from vertaal.extraction.candidates import Candidate
    from vertaal.extraction.sources import input_files, segments
    from vertaal.extraction.targets import propose_from_segments

    rows = DATA.joinpath("gold-coronamelder-targets.tsv").read_text("utf-8").splitlines()
    gold = [line.split("\t") for line in rows if line.strip() and not line.startswith("#")]
    if pair[0] == "en":
        gold = [[english.split("|")[0], dutch] for dutch, english in gold]
    candidates = [Candidate(source, 1.0, 1) for source, _ in gold]
    files = input_files([str(DATA / "coronamelder.nl-en.tmx")])
    pairs = propose_from_segments(candidates, pair, lambda: segments(files, pair))
    top1 = top3 = 0
    misses = []
    for (source, wanted), candidate in zip(gold, candidates, strict=True):
        ok = {w.lower() for w in wanted.split("|")}
        proposed = [p.text.lower() for p in candidate.targets]
        top1 += bool(proposed) and proposed[0] in ok
        top3 += any(p in ok for p in proposed[:3])
        if not proposed or proposed[0] not in ok:
            misses.append(f"{source} -> {candidate.target}")
    return {
        "terms": len(gold),
        "pairs": pairs,
        "top_1": round(top1 / len(gold), 3),
        "top_3": round(top3 / len(gold), 3),
        "top_1_misses": misses,
    }


def folder(path: Path, megabytes: float) -> int:
    """A folder of copies of the handbook's chapters, `megabytes` in all; returns its bytes."""
    path.mkdir(parents=True)
    size, copy = 0, 0
    while size < megabytes * 1_000_000:
        for chapter in CHAPTERS:
            target = path / f"{copy:02d}-{chapter.name}"
            shutil.copyfile(chapter, target)
            size += target.stat().st_size
        copy += 1
    return size


def speed() -> dict:
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        full, quarter = Path(tmp) / "full", Path(tmp) / "quarter"
        full_bytes, quarter_bytes = folder(full, 1.0), folder(quarter, 0.25)
        out = Path(tmp) / "c.jsonl"
        runs = {}
        for name, path in (("quarter", quarter), ("full", full)):
            args = ["glossary", "extract", str(path), "-o", str(out), "--no-glossary"]
            started = time.perf_counter()
            measured = measure_process(args, env)
            runs[name] = {"wall_s": round(time.perf_counter() - started, 2), **measured}
    return {
        "bytes": full_bytes,
        "quarter_bytes": quarter_bytes,
        "wall_s": runs["full"]["wall_s"],
        "quarter_wall_s": runs["quarter"]["wall_s"],
        "peak_rss_mb": runs["full"].get("peak_rss_mb"),
        "quarter_peak_rss_mb": runs["quarter"].get("peak_rss_mb"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = {
        "extraction": precision_recall(),
        "targets": targets(),
        "extraction_en": precision_recall(ENGLISH_TEXT, ("en", "nl")),
        "targets_en": targets(("en", "nl")),
        "speed": speed(),
    }
    speed_ = result["speed"]
    if speed_["peak_rss_mb"] and speed_["quarter_peak_rss_mb"]:
        speed_["memory_ratio"] = round(speed_["peak_rss_mb"] / speed_["quarter_peak_rss_mb"], 2)
    print(json.dumps(result, ensure_ascii=False, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
