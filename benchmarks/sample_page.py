"""Translate the sample page with the full-size random model: vertaal vs plain `generate`.

Each variant runs in its own process so that peak memory is its own. Output length is fixed
(the same max new tokens for both; random weights almost never choose end-of-sentence).

    python -m benchmarks.sample_page [--beams 6] [--new-tokens 48] [--json]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

from benchmarks.common import ROOT, SAMPLE, opus_shaped_model, peak_rss_mb


def run_variant(name: str, model: str, beams: int, new_tokens: int) -> dict:
    import torch

    torch.manual_seed(0)
    from vertaal.text.sentences import segment_document, split_long

    paragraphs = segment_document(SAMPLE.read_text(encoding="utf-8"))
    sentences = [piece for p in paragraphs for s in p for piece in split_long(s)]  # what vertaal decodes
    started = time.perf_counter()
    if name == "generate":
        from transformers import MarianMTModel, MarianTokenizer

        tokenizer = MarianTokenizer.from_pretrained(model)
        marian = MarianMTModel.from_pretrained(model).eval()
        loaded = time.perf_counter()
        tokens = 0
        with torch.inference_mode():
            for i in range(0, len(sentences), 16):
                batch = tokenizer(sentences[i : i + 16], return_tensors="pt", padding=True)
                out = marian.generate(
                    **batch, num_beams=beams, min_new_tokens=new_tokens, max_new_tokens=new_tokens
                )
                tokens += int((out[:, 1:] != tokenizer.pad_token_id).sum())
    else:
        from vertaal import Translator

        translator = Translator(
            model=model, beams=beams, batch_size=16, max_new_tokens=new_tokens, glossary=None
        )
        translator.engine.decoding.min_new_tokens = new_tokens  # random weights: generate's fixed length
        loaded = time.perf_counter()
        translator.translate_sentences(sentences)
        tokens = translator.engine.generated_tokens
    finished = time.perf_counter()
    return {
        "variant": name,
        "sentences": len(sentences),
        "load_s": round(loaded - started, 3),
        "translate_s": round(finished - loaded, 3),
        "wall_s": round(finished - started, 3),
        "target_tokens": tokens,
        "tokens_per_s": round(tokens / (finished - loaded), 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--beams", type=int, default=6)
    parser.add_argument("--new-tokens", type=int, default=48)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--variant", help=argparse.SUPPRESS)
    parser.add_argument("--model", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.variant:
        print(json.dumps(run_variant(args.variant, args.model, args.beams, args.new_tokens)))
        return
    model = str(opus_shaped_model())
    results = []
    for variant in ("generate", "vertaal"):
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "benchmarks.sample_page",
                "--variant",
                variant,
                "--model",
                model,
                "--beams",
                str(args.beams),
                "--new-tokens",
                str(args.new_tokens),
            ],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    base = results[0]
    for r in results:
        r["wall_ratio"] = round(r["wall_s"] / base["wall_s"], 2)
        r["memory_ratio"] = round(r["peak_rss_mb"] / base["peak_rss_mb"], 2)
    if args.json:
        print(json.dumps({"beams": args.beams, "new_tokens": args.new_tokens, "results": results}))
        return
    print(f"sample page, opus-mt-nl-en-shaped random model, beams {args.beams}, {args.new_tokens} new tokens")
    for r in results:
        print(
            f"{r['variant']:>9}: wall {r['wall_s']:6.2f} s (load {r['load_s']:.2f}, translate "
            f"{r['translate_s']:.2f}), {r['tokens_per_s']:6.1f} tok/s, peak {r['peak_rss_mb']:.0f} MB"
            f"  [wall x{r['wall_ratio']}, memory x{r['memory_ratio']}]"
        )


if __name__ == "__main__":
    main()
