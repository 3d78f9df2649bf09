"""A sentence's translation never depends on its batchmates, on either engine.

CTranslate2 takes one length limit per call: a batch that mixed a short sentence with a long one
used to decode the short one under the long one's limit, so on random weights (which run to the
limit) its output changed with the batch. Batches now hold one limit each, placement's calls too.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vertaal import Translator
from vertaal.terms.entry import Entry

pytest.importorskip("ctranslate2")

SENTENCES = [
    "Twee.",
    "De dienst onderzoekt de dreiging in Nederland opnieuw, met de politie en het team.",
    "Het kabinet.",
    "De AIVD deelt het rapport met de minister.",
    "Een zin.",
    "De Nationaal Coördinator Terrorismebestrijding en Veiligheid hanteert het dreigingsniveau.",
    "Dat is alles.",
]
GLOSSARY = [Entry("kabinet", "cabinet"), Entry("dreiging", "threat"), Entry("rapport", "report")]


def outputs(model, engine: str, glossary, batch_size: int, order: list[int]) -> dict[str, tuple]:
    translator = Translator(
        model=str(model), engine=engine, glossary=glossary, memory=False, beams=2, batch_size=batch_size
    )
    document = translator.translate_blocks([SENTENCES[i] for i in order])
    return {
        r.source: (r.target, [t.status for t in r.terms or []]) for r in document.sentences
    }


@pytest.mark.parametrize("engine", ["ctranslate2", "torch"])
@pytest.mark.parametrize("glossary", [None, GLOSSARY], ids=["free", "constrained"])
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**16))
def test_shuffled_sentences_give_the_same_outputs_at_batch_sizes_1_3_16(tiny_model, engine, glossary, seed):
    order = list(range(len(SENTENCES)))
    random.Random(seed).shuffle(order)
    alone = outputs(tiny_model, engine, glossary, 1, list(range(len(SENTENCES))))
    for batch_size in (3, 16):
        assert outputs(tiny_model, engine, glossary, batch_size, order) == alone


def test_the_reported_reproduction(tiny_model):
    """Issue 26: 'Twee.' next to a long sentence changed at batch size 16 (CTranslate2)."""
    pair = ["Twee.", SENTENCES[1]]
    one = Translator(model=str(tiny_model), glossary=None, memory=False, beams=1, batch_size=1)
    many = Translator(model=str(tiny_model), glossary=None, memory=False, beams=1, batch_size=16)
    assert one.translate_sentences(pair) == many.translate_sentences(pair)
    assert many.translate_sentences(pair)[0] == one.translate_sentences(["Twee."])[0]


def test_placement_and_repair_do_not_depend_on_batchmates(glossary_model):
    """The sample page with the starter glossary on the ctranslate2 engine: terms placed and
    sentences repaired, and not one output changes with the batch size. (Repairs used to run on a
    dynamically quantised int8 model, whose activation scale is the whole batch's.)"""
    from pathlib import Path

    from vertaal.glossary import delimited
    from vertaal.languages import Pair
    from vertaal.text.sentences import segment_document

    root = Path(__file__).resolve().parents[1]
    starter = root / "glossary" / "nl-en-government.tsv"
    rows = delimited.read(starter, starter.read_text(encoding="utf-8"), Pair("nl", "en"), "tsv")
    entries = [r.entry for r in rows]
    text = (root / "tests" / "data" / "sample-page.txt").read_text(encoding="utf-8")
    sentences = [s for paragraph in segment_document(text) for s in paragraph]
    results = {}
    for batch_size in (1, 64):  # alone, and with every sentence of the page (chunking: the test above)
        translator = Translator(
            model=str(glossary_model), glossary=entries, memory=False, batch_size=batch_size
        )
        results[batch_size] = translator.translate_sentences(sentences)
        assert translator.placed > 0 and translator.repaired > 0  # both paths are exercised
    assert results[1] == results[64]
