"""Constrained against unconstrained decoding on the full-size random opus-mt-nl-en-shaped model,
and the direct-versus-repair strategy on the tiny trained model.

Throughput: 16 sentences that each hold one or two starter-glossary terms, decoded in one batch
by our decoder with and without their constraints, at the same beam size, with a fixed output
length (min = max new tokens). Every entry also forbids six wrong translations, blocked in every
spelling the vocabulary has; a third variant drops the word-boundary rules and blocks forbidden
terms in their canonical pieces only, which prices those rules.

Strategy: the test corpus with a glossary the trained model gets partly right, decoded with
`--strategy direct` and `--strategy repair`; the script counts the sentences where they differ.

    python -m benchmarks.constrained [--beams 4] [--new-tokens 48] [--repeat 2] [--json]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from benchmarks.common import CACHE, opus_shaped_model
from tests.factory import corpus_pairs, trained_model

STARTER = Path(__file__).resolve().parents[1] / "glossary" / "nl-en-government.tsv"
WRONG = ["menace", "danger level", "secret service", "spy agency", "parliament", "watchdog"]


def starter_entries():
    from vertaal.glossary.formats import read

    return [row.entry for row in read(str(STARTER), STARTER.read_bytes(), pair=("nl", "en"))]


def throughput(beams: int, new_tokens: int, repeat: int) -> dict:
    import torch
    from transformers import MarianMTModel, MarianTokenizer

    from vertaal.engine.beam import constrained_beam_search
    from vertaal.engine.constraints import SentenceConstraints
    from vertaal.engine.enforcement import PhraseEncoder, plan
    from vertaal.terms.forms import casings
    from vertaal.terms.matcher import Matcher

    model_dir = opus_shaped_model()
    tokenizer = MarianTokenizer.from_pretrained(model_dir)
    model = MarianMTModel.from_pretrained(model_dir).eval()
    entries = starter_entries()
    for entry in entries:
        entry.forbidden = list(WRONG)
    matcher = Matcher(entries)
    sentences = [nl for nl, _ in corpus_pairs() if 1 <= len(matcher.find(nl)) <= 2][:16]
    encoder = PhraseEncoder(tokenizer)
    plans = [plan(matcher.find(s), encoder) for s in sentences]
    canonical = [p for term in WRONG for form in casings(term) for p in encoder.phrases(form)]
    without_rules = [
        SentenceConstraints(p.constraints.requirements, canonical, p.constraints.initial) for p in plans
    ]
    batch = tokenizer(sentences, return_tensors="pt", padding=True)
    options = dict(
        num_beams=beams,
        min_length=1 + new_tokens,
        max_length=1 + new_tokens,
        custom_generate=constrained_beam_search,
    )

    def run(constraints):
        started = time.perf_counter()
        with torch.inference_mode():
            out = model.generate(**batch, **options, constraints=constraints)
        return time.perf_counter() - started, out

    plain_s = constrained_s = bare_s = float("inf")
    for _ in range(repeat):  # interleaved, so that drift in the machine's speed hits all alike
        plain_s = min(plain_s, run(None)[0])
        seconds, out = run([p.constraints for p in plans])
        constrained_s = min(constrained_s, seconds)
        bare_s = min(bare_s, run(without_rules)[0])
    met = sum(all(s.met) for s in out.states)
    tokens = len(sentences) * new_tokens
    return {
        "sentences": len(sentences),
        "terms": sum(len(p.hits) for p in plans),
        "beams": beams,
        "new_tokens": new_tokens,
        "unconstrained_tok_s": round(tokens / plain_s, 1),
        "constrained_tok_s": round(tokens / constrained_s, 1),
        "constrained_vs_unconstrained": round(plain_s / constrained_s, 3),
        "without_boundary_rules_tok_s": round(tokens / bare_s, 1),
        "rules_cost": round(constrained_s / bare_s, 3),
        "forbidden_sequences_per_sentence": round(
            sum(len(p.constraints.forbidden) for p in plans) / len(plans), 1
        ),
        "sentences_with_all_terms": met,
    }


def strategies() -> dict:
    from vertaal import Translator
    from vertaal.terms.entry import Entry

    model = str(trained_model(Path(__file__).resolve().parents[1] / "tests" / ".cache"))
    glossary = [
        Entry("dreigingsniveau", "threat level"),
        Entry("AIVD", kind="keep"),
        Entry("MIVD", kind="keep"),
        Entry("jaarverslag", "annual report"),
    ]
    sentences = [nl for nl, _ in corpus_pairs()]
    # the strategies are the torch engine's (the default engine places or repairs instead)
    free = Translator(model=model, glossary=None, engine="torch").translate_sentences(sentences)
    result: dict = {}
    targets = {}
    for strategy in ("direct", "repair"):
        translator = Translator(
            model=model, glossary=glossary, strategy=strategy, batch_size=16, engine="torch"
        )
        translator.translate_document("\n\n".join(sentences[:20]))  # warm up: model, matcher, dictionary
        seconds = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            document = translator.translate_document("\n\n".join(sentences))
            seconds = min(seconds, time.perf_counter() - started)
        targets[strategy] = [r.target for r in document.sentences]
        terms = [t for r in document.sentences for t in r.terms]
        result[strategy] = {
            "seconds": round(seconds, 2),
            "terms": len(terms),
            "unforced": sum(t.status == "unforced" for t in terms),
            "enforced": sum(t.status == "enforced" for t in terms),
            "failed": sum(t.status == "failed" for t in terms),
            "sentences_with_terms": sum(bool(r.terms) for r in document.sentences),
            "already_right_kept_as_free": sum(
                r.target == f
                for r, f in zip(document.sentences, free, strict=True)
                if r.terms and all(t.status == "unforced" for t in r.terms)
            ),
            "already_right": sum(
                bool(r.terms) and all(t.status == "unforced" for t in r.terms)
                for r in document.sentences
            ),
        }
    result["sentences_that_differ"] = sum(a != b for a, b in zip(*targets.values(), strict=True))
    result["repair_vs_direct_time"] = round(result["repair"]["seconds"] / result["direct"]["seconds"], 2)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--beams", type=int, default=4)
    parser.add_argument("--new-tokens", type=int, default=48)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)
    result = {"throughput": throughput(args.beams, args.new_tokens, args.repeat), "strategy": strategies()}
    print(json.dumps(result, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
