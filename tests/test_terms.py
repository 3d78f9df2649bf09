"""Finding glossary terms in Dutch text: a table per rule, positive and negative, and properties."""

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vertaal.terms.entry import Entry
from vertaal.terms.matcher import Matcher, line_column

GLOSSARY = [
    Entry("AIVD", kind="keep"),
    Entry("NCTV", kind="keep"),
    Entry("JSCU", kind="keep"),
    Entry("raad", "council"),
    Entry("Raad van State", "Council of State"),
    Entry(
        "Nationaal Coördinator Terrorismebestrijding en Veiligheid",
        "National Coordinator for Counterterrorism and Security",
    ),
    Entry("Terrorismebestrijding", "counterterrorism"),
    Entry("Alerteringssysteem Terrorismebestrijding", "Counterterrorism Alert System"),
    Entry("dreigingsniveau", "threat level"),
    Entry("inlichtingendienst", "intelligence service"),
    Entry("risico", "risk"),
    Entry("rapport", "report"),
    Entry("wet", "act"),
    Entry("Kamer", "House", case_sensitive=True),
    Entry("jaarverslag", "annual report"),
    Entry("Coordinator Bewaking", "Coordinator for Surveillance", fold_diacritics=True),
    Entry("toezicht", "oversight", compounds=True),
    Entry("Midden-Oosten", "Middle East"),
    Entry("veiligheidsdienst", "security service"),
    Entry("Tweede Kamer", "House of Representatives"),
    Entry(
        "Wet op de inlichtingen- en veiligheidsdiensten 2002",
        "Intelligence and Security Services Act 2002",
    ),
    Entry("ATb", kind="keep"),
]
MATCHER = Matcher(GLOSSARY)


def found(text, matcher=MATCHER):
    return [(h.entry.source, h.surface) for h in matcher.find(text)]


CASES = {
    # 1. whole words on token boundaries
    "whole word": ("De AIVD werkt.", [("AIVD", "AIVD")]),
    "not inside a longer word": ("De AIVDX werkt.", []),
    "not inside a compound": ("De gemeenteraad vergadert.", []),
    "not as prefix of a word": ("Het raadhuis is dicht.", []),
    "digits are part of the word": ("Zie AIVD2.", []),
    # 2. case
    "case-insensitive by default": ("Het DREIGINGSNIVEAU stijgt.", [("dreigingsniveau", "DREIGINGSNIVEAU")]),
    "acronyms only in capitals": ("De aivd en de Aivd.", []),
    "case-sensitive entry": ("Hij ging naar de kamer.", []),
    "case-sensitive entry, right case": ("De Kamer debatteert.", [("Kamer", "Kamer")]),
    "capital at sentence start": (
        "Dreigingsniveau blijft. Raad geeft advies.",
        [("dreigingsniveau", "Dreigingsniveau"), ("raad", "Raad")],
    ),
    # 3. inflection
    "plural -s": ("Twee dreigingsniveaus.", [("dreigingsniveau", "dreigingsniveaus")]),
    "plural -en": ("De inlichtingendiensten werken.", [("inlichtingendienst", "inlichtingendiensten")]),
    "plural -'s": ("Alle risico's zijn bekend.", [("risico", "risico's")]),
    "diminutive": ("Een rapportje volstaat.", [("rapport", "rapportje")]),
    "plural with vowel change": ("De raden vergaderen.", [("raad", "raden")]),
    "inflected inside a multi-word term": (
        "De Nationale Coördinator Terrorismebestrijding en Veiligheid.",
        [
            (
                "Nationaal Coördinator Terrorismebestrijding en Veiligheid",
                "Nationale Coördinator Terrorismebestrijding en Veiligheid",
            )
        ],
    ),
    "a known different word is not inflected": ("Wij weten het.", []),
    # 4. compounds, clitics, diacritics
    "start of a hyphenated compound": ("Het AIVD-gebouw staat er.", [("AIVD", "AIVD")]),
    "end of a hyphenated compound": ("Een oud-AIVD'er spreekt.", [("AIVD", "AIVD'er")]),
    "both parts of a hyphenated compound": (
        "Het NCTV-rapport verscheen.",
        [("NCTV", "NCTV"), ("rapport", "rapport")],
    ),
    "possessive": ("De NCTV's taken.", [("NCTV", "NCTV's")]),
    "diacritics folded when the entry says so": (
        "De Coördinator Bewaking.",
        [("Coordinator Bewaking", "Coördinator Bewaking")],
    ),
    "diacritics kept otherwise": (
        "De Nationaal Coordinator Terrorismebestrijding en Veiligheid.",
        [("Terrorismebestrijding", "Terrorismebestrijding")],
    ),
    "closed compound when asked": (
        "Het toezichtsorgaan en het cybertoezicht.",
        [("toezicht", "toezicht"), ("toezicht", "toezicht")],
    ),
    "hyphenated term": ("In het Midden-Oosten.", [("Midden-Oosten", "Midden-Oosten")]),
    # 5. wraps, spaces, overlaps, repeats
    "across a line wrap": (
        "het Alerteringssysteem\nTerrorismebestrijding en",
        [("Alerteringssysteem Terrorismebestrijding", "Alerteringssysteem Terrorismebestrijding")],
    ),
    "across a run of spaces": (
        "het Alerteringssysteem    Terrorismebestrijding",
        [("Alerteringssysteem Terrorismebestrijding", "Alerteringssysteem Terrorismebestrijding")],
    ),
    "longest match wins": ("De Raad van State adviseert.", [("Raad van State", "Raad van State")]),
    "nested not counted twice": (
        "De Nationaal Coördinator Terrorismebestrijding en Veiligheid.",
        [
            (
                "Nationaal Coördinator Terrorismebestrijding en Veiligheid",
                "Nationaal Coördinator Terrorismebestrijding en Veiligheid",
            )
        ],
    ),
    "twice is found twice": ("De AIVD en nog eens de AIVD.", [("AIVD", "AIVD"), ("AIVD", "AIVD")]),
    "interrupted multi-word term": (
        "het Alerteringssysteem van Terrorismebestrijding",
        [("Terrorismebestrijding", "Terrorismebestrijding")],
    ),
    # 6. real government prose
    "coordinated compound with an elided head holds two terms": (
        "De inlichtingen- en veiligheidsdiensten werken samen.",
        [("inlichtingendienst", "inlichtingen-"), ("veiligheidsdienst", "veiligheidsdiensten")],
    ),
    "coordinated the other way round": (
        "De veiligheids- en inlichtingendiensten.",
        [("veiligheidsdienst", "veiligheids-"), ("inlichtingendienst", "inlichtingendiensten")],
    ),
    "a coordinated hyphen compound keeps its acronym": ("Het AIVD- en MIVD-gebouw.", [("AIVD", "AIVD")]),
    "multi-word term whose last word opens a compound": (
        "De Tweede Kamercommissie en de Tweede Kamerleden.",
        [("Tweede Kamer", "Tweede Kamer"), ("Tweede Kamer", "Tweede Kamer")],
    ),
    "official name with an inserted abbreviation": (
        "Volgens de Wet op de inlichtingen- en veiligheidsdiensten (Wiv 2002) mag dat.",
        [
            (
                "Wet op de inlichtingen- en veiligheidsdiensten 2002",
                "Wet op de inlichtingen- en veiligheidsdiensten (Wiv 2002)",
            )
        ],
    ),
    "a capitalised name only where capitalised": ("De tweede kamer van het museum.", []),
    "a capitalised name at the start of a sentence": (
        "Tweede Kamer stemt.",
        [("Tweede Kamer", "Tweede Kamer")],
    ),
    "mixed-case acronym matches exactly": ("Het ATB en het ATb.", [("ATb", "ATb")]),
    "a soft hyphen inside a word does not hide a term": (
        "Het dreigings\u00adniveau stijgt.",
        [("dreigingsniveau", "dreigingsniveau")],
    ),
    "a zero-width space inside a word does not hide a term": (
        "De AI\u200bVD werkt.",
        [("AIVD", "AIVD")],
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_matching_rules(name):
    text, expected = CASES[name]
    assert found(text) == expected


def test_hit_records_span_inflection_and_compound():
    text = "De oude dreigingsniveaus en het AIVD-gebouw."
    first, second = MATCHER.find(text)
    assert text[first.start : first.end] == "dreigingsniveaus" and first.inflected and not first.compound
    assert text[second.start : second.end] == "AIVD" and not second.inflected and second.compound


def test_invisible_characters_keep_the_offsets_of_the_text():
    text = "Het dreigings\u00adniveau stijgt."
    [hit] = MATCHER.find(text)
    assert (hit.start, hit.end) == (4, 20) and text[hit.start : hit.end] == "dreigings\u00adniveau"


def test_coordinated_hits_carry_their_pair():
    first, second = MATCHER.find("De inlichtingen- en veiligheidsdiensten.")
    assert first.coordination == second.coordination == (first.entry, second.entry)


def test_a_zero_width_character_in_a_term_is_refused():
    problem = Entry("AI\u200bVD", kind="keep").problem()
    assert problem and "zero-width" in problem


def test_global_diacritic_folding_option():
    matcher = Matcher([Entry("Coordinator", "coordinator")], fold_diacritics=True)
    assert found("De Coördinator.", matcher) == [("Coordinator", "Coördinator")]
    assert found("De Coördinator.", Matcher([Entry("Coordinator", "coordinator")])) == []


def test_line_and_column():
    position = line_column("ab\ncd\n\nef")
    assert [position(i) for i in (0, 3, 4, 7)] == [(1, 1), (2, 1), (2, 2), (4, 1)]


WORDS = st.text(alphabet=string.ascii_lowercase, min_size=2, max_size=9)
TERM = "Alerteringssysteem Terrorismebestrijding"
TERM_MATCHER = Matcher([Entry(TERM, "Counterterrorism Alert System")])
SEPARATORS = st.sampled_from([" ", "  ", "\n", " \n ", "\t"])


@settings(max_examples=150, deadline=None)
@given(before=st.lists(WORDS, max_size=12), after=st.lists(WORDS, max_size=12), sep=SEPARATORS)
def test_inserted_term_is_found_at_its_span(before, after, sep):
    prefix = " ".join(before) + (" " if before else "")
    term = TERM.replace(" ", sep)
    text = prefix + term + (" " if after else "") + " ".join(after)
    hits = TERM_MATCHER.find(text)
    assert [(h.start, h.end) for h in hits] == [(len(prefix), len(prefix) + len(term))]
    assert hits[0].surface == TERM


NEAR = st.sampled_from(
    [
        "Alerteringssysteem",
        "Terrorismebestrijding",
        "alerteringssysteem",
        "terrorismebestrijding",
        "Alerteringssystemen",
        "Alertering",
        "systeem",
        "van",
        "het",
        "Terrorisme",
        "bestrijding",
    ]
)


@settings(max_examples=300, deadline=None)
@given(words=st.lists(st.one_of(WORDS, NEAR), max_size=30))
def test_found_exactly_where_the_words_follow_each_other(words):
    """Texts built from the term's own words and near misses: a hit exactly where its two words
    stand side by side, capitalised as the name is written (the first word also as a plural)."""
    text = " ".join(words)
    first = ("Alerteringssysteem", "Alerteringssystemen")
    pairs = zip(words, words[1:], strict=False)
    expected = sum(a in first and b == "Terrorismebestrijding" for a, b in pairs)
    hits = TERM_MATCHER.find(text)
    assert len(hits) == expected
    assert all(h.surface.endswith(" Terrorismebestrijding") for h in hits)


@settings(max_examples=100, deadline=None)
@given(words=st.lists(WORDS, min_size=1, max_size=20), data=st.data())
def test_single_word_term_found_wherever_inserted(words, data):
    position = data.draw(st.integers(0, len(words)))
    matcher = Matcher([Entry("JSCU", kind="keep")])
    text_words = [*words[:position], "JSCU", *words[position:]]
    text = " ".join(text_words)
    start = len(" ".join(text_words[:position])) + (1 if position else 0)
    assert [(h.start, h.end) for h in matcher.find(text)] == [(start, start + 4)]


MIXED = st.one_of(WORDS, NEAR, st.sampled_from(["AIVD", "Raad", "van", "State", "."]))


@settings(max_examples=200, deadline=None)
@given(words=st.lists(MIXED, max_size=80))
def test_long_texts_are_matched_in_windows_with_the_same_hits(words):
    """Windows (here tiny, to cross many boundaries) find exactly what one pass over the text finds."""
    import vertaal.terms.matcher as matcher_module

    text = " ".join(words)
    whole = [(h.entry.source, h.start, h.end) for h in MATCHER._find_visible(text)]
    saved = matcher_module.CHUNK, matcher_module.OVERLAP
    matcher_module.CHUNK, matcher_module.OVERLAP = 30, 60
    try:
        windows = [(h.entry.source, h.start, h.end) for h in MATCHER.find(text)]
    finally:
        matcher_module.CHUNK, matcher_module.OVERLAP = saved
    assert windows == whole
