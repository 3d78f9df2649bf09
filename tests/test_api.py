"""The Python API works without the CLI."""

from vertaal import DocumentResult, Translator, translate


def test_translator_translates_and_keeps_paragraphs(tiny_model):
    translator = Translator(model=str(tiny_model), beams=2)
    document = translator.translate_document("Een zin. Nog een.\n\nTweede alinea.")
    assert isinstance(document, DocumentResult)
    assert document.paragraph_count == 2
    assert [(r.paragraph, r.sentence) for r in document.sentences] == [(0, 0), (0, 1), (1, 0)]
    assert translator.load_seconds > 0
    assert len(translator.translate_sentences(["Een.", "Twee."])) == 2


def test_empty_text_loads_no_model():
    translator = Translator()
    assert translator.translate("") == ""
    assert translator._engine is None


def test_translate_function(trained_model):
    text = translate("De minister deelt het rapport.", model=str(trained_model))
    assert text == "The minister shares the report."


def test_result_dict_form(tiny_model):
    document = Translator(model=str(tiny_model), beams=1).translate_document("Hallo.")
    row = document.sentences[0].to_dict()
    assert set(row) == {"paragraph", "sentence", "source", "target"}
