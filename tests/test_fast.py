"""--fast: CTranslate2 first (no torch), the constrained decoder only to repair a missed term."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests import factory
from vertaal import Translator
from vertaal.engine.fast import PieceTokenizer
from vertaal.terms.entry import Entry
from vertaal.text.sentences import segment_document

pytest.importorskip("ctranslate2")
SAMPLE = Path(__file__).parent / "data" / "sample-page.txt"


@pytest.mark.parametrize("which", ["trained", "random"])
def test_pieces_are_what_marian_tokenizer_gives(which, trained_model, tiny_model):
    from transformers import MarianTokenizer

    model = trained_model if which == "trained" else tiny_model
    marian = MarianTokenizer.from_pretrained(model)
    pieces = PieceTokenizer(Path(model))
    texts = [s for p in segment_document(SAMPLE.read_text(encoding="utf-8")) for s in p]
    texts += ["Coördinator — “quotes” ½ ∞ 😀 tab\there", "  spaces  ", "", "x" * 3000]
    for text in texts:
        ids = marian(text, truncation=True, max_length=512)["input_ids"]
        assert pieces.encode(text, 512) == marian.convert_ids_to_tokens(ids), text[:40]
        assert pieces.decode(marian.convert_ids_to_tokens(ids)) == marian.decode(
            ids, skip_special_tokens=True
        )


def test_fast_without_terms_never_imports_torch(trained_model, tmp_path):
    """Once converted (the first use imports torch to convert), --fast runs on CTranslate2 alone."""
    code = (
        "import sys; from typer.testing import CliRunner; from vertaal.cli import app;"
        f"r = CliRunner().invoke(app, ['translate', '--fast', '-m', {str(trained_model)!r}, '--no-memory',"
        "'--no-glossary', 'De minister deelt het rapport.']);"
        "print(r.exit_code, r.stdout.strip(), 'torch' in sys.modules)"
    )
    env = {"VERTAAL_DB": str(tmp_path / "v.db"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
        for _ in range(2)
    ]
    assert runs[0].stdout.startswith("0 The minister shares the report."), runs[0].stdout + runs[0].stderr
    assert runs[1].stdout.strip() == "0 The minister shares the report. False", (
        runs[1].stdout + runs[1].stderr
    )


def test_only_sentences_that_miss_a_term_are_repaired(trained_model):
    produced = Translator(model=str(trained_model), fast=True, glossary=[Entry("rapport", "report")])
    rows = produced.translate_document("De minister deelt het rapport.").sentences
    assert [t.status for t in rows[0].terms] == ["unforced"]
    assert produced.repaired == 0 and not produced.torch_loaded  # CTranslate2 alone did the work
    missed = Translator(
        model=str(trained_model), fast=True, glossary=[Entry("dreigingsniveau", "threat level")]
    )
    rows = missed.translate_document("De MIVD bespreekt het dreigingsniveau.").sentences
    assert rows[0].target == "The MIVD discusses the threat level."
    assert [t.status for t in rows[0].terms] == ["enforced"]
    assert missed.repaired == 1 and missed.torch_loaded


def test_random_model_every_term_is_repaired_and_enforced(tiny_model):
    """A random model never produces a term: every sentence with one goes to the constrained decoder."""
    words = factory.corpus_pairs()[0][0].split()
    entry = Entry(words[1], "report")
    translator = Translator(model=str(tiny_model), fast=True, glossary=[entry], beams=2)
    rows = translator.translate_document(f"{words[1]} {words[2]}.").sentences
    assert translator.repaired == 1
    assert [t.status for t in rows[0].terms] in (["enforced"], ["failed"])
