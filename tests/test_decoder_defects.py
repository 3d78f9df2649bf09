"""Decoder defects of issue 26, each kept as its original reproduction.

A. With early stopping and beams > 1, constrained output ended right after its last term: every
   hypothesis that had met its constraints was offered an ending, whatever the model thought of
   ending there, and those endings filled the beam, which under early stopping ends the search.
B. At beam 1, a forbidden bigram ("r level") whose first token the model had put in the slot just
   before forcing had to start left the term unplaced, though the term was satisfiable.

Scores here come from the model itself (teacher forced), not from the decoder under test.
"""

import pytest
import torch
from transformers import MarianTokenizer

from tests import factory
from vertaal import Translator
from vertaal.engine.beam import constrained_beam_search
from vertaal.engine.constraints import SentenceConstraints, TokenClasses
from vertaal.terms.entry import Entry
from vertaal.terms.forms import forbidden_used, presence
from vertaal.terms.matcher import Matcher


@pytest.fixture(scope="module")
def random_models(tmp_path_factory):
    """The tiny random models of the reproductions, by seed (test_decoder's, without an end bias)."""
    built = {}
    for seed in (0, 2):
        directory = tmp_path_factory.mktemp(f"defects-{seed}")
        model = factory.build_model(directory, seed=seed, num_beams=4)
        built[seed] = (model, MarianTokenizer.from_pretrained(directory), directory)
    return built


def decode(model, tokenizer, source, constraints, **options):
    """One sentence through the decoder under test: its tokens and constraint state."""
    batch = tokenizer([source], return_tensors="pt")
    options |= {"custom_generate": constrained_beam_search, "constraints": [constraints]}
    result = model.generate(**batch, **options)
    return result.sequences[0], result.states[0]


def model_log_probs(model, tokenizer, source, tokens):
    """log p(next token) after each prefix of `tokens` (one row per position, the last after all)."""
    prefix = torch.tensor([[model.config.decoder_start_token_id, *tokens]])
    with torch.no_grad():
        logits = model(**tokenizer([source], return_tensors="pt"), decoder_input_ids=prefix).logits
    return torch.log_softmax(logits[0].float(), dim=-1)


def normalised_score(model, tokenizer, source, tokens, max_length):
    """What beam search ranks an ending by: the log-probability of `tokens` and end-of-sentence,
    divided by their number (length penalty 1.0); end-of-sentence costs nothing where max_length
    forces it."""
    scores = model_log_probs(model, tokenizer, source, tokens)
    total = sum(float(scores[i, t]) for i, t in enumerate(tokens))
    forced = len(tokens) + 2 == max_length  # the start token, the tokens and end-of-sentence fill it
    total += 0.0 if forced else float(scores[len(tokens), model.config.eos_token_id])
    return total / (len(tokens) + 1)


def eos_rank(model, tokenizer, source, tokens):
    """How many tokens the model prefers to end-of-sentence after `tokens` (pad never counts)."""
    scores = model_log_probs(model, tokenizer, source, tokens)[-1]
    scores[model.config.pad_token_id] = float("-inf")
    return int((scores > scores[model.config.eos_token_id]).sum())


@pytest.mark.parametrize("beams", [2, 4])
def test_early_stopping_does_not_end_constrained_output_after_the_last_term(random_models, beams):
    """Issue 26 A: 'Het kabinet.' with token 16 required gave [98, 16] under early stopping, an
    ending the model ranks 34th and that scores worse than what the search finds without it."""
    model, tokenizer, _ = random_models[0]
    source, max_length = "Het kabinet.", 9
    required = SentenceConstraints([((16,),)])
    options = {"num_beams": beams, "max_length": max_length}
    early, state = decode(model, tokenizer, source, required, early_stopping=True, **options)
    patient, _ = decode(model, tokenizer, source, required, early_stopping=False, **options)
    assert all(state.met) and 16 in early

    def score(tokens):
        return normalised_score(model, tokenizer, source, tokens, max_length)

    truncated = [98, 16]  # the defect's output
    assert eos_rank(model, tokenizer, source, truncated) >= beams  # the model would not end there ...
    assert score(truncated) < score(patient)  # ... and the search without early stopping does better
    assert early != truncated
    assert score(early) >= score(patient) - 1e-5
    # early stopping may end the search sooner only on endings the model ranks among its K best
    assert early == patient or eos_rank(model, tokenizer, source, early) < beams


def test_beam_one_places_a_term_behind_a_token_that_may_not_precede_it(random_models):
    """Issue 26 B, at the decoder: 'level' required, 'r level' forbidden; seed 2's model keeps
    writing 'r', so the slot before forcing held 'r' and ▁level could never be placed."""
    model, tokenizer, _ = random_models[2]
    vocab = tokenizer.get_vocab()
    level, r = vocab["\u2581level"], vocab["r"]
    classes = TokenClasses.from_vocab(vocab, unknown=tokenizer.unk_token_id)
    constraints = SentenceConstraints([((level,),)], forbidden=[(r, level)], classes=classes)
    for max_length in (25, 12, 6):
        tokens, state = decode(model, tokenizer, "Twee.", constraints, num_beams=1, max_length=max_length)
        assert all(state.met), (max_length, tokens)
        assert level in tokens
        assert not any(tokens[i : i + 2] == [r, level] for i in range(len(tokens) - 1)), tokens


def test_beam_one_enforces_a_term_whose_forbidden_target_ends_in_it(random_models):
    """Issue 26 B, end to end: the status is enforced, and the shared presence test (what
    `vertaal check` runs) finds 'level' and not 'r level'."""
    from vertaal import Translator

    _, _, directory = random_models[2]
    entry = Entry("twee", "level", forbidden=["r level"])
    engine = Translator(model=str(directory), glossary=[entry], memory=False, beams=1)
    [row] = engine.translate_document("Twee.").sentences
    assert [t.status for t in row.terms] == ["enforced"], row.target
    assert presence(Matcher([entry]).find(row.source), row.target) == [True], row.target
    assert not forbidden_used(entry, row.target), row.target


def test_codes_that_need_more_positions_than_the_model_has_do_not_crash(tiny_model):
    """A sentence whose spelled codes need more decoding steps than the model has positions (found
    in odfpy's api-for-odfpy.odt: 'index out of range in self' from the position embedding) is cut
    at the model's last position; the codes that did not fit are failed and still in the output."""
    from vertaal.text.codes import STANDALONE, code_char

    codes = [code_char(STANDALONE, k) for k in range(240)]
    sentence = "De " + "".join(f"a{c}" for c in codes) + " dienst."  # one piece (under 500 characters)
    translator = Translator(model=str(tiny_model), engine="torch", glossary=None, memory=False, beams=1)
    rows = translator.translate_blocks([sentence]).sentences
    assert len(rows) == 1
    assert all(rows[0].target.count(c) == 1 for c in codes)
    statuses = {c.status for c in rows[0].codes}
    assert "failed" in statuses and len(rows[0].codes) == 240
