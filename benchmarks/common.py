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
    """Peak resident memory of this process so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
