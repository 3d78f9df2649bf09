"""`vertaal glossary extract` and `review`, the library under them, and the UI's Candidates page.

Expected values are counted by hand in tests/data/extraction/nota.txt and memory.tmx (written for
these tests): in nota.txt "dreigingsniveau" occurs 5 times; AIVD 4, NCTV 3, MIVD 3, CTIVD 2;
"Raad van State" 3; the compound inlichtingendienst 6 times (once as written, twice as
"inlichtingendiensten" left open before "en veiligheidsdiensten", and in the three written-out
names); veiligheidsdienst 5. In memory.tmx "Raad van State" is always "Council of State",
"dreigingsniveau" always "threat level", and inlichtingendienst(en) "intelligence service(s)".
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vertaal.cli import app
from vertaal.extraction import abbreviations, phrases
from vertaal.extraction.candidates import Candidate, Example, Proposal, read_jsonl, write
from vertaal.extraction.extract import extract
from vertaal.extraction.language_rules import DUTCH, ENGLISH
from vertaal.extraction.targets import propose_from_model
from vertaal.extraction.termhood import Tally, rank

DATA = Path(__file__).parent / "data" / "extraction"
NOTA, MEMORY = DATA / "nota.txt", DATA / "memory.tmx"
NOTE = DATA.with_name("extraction-en") / "note.txt"
runner = CliRunner()


def by_source(candidates: list[Candidate]) -> dict[str, Candidate]:
    return {c.source: c for c in candidates}


# -- abbreviations and phrases ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "pairs"),
    [
        ("Het advies van de Raad van State (RvS) is duidelijk.", [("RvS", "Raad van State")]),
        (
            "Volgens de Wet op de rechterlijke organisatie (Wet RO) is dat zo.",
            [("Wet RO", "Wet op de rechterlijke organisatie")],
        ),
        (
            "De Algemene Inlichtingen- en Veiligheidsdienst (AIVD) en de Militaire Inlichtingen- en "
            "Veiligheidsdienst (MIVD) werken samen.",
            [
                ("AIVD", "Algemene Inlichtingen- en Veiligheidsdienst"),
                ("MIVD", "Militaire Inlichtingen- en Veiligheidsdienst"),
            ],
        ),
        (
            "Dit is geregeld in de Wet open overheid (hierna \u2018de Woo\u2019).",
            [("Woo", "Wet open overheid")],
        ),
        (
            "geregeld door de Algemene verordening gegevensbescherming (AVG, 2016/679).",
            [("AVG", "Algemene verordening gegevensbescherming")],
        ),
        (
            "De AIVD (Algemene Inlichtingen- en Veiligheidsdienst) werkt.",
            [("AIVD", "Algemene Inlichtingen- en Veiligheidsdienst")],
        ),
        (
            "de Basisregistratie Adressen en Gebouwen (BAG)",
            [("BAG", "Basisregistratie Adressen en Gebouwen")],
        ),
        (
            "De Wet op de inlichtingen- en veiligheidsdiensten 2017 (Wiv 2017) regelt dit.",
            [("Wiv 2017", "Wet op de inlichtingen- en veiligheidsdiensten 2017")],
        ),
        ("Het Openbaar Ministerie (OM) vervolgt.", [("OM", "Openbaar Ministerie")]),  # "om" is a stop word
        ("In dat jaar (2017) en in 2018 (AIVD 2018) gebeurde het.", []),
        ("meer informatie (zie pagina 3) volgt", []),
        # the letters are not in order: the capitalised name before the bracket, as the text says
        ("Kadastrale Basisregistratie (BRK)", [("BRK", "Kadastrale Basisregistratie")]),
        ("de bevoegdheden van de minister (BZK)", []),  # no name before the bracket
        ("Kamerlid Pieter Omtzigt (CDA) zei dat.", []),  # a person and their party
        (
            "het ministerie van Volksgezondheid, Welzijn en Sport (VWS)",
            [("VWS", "Volksgezondheid, Welzijn en Sport")],  # as written, the comma kept
        ),
    ],
)
def test_abbreviations_pair_with_the_written_out_name_before_or_inside_the_bracket(sentence, pairs):
    assert list(abbreviations.definitions(sentence, DUTCH)) == pairs


def test_a_coordination_with_an_elided_head_yields_each_compound_in_full():
    sentence = "De inlichtingen- en veiligheidsdiensten werken samen."
    found = [f.text for f in phrases.candidates(sentence, DUTCH)]
    assert "inlichtingendiensten" in found and "veiligheidsdiensten" in found
    assert len(found) == 2  # the coordination stands for the two, and is no candidate of its own


def test_compounds_are_rare_nouns_not_verbs_adjectives_or_general_words():
    assert phrases.is_compound_term("overheidsinformatie", DUTCH)
    assert phrases.is_compound_term("dreigingsniveau", DUTCH)
    assert not phrases.is_compound_term("openbare", DUTCH)  # an adjective, and frequent in general Dutch
    assert not phrases.is_compound_term("verstrekken", DUTCH)  # an infinitive
    assert not phrases.is_compound_term("herbruikbaar", DUTCH)  # an adjective
    assert not phrases.is_compound_term("rechter", DUTCH)  # no compound


def test_noun_phrases_do_not_end_on_an_adjective_or_run_across_a_verb():
    sentence = "Dit gaat over persoonsgegevens in openbare registers."
    found = {f.text for f in phrases.candidates(sentence, DUTCH)}
    assert "openbare registers" in found and "persoonsgegevens in openbare registers" in found
    assert "persoonsgegevens in openbare" not in found
    found = {f.text for f in phrases.candidates("De Veiligheidsdienst werkt samen met de politie.", DUTCH)}
    assert not any("werkt" in text for text in found)
    assert [f.text for f in phrases.candidates("Daarna besloot het OM om door te gaan.", DUTCH)] == ["OM"]
    found = [f.text for f in phrases.candidates("Betrokken zijn de AIVD, MIVD en NCTV.", DUTCH)]
    assert found == ["AIVD", "MIVD", "NCTV"]  # abbreviations side by side: no heading, and not one name
    assert not list(phrases.candidates("HET DREIGINGSNIVEAU IN 2024", DUTCH))


@pytest.mark.parametrize(
    ("sentence", "pairs"),
    [
        ("the Data Protection Authority (DPA) decides", [("DPA", "Data Protection Authority")]),
        ("Under the Judiciary Organisation Act (JOA) it is so.", [("JOA", "Judiciary Organisation Act")]),
        (
            "the Freedom of Information Act (hereinafter \u2018the FOIA\u2019) applies",
            [("FOIA", "Freedom of Information Act")],
        ),
        # a Dutch abbreviation after its English name: the capitalised name before the bracket
        (
            "The General Intelligence and Security Service (AIVD) reports.",
            [("AIVD", "General Intelligence and Security Service")],
        ),
        # the name goes on past the one the initials spell; a law's year stays with its name
        (
            "with the National Telecommunications and Information Administration of the Department of "
            "Commerce (NTIA).",
            [("NTIA", "National Telecommunications and Information Administration")],
        ),
        (
            "the Digital Performance Right in Sound Recordings Act of 1995 (DPRA)",
            [("DPRA", "Digital Performance Right in Sound Recordings Act of 1995")],
        ),
        # the initials of the words before spell it (letters inside "identification" do not)
        (
            "your individual taxpayer identification number (ITIN) is",
            [("ITIN", "individual taxpayer identification number")],
        ),
        # an abbreviation inside the name opens none of its words
        (
            "a health savings account (HSA) funding distribution (HFD) is",
            [("HSA", "health savings account"), ("HFD", "health savings account (HSA) funding distribution")],
        ),
        ("in that year (2017) and in 2018 (AIVD 2018) it happened", []),
        ("see the annex (page 3)", []),
        ("as decided by the minister (BZK)", []),
    ],
)
def test_english_abbreviations_pair_with_their_names(sentence, pairs):
    assert list(abbreviations.definitions(sentence, ENGLISH)) == pairs


def test_english_phrases_end_at_a_name_and_never_hold_a_past_participle():
    found = {f.text for f in phrases.candidates("The Council of State advises the government.", ENGLISH)}
    assert "Council of State" in found and not any("advises" in text for text in found)
    sentence = "Personal data are processed by intelligence services."
    found = {f.text for f in phrases.candidates(sentence, ENGLISH)}
    assert {"Personal data", "intelligence services"} <= found and not any("processed" in t for t in found)
    # "amends", "permits" are likelier verbs (amended, permitted are frequent); "providers" is a noun
    sentence = "The DMCA amends the law; the exception permits circumvention by service providers."
    found = {f.text for f in phrases.candidates(sentence, ENGLISH)}
    assert "service providers" in found and "circumvention" in found
    assert not any("amends" in t or "permits circumvention" in t for t in found)
    found = {f.text for f in phrases.candidates("It bans the act of circumventing.", ENGLISH)}
    assert not any("circumventing" in t for t in found)
    assert not list(phrases.candidates("THE THREAT LEVEL IN 2024", ENGLISH))  # a heading in capitals
    assert not list(phrases.candidates("CAUTION: the tax withheld is paid.", ENGLISH))  # no verb form
    assert phrases.key("IRAs", ENGLISH) == phrases.key("IRA", ENGLISH) == "IRA"
    found = {f.text for f in phrases.candidates("The Data Act 2023 and the Service Contract 2023.", ENGLISH)}
    assert "Data Act 2023" in found and "Service Contract 2023" not in found
    assert [f.text for f in phrases.candidates("It is up to UNESCO and NATO.", ENGLISH)] == ["UNESCO", "NATO"]
    # a phrase may follow a capitalised word; the sentence's first capital makes no name
    found = {
        f.text for f in phrases.candidates("The Dutch data protection authority fined the bank.", ENGLISH)
    }
    assert {"data protection authority", "Dutch data protection authority"} <= found
    assert "Data subjects" in {f.text for f in phrases.candidates("Data subjects have rights.", ENGLISH)}
    # a participle may open a phrase; British spelling is no inflection
    found = {f.text for f in phrases.candidates("It uses automated decision-making.", ENGLISH)}
    assert "automated decision-making" in found
    assert "defence policy" in {
        f.text for f in phrases.candidates("National defence policy changed.", ENGLISH)
    }
    assert [f.text for f in phrases.candidates("It is up to the US and the UN.", ENGLISH)] == ["US", "UN"]


# -- extraction ---------------------------------------------------------------------------------


def test_candidates_from_a_text_with_counts_variants_and_abbreviations():
    found = by_source(extract([str(NOTA)], glossary=None, limit=None).candidates)
    assert found["dreigingsniveau"].frequency == 5
    assert (
        found["AIVD"].frequency == 4
        and found["AIVD"].expansion == "Algemene Inlichtingen- en Veiligheidsdienst"
    )
    assert found["NCTV"].frequency == 3
    assert found["NCTV"].expansion == "Nationaal Coördinator Terrorismebestrijding en Veiligheid"
    assert found["MIVD"].frequency == 3 and found["CTIVD"].frequency == 2
    assert found["Raad van State"].frequency == 3 and found["Raad van State"].abbreviation == "RvS"
    assert found["Wet op de rechterlijke organisatie"].abbreviation == "Wet RO"
    assert found["Wet RO"].expansion == "Wet op de rechterlijke organisatie"
    service = found["inlichtingendienst"]  # grouped by lemma; shown in lower case, as in running text
    assert service.frequency == 6 and "inlichtingendiensten" in service.variants
    security = found["veiligheidsdiensten"]  # written so 3 times, "Veiligheidsdienst" twice
    assert security.frequency == 5 and "Veiligheidsdienst" in security.variants
    assert not any(any(ch.isdigit() for ch in source) for source in found)  # 1 januari 2024, niveau 4, 2023
    assert "rechter" not in found and "advies" not in found  # general words, no compounds


def test_target_words_count_singular_and_plural_together_by_plural_endings_only():
    assert [DUTCH.singular(w) for w in ("diensten", "jaren", "brieven", "bommen", "dienst")] == [
        "dienst",
        "jaar",
        "brief",
        "bom",
        "dienst",
    ]
    assert [DUTCH.singular(w) for w in ("betrokkenen", "betrokken", "leden")] == [
        "betrokkenen",
        "betrokken",
        "leden",
    ]
    assert [ENGLISH.singular(w) for w in ("services", "agencies", "process", "status")] == [
        "service",
        "agency",
        "process",
        "status",
    ]


def test_english_candidates_for_the_en_nl_pair():
    """Counted by hand in note.en.txt: the heading in capitals counts nothing; "Counterterrorism"
    is also the last word of the NCTV's name."""
    found = by_source(extract([str(NOTE)], pair=("en", "nl"), glossary=None, limit=None).candidates)
    assert found["AIVD"].frequency == 4
    assert found["AIVD"].expansion == "General Intelligence and Security Service"
    assert found["NCTV"].expansion == "National Coordinator for Security and Counterterrorism"
    assert found["CTIVD"].expansion == "Review Committee on the Intelligence and Security Services"
    assert found["ISSA"].expansion == "Intelligence and Security Services Act 2017"
    assert found["counterterrorism"].frequency == 4 and found["counterterrorism"].kind == "compound"
    assert found["Council of State"].frequency == 2
    assert found["Review Committee"].frequency == 4
    assert found["threat level"].frequency == 3  # not the heading's THREAT LEVEL
    assert found["personal data"].frequency == 3 and found["personal data"].kind == "phrase"
    assert not any(w in source for source in found for w in ("advises", "processed", "published", "THE"))


def test_english_terms_get_dutch_targets_from_a_memory_read_the_other_way():
    result = extract([str(MEMORY)], pair=("en", "nl"), glossary=None, limit=None)
    found = by_source(result.candidates)
    assert result.pairs == 9
    assert found["Council of State"].target == "Raad van State"
    assert found["threat level"].target == "dreigingsniveau"
    # "intelligence service works", "... raises", "... services share": a verb each time, and the
    # Dutch singular and plural counted together
    assert found["intelligence service"].frequency == 3
    assert found["intelligence service"].target == "inlichtingendienst"


def test_candidates_are_ranked_by_termhood_best_first():
    candidates = extract([str(NOTA)], glossary=None, limit=None).candidates
    scores = [c.score for c in candidates]
    assert scores == sorted(scores, reverse=True)
    top = [c.source for c in candidates[:8]]
    assert "dreigingsniveau" in top and "AIVD" in top


def test_what_the_glossary_holds_is_left_out_in_any_inflected_form(db):
    result = runner.invoke(app, ["glossary", "add", "inlichtingendienst", "intelligence service"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["glossary", "add", "Raad van State", "Council of State"]).exit_code == 0
    found = by_source(extract([str(NOTA)], db=db).candidates)  # the text has inlichtingendiensten too
    assert "inlichtingendienst" not in found and "inlichtingendiensten" not in found
    assert "Raad van State" not in found
    assert "AIVD" in found and "dreigingsniveau" in found


def test_targets_proposed_from_a_tmx_by_co_occurrence_with_evidence_and_examples():
    result = extract([str(MEMORY)], glossary=None, limit=None)
    found = by_source(result.candidates)
    assert result.pairs == 9
    assert found["Raad van State"].target == "Council of State"
    assert found["dreigingsniveau"].target == "threat level"
    assert found["inlichtingendienst"].target == "intelligence service"
    best = found["Raad van State"].targets[0]
    assert (
        best.origin == "memory" and best.score == 1.0 and "together in 3 of 3 segment pairs" in best.evidence
    )
    examples = found["dreigingsniveau"].examples
    assert len(examples) == 3 and examples[0] == Example(
        "Het dreigingsniveau blijft substantieel.", "The threat level remains substantial."
    )


def test_targets_from_a_document_and_its_translation_aligned(tmp_path):
    source, target = tmp_path / "nl.txt", tmp_path / "en.txt"
    source.write_text(
        "Het dreigingsniveau blijft gelijk.\n\nHet dreigingsniveau daalt.\n\nDe regering besluit.\n", "utf-8"
    )
    target.write_text(
        "The threat level stays the same.\n\nThe threat level falls.\n\nThe government decides.\n", "utf-8"
    )
    found = by_source(extract([str(source)], glossary=None, translation=str(target)).candidates)
    assert found["dreigingsniveau"].target == "threat level"


def test_the_models_translation_is_a_fallback_marked_as_such():
    class Scripted:  # the model's answers, block by block
        def translate_blocks(self, blocks):
            answers = {
                "dreigingsniveau": "threat level",
                "Het dreigingsniveau stijgt.": "The threat level rises.",
            }

            class Result:
                def paragraphs(self):
                    return [answers.get(b, "") for b in blocks]

            return Result()

    with_target = Candidate("Raad van State", 1.0, 3, targets=[Proposal("Council of State", 1.0)])
    without = Candidate("dreigingsniveau", 1.0, 2, examples=[Example("Het dreigingsniveau stijgt.")])
    propose_from_model([with_target, without], Scripted())
    assert with_target.target == "Council of State" and with_target.targets[0].origin == "memory"
    assert without.target == "threat level" and without.targets[0].origin == "model"
    assert "uses it" in without.targets[0].evidence


def test_counting_stays_within_its_limit_and_keeps_the_frequent_terms():
    tally = Tally(DUTCH, limit=40)
    for number in range(300):  # 300 sentences, each with a compound of its own and one shared term
        tally.add(f"Het dreigingsniveau en de zaaknummerregistratie{number}x wijzigen.")
    assert len(tally.groups) <= 40 and len(tally.words) <= 40
    found = by_source(rank(tally))
    assert found["dreigingsniveau"].frequency == 300


# -- files and the command line -----------------------------------------------------------------


def test_jsonl_has_every_field_the_issue_names_and_reads_back():
    candidates = extract([str(MEMORY)], glossary=None, limit=None).candidates
    text = write(candidates, "jsonl", ("nl", "en"))
    row = json.loads(text.splitlines()[0])
    assert {"source", "score", "frequency", "variants", "target", "examples"} <= set(row)
    assert "abbreviation" in row or "expansion" in row
    assert [c.source for c in read_jsonl("c.jsonl", text)] == [c.source for c in candidates]


def test_tsv_and_tbx_import_into_the_glossary(db, tmp_path):
    candidates = [c for c in extract([str(MEMORY)], glossary=None).candidates if c.target]
    tbx = tmp_path / "c.tbx"
    tbx.write_text(write(candidates, "tbx", ("nl", "en")), "utf-8")
    assert "admittedTerm-admn-sts" in tbx.read_text("utf-8") and "preferredTerm" not in tbx.read_text("utf-8")
    result = runner.invoke(app, ["glossary", "import", str(tbx)])
    assert result.exit_code == 0, result.output
    listed = runner.invoke(app, ["glossary", "list", "--format", "json"])
    entries = {e["source"]: e["target"] for e in json.loads(listed.stdout)}
    assert entries["Raad van State"] == "Council of State" and entries["dreigingsniveau"] == "threat level"
    tsv = tmp_path / "c.tsv"
    tsv.write_text(write(candidates, "tsv", ("nl", "en")), "utf-8")
    assert tsv.read_text("utf-8").splitlines()[0].split("\t")[1] in {c.target for c in candidates}


def test_progress_moves_within_a_file_and_ends_at_its_size():
    heard: list[tuple[str, int]] = []

    class Recorder:
        def start(self, total_bytes: int, files: int) -> None:
            heard.append(("start", total_bytes))

        def advance(self, file_bytes: int) -> None:
            heard.append(("advance", file_bytes))

    extract([str(NOTA)], glossary=None, progress=Recorder())
    size = NOTA.stat().st_size
    steps = [n for what, n in heard if what == "advance"]
    assert heard[0] == ("start", size) and sum(steps) == size
    assert len(steps) >= 4 and all(n > 0 for n in steps)  # paragraph by paragraph, not once at the end


def test_cli_extract_writes_jsonl_and_reports_on_stderr(tmp_path):
    out = tmp_path / "candidates.jsonl"
    result = runner.invoke(app, ["glossary", "extract", str(DATA), "-o", str(out), "--no-glossary"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert {"Raad van State", "AIVD", "dreigingsniveau"} <= {r["source"] for r in rows}
    assert "from 3 files" in result.stderr and "targets from 9 segment pairs" in result.stderr


def test_cli_extract_refuses_a_missing_file_and_another_source_language_in_one_line():
    missing = runner.invoke(app, ["glossary", "extract", "nosuch.txt"])
    assert missing.exit_code == 1 and "nosuch.txt: no such file or folder" in missing.output
    assert "Traceback" not in missing.output
    german = runner.invoke(app, ["glossary", "extract", str(NOTA), "--pair", "de-en"])
    assert german.exit_code == 2 and "Dutch or English source" in german.output
    assert len(german.output.strip().splitlines()) == 1


def _candidates_file(tmp_path: Path) -> Path:
    rows = [
        Candidate("dreigingsniveau", 9.0, 5, targets=[Proposal("threat level", 1.0), Proposal("level", 0.9)]),
        Candidate("Raad van State", 6.0, 3, abbreviation="RvS", targets=[Proposal("Council of State", 1.0)]),
        Candidate("zaaknummer", 3.0, 2),
        Candidate("AIVD", 2.0, 4, expansion="Algemene Inlichtingen- en Veiligheidsdienst"),
    ]
    path = tmp_path / "candidates.jsonl"
    path.write_text(write(rows, "jsonl", ("nl", "en")), "utf-8")
    return path


def test_review_one_by_one_imports_the_accepted_as_one_import(db, tmp_path):
    path = _candidates_file(tmp_path)
    answers = "2\ne\nRaad of State\nr\nk\n"  # the second proposal; an edited target; reject; keep
    result = runner.invoke(app, ["glossary", "review", str(path)], input=answers)
    assert result.exit_code == 0, result.output
    listed = json.loads(runner.invoke(app, ["glossary", "list", "--format", "json"]).stdout)
    entries = {e["source"]: (e["target"], e["kind"]) for e in listed}
    assert entries == {
        "dreigingsniveau": ("level", "preferred"),
        "Raad van State": ("Raad of State", "preferred"),
        "AIVD": ("AIVD", "keep"),
    }
    history = json.loads(
        "[" + ",".join(runner.invoke(app, ["glossary", "history", "--json"]).stdout.split("\n")[:-1]) + "]"
    )
    assert {event["group"] for event in history} == {history[0]["group"]} and len(history) == 3
    assert "abbreviation RvS" in next(e["note"] for e in listed if e["source"] == "Raad van State")


def test_review_stopped_midway_imports_what_was_accepted(db, tmp_path):
    """Input that ends (Ctrl-D) after two answers: those two are imported, the rest not asked."""
    path = _candidates_file(tmp_path)
    result = runner.invoke(app, ["glossary", "review", str(path)], input="2\ne\nRaad of State\n")
    assert result.exit_code == 0, result.output
    assert "the 2 accepted so far are imported" in result.stderr
    listed = json.loads(runner.invoke(app, ["glossary", "list", "--format", "json"]).stdout)
    assert {e["source"]: e["target"] for e in listed} == {
        "dreigingsniveau": "level",
        "Raad van State": "Raad of State",
    }


def test_review_in_the_editor_imports_the_lines_kept(db, tmp_path, monkeypatch):
    path = _candidates_file(tmp_path)
    script = tmp_path / "edit.py"  # the "editor": rejects Raad van State, gives zaaknummer a target
    script.write_text(
        "import sys\n"
        "p = sys.argv[1]\n"
        "lines = open(p, encoding='utf-8').read().splitlines()\n"
        "out = [l for l in lines if not l.startswith('Raad van State')]\n"
        "out = [l.replace('zaaknummer\\t\\t', 'zaaknummer\\tcase number\\t') for l in out]\n"
        "open(p, 'w', encoding='utf-8').write('\\n'.join(out) + '\\n')\n",
        "utf-8",
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    monkeypatch.delenv("VISUAL", raising=False)
    result = runner.invoke(app, ["glossary", "review", str(path), "--editor"])
    assert result.exit_code == 0, result.output
    listed = json.loads(runner.invoke(app, ["glossary", "list", "--format", "json"]).stdout)
    assert {e["source"]: e["target"] for e in listed} == {
        "dreigingsniveau": "threat level",
        "zaaknummer": "case number",
    }


# -- the UI -------------------------------------------------------------------------------------


def test_candidates_page_extracts_shows_examples_and_imports_the_ticked(db):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from vertaal.server.app import Settings, create_app

    with TestClient(create_app(Settings(db=str(db)))) as client:
        page = client.get("/ui/candidates")
        assert page.status_code == 200 and 'href="/ui/candidates"' in page.text
        token = client.cookies["vertaal_csrf"]
        with MEMORY.open("rb") as upload:
            shown = client.post(
                "/ui/candidates",
                data={"csrf": token, "pair": "nl-en", "glossary": "default"},
                files={"file": ("memory.tmx", upload, "application/x-tmx+xml")},
            )
        assert shown.status_code == 200
        assert 'value="Council of State"' in shown.text
        assert "<mark>dreigingsniveau</mark>" in shown.text and "<mark>threat level</mark>" in shown.text
        with MEMORY.open("rb") as upload:  # the same memory read the other way: English terms
            english = client.post(
                "/ui/candidates",
                data={"csrf": token, "pair": "en-nl", "glossary": "default"},
                files={"file": ("memory.tmx", upload, "application/x-tmx+xml")},
            )
        assert english.status_code == 200 and 'value="Raad van State"' in english.text
        assert "<mark>Council of State</mark>" in english.text
        sources = ["Raad van State", "dreigingsniveau"]
        form = {"csrf": token, "pair": "nl-en", "glossary": "default", "accept": ["0"], "source": sources,
                "target": ["Council of State", "threat level"], "note": ["", ""]}  # fmt: skip
        imported = client.post("/ui/candidates/import", data=form, follow_redirects=False)
        assert imported.status_code == 303 and imported.headers["location"].startswith("/ui/glossary")
        refused = client.post("/ui/candidates/import", data={**form, "csrf": "wrong"})
        assert refused.status_code == 403
        many = [f"termijn{n}" for n in range(100)]  # a full page of ticked rows: 400 fields and more
        full = {"csrf": token, "pair": "nl-en", "glossary": "vol", "accept": [str(n) for n in range(100)],
                "source": many, "target": [f"term{n}" for n in range(100)], "note": [""] * 100}  # fmt: skip
        assert client.post("/ui/candidates/import", data=full, follow_redirects=False).status_code == 303
        broken = client.post(
            "/ui/candidates", data={"csrf": token, "pair": "nl-en", "glossary": "default"},
            files={"file": ("brief.txt", b"De caf\xe9 is dicht.\n", "text/plain")},
        )  # fmt: skip
        assert broken.status_code == 400 and "brief.txt" in broken.text and "upload" not in broken.text
    listed = json.loads(runner.invoke(app, ["glossary", "list", "--format", "json"]).stdout)
    assert [(e["source"], e["target"]) for e in listed] == [("Raad van State", "Council of State")]
    assert (
        len(json.loads(runner.invoke(app, ["glossary", "list", "-g", "vol", "--format", "json"]).stdout))
        == 100
    )  # noqa: E501


def test_targets_from_the_translation_memory_and_from_a_po_file(db, tmp_path):
    result = runner.invoke(app, ["memory", "import", str(MEMORY), "--origin", "human"])
    assert result.exit_code == 0, result.output
    found = by_source(extract([str(NOTA)], glossary=None, db=db, memory=True).candidates)
    assert (
        found["dreigingsniveau"].target == "threat level"
        and found["Raad van State"].target == "Council of State"
    )
    po = tmp_path / "nota.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: en\\n"\n\n'
        'msgid "Het dreigingsniveau blijft substantieel."\nmsgstr "The threat level remains substantial."\n\n'
        'msgid "Het dreigingsniveau is gedaald."\nmsgstr "The threat level has fallen."\n\n'
        'msgid "De regering volgt het advies."\nmsgstr "The government follows the advice."\n',
        "utf-8",
    )
    found = by_source(extract([str(po)], glossary=None).candidates)
    assert found["dreigingsniveau"].target == "threat level"
    assert found["dreigingsniveau"].examples[1] == Example(
        "Het dreigingsniveau is gedaald.", "The threat level has fallen."
    )


NESTED_TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="nl" datatype="plaintext" segtype="sentence" adminlang="en"
 creationtool="t" creationtoolversion="1" o-tmf="t"/><body>
<tu><tuv xml:lang="nl"><seg>De AIVD verwerkt persoonsgegevens.</seg></tuv><tuv xml:lang="en"><seg>The AIVD processes personal data.</seg></tuv></tu>
<tu><tuv xml:lang="nl"><seg>De verwerking van persoonsgegevens is gebonden aan regels.</seg></tuv><tuv xml:lang="en"><seg>The processing of personal data is bound by rules.</seg></tuv></tu>
<tu><tuv xml:lang="nl"><seg>Toezicht op de verwerking van persoonsgegevens is nodig.</seg></tuv><tuv xml:lang="en"><seg>Supervision of the processing of personal data is needed.</seg></tuv></tu>
</body></tmx>
"""  # noqa: E501


def test_a_term_inside_a_longer_candidate_is_counted_where_the_longer_one_is(tmp_path):
    """ "persoonsgegevens" sits inside "verwerking van persoonsgegevens" in two of its three pairs:
    counted in all three, its target holds "data" (not the AIVD sentence's "processes")."""
    tmx = tmp_path / "m.tmx"
    tmx.write_text(NESTED_TMX, "utf-8")
    found = by_source(extract([str(tmx)], glossary=None).candidates)
    assert "data" in found["persoonsgegevens"].target and "process" not in found["persoonsgegevens"].target
    assert found["verwerking"].target == "processing"


@pytest.mark.parametrize(
    "line",
    [
        '{"source": "Raad", "targets": [{"text": null, "score": 1}]}',
        '{"source": "Raad", "targets": [{"text": "Council", "score": "high"}]}',
        '{"source": "", "target": "x"}',
        '{"source": "Raad", "examples": ["not an object"]}',
    ],
)
def test_review_refuses_a_malformed_candidate_before_asking_anything(db, tmp_path, line):
    candidates = tmp_path / "c.jsonl"
    candidates.write_text(line + "\n", "utf-8")
    result = runner.invoke(app, ["glossary", "review", str(candidates)], input="a\n")
    assert result.exit_code == 1 and "c.jsonl:1: not a candidate" in result.stderr
    assert "Traceback" not in result.output


def test_review_checks_the_glossary_name_and_pair_before_the_questions(db, tmp_path):
    candidates = tmp_path / "c.jsonl"
    candidates.write_text(
        '{"source": "Raad van State", "targets": [{"text": "Council of State", "score": 1}]}\n'
    )  # noqa: E501
    named = runner.invoke(app, ["glossary", "review", str(candidates), "-g", "bad/name"], input="a\n")
    assert named.exit_code == 2 and "not a glossary name" in named.stderr and "[1/1]" not in named.output
    paired = runner.invoke(app, ["glossary", "review", str(candidates), "--pair", "de-en"], input="a\n")
    assert paired.exit_code == 2 and "Dutch or English source" in paired.stderr


def test_review_of_a_tsv_says_how_many_rows_had_no_target(db, tmp_path):
    candidates = tmp_path / "c.tsv"
    candidates.write_text("Raad van State\tCouncil of State\t\nkabinet\t\t\n", "utf-8")
    result = runner.invoke(app, ["glossary", "review", str(candidates)], input="r\n")
    assert result.exit_code == 0 and "1 rows without a target left out" in result.stderr
    assert "[1/1] Raad van State" in result.output


def test_a_span_of_attention_is_widened_to_whole_words():
    """Worked out by hand: target pieces 1-3 attend to source pieces 1-3, the second piece of
    'decides' too (one piece apart from the run is not the run)."""
    from vertaal.engine.ctranslate2_engine import Aligned

    target = ["\u2581The", "\u2581Council", "\u2581of", "\u2581State", "\u2581dec", "ides", "."]
    aligned = Aligned(
        ["\u2581De", "\u2581Raad", "\u2581van", "\u2581State", "</s>"], target, [0, 1, 2, 3, 4, 4, 4], ""
    )
    assert aligned.span(1, 4) == "Council of State"
    assert aligned.span(4, 5) == "decides."
    assert aligned.span(0, 1) == "The" and aligned.span(9, 10) is None


def test_the_models_translation_in_context_is_preferred_where_it_agrees_with_the_term_alone():
    """The in-context words ("Councils of State", plural as the example has it) are proposed where
    they share a word with the term translated alone; attention that lands on other words is not
    trusted and the term alone is proposed."""
    from vertaal.engine.ctranslate2_engine import Aligned

    source = ["\u2581De", "\u2581Raden", "\u2581van", "\u2581State", "\u2581adviseren", ".", "</s>"]
    target = ["\u2581The", "\u2581Councils", "\u2581of", "\u2581State", "\u2581advise", "."]
    examples = {"De Raden van State adviseren.": "The Councils of State advise.",
                "De dienst meldt het dreigingsniveau.": "The service reports the threat level."}  # fmt: skip
    answers = {"Raad van State": "Council of State", "dreigingsniveau": "threat level", **examples}

    class Fast:
        def aligned(self, sentences, decoding):
            found = {
                "De Raden van State adviseren.": Aligned(
                    source, target, [0, 1, 2, 3, 4, 5], examples[sentences[0]]
                ),
                "De dienst meldt het dreigingsniveau.": Aligned(
                    [
                        "\u2581De",
                        "\u2581dienst",
                        "\u2581meldt",
                        "\u2581het",
                        "\u2581dreigingsniveau",
                        ".",
                        "</s>",
                    ],
                    [
                        "\u2581The",
                        "\u2581service",
                        "\u2581reports",
                        "\u2581the",
                        "\u2581threat",
                        "\u2581level",
                        ".",
                    ],
                    [0, 4, 2, 3, 1, 1, 5],  # attention on the wrong words
                    examples["De dienst meldt het dreigingsniveau."],
                ),
            }
            return [found[s] for s in sentences]

    class Engines:
        fast, decoding = Fast(), None

    translated: list[str] = []

    class Scripted:
        engine = Engines()

        def translate_blocks(self, blocks):
            translated.extend(blocks)

            class Result:
                def paragraphs(self):
                    return [answers.get(b, "") for b in blocks]

            return Result()

    council = Candidate(
        "Raad van State", 1.0, 2, variants=["Raden van State"], examples=[Example(next(iter(examples)))]
    )
    level = Candidate("dreigingsniveau", 1.0, 2, examples=[Example("De dienst meldt het dreigingsniveau.")])
    propose_from_model([council, level], Scripted())
    assert (
        council.targets[0].text == "Councils of State"
        and "in its first example" in council.targets[0].evidence
    )
    assert level.targets[0].text == "threat level" and "alone" in level.targets[0].evidence
    assert "its translation of the first example uses it" in level.targets[0].evidence
    assert translated == ["Raad van State", "dreigingsniveau"]  # the examples are decoded once, aligned


def test_the_fast_engine_tells_which_source_piece_each_target_piece_attends_to(trained_model):
    """The real CTranslate2 engine on the tiny trained model: the aligned translation is the one
    translate gives, with one source position per target piece."""
    from vertaal.api import Translator

    translator = Translator(direction="nl-en", model=str(trained_model), glossary=None)
    example = "De minister onderzoekt het jaarverslag opnieuw."
    (aligned,) = translator.engine.fast.aligned([example], translator.engine.decoding)
    assert aligned.text == translator.translate(example)
    assert len(aligned.focus) == len(aligned.target) > 0
    assert all(0 <= i < len(aligned.source) for i in aligned.focus)
