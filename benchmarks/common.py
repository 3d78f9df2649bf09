"""Shared helpers for benchmarks: the cached full-size random model and memory readings."""

from __future__ import annotations

import resource
from pathlib import Path

from transformers.utils import logging as _hf_logging

from tests import factory

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(__file__).parent / ".cache"
SAMPLE = ROOT / "tests" / "data" / "sample-page.txt"

_hf_logging.set_verbosity_error()
_hf_logging.disable_progress_bar()


def opus_shaped_model() -> Path:
    """A random model of exactly the opus-mt-nl-en shape, built once and cached."""
    directory = CACHE / "opus-shaped-v2"
    if not (directory / "config.json").exists():
        tmp = CACHE / "opus-shaped-v2.tmp"
        texts = [t for pair in factory.corpus_pairs() for t in pair]
        texts += SAMPLE.read_text(encoding="utf-8").splitlines()
        starter = ROOT / "glossary" / "nl-en-government.tsv"  # so every glossary target can be spelled
        texts += [" ".join(line.split("\t")[:2]) for line in starter.read_text(encoding="utf-8").splitlines()]
        factory.build_model(
            tmp,
            d_model=512,
            layers=6,
            heads=8,
            ffn=2048,
            vocab_size=67028,
            num_beams=6,
            texts=texts,
            spm_size=1000,
        )
        tmp.rename(directory)
    return directory


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB: VmHWM, the high-water mark of this
    program's own memory. (ru_maxrss is not: Linux carries it over an exec from the parent, so a
    worker started by a parent of 900 MB reports 900 MB.)"""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


_PEAK = (  # runs a command and prints its peak RSS in KB
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:]);"
    " print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)
VERTAAL = "import sys; from vertaal.cli import main; sys.argv[0] = 'vertaal'; main()"


def measure_process(args: list[str], env: dict[str, str], code: str = VERTAAL) -> dict:
    """Run `python -c code args` (by default the vertaal CLI) as a whole process under its own
    parent: wall seconds and that process's own peak RSS."""
    import subprocess
    import sys
    import time

    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", _PEAK, sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=env,
    )
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 1), "peak_rss_mb": round(int(out.stdout.split()[-1]) / 1024)}
