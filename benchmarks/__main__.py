"""Rerun every benchmark and rewrite its table in benchmarks/README.md.

    python -m benchmarks [--only NAME[,NAME]] [--list]

Each benchmark runs as ``python -m benchmarks.NAME --json``; its JSON is kept in
``benchmarks/results/NAME.json`` and its table replaces the block between
``<!-- NAME:start -->`` and ``<!-- NAME:end -->`` in the README, stamped with the date and the
machine, so no table is older than the code it describes.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parent
README = HERE / "README.md"
RESULTS = HERE / "results"


def _row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _table(header: list[str], rows: list[list[object]]) -> str:
    return "\n".join([_row(*header), _row(*["---"] * len(header)), *(_row(*r) for r in rows)])


def sample_page(d: dict) -> str:
    rows = [
        [
            r["variant"],
            r["sentences"],
            f"{r['wall_s']:.2f} s",
            f"{r['load_s']:.2f} s",
            f"{r['translate_s']:.2f} s",
            r["tokens_per_s"],
            f"{r['peak_rss_mb']:.0f} MB",
            r["wall_ratio"],
            r["memory_ratio"],
        ]
        for r in d["results"]
    ]
    header = [
        "variant",
        "segments",
        "whole process (wall)",
        "model load",
        "decode only",
        "tokens/s (decode)",
        "peak RSS",
        "wall ratio",
        "memory ratio",
    ]
    return f"beams {d['beams']}, {d['new_tokens']} new tokens\n\n" + _table(header, rows)


def glossary_io(d: dict) -> str:
    return _table(
        ["step", "time", "against the baseline"],
        [
            [
                f"import {d['entries']:,} entries",
                f"{d['import_s']:.2f} s",
                f"{d['import_vs_bare_insert']}× a bare insert ({d['baseline_insert_s']:.2f} s)",
            ],
            [f"export {d['entries']:,} entries", f"{d['export_s']:.2f} s", ""],
            [
                "search (FTS5 index)",
                f"{d['search_ms']} ms",
                f"{d['search_vs_full_scan']}× a full `LIKE` scan ({d['full_scan_ms']} ms)",
            ],
        ],
    )


def term_scan(d: dict) -> str:
    return _table(
        ["step", "figure"],
        [
            [f"load {d['entries']:,} entries and build the matcher", f"{d['load_and_build_s']:.2f} s"],
            [
                f"scan {d['text_bytes'] / 1e6:.1f} MB ({d['distinct_words']:,} distinct words)",
                f"{d['scan_s']:.2f} s",
            ],
            [
                "total",
                f"{d['total_s']:.2f} s ({d['total_vs_baseline']}× the bare token lookup, "
                f"{d['baseline_s']} s)",
            ],
            ["hits", d["hits"]],
            ["peak RSS", f"{d['peak_rss_mb']:.0f} MB"],
            ["matcher for an unchanged glossary (cache hit)", f"{d['cached_matcher_lookup_ms']} ms"],
        ],
    )


def constrained(d: dict) -> str:
    t, s = d["throughput"], d["strategy"]
    throughput = _table(
        ["decode only, one batch", "tokens/s", "ratio"],
        [
            ["unconstrained", t["unconstrained_tok_s"], "1.00"],
            [
                f"constrained ({t['terms']} terms, {t['forbidden_sequences_per_sentence']:.0f} forbidden "
                "sequences per sentence)",
                t["constrained_tok_s"],
                t["constrained_vs_unconstrained"],
            ],
            [
                "constrained, without the word-boundary and every-spelling rules",
                t["without_boundary_rules_tok_s"],
                round(t["without_boundary_rules_tok_s"] / t["unconstrained_tok_s"], 3),
            ],
        ],
    )
    keys = [
        "terms",
        "unforced",
        "enforced",
        "failed",
        "already_right",
        "already_right_kept_as_free",
        "seconds",
    ]
    strategy = _table(
        ["", "direct", "repair"], [[k.replace("_", " "), s["direct"][k], s["repair"][k]] for k in keys]
    )
    return (
        f"beam {t['beams']}, {t['new_tokens']} tokens per sentence, {t['sentences']} sentences; "
        f"{t['sentences_with_all_terms']} of {t['sentences']} held all their terms. The rules cost "
        f"{t['rules_cost']}× the time without them.\n\n{throughput}\n\n"
        f"Strategy (tiny trained model, 400 corpus sentences, decode only, best of 3): the two "
        f"strategies differ on {s['sentences_that_differ']} sentences; repair takes "
        f"{s['repair_vs_direct_time']}× the time of direct.\n\n{strategy}"
    )


def term_accuracy(d: dict) -> str:
    keys = [
        "sentences",
        "terms",
        "exact_match_accuracy",
        "exact_match_among_spellable",
        "unspellable_terms",
        "claimed_by_translate",
        "translate_and_check_disagree",
        "substring_anywhere",
        "seconds",
    ]
    names = {"seconds": "seconds (whole process: load, translate)"}
    return _table(["", *d], [[names.get(k, k.replace("_", " ")), *(d[m][k] for m in d)] for k in keys])


def memory_rerun(d: dict) -> str:
    return _table(
        [
            "first run (whole process)",
            "second run (whole process)",
            "speed-up",
            "same output",
            "second run imports torch",
        ],
        [
            [
                f"{d['first_run_s']:.2f} s",
                f"{d['second_run_s']:.2f} s",
                f"{d['speed_up']}×",
                "yes" if d["identical_output"] else "NO",
                "yes" if d["second_run_imports_torch"] else "no",
            ]
        ],
    )


def speed(d: dict) -> str:
    parts = []
    if d.get("results"):
        rows = []
        for r in d["results"]:
            glossary = (
                f" ({r['constrained_vs_unconstrained']}x its speed without)"
                if "constrained_vs_unconstrained" in r
                else ""
            )
            terms = ""
            if "terms" in r:
                terms = str(r["terms"])
                if "placed" in r:
                    terms += f" ({r['placed']} sentences placed, {r['repaired']} repaired)"
            rows.append(
                [
                    f"`{r['variant']}`",
                    r["what"],
                    f"{r['load_s']:.2f} s",
                    f"{r['translate_s']:.2f} s",
                    f"{r['speed_vs_generate']}x{glossary}",
                    f"{r['process_s']:.2f} s",
                    f"{r['process_vs_generate']}x",
                    f"{r['peak_rss_mb']:.0f} MB",
                    "yes" if r["torch_imported"] else "no",
                    terms,
                ]
            )
        header = [
            "variant",
            "what",
            "model load",
            f"decode only (best of {d.get('repeat', 2)})",
            "decode vs generate",
            "whole process",
            "whole process vs generate",
            "peak RSS",
            "imports torch",
            "terms",
        ]
        segments = d["results"][0]["sentences"]
        parts.append(
            f"The sample page's {segments} segments, beam {d['beams']}, {d['new_tokens']} tokens per "
            f"segment, device {d['device']}; ratios are speed-ups (higher is faster).\n\n"
            + _table(header, rows)
        )
    if "one_sentence" in d:
        s = d["one_sentence"]
        rows = [
            [
                r["run"],
                f"{r['best_s']:.2f} s",
                f"{r['median_s']:.2f} s",
                f"{r['more_than_bare_s']:+.2f} s" if "more_than_bare_s" in r else "",
                f"{r['median_more_than_bare_s']:+.2f} s" if "median_more_than_bare_s" in r else "",
                ("yes" if r["same_output_as_bare"] else "NO") if "same_output_as_bare" in r else "",
                ("yes" if r["torch_imported"] else "no") if "torch_imported" in r else "no",
            ]
            for r in s["runs"]
        ]
        header = [
            "one sentence, whole process",
            f"best of {s['repeat']}",
            "median",
            "best against bare",
            "median against bare",
            "same output as bare",
            "imports torch",
        ]
        parts.append(
            f"One sentence ({s['source_pieces']} source pieces, beam {s['beams']}, at most "
            f"{s['max_new_tokens']} new tokens, the converted model cached): `vertaal translate "
            f'"{s["sentence"]}"` on a fresh database, and the bare script on the same sentence.\n\n'
            + _table(header, rows)
        )
    if "written_terms" in d:
        w = d["written_terms"]
        parts.append(
            _table(
                [
                    "glossary where the model writes its terms, whole process",
                    f"best of {w['repeat']}",
                    "ratio",
                ],
                [
                    ["no glossary", f"{w['no_glossary_s']:.2f} s", "1.0"],
                    [
                        f"starter glossary ({w['placed']} sentences placed, {w['repaired']} repaired)",
                        f"{w['glossary_s']:.2f} s",
                        f"{w['glossary_vs_none']}x (median {w['median_glossary_vs_none']}x)",
                    ],
                ],
            )
            + f"\n\nThe tiny trained model, default engine, on the {w['sentences']} of "
            f"{w['of_sentences_with_terms']} corpus sentences with a starter-glossary term whose terms "
            "CTranslate2 writes by itself."
        )
    return "\n\n".join(parts)


def parity(d: dict) -> str:
    parts = []
    for m in d["models"]:
        rows = []
        for r in m["runs"]:
            rows.append(
                [
                    r["run"],
                    "starter" if r["glossary"] else "none",
                    f"{r['identical']} ({r['identical_share']:.1%})"
                    if "identical" in r
                    else "(the reference)",
                    r.get("identical_or_cut_short", ""),
                    r.get("chrf", ""),
                    r.get("chrf_vs_reference", ""),
                    f"{r['seconds']:.2f} s",
                ]
            )
        header = [
            "engine",
            "glossary",
            "identical to torch fp32",
            "identical but for the length limit",
            "chrF against torch fp32",
            "chrF against the reference",
            "decode only",
        ]
        terms = []
        for r in m["runs"]:
            if "terms" not in r:
                continue
            t, st = r["terms"], r["terms"]["statuses"]
            terms.append(
                [
                    r["run"],
                    t["terms"],
                    st.get("enforced (placement)", 0),
                    st.get("enforced (constrained decoder)", 0),
                    st.get("unforced", 0),
                    st.get("failed", 0),
                    t["unconfirmed_claims"],
                    t["failed_but_present"],
                ]
            )
        terms_header = [
            "engine, starter glossary",
            "terms",
            "enforced by placement",
            "enforced by the constrained decoder",
            "unforced",
            "failed",
            "claims `check` does not confirm",
            "failed but `check` finds them",
        ]
        decoding = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in m["decoding"].items())
        parts.append(
            f"**{m['model']}** model: {m['sentences']} sentences, {m['sentences_with_terms']} with a "
            f"starter-glossary term{'; ' + decoding if decoding else ''}.\n\n"
            + _table(header, rows)
            + "\n\n"
            + _table(terms_header, terms)
        )
    return "\n\n".join(parts)


def fast_terms(d: dict) -> str:
    rows = [
        [
            f"{t['text']} ({t['sentences']})",
            r["variant"],
            f"{r['seconds']:.2f} s",
            f"{r['vs_ctranslate2']}x",
            r["placed"],
            r["repaired"],
        ]
        for t in d["texts"]
        for r in t["results"]
    ]
    header = ["text (sentences)", "run (whole process)", "wall", "vs CTranslate2 alone", "placed", "repaired"]
    return _table(header, rows)


def big_inputs(d: dict) -> str:
    rows = [
        [
            f"{r['megabytes']} MB",
            command,
            f"{r[command]['seconds']} s",
            f"{r[command]['seconds'] / r['megabytes']:.2f} s",
            f"{r[command]['peak_rss_mb']} MB",
        ]
        for r in d["results"]
        for command in ("check", "scan")
    ]
    return _table(["single-line file", "command", "whole process", "per MB", "peak RSS"], rows)


def big_memory(d: dict) -> str:
    rows = [
        [
            f"{r['file_mb']} MB ({r['units']:,} units)",
            f"{r['import']['seconds']} s",
            f"{r['import']['peak_rss_mb']} MB",
            f"{r['rss_vs_file']}x",
            f"{r['whole_tree']['peak_rss_mb']} MB",
            f"{r['rss_vs_whole_tree']}x",
        ]
        for r in d["results"]
    ]
    table = _table(
        ["TMX", "import, whole process", "peak RSS", "RSS / file", "whole tree (lxml)", "import / tree"], rows
    )
    return table + f"\n\nA bare `vertaal --version` process peaks at {d['bare_process']['peak_rss_mb']} MB."


def documents(d: dict) -> str:
    rows = [
        [
            f"{d['pages']} pages ({d['blocks']} blocks)",
            f"{d['reading_s']} s",
            f"{d['pages_per_s']} pages/s",
            f"{d['translate']['seconds']} s",
            f"{d['reading_share']:.1%}",
            f"{d['translate']['peak_rss_mb']} MB",
        ]
    ]
    header = ["generated report", "reading", "reading speed", "translate, whole process", "reading share"]
    return _table([*header, "peak RSS"], rows) + f"\n\nTranslation by the {d['model']}."


def corpus(d: dict) -> str:
    stream = [
        [
            r["run"],
            f"{r['megabytes']:,} MB" if "megabytes" in r else "the 2,000 seed paragraphs",
            f"{r['seconds']} s",
            f"{r['peak_rss_mb']} MB",
        ]
        for r in d["streaming"]
    ]
    first = next(r for r in d["streaming"] if r["run"] == "from the memory")
    last = [r for r in d["streaming"] if r["run"] == "from the memory"][-1]
    flat = (
        f"Peak RSS at {last['megabytes']:,} MB / at {first['megabytes']:,} MB: "
        f"{last['peak_rss_mb'] / first['peak_rss_mb']:.2f}x."
    )
    rows = [r for r in d["scaling"] if "sentences" in r]
    scale = [
        [
            r["run"],
            r["sentences"],
            f"{r['whole_process_seconds']} s",
            f"{r['job_seconds']} s",
            r["sentences_per_second"],
            f"{r['actor_rss_mb']} MB" if r["actor_rss_mb"] else "",
        ]
        for r in rows
    ]
    efficiency = next(r["ratio"] for r in d["scaling"] if "ratio" in r)
    return (
        _table(["run", "corpus", "whole process", "peak RSS"], stream)
        + f"\n\n{flat}\n\n"
        + _table(["opus-mt-shaped model", "sentences", "whole process", "job", "sentences/s", "RSS"], scale)
        + f"\n\nScaling efficiency, 2 actors / (2 × 1 actor): {efficiency}."
    )


def server(d: dict) -> str:
    rows = [
        [
            f"`vertaal serve` {v['server']}" if v["server"] != "default" else "`vertaal serve`",
            f"{r['clients']} client{'s' * (r['clients'] != 1)}",
            r["requests"],
            f"{r['seconds']} s",
            r["requests_per_s"],
            f"{r['p50_s']} s",
            f"{r['p95_s']} s",
            f"{v['throughput_ratio']}x" if r is v["concurrent"] else "1.0",
        ]
        for v in d["variants"]
        for r in (v["sequential"], v["concurrent"])
    ]
    header = ["server", "clients", "requests", "wall", "requests/s", "p50 latency", "p95 latency", "ratio"]
    return _table(header, rows)


def server_fairness(d: dict) -> str:
    rows = [
        [label, d[key]["probes"], f"{d[key]['p50_s']} s", f"{d[key]['p95_s']} s", ratio]
        for label, key, ratio in (
            ("idle server (baseline)", "idle", "1.0"),
            (f"while one request of {d['sentences']:,} sentences runs ({d['long_request_s']} s)", "busy",
             f"{d['p95_ratio']}x"),
        )
    ]  # fmt: skip
    return _table(["one-sentence requests", "probes", "p50 latency", "p95 latency", "p95 vs idle"], rows)


def term_extraction(d: dict) -> str:
    e, t, s = d["extraction"], d["targets"], d["speed"]
    en, te = d["extraction_en"], d["targets_en"]
    rows = [
        ["precision at 20 / 50 / 100 (hand annotation)",
         f"{e['p_at_20']:.0%} / {e['p_at_50']:.0%} / {e['p_at_100']:.0%}",
         f"{e['candidates']} candidates from the 50 KB handbook chapter"],
        ["recall of official names / their abbreviations",
         f"{e['recall_names']:.0%} / {e['recall_abbreviations']:.0%}",
         f"of {e['names']}; missed: {', '.join(e['missed_names'])}"],
        ["target proposal, top-1 / top-3", f"{t['top_1']:.0%} / {t['top_3']:.0%}",
         f"{t['terms']} annotated terms, {t['pairs']} segment pairs (CoronaMelder TMX)"],
        ["English (en-nl): precision at 20 / 50 / 100",
         f"{en['p_at_20']:.0%} / {en['p_at_50']:.0%} / {en['p_at_100']:.0%}",
         f"{en['candidates']} candidates from the 42 KB DMCA summary (US Copyright Office)"],
        ["English: recall of official names / their abbreviations",
         f"{en['recall_names']:.0%} / {en['recall_abbreviations']:.0%}",
         f"of {en['names']}" + (f"; missed: {', '.join(en['missed_names'])}" if en["missed_names"] else "")],
        ["English: target proposal (Dutch targets), top-1 / top-3", f"{te['top_1']:.0%} / {te['top_3']:.0%}",
         f"the same {te['terms']} terms read the other way, {te['pairs']} segment pairs"],
        [f"1 MB folder ({s['bytes']:,} bytes), whole process", f"{s['wall_s']} s",
         f"a quarter ({s['quarter_bytes']:,} bytes): {s['quarter_wall_s']} s"],
        ["peak RSS, 1 MB against a quarter", f"{s['peak_rss_mb']} MB / {s['quarter_peak_rss_mb']} MB",
         f"{s.get('memory_ratio', '')}x: flat in the input's size"],
    ]  # fmt: skip
    return _table(["measure", "result", "on"], rows)


BENCHMARKS: dict[str, Callable[[dict], str]] = {
    "sample_page": sample_page,
    "glossary_io": glossary_io,
    "term_scan": term_scan,
    "constrained": constrained,
    "term_accuracy": term_accuracy,
    "memory_rerun": memory_rerun,
    "speed": speed,
    "parity": parity,
    "fast_terms": fast_terms,
    "big_inputs": big_inputs,
    "big_memory": big_memory,
    "documents": documents,
    "corpus": corpus,
    "server": server,
    "server_fairness": server_fairness,
    "term_extraction": term_extraction,
}


def machine() -> str:
    cpu = ""
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        cpu = platform.processor()
    return f"{os.cpu_count()} cores, {cpu or platform.machine()}"


def rewrite(name: str, table: str, stamp: str) -> None:
    text = README.read_text(encoding="utf-8")
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if not pattern.search(text):
        raise SystemExit(f"benchmarks/README.md has no {start} … {end} block for {name}")
    block = f"{start}\n_{stamp}, `python -m benchmarks --only {name}`:_\n\n{table}\n{end}"
    README.write_text(pattern.sub(lambda _: block, text), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated benchmark names")
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()
    if args.list:
        print("\n".join(BENCHMARKS))
        return
    names = args.only.split(",") if args.only else list(BENCHMARKS)
    RESULTS.mkdir(exist_ok=True)
    for name in names:
        print(f"running {name} …", file=sys.stderr, flush=True)
        out = subprocess.run(
            [sys.executable, "-m", f"benchmarks.{name}", "--json"], cwd=ROOT, capture_output=True, text=True
        )
        if out.returncode:
            raise SystemExit(f"{name} failed:\n{out.stderr[-3000:]}")
        data = json.loads(out.stdout.strip().splitlines()[-1])
        (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        stamp = f"{datetime.date.today().isoformat()}, {machine()}"
        rewrite(name, BENCHMARKS[name](data), stamp)


if __name__ == "__main__":
    main()
