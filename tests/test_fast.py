"""--fast: CTranslate2 first (no torch), the constrained decoder only to repair a missed term."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests import factory
from vertaal import Translator
from vertaal.engine.ctranslate2_engine import PieceTokenizer
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


@pytest.mark.parametrize(
    "flags", [[], ["--fast"], ["--glossary", "default"]], ids=["default", "fast", "glossary"]
)
def test_the_default_engine_never_imports_torch_for_a_sentence_without_a_missed_term(
    trained_model, tmp_path, flags
):
    """Once converted (the first use imports torch to convert), the default engine runs on
    CTranslate2 alone; so does a glossary whose terms the model writes by itself."""
    db = tmp_path / "v.db"
    if "--glossary" in flags:
        subprocess.run(
            [sys.executable, "-c", "from vertaal.cli import main; main()", "glossary", "add", "rapport",
             "report"],  # fmt: skip
            env={"VERTAAL_DB": str(db), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
            check=True,
            capture_output=True,
        )
    else:
        flags = [*flags, "--no-glossary"]
    code = (
        "import sys; from typer.testing import CliRunner; from vertaal.cli import app;"
        f"r = CliRunner().invoke(app, ['translate', *{flags!r}, '-m', {str(trained_model)!r}, '--no-memory',"
        "'De minister deelt het rapport.']);"
        "print(r.exit_code, r.stdout.strip(), 'torch' in sys.modules, 'pandas' in sys.modules)"
    )
    env = {"VERTAAL_DB": str(db), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
        for _ in range(2)
    ]
    assert runs[0].stdout.startswith("0 The minister shares the report."), runs[0].stdout + runs[0].stderr
    assert runs[1].stdout.strip() == "0 The minister shares the report. False False", (
        runs[1].stdout + runs[1].stderr
    )


def test_a_missed_term_is_placed_in_ctranslate2s_output_without_torch(trained_model):
    produced = Translator(model=str(trained_model), fast=True, glossary=[Entry("rapport", "report")])
    rows = produced.translate_document("De minister deelt het rapport.").sentences
    assert [t.status for t in rows[0].terms] == ["unforced"]
    assert produced.placed == produced.repaired == 0 and not produced.torch_loaded  # CTranslate2 alone
    missed = Translator(
        model=str(trained_model), fast=True, glossary=[Entry("dreigingsniveau", "threat level")]
    )
    rows = missed.translate_document("De MIVD bespreekt het dreigingsniveau.").sentences
    assert rows[0].target == "The MIVD discusses the threat level."  # CTranslate2 alone: "... the threat."
    assert [t.status for t in rows[0].terms] == ["enforced"]
    assert missed.placed == 1 and missed.repaired == 0 and not missed.torch_loaded


def test_a_term_no_place_satisfies_goes_to_the_constrained_decoder(trained_model, monkeypatch):
    from vertaal.engine import placement

    monkeypatch.setattr(placement, "PLACES", 0)  # no word start to try
    missed = Translator(
        model=str(trained_model), fast=True, glossary=[Entry("dreigingsniveau", "threat level")]
    )
    rows = missed.translate_document("De MIVD bespreekt het dreigingsniveau.").sentences
    assert rows[0].target == "The MIVD discusses the threat level."
    assert [t.status for t in rows[0].terms] == ["enforced"]
    assert missed.placed == 0 and missed.repaired == 1 and missed.torch_loaded


def test_placed_terms_are_what_check_finds(glossary_model, db):
    """On a random model (which never writes a term by itself) with the starter glossary, every
    term --fast reports as enforced or unforced is one the shared presence check finds, and no
    forbidden translation is used."""
    from typer.testing import CliRunner

    from vertaal.cli import app
    from vertaal.terms.forms import forbidden_used, presence

    starter = Path(__file__).resolve().parents[1] / "glossary" / "nl-en-government.tsv"
    assert CliRunner().invoke(app, ["glossary", "import", str(starter)]).exit_code == 0
    translator = Translator(model=str(glossary_model), fast=True, beams=2)
    document = translator.translate_document(SAMPLE.read_text(encoding="utf-8"))
    assert translator.placed > 0
    for row in document.sentences:
        if not row.terms:
            continue
        hits = translator.matcher.find(row.source)
        found = presence(hits, row.target, "en")
        for term, hit, present in zip(row.terms, hits, found, strict=True):
            claimed = term.status in ("enforced", "unforced")
            assert claimed == (present and not forbidden_used(hit.entry, row.target)), (row.target, term)


def test_random_model_every_term_is_repaired_and_enforced(tiny_model):
    """A random model never produces a term: every sentence with one is placed or repaired."""
    words = factory.corpus_pairs()[0][0].split()
    entry = Entry(words[1], "report")
    translator = Translator(model=str(tiny_model), fast=True, glossary=[entry], beams=2)
    rows = translator.translate_document(f"{words[1]} {words[2]}.").sentences
    assert translator.placed + translator.repaired == 1
    assert [t.status for t in rows[0].terms] in (["enforced"], ["failed"])


@pytest.mark.parametrize("limit", [3, 9])
def test_both_engines_stop_at_the_same_length_limit(tiny_model, limit):
    """Marian's generation config forces end-of-sentence at the last position, so a sentence that
    runs to a limit of N new tokens holds N - 1 pieces on torch; CTranslate2 (told the same limit)
    must stop there too, not write one piece more. Random weights run every sentence to the limit;
    at float32 the two engines then give the same pieces."""
    from transformers import MarianTokenizer

    marian = MarianTokenizer.from_pretrained(tiny_model)
    sentences = ["De dienst onderzoekt de dreiging in Nederland.", "Twee."]
    pieces = {}
    for engine in ("torch", "ctranslate2"):
        translator = Translator(
            model=str(tiny_model), engine=engine, compute_type="float32", glossary=None, memory=False,
            beams=1, max_new_tokens=limit,
        )  # fmt: skip
        targets = [row.target for row in translator.translate_blocks(sentences).sentences]
        pieces[engine] = [marian(text_target=t, add_special_tokens=False)["input_ids"] for t in targets]
    assert all(len(p) <= limit - 1 for p in pieces["ctranslate2"]), pieces
    assert pieces["ctranslate2"] == pieces["torch"]
