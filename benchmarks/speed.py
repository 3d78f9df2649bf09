"""Translation speed and memory of every engine, side by side, in one run.

Three parts, each against a baseline taken in the same run:

table          the sample page's segments with the full-size random opus-mt-nl-en-shaped model
               (built once, cached) and a fixed output length (min = max new tokens: random
               weights never choose to stop); each variant in its own process, so that its peak
               RSS is its own, loaded once and translating --repeat times:

  generate          transformers `generate`, fp32, batches of 16 in document order (the baseline)
  ctranslate2       bare CTranslate2 int8 (benchmarks/bare_ctranslate2.py: ctranslate2 and
                    sentencepiece alone, batches of 16 in document order)
  vertaal           vertaal's default engine (ctranslate2, int8), no glossary
  vertaal+glossary  the default engine with a glossary that hits every segment
  torch             --engine torch (transformers fp32, vertaal's beam search), no glossary
  torch+glossary    --engine torch with the same glossary (the constrained decoder)

               (`fast` and `fast+glossary`, the old names of the default engine's rows, still work.)
               Columns: model load (from the process's first line to a loaded model), decode only
               (the best of --repeat translations), whole process (what a user waits for:
               interpreter start, imports, load, one translation; the repeats left out).

one-sentence   `vertaal translate "<one sentence>"` as a whole process (default engine, the
               converted model cached, a database holding no glossary, and one holding the
               starter glossary as `default`) against the bare CTranslate2 script on the same
               sentence with the same beam and length limit, best of --sentence-repeat each.

written-terms  the tiny trained model, on the corpus sentences whose starter-glossary terms
               CTranslate2 writes by itself: `vertaal translate -i FILE` with the starter glossary
               against --no-glossary, whole processes, best of --sentence-repeat each.

    python -m benchmarks.speed [--beams 4] [--new-tokens 48] [--repeat 2] [--sentence-repeat 5]
        [--device cpu] [--model DIR] [--variants ...] [--parts table,one-sentence,written-terms] [--json]

With --model DIR (e.g. the tiny trained model) the table and one-sentence parts run on that model.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()  # the worker's "model load" starts here, as the bare script's does

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "data" / "sample-page.txt"
STARTER = ROOT / "glossary" / "nl-en-government.tsv"
VARIANTS = ["generate", "ctranslate2", "vertaal", "vertaal+glossary", "torch", "torch+glossary"]
ALIASES = {"fast": "vertaal", "fast+glossary": "vertaal+glossary"}  # --fast is the default engine now
PARTS = ["table", "one-sentence", "written-terms"]
LABELS = {
    "generate": "transformers `generate`, fp32 (the baseline)",
    "ctranslate2": "bare CTranslate2 int8 (`bare_ctranslate2.py`)",
    "vertaal": "vertaal, default engine (CTranslate2 int8), no glossary",
    "vertaal+glossary": "vertaal, default engine, glossary on every segment",
    "torch": "vertaal `--engine torch` (fp32), no glossary",
    "torch+glossary": "vertaal `--engine torch`, glossary on every segment",
}
# runs the vertaal CLI and says on stderr, last, whether the process imported torch
VERTAAL = (
    "import atexit, sys; atexit.register(lambda: print('imported:', *(m for m in"
    " ('torch', 'transformers', 'pandas') if m in sys.modules), file=sys.stderr));"
    " from vertaal.cli import main; sys.argv[0] = 'vertaal'; main()"
)


def peak_rss_mb() -> float:
    """This worker's own peak RSS (VmHWM; ru_maxrss would carry the parent's over the exec)."""
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024


def sentences() -> list[str]:
    """The segments vertaal decodes (sentences, long ones cut), so every variant does the same work."""
    from vertaal.text.sentences import segment_document, split_long

    paragraphs = segment_document(SAMPLE.read_text(encoding="utf-8"))
    pieces = [piece for p in paragraphs for s in p for piece in split_long(s)]
    return [piece for piece in pieces if any(ch.isalpha() for ch in piece)]  # "40" is copied, not decoded


def glossary_for(texts: list[str]):
    """The starter glossary, plus an entry for the longest word of every sentence it misses."""
    from vertaal.glossary.formats import read
    from vertaal.terms.entry import Entry
    from vertaal.terms.matcher import Matcher, tokens

    entries = [row.entry for row in read(str(STARTER), STARTER.read_bytes(), pair=("nl", "en"))]
    matcher = Matcher(entries)
    known = {e.source.lower() for e in entries}
    for text in texts:
        if not matcher.find(text):
            word = max((w for w in tokens(text) if w.isalpha()), key=len, default="")
            if word and word.lower() not in known:
                known.add(word.lower())
                entries.append(Entry(word, "report"))
    return entries


def run(
    variant: str, model: str, texts: list[str], beams: int, new_tokens: int, device: str, repeat: int
) -> dict:
    """In the worker process: load, then translate `repeat` times; the best time counts (these
    machines are noisy), the first is the one a user waits for."""
    terms: list = []
    translator = None
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
    else:
        from vertaal import Translator

        glossary = glossary_for(texts) if variant.endswith("+glossary") else None
        translator = Translator(
            model=model,
            beams=beams,
            max_new_tokens=new_tokens,
            glossary=glossary,
            device=device,
            engine="torch" if variant.startswith("torch") else "ctranslate2",
        )
        translator.engine.decoding.min_new_tokens = new_tokens  # loads the engine

        def once() -> int:
            before = translator.engine.generated_tokens
            document = translator.translate_document("\n\n".join(texts))
            terms[:] = [t for r in document.sentences for t in r.terms or []]
            return translator.engine.generated_tokens - before

    loaded = time.perf_counter()
    best, first = float("inf"), 0.0
    for _ in range(repeat):
        begin = time.perf_counter()
        produced = once()
        best = min(best, time.perf_counter() - begin)
        first = first or time.perf_counter() - begin
    result = {
        "variant": variant,
        "sentences": len(texts),
        "load_s": round(loaded - STARTED, 2),
        "first_s": round(first, 2),
        "translate_s": round(best, 2),
        "target_tokens": produced,
        "tokens_per_s": round(produced / best, 1),
        "peak_rss_mb": round(peak_rss_mb()),
        "torch_imported": "torch" in sys.modules,
        "extra_s": round(time.perf_counter() - loaded - first, 3),  # the repeats, left out of process_s
    }
    if variant.endswith("+glossary"):
        result["terms"] = len(terms)
        result["terms_failed"] = sum(t.status == "failed" for t in terms)
    if translator is not None and translator.fast:
        result["placed"] = translator.placed // max(repeat, 1)
        result["repaired"] = translator.repaired // max(repeat, 1)
        result["torch_loaded"] = translator.torch_loaded
        if translator.torch_loaded:  # loaded for the repairs, during the first translation
            parts = translator.engine.load_parts()
            result["repair_load_s"] = round(sum(v for k, v in parts.items() if k != "ctranslate2"), 2)
    return result


def converted(model: str, compute_type: str = "int8") -> Path:
    """The model converted for CTranslate2 (vertaal's cache; converted now if it is not there)."""
    from vertaal.engine.ctranslate2_engine import convert
    from vertaal.engine.registry import ModelSpec

    return convert(ModelSpec("nl-en", model), compute_type, lambda message: None)


def bare_command(
    model: str, beams: int, max_length: int, min_length: int, device: str, repeat: int
) -> list[str]:
    return [
        sys.executable,
        "-m",
        "benchmarks.bare_ctranslate2",
        "--converted",
        str(converted(model)),
        "--model",
        model,
        "--beams",
        str(beams),
        "--max-length",
        str(max_length),
        "--min-length",
        str(min_length),
        "--device",
        device,
        "--repeat",
        str(repeat),
    ]


def table(args: argparse.Namespace, model: str, tmp: Path) -> list[dict]:
    texts = sentences()
    segments = tmp / "segments.json"
    segments.write_text(json.dumps(texts), encoding="utf-8")
    results = []
    for variant in args.variants.split(","):
        if variant == "ctranslate2":
            command = bare_command(
                model, args.beams, args.new_tokens, args.new_tokens, args.device, args.repeat
            )
            command += ["--segments", str(segments)]
        else:
            command = [
                sys.executable,
                "-m",
                "benchmarks.speed",
                "--run",
                variant,
                "--segments",
                str(segments),
            ]
            command += ["--model", model, "--beams", str(args.beams), "--new-tokens", str(args.new_tokens)]
            command += ["--device", args.device, "--repeat", str(args.repeat)]
        begin = time.perf_counter()
        out = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
        wall = time.perf_counter() - begin
        if out.returncode:
            raise SystemExit(f"{variant} failed:\n{out.stderr[-3000:]}")
        result = json.loads(out.stdout.strip().splitlines()[-1])
        result.pop("outputs", None)
        result["variant"] = variant
        result["what"] = LABELS[ALIASES.get(variant, variant)]
        extra = result.pop("extra_s")
        # the whole process a user waits for: start-up, imports, model load and one translation
        result["process_s"] = round(wall - extra, 2)
        results.append(result)
    base = next((r for r in results if r["variant"] == "generate"), results[0])
    by_name = {ALIASES.get(r["variant"], r["variant"]): r for r in results}
    for r in results:
        r["speed_vs_generate"] = round(
            base["translate_s"] / r["translate_s"], 2
        )  # the same segments and length
        r["process_vs_generate"] = round(base["process_s"] / r["process_s"], 2)
        r["memory_vs_generate"] = round(r["peak_rss_mb"] / base["peak_rss_mb"], 2)
        name = ALIASES.get(r["variant"], r["variant"])
        if name.endswith("+glossary") and name.split("+")[0] in by_name:
            plain = by_name[name.split("+")[0]]
            r["constrained_vs_unconstrained"] = round(plain["translate_s"] / r["translate_s"], 2)
            r["process_vs_unconstrained"] = round(plain["process_s"] / r["process_s"], 2)
    if "ctranslate2" in by_name:
        bare = by_name["ctranslate2"]
        for r in results:
            r["process_vs_ctranslate2"] = round(bare["process_s"] / r["process_s"], 2)
    return results


def _process(command: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess]:
    begin = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)
    seconds = time.perf_counter() - begin
    if done.returncode:
        raise SystemExit(f"{command[:4]} failed:\n{done.stderr[-3000:]}")
    return seconds, done


IMPORTS = ("vertaal.cli", "vertaal.api", "sqlite_utils", "ctranslate2", "torch", "simplemma")


def imported(stderr: str) -> list[str]:
    """What VERTAAL's exit hook says the process imported of torch, transformers and pandas."""
    lines = [line for line in stderr.splitlines() if line.startswith("imported:")]
    return lines[-1].split()[1:] if lines else []


def starter_hits(sentence: str) -> list:
    from vertaal.glossary.formats import read
    from vertaal.terms.matcher import Matcher

    entries = [row.entry for row in read(str(STARTER), STARTER.read_bytes(), pair=("nl", "en"))]
    return Matcher(entries, language="nl").find(sentence)


def breakdown(stderr: str) -> dict:
    """From `python -X importtime ... translate --verbose`: the cumulative import seconds of some
    modules (each at its first import), and vertaal's own load and translation times."""
    seconds: dict = {}
    for line in stderr.splitlines():
        found = re.match(r"import time:\s+\d+ \|\s+(\d+) \|\s*(\S+)$", line)
        if found and found.group(2) in IMPORTS and found.group(2) not in seconds:
            seconds[found.group(2)] = round(int(found.group(1)) / 1e6, 3)
    verbose = re.search(r"loaded in ([\d.]+) s.*translated in ([\d.]+) s", stderr)
    result = {"imports_s": seconds}  # measured under -X importtime, which adds its own overhead
    if verbose:
        result |= {"model_load_s": float(verbose.group(1)), "translation_s": float(verbose.group(2))}
    return result | {"imported": imported(stderr)}


def one_sentence(args: argparse.Namespace, model: str, tmp: Path) -> dict:
    """`vertaal translate "<sentence>"` against the bare script on the same sentence, whole processes."""
    from vertaal.engine.ctranslate2_engine import PieceTokenizer, _config
    from vertaal.engine.decoding import Decoding

    segments = sentences()
    sentence = sorted(segments, key=len)[len(segments) // 2]  # the median length: a typical sentence
    pieces = PieceTokenizer(Path(model)).encode(sentence, 512)
    limit = Decoding().new_token_limit(len(pieces))  # what vertaal allows this sentence
    beams = _config(Path(model)).get("num_beams") or 1  # vertaal's beam: the model's configuration
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    templates = {}
    for name, setup in (("no glossary", []), ("starter glossary", ["glossary", "import", str(STARTER)])):
        database = tmp / f"{name.replace(' ', '-')}.db"
        setup = setup or ["memory", "stats"]  # creates the database
        _process([sys.executable, "-c", VERTAAL, *setup], {**env, "VERTAAL_DB": str(database)})
        templates[name] = database
    bare = bare_command(model, beams, limit, 0, args.device, 1) + [sentence]
    vertaal = [sys.executable, "-c", VERTAAL, "translate", "-m", model, "--device", args.device, sentence]
    runs: dict[str, list[float]] = {"bare CTranslate2": [], **{f"vertaal, {n}": [] for n in templates}}
    outputs: dict[str, str] = {}
    torch_imported: dict[str, bool] = {}
    warm = int(args.sentence_repeat > 1)  # a first round warms the page cache, not counted
    for attempt in range(1 - warm, args.sentence_repeat + 1):
        for name in runs:
            if name == "bare CTranslate2":
                seconds, done = _process(bare, env)
                outputs[name] = json.loads(done.stdout.strip().splitlines()[-1])["outputs"][0]
            else:
                database = tmp / f"run-{attempt}.db"  # a fresh copy: nothing from the memory
                shutil.copy(templates[name.split(", ", 1)[1]], database)
                seconds, done = _process(vertaal, {**env, "VERTAAL_DB": str(database)})
                outputs[name] = done.stdout.strip()
                torch_imported[name] = "torch" in imported(done.stderr)
                database.unlink()
            if attempt:
                runs[name].append(round(seconds, 3))
    bare_best = min(runs["bare CTranslate2"])
    bare_median = statistics.median(runs["bare CTranslate2"])
    rows = []
    for name, seconds in runs.items():
        row = {
            "run": name,
            "best_s": round(min(seconds), 2),
            "median_s": round(statistics.median(seconds), 2),
        }
        row["runs_s"] = seconds
        if name != "bare CTranslate2":
            row["more_than_bare_s"] = round(min(seconds) - bare_best, 2)
            row["median_more_than_bare_s"] = round(statistics.median(seconds) - bare_median, 2)
            row["same_output_as_bare"] = outputs[name] == outputs["bare CTranslate2"]
            row["torch_imported"] = torch_imported[name]
        rows.append(row)
    # where vertaal's time goes, from one more run: interpreter start, imports, load, translation
    database = tmp / "breakdown.db"
    shutil.copy(templates["no glossary"], database)
    env_db = {**env, "VERTAAL_DB": str(database)}
    bare_python = min(_process([sys.executable, "-c", "pass"], env)[0] for _ in range(3))
    _, done = _process([sys.executable, "-X", "importtime", *vertaal[1:-1], "--verbose", sentence], env_db)
    shutil.copy(templates["starter glossary"], database)
    _, glossary = _process([*vertaal[:-1], "--verbose", sentence], env_db)
    placed = re.search(r"terms placed in (\d+) sentence", glossary.stderr)
    repaired = re.search(r"(\d+) sentence\(s\) repaired", glossary.stderr)
    return {
        "sentence": sentence,
        "breakdown": breakdown(done.stderr) | {"python_start_s": round(bare_python, 3)},
        "source_pieces": len(pieces),
        "starter_terms": [hit.surface for hit in starter_hits(sentence)],
        "starter_glossary_placed": int(placed.group(1)) if placed else 0,
        "starter_glossary_repaired": int(repaired.group(1)) if repaired else 0,
        "beams": beams,
        "max_new_tokens": limit,
        "repeat": args.sentence_repeat,
        "runs": rows,
    }


def written_terms(args: argparse.Namespace, tmp: Path) -> dict:
    """The glossary where the model writes its terms: the starter glossary against none, whole
    processes of the default engine on the tiny trained model."""
    from benchmarks import fast_terms
    from benchmarks.common import factory

    model = factory.trained_model(ROOT / "tests" / ".cache")
    with_terms = fast_terms.with_terms()
    every = tmp / "every.txt"
    every.write_text("\n\n".join(with_terms) + "\n", encoding="utf-8")
    (tmp / "warm").mkdir()
    free = fast_terms.run(model, ["--no-glossary"], every, tmp / "warm")  # converts the model once
    written = fast_terms.produced(with_terms, free["output"])
    text = tmp / "written.txt"
    text.write_text("\n\n".join(written) + "\n", encoding="utf-8")
    variants = {"no glossary": ["--no-glossary"], "starter glossary": []}
    runs: dict[str, list[dict]] = {name: [] for name in variants}
    for attempt in range(args.sentence_repeat + 1):  # the first round warms up, not counted
        for name, flags in variants.items():
            home = tmp / f"written-{attempt}-{len(flags)}"
            home.mkdir()
            measured = fast_terms.run(model, flags, text, home)
            measured.pop("output")
            if attempt:
                runs[name].append(measured)
    best = {name: min(r["seconds"] for r in rs) for name, rs in runs.items()}
    on = runs["starter glossary"]
    return {
        "sentences": len(written),
        "of_sentences_with_terms": len(with_terms),
        "repeat": args.sentence_repeat,
        "no_glossary_s": best["no glossary"],
        "glossary_s": best["starter glossary"],
        "glossary_vs_none": round(best["no glossary"] / best["starter glossary"], 2),
        "median_glossary_vs_none": round(
            statistics.median(r["seconds"] for r in runs["no glossary"])
            / statistics.median(r["seconds"] for r in on),
            2,
        ),
        "runs_s": {name: [r["seconds"] for r in rs] for name, rs in runs.items()},
        "placed": max(r["placed"] for r in on),
        "repaired": max(r["repaired"] for r in on),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--beams", type=int, default=4)
    parser.add_argument("--new-tokens", type=int, default=48)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--model", help="a model directory (default: the opus-mt-nl-en-shaped random model)")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--parts", default=",".join(PARTS))
    parser.add_argument("--repeat", type=int, default=2, help="translations per variant; the best counts")
    parser.add_argument("--sentence-repeat", type=int, default=5, help="whole processes per one-sentence run")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--run", help=argparse.SUPPRESS)
    parser.add_argument("--segments", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        texts = json.loads(Path(args.segments).read_text(encoding="utf-8"))
        print(
            json.dumps(
                run(args.run, args.model, texts, args.beams, args.new_tokens, args.device, args.repeat)
            )
        )
        return
    from benchmarks.common import CACHE, opus_shaped_model

    CACHE.mkdir(parents=True, exist_ok=True)
    model = args.model or str(opus_shaped_model())
    parts = args.parts.split(",")
    summary: dict = {
        "beams": args.beams,
        "new_tokens": args.new_tokens,
        "repeat": args.repeat,
        "device": args.device,
        "model": model,
    }
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        if "table" in parts:
            summary["results"] = table(args, model, tmp)
        if "one-sentence" in parts:
            summary["one_sentence"] = one_sentence(args, model, tmp)
        if "written-terms" in parts:
            summary["written_terms"] = written_terms(args, tmp)
    if args.json:
        print(json.dumps(summary))
        return
    print(f"beams {args.beams}, {args.new_tokens} new tokens, device {args.device}")
    for r in summary.get("results", []):
        extra = (
            f"  glossary/none {r['constrained_vs_unconstrained']}"
            if "constrained_vs_unconstrained" in r
            else ""
        )
        print(
            f"{r['variant']:>17}: decode {r['translate_s']:6.2f} s x{r['speed_vs_generate']:<5} "
            f"process {r['process_s']:6.2f} s x{r['process_vs_generate']:<5} load {r['load_s']:5.2f} s  "
            f"peak {r['peak_rss_mb']:5.0f} MB  torch {'yes' if r['torch_imported'] else 'no '}{extra}"
        )
    if "one_sentence" in summary:
        s = summary["one_sentence"]
        print(f"one sentence ({s['source_pieces']} pieces, beam {s['beams']}, limit {s['max_new_tokens']}):")
        for r in s["runs"]:
            more = f"  +{r['more_than_bare_s']} s over bare" if "more_than_bare_s" in r else ""
            print(f"  {r['run']:>26}: best {r['best_s']} s, median {r['median_s']} s{more}")
    if "written_terms" in summary:
        w = summary["written_terms"]
        print(
            f"glossary where the model writes its terms ({w['sentences']} sentences): "
            f"{w['glossary_s']} s against {w['no_glossary_s']} s without, {w['glossary_vs_none']}x"
        )


if __name__ == "__main__":
    main()
