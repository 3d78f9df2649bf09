"""Shared fixtures: an isolated home for every test, and locally built models."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from tests import factory

CACHE = Path(os.environ.get("VERTAAL_TEST_CACHE", Path(__file__).parent / ".cache"))
SAMPLE = Path(__file__).parent / "data" / "sample-page.txt"  # a copy of shared/samples/aivd-...-p40.txt


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    """Point the data dir, database and the Hugging Face cache at temporary directories."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("HF_HOME", str(home / "hf"))
    monkeypatch.setenv("HF_HUB_CACHE", str(home / "hf" / "hub"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.delenv("VERTAAL_DB", raising=False)
    monkeypatch.delenv("VERTAAL_MODEL", raising=False)
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_OFFLINE", True, raising=False)
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_CACHE", str(home / "hf" / "hub"), raising=False)
    return home


@pytest.fixture
def db(tmp_path, monkeypatch):
    """A fresh database for the test, as $VERTAAL_DB."""
    path = tmp_path / "v.db"
    monkeypatch.setenv("VERTAAL_DB", str(path))
    return path


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    """A tiny random Marian model with a real sentencepiece vocabulary, saved to disk."""
    directory = tmp_path_factory.mktemp("tiny-model")
    factory.build_model(directory)
    return directory


@pytest.fixture(scope="session")
def tiny_model_en_nl(tiny_model, tmp_path_factory) -> Path:
    """The tiny random model declared as English to Dutch (its tokenizer's languages swapped)."""
    return factory.redeclared(tiny_model, tmp_path_factory.mktemp("tiny-model-en-nl"), "en", "nl")


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """A tiny Marian trained on tests/data/corpus.tsv (cached between runs)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    return factory.trained_model(CACHE)


@pytest.fixture(scope="session")
def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def glossary_model(tmp_path_factory) -> Path:
    """A tiny random model whose vocabulary can spell every target of the starter glossary."""
    directory = tmp_path_factory.mktemp("glossary-model")
    starter = Path(__file__).resolve().parents[1] / "glossary" / "nl-en-government.tsv"
    texts = [t for pair in factory.corpus_pairs() for t in pair]
    texts += [" ".join(line.split("\t")[:2]) for line in starter.read_text(encoding="utf-8").splitlines()]
    texts += SAMPLE.read_text(encoding="utf-8").splitlines()
    factory.build_model(directory, texts=texts, spm_size=400, num_beams=4)
    return directory


@pytest.fixture(scope="session")
def glossary_model_en_nl(glossary_model, tmp_path_factory) -> Path:
    """The glossary model declared as English to Dutch (its tokenizer's languages swapped)."""
    return factory.redeclared(glossary_model, tmp_path_factory.mktemp("glossary-model-en-nl"), "en", "nl")


# CI explores the same examples on every run (no flaky reds); a developer's run explores new ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
