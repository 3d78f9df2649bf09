"""What the README promises and no other test checks, each end to end."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vertaal import Translator
from vertaal.cli import app
from vertaal.engine.constraints import SentenceConstraints
from vertaal.engine.enforcement import PhraseEncoder
from vertaal.errors import ModelError
from vertaal.qa.alignment import SegmentPair
from vertaal.qa.checks import Checker
from vertaal.terms.entry import Entry
from vertaal.terms.forms import accepted_forms, presence
from vertaal.terms.matcher import Matcher

runner = CliRunner()


def invoke(*args, input=None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def jsonl(result):
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def whole(term, text):
    return len(re.findall(rf"(?<!\w){re.escape(term)}(?!\w)", text))


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0 and re.fullmatch(r"vertaal \d+\.\d+\.\d+\n", result.stdout)


def test_fast_with_a_glossary_end_to_end(trained_model, db):
    assert invoke("glossary", "add", "dreigingsniveau", "threat level").exit_code == 0
    text = "De MIVD bespreekt het dreigingsniveau.\n\nDe minister deelt het rapport."
    rows = jsonl(invoke("translate", "-m", trained_model, "--fast", "--no-memory", "-f", "jsonl", input=text))
    assert rows[0]["target"] == "The MIVD discusses the threat level."
    assert [t["status"] for t in rows[0]["terms"]] == ["enforced"]
    assert rows[1]["target"] == "The minister shares the report." and rows[1]["terms"] == []


def test_en_nl_uses_the_en_nl_glossary(glossary_model_en_nl, db):
    added = invoke("glossary", "add", "threat level", "dreigingsniveau", "--pair", "en-nl")
    assert added.exit_code == 0, added.output
    result = invoke(
        "translate",
        "-d",
        "en-nl",
        "-m",
        glossary_model_en_nl,
        "--beams",
        "2",
        "-f",
        "jsonl",
        "--no-memory",
        input="The threat level rises. The threat levels are high.",
    )
    rows = jsonl(result)
    assert len(rows) == 2  # English sentences split
    for row in rows:
        assert [t["status"] for t in row["terms"]] == ["enforced"]
        assert whole("dreigingsniveau", row["target"]) >= 1, row["target"]


@pytest.mark.parametrize(
    ("engine", "where", "method"),
    [("torch", "torch_engine.TorchEngine", "_decode"), ("ctranslate2", "ctranslate2_engine.CTranslate2Engine",
     "translate_batch")],
)  # fmt: skip
def test_output_is_written_only_when_the_whole_translation_succeeded(
    tiny_model, tmp_path, monkeypatch, engine, where, method
):
    import importlib

    module, name = where.split(".")
    cls = getattr(importlib.import_module(f"vertaal.engine.{module}"), name)
    target = tmp_path / "out.txt"
    target.write_text("the previous translation\n", encoding="utf-8")
    calls = []
    original = getattr(cls, method)

    def failing(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise ModelError("the model stopped halfway")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(cls, method, failing)
    result = invoke(
        "translate",
        "-m",
        tiny_model,
        "--engine",
        engine,
        "--batch-size",
        "1",
        "--no-memory",
        "-o",
        target,
        input="Een zin.\n\nTwee zinnen.\n\nDrie.",
    )
    assert result.exit_code == 1 and "stopped halfway" in result.stderr
    assert target.read_text(encoding="utf-8") == "the previous translation\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_memory_is_keyed_by_model_and_revision(trained_model, tiny_model, db, tmp_path):
    text = "De minister deelt het rapport."
    first = jsonl(invoke("translate", "-m", trained_model, "-f", "jsonl", input=text))
    assert "memory" not in first[0]
    assert jsonl(invoke("translate", "-m", trained_model, "-f", "jsonl", input=text))[0]["memory"]
    assert "memory" not in jsonl(invoke("translate", "-m", tiny_model, "-f", "jsonl", input=text))[0]
    copy = tmp_path / "copy"
    copy.mkdir()
    for file in Path(trained_model).iterdir():
        (copy / file.name).write_bytes(file.read_bytes())
    assert "memory" not in jsonl(invoke("translate", "-m", copy, "-f", "jsonl", input=text))[0]
    weights = next(copy.glob("*.safetensors"))
    os.utime(weights, ns=(weights.stat().st_atime_ns, weights.stat().st_mtime_ns + 10**9))  # a new revision
    assert "memory" not in jsonl(invoke("translate", "-m", copy, "-f", "jsonl", input=text))[0]


def tmx_file(path, source, target):
    path.write_text(
        '<?xml version="1.0"?><tmx version="1.4"><header srclang="nl" segtype="sentence" datatype="plaintext"'
        ' adminlang="en" o-tmf="x" creationtool="x" creationtoolversion="1"/><body>'
        f'<tu><tuv xml:lang="nl"><seg>{source}</seg></tuv><tuv xml:lang="en"><seg>{target}</seg></tuv></tu>'
        "</body></tmx>",
        encoding="utf-8",
    )
    return path


def test_edited_translations_win_over_human_ones(trained_model, db, tmp_path):
    source = "De minister deelt het rapport."
    human = tmx_file(tmp_path / "h.tmx", source, "The minister hands over the report.")
    edited = tmx_file(tmp_path / "e.tmx", source, "The minister distributes the report.")
    assert invoke("memory", "import", human).exit_code == 0
    assert invoke("memory", "import", edited, "--origin", "edited").exit_code == 0
    [row] = jsonl(invoke("translate", "-m", trained_model, "-f", "jsonl", input=source))
    assert row["target"] == "The minister distributes the report." and row["memory"]


def test_a_memory_hit_without_its_term_is_failed(trained_model, db, tmp_path):
    source = "De MIVD bespreekt het dreigingsniveau."
    assert (
        invoke(
            "memory", "import", tmx_file(tmp_path / "h.tmx", source, "The MIVD discusses the risk.")
        ).exit_code
        == 0
    )
    assert invoke("glossary", "add", "dreigingsniveau", "threat level").exit_code == 0
    result = invoke("translate", "-m", trained_model, "-f", "jsonl", "--strict", input=source)
    assert result.exit_code == 1
    [row] = [json.loads(line) for line in result.stdout.splitlines()]
    assert row["memory"] and [t["status"] for t in row["terms"]] == ["failed"]


def test_a_term_occurring_twice_appears_twice_in_the_text(glossary_model):
    engine = Translator(model=str(glossary_model), beams=4, glossary=[Entry("AIVD", kind="keep")])
    [row] = engine.translate_document("De AIVD en de MIVD, en nogmaals de AIVD.").sentences
    assert [t.status for t in row.terms] == ["enforced", "enforced"]
    assert whole("AIVD", row.target) >= 2, row.target


@pytest.mark.parametrize("forbidden", ["report", "Report", "REPORT"])
def test_forbidden_targets_in_every_casing(trained_model, forbidden):
    free = Translator(model=str(trained_model), glossary=None).translate("De AIVD deelt het rapport.")
    assert "report" in free  # the model's own choice, which the glossary must keep out
    entries = [Entry("rapport", kind="forbidden", forbidden=[forbidden])]
    text = Translator(model=str(trained_model), glossary=entries).translate("De AIVD deelt het rapport.")
    assert "report" not in text.lower()


def test_glued_form_only_after_a_bracket_quote_or_hyphen(glossary_model):
    from transformers import MarianTokenizer

    tokenizer = MarianTokenizer.from_pretrained(glossary_model)
    encoder = PhraseEncoder(tokenizer)
    spaced, glued = encoder.phrases("threat level")
    assert tokenizer.decode(list(spaced)) == "threat level"
    vocab = tokenizer.get_vocab()
    the = [vocab[p] for p in encoder.spm.encode("the", out_type=str)]
    bracket = [vocab[p] for p in encoder.spm.encode("the (", out_type=str)][len(the) :]
    assert tokenizer.decode([*the, *bracket, *glued]) == "the (threat level"
    sentence = SentenceConstraints([(spaced, glued)], classes=encoder.classes)

    def after(tokens):
        state = sentence.start_state()
        for token in tokens:
            state = sentence.advance(state, token)
        return state

    assert after([*the, *glued]).met == (False,)  # glued onto "the": not a word boundary
    assert after([*the, *bracket, *glued]).met == (True,)  # right after the bracket
    assert after([*the, *spaced]).met == (True,)


def test_decoder_puts_the_glued_form_after_a_bracket(glossary_model):
    engine = Translator(
        model=str(glossary_model), beams=4, glossary=[Entry("dreigingsniveau", "threat level")]
    )
    [row] = engine.translate_document("Het niveau (dreigingsniveau) stijgt.").sentences
    result = Checker(engine.matcher).check_segment(SegmentPair(0, row.source, row.target))
    assert [t.status for t in row.terms] == ["enforced"] and [t.present for t in result.terms] == [True]


# -- one definition of "term present", shared by the decoder's statuses and check -----------------
ENTRY = Entry("dreigingsniveau", "threat level", alternatives=["level of threat"])
PRESENCE = [
    ("The threat level rises.", True),
    ("Threat level rises.", True),  # capitalised
    ("The threat levels rise.", True),  # English plural
    ("The threat level's rise.", True),  # possessive
    ("The level of threat rises.", True),  # listed alternative
    ("The threat   level rises.", True),  # a run of spaces
    ("The threat levelses rise.", False),  # never pluralised twice
    ("The threatlevel rises.", False),
    ("The xthreat level rises.", False),  # glued onto a word before
    ("The threat level4 rises.", False),  # glued onto a digit after
    ("The threat is high.", False),
]


@pytest.mark.parametrize(("text", "expected"), PRESENCE)
def test_presence_is_one_definition(text, expected):
    [hit] = Matcher([ENTRY]).find("Het dreigingsniveau stijgt.")
    assert presence([hit], text) == [expected]
    report = Checker(Matcher([ENTRY])).check_segment(SegmentPair(0, "Het dreigingsniveau stijgt.", text))
    assert [t.present for t in report.terms] == [expected]


def test_accepted_forms_never_double_a_plural():
    forms = accepted_forms(Entry("inlichtingenbehoefte", "intelligence requirements"))
    assert "intelligence requirementses" not in forms and "intelligence requirements" in forms


def test_missing_private_api_fails_at_load_with_the_supported_range(tiny_model, monkeypatch):
    from transformers.generation.utils import GenerationMixin

    monkeypatch.setattr(GenerationMixin, "_prefill", None)  # as if a release had renamed it
    result = invoke("translate", "-m", tiny_model, "--engine", "torch", "Hallo.")  # the fence is at its load
    assert result.exit_code == 1 and len(result.stderr.splitlines()) == 1
    assert "_prefill" in result.stderr and "transformers>=5.24,<5.25" in result.stderr


@pytest.mark.parametrize(("positions", "dim"), [(512, 512), (513, 7), (64, 16), (1, 1), (1024, 8)])
def test_position_tables_are_transformers_own_bit_for_bit(positions, dim):
    import torch
    from transformers.models.marian.modeling_marian import MarianSinusoidalPositionalEmbedding

    from vertaal.engine.internals import sinusoidal

    module = MarianSinusoidalPositionalEmbedding(positions, dim)
    assert torch.equal(module.create_weight(), sinusoidal(positions, dim, module.weight.dtype))


def test_quicker_load_gives_the_same_model_and_tokenizer(tiny_model):
    """vertaal's load (lazy punctuation normaliser, position tables without a Python loop) gives
    what transformers' own from_pretrained gives, and puts transformers' code back afterwards."""
    import torch
    from transformers import MarianMTModel, MarianTokenizer
    from transformers.models.marian.modeling_marian import MarianSinusoidalPositionalEmbedding

    from vertaal.engine.loading import load
    from vertaal.engine.registry import ModelSpec

    original = MarianSinusoidalPositionalEmbedding.create_weight
    loaded = load(ModelSpec("nl-en", str(tiny_model)))
    assert MarianSinusoidalPositionalEmbedding.create_weight is original
    reference = MarianMTModel.from_pretrained(tiny_model)
    ours = loaded.model.state_dict()
    assert set(ours) == set(reference.state_dict())
    assert all(torch.equal(ours[k], v) for k, v in reference.state_dict().items())
    tokenizer = MarianTokenizer.from_pretrained(tiny_model)
    text = "De AIVD schrijft — „dit” … aan de Tweede Kamer."
    assert loaded.tokenizer(text)["input_ids"] == tokenizer(text)["input_ids"]
    assert loaded.tokenizer.normalize(text) == tokenizer.normalize(text)  # made on first use


def test_load_does_not_import_sacremoses(tiny_model):
    code = (
        "import sys; from vertaal.engine.loading import load; from vertaal.engine.registry import ModelSpec;"
        f" load(ModelSpec('nl-en', {str(tiny_model)!r})); print('sacremoses' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "False", done.stderr
