"""Parity of the engines: CTranslate2 int8 (the default) against torch fp32 (`--engine torch`).

On two models, over fixed sentences, each engine translates the same sentences without a
glossary and with the starter glossary (`glossary/nl-en-government.tsv`):

  trained       the tiny model trained on the shipped corpus (tests/factory.py trained_model),
                on the corpus's 400 Dutch sentences, which have English references
  opus-shaped   the random model of exactly opus-mt-nl-en's shape (benchmarks/common.py), on
                the sample page's segments; random weights are the worst case for int8, since
                their next-token scores are close together

Reported: how many outputs are identical, chrF between the engines (character 1- to 6-grams,
whitespace removed, precision and recall averaged over the orders, beta 2, from corpus-level
counts: chrF++.py's and sacrebleu's definition, without word n-grams), chrF against the
references where there are some, decode seconds, and CTranslate2 float32 as a control (the same
engine at torch's precision, so that what int8 changes is told apart from what the engine
changes). With the glossary: every term status from both engines, each claim (enforced, unforced)
confirmed against `vertaal check`'s pipeline (`qa.checks.check_segments`, whose presence test is
`terms.forms.presence`); `unconfirmed_claims` must be 0.

    python -m benchmarks.parity [--models trained,opus-shaped] [--limit N] [--json]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STARTER = ROOT / "glossary" / "nl-en-government.tsv"


def _char_ngrams(text: str, n: int) -> Counter[str]:
    text = "".join(text.split())
    return Counter(text[i : i + n] for i in range(len(text) - n + 1))


def chrf(hypotheses: list[str], references: list[str], order: int = 6, beta: float = 2.0) -> float:
    """Corpus chrF (0-100): character n-gram counts summed over the sentences, precision and
    recall averaged over the orders that have counts on both sides, then F-beta."""
    counts = [[0, 0, 0] for _ in range(order)]  # per order: hypothesis, reference, matching n-grams
    for hypothesis, reference in zip(hypotheses, references, strict=True):
        for n in range(1, order + 1):
            h, r = _char_ngrams(hypothesis, n), _char_ngrams(reference, n)
            counts[n - 1][0] += sum(h.values())
            counts[n - 1][1] += sum(r.values())
            counts[n - 1][2] += sum((h & r).values())
    used = [(m / h, m / r) for h, r, m in counts if h and r]
    if not used:
        return 100.0 if all(h == r for h, r in zip(hypotheses, references, strict=True)) else 0.0
    precision = sum(p for p, _ in used) / len(used)
    recall = sum(r for _, r in used) / len(used)
    if precision + recall == 0:
        return 0.0
    factor = beta**2
    return round(100 * (1 + factor) * precision * recall / (factor * precision + recall), 2)


def starter_entries() -> list:
    from vertaal.glossary.formats import read

    return [row.entry for row in read(STARTER.name, STARTER.read_bytes(), pair=("nl", "en"))]


def translate(model: str, sentences: list[str], engine: str, compute_type: str, glossary, **decoding) -> dict:
    """One engine over the sentences (each its own block): targets, term statuses, decode seconds
    (the model loaded first; a torch model the ctranslate2 engine loads for repairs is in them)."""
    from vertaal import Translator

    translator = Translator(
        model=model, engine=engine, compute_type=compute_type, glossary=glossary, **decoding
    )
    translator.engine  # noqa: B018 - load before timing
    started = time.perf_counter()
    document = translator.translate_blocks(sentences)
    seconds = time.perf_counter() - started
    return {
        "rows": document.sentences,
        "targets": [r.target for r in document.sentences],
        "seconds": round(seconds, 2),
        "placed": translator.placed,
        "repaired": translator.repaired,
    }


def confirm(rows: list, matcher) -> dict:
    """Term statuses of one run, each checked by `vertaal check`'s pipeline on (source, target)."""
    from vertaal.qa.alignment import SegmentPair
    from vertaal.qa.checks import check_segments

    segments = [SegmentPair(i, r.source, r.target) for i, r in enumerate(rows)]
    report = check_segments(segments, None, ("nl", "en"), matcher=matcher)
    statuses: Counter[str] = Counter()
    unconfirmed, unclaimed, mismatched = [], 0, 0
    for row, checked in zip(rows, report.segments, strict=True):
        terms = row.terms or []
        forbidden = {p.details.get("source") for p in checked.problems if p.check == "forbidden_term"}
        if len(terms) != len(checked.terms):
            mismatched += 1
            continue
        for term, occurrence in zip(terms, checked.terms, strict=True):
            statuses[f"{term.status} ({term.by})" if term.by else term.status] += 1
            found = occurrence.present and term.source not in forbidden and occurrence.source == term.source
            if term.status in ("enforced", "unforced", "memory") and not found:
                unconfirmed.append({"source": row.source, "target": row.target, "term": term.source})
            elif term.status == "failed" and found:
                unclaimed += 1
    return {
        "terms": sum(statuses.values()),
        "statuses": dict(sorted(statuses.items())),
        "claims": sum(n for s, n in statuses.items() if not s.startswith("failed")),
        "unconfirmed_claims": len(unconfirmed),
        "unconfirmed_examples": unconfirmed[:3],
        "failed_but_present": unclaimed,
        "sentences_check_saw_differently": mismatched,
    }


def _cut_short(a: str, b: str) -> bool:
    """Whether one output is the other cut short, word for word: they differ only where the
    length limit stopped one of them (the engines count the limit one token apart)."""
    x, y = a.split(), b.split()
    return x[: len(y)] == y or y[: len(x)] == x


def compare(a: list[str], b: list[str]) -> dict:
    same = sum(x == y for x, y in zip(a, b, strict=True))
    return {
        "identical": same,
        "identical_share": round(same / max(len(a), 1), 3),
        "identical_or_cut_short": sum(_cut_short(x, y) for x, y in zip(a, b, strict=True)),
        "chrf": chrf(a, b),
    }


def measure(name: str, model: str, sentences: list[str], references: list[str] | None, **decoding) -> dict:
    from vertaal.terms.matcher import Matcher

    entries = starter_entries()
    matcher = Matcher(entries, language="nl")
    reference = translate(model, sentences, "torch", "int8", None, **decoding)  # torch is fp32
    free = {"torch fp32": reference}
    for compute_type in ("int8", "float32"):
        free[f"ctranslate2 {compute_type}"] = translate(
            model, sentences, "ctranslate2", compute_type, None, **decoding
        )
    glossary = {
        "torch fp32": translate(model, sentences, "torch", "int8", entries, **decoding),
        "ctranslate2 int8": translate(model, sentences, "ctranslate2", "int8", entries, **decoding),
    }
    runs = []
    for label, run in free.items():
        row = {"run": label, "glossary": False, "seconds": run["seconds"]}
        if label != "torch fp32":
            row |= compare(run["targets"], reference["targets"])
        if references is not None:
            row["chrf_vs_reference"] = chrf(run["targets"], references)
            row["equals_reference"] = sum(a == b for a, b in zip(run["targets"], references, strict=True))
        runs.append(row)
    for label, run in glossary.items():
        row = {"run": label, "glossary": True, "seconds": run["seconds"]}
        if label != "torch fp32":
            row |= compare(run["targets"], glossary["torch fp32"]["targets"])
            row |= {"placed": run["placed"], "repaired": run["repaired"]}
        if references is not None:
            row["chrf_vs_reference"] = chrf(run["targets"], references)
        row["terms"] = confirm(run["rows"], matcher)
        runs.append(row)
    return {
        "model": name,
        "sentences": len(sentences),
        "sentences_with_terms": sum(bool(matcher.find(s)) for s in sentences),
        "decoding": {k: v for k, v in decoding.items() if v is not None},
        "runs": runs,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="trained,opus-shaped")
    parser.add_argument("--limit", type=int, help="only the first N sentences of each set (smoke runs)")
    parser.add_argument(
        "--beams", type=int, default=4, help="opus-shaped model (the trained one: its own, 4)"
    )
    parser.add_argument(
        "--max-new-tokens", type=int, default=64, help="opus-shaped model: random weights never stop"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from benchmarks.common import factory, opus_shaped_model
    from benchmarks.speed import sentences as sample_segments

    results = []
    for name in args.models.split(","):
        if name == "trained":
            model = str(factory.trained_model(ROOT / "tests" / ".cache"))
            pairs = factory.corpus_pairs()[: args.limit]
            results.append(measure(name, model, [nl for nl, _ in pairs], [en for _, en in pairs]))
        elif name == "opus-shaped":
            model = str(opus_shaped_model())
            segments = sample_segments()[: args.limit]
            results.append(
                measure(name, model, segments, None, beams=args.beams, max_new_tokens=args.max_new_tokens)
            )
        else:
            raise SystemExit(f"unknown model {name!r}: trained or opus-shaped")
    summary = {
        "models": results,
        "unconfirmed_claims": sum(
            r["terms"]["unconfirmed_claims"] for m in results for r in m["runs"] if "terms" in r
        ),
    }
    if args.json:
        print(json.dumps(summary))
        return
    for m in results:
        print(f"{m['model']}: {m['sentences']} sentences ({m['sentences_with_terms']} with starter terms)")
        for r in m["runs"]:
            same = (
                f"identical {r['identical']}/{m['sentences']} ({r['identical_or_cut_short']} but for "
                f"the length limit), chrF {r['chrf']}"
                if "chrf" in r
                else "reference run"
            )
            ref = f", chrF vs reference {r['chrf_vs_reference']}" if "chrf_vs_reference" in r else ""
            terms = ""
            if "terms" in r:
                t = r["terms"]
                terms = f"; terms {t['statuses']}, unconfirmed claims {t['unconfirmed_claims']}"
            glossary = "glossary" if r["glossary"] else "no glossary"
            print(f"  {r['run']:>18}, {glossary:>11}: {same}{ref}, {r['seconds']} s{terms}")
    print(f"unconfirmed claims in all: {summary['unconfirmed_claims']}")


if __name__ == "__main__":
    main()
