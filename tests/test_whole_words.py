"""Terms land as whole words, and what `translate` reports is what `check` finds.

Random models are the honest test: they never produce a term by themselves, so every guarantee
here is the decoder's alone.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from transformers import MarianTokenizer

from tests import factory
from vertaal import Translator
from vertaal.engine.beam import constrained_beam_search
from vertaal.engine.constraints import SentenceConstraints
from vertaal.qa.alignment import SegmentPair
from vertaal.qa.checks import Checker
from vertaal.terms.entry import Entry
from vertaal.terms.matcher import Matcher

# Dutch source words and English targets; the random models' vocabulary is trained on them.
SOURCE_TERMS = "dreigingsniveau AIVD jaarverslag kabinet politie minister dienst rapport".split()
TARGET_TERMS = [
    "threat level",
    "annual report",
    "cabinet",
    "police",
    "minister",
    "service",
    "report",
    "intelligence service",
    "Counterterrorism Alert System",
    "intelligence and security services",
]
FILLER = "De dienst werkt samen met de politie en het team in Nederland".split()


@pytest.fixture(scope="module")
def random_models(tmp_path_factory):
    """Tiny random models (one with early stopping on, one biased to end early) with a real vocabulary."""
    texts = [t for pair in factory.corpus_pairs() for t in pair]
    texts += SOURCE_TERMS + TARGET_TERMS + [" ".join(FILLER)]
    built = {}
    for seed, early_stopping in ((1, False), (2, True), (3, False)):
        directory = tmp_path_factory.mktemp(f"whole-words-{seed}")
        model = factory.build_model(directory, seed=seed, texts=texts, spm_size=300)
        config = json.loads((directory / "generation_config.json").read_text())
        config["early_stopping"] = early_stopping
        (directory / "generation_config.json").write_text(json.dumps(config))
        if seed == 3:
            with torch.no_grad():
                model.final_logits_bias[0, 0] = 3.0  # eos = 0: short outputs
            model.save_pretrained(directory)
        built[seed] = directory
    return built


_translators: dict[tuple[Path, int], Translator] = {}


def translator(model: Path, beams: int, entries: list[Entry]) -> Translator:
    """A translator with `entries` as its glossary; the model is loaded once per (model, beams)."""
    key = (model, beams)
    if key not in _translators:
        _translators[key] = Translator(model=str(model), beams=beams, glossary=None)
    cached = _translators[key]
    cached.matcher = Matcher(entries) if entries else None
    return cached


@st.composite
def glossaries(draw):
    """Entries whose sources occur in the sentences: preferred, keep, with forbidden targets that
    share words with required ones, and sources that are prefixes of others' targets."""
    sources = draw(st.lists(st.sampled_from(SOURCE_TERMS), min_size=1, max_size=4, unique=True))
    targets = {
        s: s if s.isupper() or not draw(st.integers(0, 5)) else draw(st.sampled_from(TARGET_TERMS))
        for s in sources
    }
    entries = []
    for source, target in targets.items():
        if target == source:
            entries.append(Entry(source, kind="keep"))
            continue
        forbidden = draw(st.lists(st.sampled_from(TARGET_TERMS + ["threat", "level", "Alert"]), max_size=2))
        # a term that a glossary both requires and forbids is a conflict no decoder can resolve
        forbidden = [f for f in forbidden if not any(_overlaps(f, t) for t in targets.values())]
        entries.append(Entry(source, target, forbidden=forbidden))
    return entries


def _overlaps(forbidden: str, target: str) -> bool:
    """Whether a forbidden term would make the target impossible (one holds the other as words)."""
    a, b = f" {forbidden.lower()} ", f" {target.lower()} "
    return a in b or b in a


@st.composite
def documents(draw, entries):
    """Sentences holding the glossary's terms (some twice), mixed with sentences holding none."""
    sentences = []
    for _ in range(draw(st.integers(1, 4))):
        words = draw(st.lists(st.sampled_from(FILLER), min_size=1, max_size=8))
        terms = draw(st.lists(st.sampled_from([e.source for e in entries]), max_size=3))
        for term in terms:
            words.insert(draw(st.integers(0, len(words))), term)
        sentences.append(" ".join(words).capitalize().replace("aivd", "AIVD") + ".")
    return "\n\n".join(sentences)


@settings(
    max_examples=int(os.environ.get("VERTAAL_PROPERTY_EXAMPLES", 40)),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data(), beams=st.integers(1, 6), seed=st.sampled_from([1, 2, 3]))
def test_check_agrees_with_translate_term_by_term(random_models, data, beams, seed):
    entries = data.draw(glossaries())
    text = data.draw(documents(entries))
    engine = translator(random_models[seed], beams, entries)
    document = engine.translate_document(text)
    checker = Checker(engine.matcher, ("nl", "en"))
    for row in document.sentences:
        report = checker.check_segment(SegmentPair(0, row.source, row.target))
        claimed = [t.status != "failed" for t in row.terms or []]
        assert claimed == [t.present for t in report.terms], (row.target, row.terms)
        assert all(claimed), (row.source, row.target, row.terms)  # the length limit always leaves room
        forbidden = [p for p in report.problems if p.check == "forbidden_term"]
        assert not forbidden, (row.target, forbidden)


def test_terms_are_whole_words_on_the_sample_page(glossary_model, sample_text):
    """The issue's case: AIVD (keep) and dreigingsniveau on the sample page, random weights."""
    entries = [Entry("AIVD", kind="keep"), Entry("dreigingsniveau", "threat level")]
    engine = Translator(model=str(glossary_model), beams=4, glossary=entries)
    document = engine.translate_document(sample_text)
    checker = Checker(engine.matcher)
    report = checker.check(SegmentPair(i, r.source, r.target) for i, r in enumerate(document.sentences))
    assert report.summary()["term_success_rate"] == 1.0
    assert not re.search(r"\wAIVD|AIVD[^\W_]", document.text())


# -- the defects found by randomised probing, each reduced to a minimal case ---------------------
SOURCES = ["De AIVD werkt samen met de MIVD.", "Het kabinet.", "De dienst onderzoekt de dreiging opnieuw."]


@pytest.fixture(scope="module")
def raw_models(tmp_path_factory):
    built = []
    for seed in (0, 1):
        directory = tmp_path_factory.mktemp(f"raw-{seed}")
        model = factory.build_model(directory, seed=seed, num_beams=4)
        built.append((model, MarianTokenizer.from_pretrained(directory)))
    return built


def decode(model, tokenizer, sources, constraints, **options):
    batch = tokenizer(sources, return_tensors="pt", padding=True)
    options |= {"custom_generate": constrained_beam_search, "constraints": constraints}
    return model.generate(**batch, **options)


def test_early_stopping_leaves_unconstrained_sentences_as_generate_has_them(raw_models):
    model, tokenizer = raw_models[0]
    options = {"num_beams": 4, "max_length": 30, "early_stopping": True}
    plain = model.generate(**tokenizer(SOURCES, return_tensors="pt", padding=True), **options)
    expected = [[t for t in row.tolist() if t not in (0, model.config.pad_token_id)] for row in plain]
    constraints = [SentenceConstraints([((7, 8),)]), None, SentenceConstraints([((9,),), ((10,),)])]
    result = decode(model, tokenizer, SOURCES, constraints, **options)
    assert result.sequences[1] == expected[1]
    for tokens, state in zip(result.sequences, result.states, strict=True):
        assert len(tokens) > 2  # placeholders used to end the search after two tokens
        assert state is None or all(state.met)


def test_no_row_is_all_minus_infinity(raw_models):
    """Forcing that allows only a banned token, and the last position, never emit pad or a ban."""
    model, tokenizer = raw_models[1]
    pad = model.config.pad_token_id
    impossible = SentenceConstraints([((5, 6),)], forbidden=[(5,)])
    for max_length in (4, 6, 9):
        alone = decode(model, tokenizer, SOURCES[:1], [impossible], num_beams=2, max_length=max_length)
        mixed = decode(
            model,
            tokenizer,
            SOURCES,
            [impossible, SentenceConstraints([((11, 12, 13),)]), None],
            num_beams=2,
            max_length=max_length,
        )
        assert 5 not in alone.sequences[0] and pad not in alone.sequences[0]
        assert mixed.sequences[0] == alone.sequences[0]  # independent of its batchmates


def test_forcing_takes_the_form_that_no_forbidden_sequence_blocks(raw_models):
    model, tokenizer = raw_models[0]
    constraints = [SentenceConstraints([((7, 8), (9, 10))], forbidden=[(7,)])]
    for max_length in (5, 6, 8):
        result = decode(model, tokenizer, SOURCES[:1], constraints, num_beams=1, max_length=max_length)
        assert all(result.states[0].met) and 7 not in result.sequences[0]


def test_a_phrase_that_is_the_prefix_of_another_is_met_with_it(raw_models):
    model, tokenizer = raw_models[0]
    constraints = [SentenceConstraints([((4,),), ((3, 4),)])]
    result = decode(model, tokenizer, SOURCES[:1], constraints, num_beams=1, max_length=6)
    assert all(result.states[0].met)


def test_a_term_inside_another_phrase_counts():
    sentence = SentenceConstraints([((5, 6, 7),), ((6,),)])
    state = sentence.start_state()
    for token in (5, 6):
        state = sentence.advance(state, token)
    assert state.met == (False, True)  # 6 met the second requirement while the first was in progress


def test_start_only_forms_do_not_count_once_the_start_has_passed():
    sentence = SentenceConstraints([((3, 4), (5,))], initial={(5,)})
    assert sentence.min_lengths == [2]


def test_the_same_term_twice_needs_two_occurrences_of_its_own():
    sentence = SentenceConstraints([((3, 3),), ((3, 3),)])
    state = sentence.start_state()
    for token in (3, 3, 3):
        state = sentence.advance(state, token)
    assert state.met == (True, False)
    assert sentence.advance(state, 3).met == (True, True)


def test_a_term_put_in_by_forcing_is_enforced(glossary_model):
    """At beam 1 the model's own token always keeps the place: only forcing brings the term in."""
    engine = Translator(model=str(glossary_model), beams=1, glossary=[Entry("kabinet", "cabinet")])
    [row] = engine.translate_document("Het kabinet bespreekt het rapport.").sentences
    assert [t.status for t in row.terms] == ["enforced"]
    assert re.search(r"(?<!\w)[Cc]abinets?(?!\w)", row.target)


def test_length_limit_does_not_depend_on_batchmates(glossary_model):
    entries = [Entry("kabinet", "cabinet"), Entry("AIVD", kind="keep")]
    short = "Het kabinet."
    long = "De AIVD werkt samen met de MIVD en het kabinet in Nederland, en de politie ook. " * 3
    engine = Translator(model=str(glossary_model), beams=2, glossary=entries)
    alone = engine.translate_document(short).sentences[0].target
    together = engine.translate_document(short + " " + long).sentences[0].target
    assert alone == together


COORDINATED = [
    Entry("inlichtingendienst", "intelligence service"),
    Entry("veiligheidsdienst", "security service"),
]


def test_check_accepts_the_english_coordination_for_both_terms():
    checker = Checker(Matcher(COORDINATED))
    source = "De inlichtingen- en veiligheidsdiensten werken samen."
    coordinated = "The intelligence and security services cooperate."
    result = checker.check_segment(SegmentPair(0, source, coordinated))
    assert [t.present for t in result.terms] == [True, True] and not result.problems
    split = checker.check_segment(SegmentPair(0, source, "The intelligence services cooperate."))
    assert [t.present for t in split.terms] == [True, False]


@pytest.mark.parametrize("beams", [1, 4])
def test_decoder_meets_a_coordinated_pair_and_check_agrees(random_models, beams):
    engine = translator(random_models[1], beams, COORDINATED)
    [row] = engine.translate_document("De inlichtingen- en veiligheidsdiensten werken samen.").sentences
    result = Checker(engine.matcher).check_segment(SegmentPair(0, row.source, row.target))
    assert [t.status != "failed" for t in row.terms] == [t.present for t in result.terms] == [True, True]
