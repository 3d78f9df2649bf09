"""Translation speed and memory: vertaal against plain transformers `generate`, in one run.

On the sample page's sentences, with the full-size random opus-mt-nl-en-shaped model (built once,
cached) and a fixed output length (min = max new tokens: random weights never choose to stop),
each variant in its own process so that its peak RSS is its own:

  generate          transformers `generate`, fp32, batches of 16 in document order (the baseline)
  vertaal           vertaal's default (fp32), no glossary
  vertaal+glossary  vertaal's default with a glossary that hits every sentence
  fast              vertaal --fast, no glossary
  fast+glossary     vertaal --fast with the same glossary
  ctranslate2       CTranslate2 int8 alone, when installed (a reference point)

    python -m benchmarks.speed [--beams 4] [--new-tokens 48] [--device cpu] [--model DIR] [--json]

With --model DIR (e.g. the tiny trained model) it runs on that model instead.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

from benchmarks.common import CACHE, ROOT, SAMPLE, opus_shaped_model, peak_rss_mb

VARIANTS = ["generate", "vertaal", "vertaal+glossary", "fast", "fast+glossary", "ctranslate2"]


def sentences() -> list[str]:
    """The segments vertaal decodes (sentences, long ones cut), so every variant does the same work."""
    from vertaal.text.sentences import segment_document, split_long

    paragraphs = segment_document(SAMPLE.read_text(encoding="utf-8"))
    pieces = [piece for p in paragraphs for s in p for piece in split_long(s)]
    return [piece for piece in pieces if any(ch.isalpha() for ch in piece)]  # "40" is copied, not decoded


def glossary_for(texts: list[str]):
    """The starter glossary, plus an entry for the longest word of every sentence it misses."""
    from pathlib import Path

    from vertaal.glossary.formats import read
    from vertaal.terms.entry import Entry
    from vertaal.terms.matcher import Matcher, tokens

    starter = Path(__file__).resolve().parents[1] / "glossary" / "nl-en-government.tsv"
    entries = [row.entry for row in read(str(starter), starter.read_bytes(), pair=("nl", "en"))]
    matcher = Matcher(entries)
    known = {e.source.lower() for e in entries}
    for text in texts:
        if not matcher.find(text):
            word = max((w for w in tokens(text) if w.isalpha()), key=len, default="")
            if word and word.lower() not in known:
                known.add(word.lower())
                entries.append(Entry(word, "report"))
    return entries


def run(variant: str, model: str, beams: int, new_tokens: int, device: str, repeat: int) -> dict:
    """Load once, then translate `repeat` times; the best time counts (these machines are noisy)."""
    texts = sentences()
    started = time.perf_counter()
    terms: list = []
    if variant == "generate":
        import torch
        from transformers import MarianMTModel, MarianTokenizer

        tokenizer = MarianTokenizer.from_pretrained(model)
        marian = MarianMTModel.from_pretrained(model).eval().to(device)

        def once() -> int:
            produced = 0
            with torch.inference_mode():
                for i in range(0, len(texts), 16):
                    batch = tokenizer(texts[i : i + 16], return_tensors="pt", padding=True).to(device)
                    out = marian.generate(
                        **batch, num_beams=beams, min_length=new_tokens + 1, max_length=new_tokens + 1
                    )
                    produced += int((out[:, 1:] != tokenizer.pad_token_id).sum())
            return produced
    elif variant == "ctranslate2":  # bare: ctranslate2 and sentencepiece, no torch, no transformers
        from vertaal.engine.ctranslate2_engine import CTranslate2Engine
        from vertaal.engine.registry import ModelSpec

        fast = CTranslate2Engine.create(ModelSpec("nl-en", model), device, print)
        assert fast is not None
        encoded = [fast.tokenizer.encode(t, 512) for t in texts]

        def once() -> int:  # CTranslate2's own call, one hypothesis: the anchor
            produced = 0
            for i in range(0, len(encoded), 16):
                results = fast.translator.translate_batch(
                    encoded[i : i + 16],
                    beam_size=beams,
                    max_decoding_length=new_tokens,
                    min_decoding_length=new_tokens,
                )
                pieces = [r.hypotheses[0] for r in results]
                [fast.tokenizer.decode(p) for p in pieces]
                produced += sum(len(p) + (len(p) < new_tokens) for p in pieces)
            return produced
    else:
        from vertaal import Translator

        glossary = glossary_for(texts) if variant.endswith("+glossary") else None
        translator = Translator(
            model=model,
            beams=beams,
            max_new_tokens=new_tokens,
            glossary=glossary,
            device=device,
            fast=variant.startswith("fast"),
        )
        translator.engine.decoding.min_new_tokens = new_tokens

        def once() -> int:
            before = translator.engine.generated_tokens
            document = translator.translate_document("\n\n".join(texts))
            terms[:] = [t for r in document.sentences for t in r.terms or []]
            return translator.engine.generated_tokens - before

    loaded = time.perf_counter()
    best = float("inf")
    first = 0.0
    for _ in range(repeat):
        begin = time.perf_counter()
        produced = once()
        best = min(best, time.perf_counter() - begin)
        first = first or time.perf_counter() - begin
    extra = time.perf_counter() - loaded - first  # the repeats after the first, left out of process_s
    result = {
        "variant": variant,
        "sentences": len(texts),
        "load_s": round(loaded - started, 2),
        "translate_s": round(best, 2),
        "target_tokens": produced,
        "tokens_per_s": round(produced / best, 1),
        "peak_rss_mb": round(peak_rss_mb(), 0),
        "extra_s": round(extra, 3),
    }
    if variant.endswith("+glossary"):
        result["terms"] = len(terms)
        result["terms_failed"] = sum(t.status == "failed" for t in terms)
    if variant == "fast+glossary":
        result["repaired"] = translator.repaired // max(repeat, 1)
        result["placed"] = translator.placed // max(repeat, 1)
        result["torch_loaded"] = translator.torch_loaded
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--beams", type=int, default=4)
    parser.add_argument("--new-tokens", type=int, default=48)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--model", help="a model directory (default: the opus-mt-nl-en-shaped random model)")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--repeat", type=int, default=2, help="translations per variant; the best counts")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--run", help=argparse.SUPPRESS)
    args = parser.parse_args()
    model = args.model or str(opus_shaped_model())
    if args.run:
        print(json.dumps(run(args.run, model, args.beams, args.new_tokens, args.device, args.repeat)))
        return
    CACHE.mkdir(parents=True, exist_ok=True)
    results = []
    for variant in args.variants.split(","):
        if variant == "ctranslate2":
            try:
                import ctranslate2  # noqa: F401
            except ImportError:
                continue
        command = [
            sys.executable,
            "-m",
            "benchmarks.speed",
            "--run",
            variant,
            "--model",
            model,
            "--beams",
            str(args.beams),
            "--new-tokens",
            str(args.new_tokens),
            "--device",
            args.device,
            "--repeat",
            str(args.repeat),
        ]
        begin = time.perf_counter()
        out = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
        wall = time.perf_counter() - begin
        result = json.loads(out.stdout.strip().splitlines()[-1])
        # the whole process a user waits for: start-up, imports, model load and one translation
        result["process_s"] = round(wall - result.pop("extra_s"), 2)
        results.append(result)
    base = next(r for r in results if r["variant"] == "generate")
    plain = {r["variant"]: r for r in results}
    for r in results:
        r["speed_vs_generate"] = round(r["tokens_per_s"] / base["tokens_per_s"], 2)
        r["process_vs_generate"] = round(base["process_s"] / r["process_s"], 2)
        r["memory_vs_generate"] = round(r["peak_rss_mb"] / base["peak_rss_mb"], 2)
        if r["variant"].endswith("+glossary"):
            unconstrained = plain.get(r["variant"].split("+")[0])
            if unconstrained:
                r["constrained_vs_unconstrained"] = round(
                    r["tokens_per_s"] / unconstrained["tokens_per_s"], 2
                )
    summary = {
        "beams": args.beams,
        "new_tokens": args.new_tokens,
        "device": args.device,
        "model": model,
        "results": results,
    }
    if args.json:
        print(json.dumps(summary))
        return
    print(f"beams {args.beams}, {args.new_tokens} new tokens, device {args.device}")
    for r in results:
        extra = (
            f"  constrained/unconstrained {r['constrained_vs_unconstrained']}"
            if ("constrained_vs_unconstrained" in r)
            else ""
        )
        print(
            f"{r['variant']:>17}: {r['tokens_per_s']:7.1f} tok/s  x{r['speed_vs_generate']:<5} "
            f"peak {r['peak_rss_mb']:6.0f} MB  load {r['load_s']:5.2f} s  "
            f"process {r['process_s']:6.2f} s{extra}"
        )


if __name__ == "__main__":
    main()
