"""Bare CTranslate2: what a user writing it by hand runs, the reference for vertaal's default engine.

It imports ctranslate2 and sentencepiece and nothing else (no vertaal, no torch, no
transformers), loads a model converted by vertaal (``--converted``; the Marian directory gives
the sentencepiece files and the vocabulary), tokenises as Marian does and translates with one
``translate_batch`` call per batch of 16 in document order:

    python -m benchmarks.bare_ctranslate2 --converted DIR --model DIR --beams 4 --max-length 48 \
        [--min-length 48] [--repeat 2] [--segments FILE.json | SENTENCE...]

``--max-length`` counts new tokens as transformers does: where the model's generation config forces
end-of-sentence at the last position (Marian's does), that position is the end, so CTranslate2 is
given one token less and every hypothesis counts its end, written or forced.

It prints one JSON line: load seconds, the best of ``--repeat`` translations, decoding steps,
peak RSS, the translations. Keep it small: ``benchmarks.speed`` times it as a whole process.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402


def peak_rss_mb() -> float:
    """This program's own peak RSS (VmHWM; ru_maxrss would carry the parent's over the exec)."""
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--converted", required=True, help="the model converted for CTranslate2")
    parser.add_argument("--model", required=True, help="the Marian directory (sentencepiece files, vocab)")
    parser.add_argument("--beams", type=int, default=4)
    parser.add_argument("--max-length", type=int, required=True)
    parser.add_argument("--min-length", type=int, default=0)
    parser.add_argument("--compute-type", default="int8")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--segments", help="a JSON list of sentences")
    parser.add_argument("sentences", nargs="*")
    args = parser.parse_args()
    sentences = args.sentences
    if args.segments:
        with open(args.segments, encoding="utf-8") as file:
            sentences = json.load(file)

    import ctranslate2
    import sentencepiece

    source = sentencepiece.SentencePieceProcessor(model_file=os.path.join(args.model, "source.spm"))
    target = sentencepiece.SentencePieceProcessor(model_file=os.path.join(args.model, "target.spm"))
    with open(os.path.join(args.model, "vocab.json"), encoding="utf-8") as file:
        vocab = set(json.load(file))
    forced_end = False
    for name in ("config.json", "generation_config.json"):
        try:
            with open(os.path.join(args.model, name), encoding="utf-8") as file:
                forced_end = forced_end or json.load(file).get("forced_eos_token_id") is not None
        except (OSError, ValueError):
            continue
    longest = max(1, args.max_length - 1) if forced_end else args.max_length
    translator = ctranslate2.Translator(
        args.converted,
        device="cuda" if args.device.startswith("cuda") else "cpu",
        compute_type=args.compute_type,
        inter_threads=1,
        intra_threads=int(os.environ.get("OMP_NUM_THREADS", 0) or 0) or os.cpu_count() or 1,
    )
    loaded = time.perf_counter()

    def once() -> tuple[int, list[str]]:
        encoded = [
            [p if p in vocab else "<unk>" for p in source.encode(s, out_type=str)][:511] + ["</s>"]
            for s in sentences
        ]
        steps, texts = 0, []
        for i in range(0, len(encoded), 16):
            results = translator.translate_batch(
                encoded[i : i + 16],
                beam_size=args.beams,
                max_decoding_length=longest,
                min_decoding_length=min(args.min_length, longest),
            )
            for result in results:
                pieces = result.hypotheses[0]
                steps += len(pieces) + (forced_end or len(pieces) < longest)  # a cut one has no end
                kept = [p for p in pieces if p not in ("</s>", "<pad>", "<unk>")]
                texts.append(target.decode_pieces(kept).replace("\u2581", " ").strip())
        return steps, texts

    best, first = float("inf"), 0.0
    first_done = 0.0
    for _ in range(max(args.repeat, 1)):
        begin = time.perf_counter()
        steps, texts = once()
        seconds = time.perf_counter() - begin
        best = min(best, seconds)
        first = first or seconds
        first_done = first_done or time.perf_counter()
    print(
        json.dumps(
            {
                "variant": "ctranslate2",
                "sentences": len(sentences),
                "load_s": round(loaded - STARTED, 3),
                "first_s": round(first, 3),
                "translate_s": round(best, 3),
                "target_tokens": steps,
                "tokens_per_s": round(steps / best, 1),
                "peak_rss_mb": round(peak_rss_mb()),
                "torch_imported": "torch" in sys.modules,
                "extra_s": round(time.perf_counter() - first_done, 3),  # the repeats after the first
                "outputs": texts,
            }
        )
    )


if __name__ == "__main__":
    main()
