"""Codes at a sentence's edges, and pairs placed on a free translation where the place is certain."""

from __future__ import annotations

import pytest

from vertaal.engine.code_alignment import pairs, place
from vertaal.results import TermStatus
from vertaal.text.codes import edges, respace, without_codes

OP = [chr(0xE600 + k) for k in range(3)]  # opening codes
C = [chr(0xEC00 + k) for k in range(3)]  # their closing codes
S = [chr(0xE000 + k) for k in range(3)]  # standalone codes
ORD = chr(0xF200)  # an ordered code


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (f"{OP[0]}Hele zin.{C[0]}", (OP[0], "Hele zin.", C[0])),
        (f"{S[0]} Het rapport.{S[1]}{S[2]}", (f"{S[0]} ", "Het rapport.", f"{S[1]}{S[2]}")),
        (f"Het {OP[0]}rapport{C[0]}.", ("", f"Het {OP[0]}rapport{C[0]}.", "")),
        (f"{OP[0]}Lees{C[0]} het.", ("", f"{OP[0]}Lees{C[0]} het.", "")),  # the pair does not hold it all
        (f"{OP[0]}{OP[1]}Vet{C[1]} en meer.{C[0]}", (OP[0], f"{OP[1]}Vet{C[1]} en meer.", C[0])),
        (f"{S[0]} {S[1]}", ("", f"{S[0]} {S[1]}", "")),  # no words: nothing to take out
        (f"{ORD}Een zin.", ("", f"{ORD}Een zin.", "")),  # an ordered code stays with the others
        (f"{OP[0]}a.{C[0]}{S[0]}", (OP[0], "a.", f"{C[0]}{S[0]}")),
    ],
)
def test_edges(sentence, expected):
    assert edges(sentence) == expected
    assert "".join(edges(sentence)) == sentence


def test_pairs_only_when_every_code_is_a_pair_around_text():
    found = pairs(f"De {OP[0]}AIVD{C[0]} en {OP[1]}2014{C[1]}.")
    assert found == [(OP[0], C[0], "AIVD"), (OP[1], C[1], "2014")]
    assert pairs(f"De {OP[0]}AIVD{C[0]} {S[0]}.") is None  # a standalone code
    assert pairs(f"{OP[0]}De {OP[1]}AIVD{C[1]}{C[0]}.") is None  # nested
    assert pairs(f"De {OP[0]}{C[0]}.") is None  # around nothing
    assert pairs("Geen codes.") is None


def test_place_around_copied_text_and_terms():
    sentence = f"Zie {OP[0]}https://www.aivd.nl{C[0]} voor het {OP[1]}dreigingsniveau{C[1]}."
    assert without_codes(sentence) == "Zie https://www.aivd.nl voor het dreigingsniveau."
    term = TermStatus("dreigingsniveau", "threat level", "dreigingsniveau", "preferred", "enforced")
    placed = place(sentence, "See https://www.aivd.nl for the threat level.", [term])
    assert placed is not None
    assert placed[0] == f"See {OP[0]}https://www.aivd.nl{C[0]} for the {OP[1]}threat level{C[1]}."
    assert [c.status for c in placed[1]] == ["enforced"] * 4


@pytest.mark.parametrize(
    ("sentence", "target"),
    [
        (f"De {OP[0]}dienst{C[0]} werkt.", "The service works."),  # a plain word: its place is a guess
        (f"In {OP[0]}2014{C[0]} en 2014.", "In 2014 and 2014."),  # copied twice: which one?
        (f"De {OP[0]}AIVD{C[0]} werkt.", "The service works."),  # not copied
    ],
)
def test_no_place_without_certainty(sentence, target):
    assert place(sentence, target, []) is None


def test_respace_keeps_the_spaces_a_code_has_in_the_source():
    field = S[0]
    assert (
        respace(f"See Table{field}for more.", f"Zie Tabel {field} voor meer.")
        == f"See Table {field} for more."
    )
    assert respace(f"See Table {field}.", f"Zie Tabel{field} voor.") == f"See Table{field}."
    assert respace(f"the mark{field}.", f"het merk{field} en.") == f"the mark{field}."
