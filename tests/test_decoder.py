"""The beam search decoder: equal to transformers' own without constraints, and constraints always met."""

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from transformers import MarianTokenizer

from tests import factory
from vertaal.engine.beam import constrained_beam_search
from vertaal.engine.constraints import SentenceConstraints

SOURCES = [
    "De AIVD werkt samen met de MIVD.",
    "Het kabinet.",
    "De dienst onderzoekt de dreiging in Nederland opnieuw, met de politie en het team.",
    "Twee.",
]


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """Tiny random models; some have a bias towards end-of-sentence so lengths vary."""
    built = []
    for seed in range(6):
        directory = tmp_path_factory.mktemp(f"random-{seed}")
        model = factory.build_model(directory, seed=seed, num_beams=4)
        if seed % 2:
            with torch.no_grad():
                model.final_logits_bias[0, 0] = 2.5 + seed / 2  # eos = 0
        built.append((model, MarianTokenizer.from_pretrained(directory)))
    return built


def strip(row, pad):
    return [t for t in row if t not in (0, pad)]


@pytest.mark.parametrize("beams", [1, 2, 4, 6])
@pytest.mark.parametrize("max_length", [4, 17, 40])
def test_no_constraints_equals_transformers_generate(models, beams, max_length):
    for model, tokenizer in models:
        batch = tokenizer(SOURCES, return_tensors="pt", padding=True)
        options = {"num_beams": beams, "max_length": max_length, "length_penalty": 1.0}
        if beams == 1:  # generate() uses greedy search then; a beam of one is the same search
            options["num_beams"] = 1
        reference = model.generate(**batch, **options)
        ours = model.generate(**batch, **options, custom_generate=constrained_beam_search)
        expected = [strip(row.tolist(), model.config.pad_token_id) for row in reference]
        assert ours.sequences == expected
        with_nones = model.generate(
            **batch, **options, custom_generate=constrained_beam_search, constraints=[None] * len(SOURCES)
        )
        assert with_nones.sequences == expected


@pytest.mark.parametrize("length_penalty", [0.0, 0.6, 2.0])
def test_length_penalty_equals_transformers(models, length_penalty):
    model, tokenizer = models[1]
    batch = tokenizer(SOURCES, return_tensors="pt", padding=True)
    options = {"num_beams": 4, "max_length": 30, "length_penalty": length_penalty}
    reference = model.generate(**batch, **options)
    ours = model.generate(**batch, **options, custom_generate=constrained_beam_search)
    assert ours.sequences == [strip(r.tolist(), model.config.pad_token_id) for r in reference]


def count(tokens, phrase):
    """Non-overlapping occurrences of `phrase` in `tokens`."""
    n, i, found = len(phrase), 0, 0
    while i + n <= len(tokens):
        if tuple(tokens[i : i + n]) == phrase:
            found += 1
            i += n
        else:
            i += 1
    return found


def occurs(tokens, phrase):
    n = len(phrase)
    return any(tuple(tokens[i : i + n]) == phrase for i in range(len(tokens) - n + 1))


TOKENS = st.integers(min_value=3, max_value=40)
PHRASE = st.lists(TOKENS, min_size=1, max_size=4).map(tuple)


def holds(phrase, part):
    return any(tuple(phrase[i : i + len(part)]) == part for i in range(len(phrase) - len(part) + 1))


@st.composite
def constraint_sets(draw):
    """Requirements with several forms each (one of them maybe allowed only at the start), shared
    prefixes, the same term twice, and forbidden sequences that share tokens with required ones."""
    phrases = draw(st.lists(PHRASE, min_size=1, max_size=3))
    if len(phrases) > 1 and draw(st.booleans()):  # share a prefix or overlap with the first phrase
        first = phrases[0]
        phrases[1] = first[: draw(st.integers(1, len(first)))] + phrases[1]
    requirements = [[p] for p in phrases]
    initial = set()
    for forms in requirements:
        for _ in range(draw(st.integers(0, 2))):
            forms.append(draw(PHRASE))
        if len(forms) > 1 and draw(st.booleans()):
            initial.add(forms[-1])  # a start-only form, as a capitalised target is
    initial -= {forms[0] for forms in requirements}  # every requirement keeps a form usable anywhere
    if draw(st.booleans()):
        requirements.append(list(requirements[0]))  # the same term twice
    used = sorted({t for forms in requirements for p in forms for t in p})
    pool = used + list(range(41, 90))
    forbidden = draw(st.lists(st.lists(st.sampled_from(pool), min_size=1, max_size=2).map(tuple), max_size=3))
    # keep the requirements satisfiable: every one keeps its first form free of forbidden sequences
    forbidden = [f for f in forbidden if not any(holds(forms[0], f) for forms in requirements)]
    return [tuple(forms) for forms in requirements], forbidden, initial


def own_outputs(model, tokenizer, cache={}):  # noqa: B006 (a cache on purpose)
    """What each source becomes without constraints at beam 1 (transformers' greedy search)."""
    key = id(model)
    if key not in cache:
        batch = tokenizer(SOURCES, return_tensors="pt", padding=True)
        rows = model.generate(**batch, num_beams=1, max_length=40)
        cache[key] = [strip(row.tolist(), model.config.pad_token_id) for row in rows]
    return cache[key]


@st.composite
def biting_bigrams(draw, requirements, own):
    """Forbidden bigrams that end where a requirement's form starts and begin with a token the
    model produces itself, so forcing may find that token in the slot before it (beam 1 has no
    other hypothesis to fall back on)."""
    if not own:
        return []
    starts = sorted({form[0] for forms in requirements for form in forms})
    bigram = st.tuples(st.sampled_from(sorted(set(own))), st.sampled_from(starts))
    bigrams = draw(st.lists(bigram, max_size=2))
    return [f for f in bigrams if not any(holds(forms[0], f) for forms in requirements)]


def log_probs_after(model, tokenizer, source, tokens):
    """The model's next-token log-probabilities after `tokens`: teacher forced, not the decoder's."""
    prefix = torch.tensor([[model.config.decoder_start_token_id, *tokens]])
    with torch.no_grad():
        logits = model(**tokenizer([source], return_tensors="pt"), decoder_input_ids=prefix).logits
    return torch.log_softmax(logits[0, -1].float(), dim=-1)


def assert_ends_as_the_model_would(model, tokenizer, source, tokens, sentence, max_length, beams):
    """The output ends at the length limit, or where end-of-sentence is among the `beams` best
    tokens the model gives its hypothesis (not counting tokens the constraints ban there): where
    transformers' beam search would end it."""
    if len(tokens) >= max_length - 2:  # the start token and end-of-sentence fill the limit
        return
    scores = log_probs_after(model, tokenizer, source, tokens)
    banned = sentence.banned_next(tokens) | {model.config.pad_token_id}
    eos = float(scores[0])
    above = [t for t in torch.nonzero(scores > eos + 1e-4).flatten().tolist() if t not in banned]
    assert len(above) < beams, (tokens, len(above))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), beams=st.sampled_from([1, 2, 4]), early_stopping=st.booleans())
def test_every_constraint_present_and_no_forbidden_phrase(models, data, beams, early_stopping):
    """Every requirement met, no forbidden sequence; early stopping ends a search sooner only on
    endings the model ranks as transformers would have them end.

    Draws early stopping with every beam size (with beams > 1 it once ended outputs right after
    the last term, on endings the model ranked far down), and forbidden bigrams that bite at
    beam 1 (they once left a term unplaced)."""
    model, tokenizer = models[data.draw(st.integers(0, len(models) - 1))]
    sets = [data.draw(constraint_sets()) for _ in SOURCES]
    own = own_outputs(model, tokenizer)
    sets = [
        (reqs, forbidden + data.draw(biting_bigrams(reqs, own[i])), initial)
        for i, (reqs, forbidden, initial) in enumerate(sets)
    ]
    constraints = [SentenceConstraints(reqs, forbidden, initial) for reqs, forbidden, initial in sets]
    needed = max(c.total_units for c in constraints)
    max_length = needed + 3 + data.draw(st.integers(0, 12))
    batch = tokenizer(SOURCES, return_tensors="pt", padding=True)
    options = dict(
        num_beams=beams,
        max_length=max_length,
        custom_generate=constrained_beam_search,
        constraints=constraints,
    )
    result = model.generate(**batch, early_stopping=early_stopping, **options)
    patient = model.generate(**batch, early_stopping=False, **options) if early_stopping else result
    outputs = zip(SOURCES, result.sequences, patient.sequences, sets, constraints, result.states, strict=True)
    for source, tokens, unhurried, (reqs, forbidden, initial), sentence, state in outputs:
        assert all(state.met), (tokens, reqs, forbidden, initial)
        for forms in set(reqs):
            found = sum(
                count(tokens, p) for p in forms if p not in initial or tokens[: len(p)] == list(p)
            )
            assert found >= reqs.count(forms), (tokens, forms)
        for phrase in forbidden:
            assert not occurs(tokens, phrase), (tokens, phrase)
        if tokens != unhurried:  # early stopping ended the search on a beam full of endings
            assert_ends_as_the_model_would(model, tokenizer, source, tokens, sentence, max_length, beams)


def test_room_is_kept_after_an_abandoned_phrase(models):
    """Found by the property test: starting a phrase and dropping it must not use up the last steps."""
    model, tokenizer = models[1]
    sets = [[(3,)], [(3,)], [(39, 3), (39, 3)], [(3, 3, 3, 3), (3, 3, 3, 3)]]
    constraints = [SentenceConstraints([(p,) for p in phrases]) for phrases in sets]
    batch = tokenizer(SOURCES, return_tensors="pt", padding=True)
    result = model.generate(
        **batch, num_beams=1, max_length=11, custom_generate=constrained_beam_search, constraints=constraints
    )
    assert all(all(state.met) for state in result.states)


def test_repeated_term_appears_twice(models):
    model, tokenizer = models[0]
    batch = tokenizer(SOURCES[:1], return_tensors="pt")
    constraints = [SentenceConstraints([((7, 8),), ((7, 8),)])]
    result = model.generate(
        **batch, num_beams=4, max_length=20, custom_generate=constrained_beam_search, constraints=constraints
    )
    assert count(result.sequences[0], (7, 8)) >= 2


def test_unmeetable_constraint_is_reported_not_dropped(models):
    model, tokenizer = models[0]
    batch = tokenizer(SOURCES[:1], return_tensors="pt")
    constraints = [SentenceConstraints([((5, 6, 7, 8, 9),), ((10,),)])]
    result = model.generate(
        **batch, num_beams=2, max_length=4, custom_generate=constrained_beam_search, constraints=constraints
    )
    state = result.states[0]
    assert state.met == (False, True)  # the one-token requirement fits; the five-token one cannot
    assert 10 in result.sequences[0]  # and the one that fits is in the output
    assert 0 not in result.sequences[0] and result.sequences[0]  # a translation, without placeholders


def test_capitalised_alternative_only_opens_the_sentence(models):
    model, tokenizer = models[0]
    batch = tokenizer(SOURCES[:1], return_tensors="pt")
    capital, lower = (11, 12), (13, 12)
    constraints = [SentenceConstraints([(capital, lower)], initial={capital})]
    result = model.generate(
        **batch, num_beams=4, max_length=25, custom_generate=constrained_beam_search, constraints=constraints
    )
    tokens = result.sequences[0]
    assert occurs(tokens, lower) or tokens[:2] == list(capital)


@pytest.fixture
def rows_decoded(monkeypatch):
    """The hypothesis rows the decoder ran at each step after the first."""
    from vertaal.engine import beam

    rows: list[int] = []
    original = beam._forward

    def counting(model, beams, model_kwargs):
        rows.append(beams.running.shape[0] * beams.running.shape[1])
        return original(model, beams, model_kwargs)

    monkeypatch.setattr(beam, "_forward", counting)
    return rows


def test_finished_sentences_leave_the_batch(trained_model, rows_decoded):
    """A sentence whose result is fixed stops costing decoder rows; the others decode as before."""
    from pathlib import Path

    from transformers import MarianMTModel

    model = MarianMTModel.from_pretrained(trained_model)
    tokenizer = MarianTokenizer.from_pretrained(trained_model)
    corpus = Path(__file__).parent / "data" / "corpus.tsv"
    sources = [line.split("\t")[0] for line in corpus.read_text(encoding="utf-8").splitlines()[:24]]
    batch = tokenizer(sources, return_tensors="pt", padding=True)
    reference = model.generate(**batch, num_beams=4, max_length=60)
    ours = model.generate(**batch, num_beams=4, max_length=60, custom_generate=constrained_beam_search)
    assert ours.sequences == [strip(r.tolist(), model.config.pad_token_id) for r in reference]
    assert len({len(s) for s in ours.sequences}) > 3  # lengths vary ...
    assert rows_decoded[-1] < len(sources) * 4  # ... and sentences left as they finished
    assert sum(rows_decoded) < 0.8 * len(rows_decoded) * len(sources) * 4


def test_a_sentence_at_its_own_limit_leaves_the_batch(models, rows_decoded):
    """Per-sentence length limits (vertaal's own) end a short sentence early and drop its rows."""
    model, tokenizer = models[0]  # random: never ends by itself
    batch = tokenizer(SOURCES, return_tensors="pt", padding=True)
    limits = [30, 8, 30, 5]
    ours = model.generate(
        **batch, num_beams=4, max_length=30, custom_generate=constrained_beam_search, length_limits=limits
    )
    assert [len(s) <= limit - 1 for s, limit in zip(ours.sequences, limits, strict=True)] == [True] * 4
    assert rows_decoded[-1] == 2 * 4  # only the two long sentences decode to the end
    for i in (1, 3):  # each alone, with its own limit, gives the same
        alone = model.generate(
            **tokenizer(SOURCES[i : i + 1], return_tensors="pt"),
            num_beams=4,
            max_length=limits[i],
            custom_generate=constrained_beam_search,
        )
        assert alone.sequences[0] == ours.sequences[i]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), beams=st.sampled_from([1, 2, 4]), early_stopping=st.booleans())
def test_leaving_the_batch_changes_no_constrained_result(models, data, beams, early_stopping, monkeypatch):
    """Constrained sentences (banks, forced tokens, states) give the same tokens and states whether
    finished batchmates leave or stay."""
    from vertaal.engine import beam

    model, tokenizer = models[data.draw(st.integers(0, len(models) - 1))]
    sets = [data.draw(constraint_sets()) if data.draw(st.booleans()) else None for _ in SOURCES]
    constraints = [SentenceConstraints(*s) if s else None for s in sets]
    needed = max((c.total_units for c in constraints if c), default=0)
    batch = tokenizer(SOURCES, return_tensors="pt", padding=True)
    options = dict(
        num_beams=beams,
        early_stopping=early_stopping,
        max_length=needed + 3 + data.draw(st.integers(0, 12)),
        custom_generate=constrained_beam_search,
        constraints=constraints,
        length_limits=[data.draw(st.integers(needed + 3, 30)) for _ in SOURCES],
    )
    pruned = model.generate(**batch, **options)
    with monkeypatch.context() as patched:
        patched.setattr(beam, "_row_independent", lambda *steps: False)
        whole = model.generate(**batch, **options)
    assert pruned.sequences == whole.sequences
    assert pruned.states == whole.states


def test_unknown_per_row_state_keeps_the_batch_whole(models, rows_decoded):
    """A logits processor that keeps per-row state, or model arguments select_rows cannot cut,
    keep every row to the end (the limits still hold)."""
    from vertaal.engine import internals

    assert not internals.select_rows({"token_type_ids": torch.zeros(4, 3)}, torch.tensor([0, 1]))
    model, tokenizer = models[0]
    batch = tokenizer(SOURCES, return_tensors="pt", padding=True)
    limits = [30, 8, 30, 5]
    ours = model.generate(
        **batch,
        num_beams=2,
        max_length=30,
        custom_generate=constrained_beam_search,
        length_limits=limits,
        encoder_repetition_penalty=1.5,  # its processor holds each row's source ids
    )
    assert set(rows_decoded) == {len(SOURCES) * 2}
    assert all(len(s) <= limit - 1 for s, limit in zip(ours.sequences, limits, strict=True))
