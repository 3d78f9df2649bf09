"""Input normalisation and Dutch sentence splitting."""

import pytest

from vertaal.text import reflow, sentences

# Chosen by this table: sentencex (fast, maintained) split after o.a. and d.w.z.; pysbd split
# after "Dhr." and took 14 s on a 73 KB paragraph. sentencex plus a repair list for the Dutch
# abbreviations it misses passes every row.
ABBREVIATIONS = [
    ("De AIVD werkt o.a. samen met de MIVD. Dat is bekend.", 2),
    ("Er zijn bijv. drie diensten. Dat is veel.", 2),
    ("Het gaat d.w.z. om de taak. De dienst is klein.", 2),
    ("Het rapport m.b.t. de dreiging is klaar. Het is goed.", 2),
    ("Zie nr. 5 op blz. 40 van het verslag. Daar staat het.", 2),
    ("Dhr. Jansen en dhr. De Vries waren er. Zij spraken.", 2),
    ("Dit kost ca. 5 mln. euro. Dat is veel.", 2),
    ("Op 15 juni 2014 is de JSCU van start gegaan. De dienst groeit.", 2),
    ("Wat is de dreiging? Die is substantieel! Zo staat het er.", 3),
]


@pytest.mark.parametrize(("text", "count"), ABBREVIATIONS)
def test_dutch_abbreviations_do_not_end_sentences(text, count):
    result = sentences.sentences(text)
    assert len(result) == count, result
    assert " ".join(result) == text


def test_line_ends_bom_and_nfc_are_normalised():
    assert reflow.normalise("\ufeffa\r\nb\rc") == "a\nb\nc"
    assert reflow.normalise("Coo\u0308rdinator") == "Coördinator"


def test_wrapped_lines_join_and_blank_lines_separate_paragraphs():
    text = "De AIVD werkt \nsamen met de MIVD.\n  \nTweede alinea\nloopt door.\n\n\n"
    assert reflow.paragraphs(text) == ["De AIVD werkt samen met de MIVD.", "Tweede alinea loopt door."]


@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        (["de samenwer-", "king tussen"], "de samenwerking tussen"),
        (["in het AIVD-", "gebouw"], "in het AIVD-gebouw"),
        (["de Sigint-", "en cybergegevens"], "de Sigint- en cybergegevens"),
        (["het auto-", "ongeluk"], "het auto-ongeluk"),
        (["de NAVO-", "top"], "de NAVO-top"),
        (["het 2014-", "verslag"], "het 2014-verslag"),
        (["zuid-", "Holland"], "zuid-Holland"),
    ],
)
def test_line_end_hyphens(lines, joined):
    assert reflow.join_lines(lines) == joined


def test_sample_page_keeps_head_page_number_and_heading_apart(sample_text):
    paragraphs = reflow.paragraphs(sample_text)
    assert paragraphs[:3] == [
        "Samenwerking en organisatieontwikkeling",
        "40",
        "AIVD en MIVD stemmen operationele activiteiten op elkaar af",
    ]
    assert len(paragraphs) == 4
    body = paragraphs[3]
    assert body.startswith("samenwerkingsovereenkomst opgesteld") and "AIVD-gebouw" in body
    assert "\n" not in body
    found = sentences.sentences(body)
    assert len(found) > 20
    assert all(len(s) < 600 for s in found)


def test_long_sentence_is_split_at_clause_marks_under_the_limit():
    sentence = ", ".join(["De dienst onderzoekt de dreiging in Nederland"] * 40)
    pieces = sentences.split_long(sentence)
    assert all(len(p) <= sentences.MAX_SENTENCE_CHARS for p in pieces)
    assert all(p.endswith(",") for p in pieces[:-1])
    assert " ".join(pieces) == sentence
    assert sentences.split_long("Kort.") == ["Kort."]


def test_pieces_stay_under_the_token_limit(tiny_model):
    from transformers import MarianTokenizer

    tokenizer = MarianTokenizer.from_pretrained(tiny_model)
    text = " ".join("x" if i % 2 else "ü" for i in range(2000))  # one-letter words, unknown characters
    for piece in sentences.split_long(text):
        assert len(tokenizer(piece)["input_ids"]) <= 512


def test_five_megabyte_line_is_cut_in_bounded_pieces():
    line = ("De dienst onderzoekt de dreiging, en de minister deelt het rapport " * 80000)[:5_000_000]
    pieces = sentences.split_long(line)
    assert all(len(p) <= sentences.MAX_SENTENCE_CHARS for p in pieces)
    assert " ".join(pieces) == line.strip()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Inleiding\nDe dienst werkt samen met de politie.",
            ["Inleiding", "De dienst werkt samen met de politie."],
        ),
        ("12\nDe dienst werkt samen.", ["12", "De dienst werkt samen."]),
        (  # wrapped prose stays one paragraph, short lines mid-sentence too
            "De dienst werkt al jaren nauw samen met de politie en\nde marechaussee in\nNederland.",
            ["De dienst werkt al jaren nauw samen met de politie en de marechaussee in Nederland."],
        ),
        ("Dit is een zin.\nNog een zin die hier eindigt.", ["Dit is een zin. Nog een zin die hier eindigt."]),
    ],
)
def test_pdf_dump_lines_that_stand_apart(text, expected):
    assert reflow.paragraphs(text) == expected
