"""Termbases and memories as other tools write them: TBX dialects, multilingual files, CSV columns,
the LISA TMX Compliance Kit, encodings, BCP 47 pairs, export then import."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vertaal.cli import app
from vertaal.db import open_db
from vertaal.glossary.tbx import status
from vertaal.memory import tmx
from vertaal.memory.store import MemoryStore
from vertaal.skips import Skipped

runner = CliRunner()
DATA = Path(__file__).parent / "data"
TBX = DATA / "tbx"
KIT = DATA / "tmx-compliance-kit"


def glossary(*args):
    return runner.invoke(app, ["glossary", *[str(a) for a in args]])


def memory(*args):
    return runner.invoke(app, ["memory", *[str(a) for a in args]])


def entries(*args) -> dict[str, dict]:
    result = glossary("list", "--format", "json", *args)
    if "no glossary named" in result.stderr:
        return {}
    assert result.exit_code == 0, result.output
    return {
        e["source"]: {k: v for k, v in e.items() if k not in ("created", "updated", "id")}
        for e in json.loads(result.stdout)
    }


# --- TBX --------------------------------------------------------------------------------------

FULL = {  # what basic-dca.tbx holds for nl-en, in every dialect that can say it
    "Alerteringssysteem Terrorismebestrijding": (
        "Counterterrorism Alert System",
        "preferred",
        ["Terrorism Threat Alert System"],
        ["Terrorist Alert System"],
    ),
    "Raad van State": ("Council of State", "preferred", [], []),
    "dreigingsniveau": ("threat level", "preferred", [], []),
    "NCTV": ("NCTV", "keep", [], []),
}


@pytest.mark.parametrize("name", ["basic-dca.tbx", "basic-dct.tbx", "min-dca.tbx", "min-dct.tbx"])
def test_tbx_v3_dialects_and_styles_read_alike(db, name):
    result = glossary("import", TBX / name)
    assert result.exit_code == 0, result.output
    assert "4 added" in result.stderr
    assert "3 skipped (1 deprecated nl term, 1 no nl term, 1 no en term)" in result.stderr
    found = entries()
    assert {s: (e["target"], e["kind"], e["alternatives"], e["forbidden"]) for s, e in found.items()} == FULL
    assert (
        found["Alerteringssysteem Terrorismebestrijding"]["note"]
        == "Ingevoerd in 2005. Beheerd door de NCTV."
    )


def test_tbx_basic_notes_and_definitions_are_normalised(db):
    assert glossary("import", TBX / "basic-dct.tbx").exit_code == 0
    assert entries()["Raad van State"]["note"] == "Het hoogste adviescollege van de regering."


def test_tbx_core_has_no_statuses(db):
    """TBX-Core cannot mark a term: the first target term is the translation, the rest alternatives,
    and every source term is an entry."""
    assert glossary("import", TBX / "core.tbx").exit_code == 0
    found = entries()
    assert found["Alerteringssysteem Terrorismebestrijding"]["alternatives"] == [
        "Terrorism Threat Alert System",
        "Terrorist Alert System",
    ]
    assert found["dreigingsgraad"]["target"] == "threat level"


def test_every_status_category_maps(db):
    result = glossary("import", TBX / "statuses.tbx")
    assert result.exit_code == 0, result.output
    assert "1 skipped (deprecated nl term)" in result.stderr  # dreigingsplaatje, usageStatus notRecommended
    found = entries()
    expected = {
        "ambtsbericht": ("official report", ["official message"], ["civil report"]),
        "veiligheidsonderzoek": ("security screening", ["security check"], ["safety investigation"]),
        "dreigingsbeeld": ("threat assessment", [], ["threat picture"]),
        "dienst": ("service", [], ["agency", "department"]),
        "burgerluchtvaart": ("", [], ["citizen aviation"]),
    }
    assert {s: (e["target"], e["alternatives"], e["forbidden"]) for s, e in found.items()} == expected
    assert found["burgerluchtvaart"]["kind"] == "forbidden"


@pytest.mark.parametrize(
    ("value", "meaning"),
    [
        ("preferredTerm-admn-sts", "preferred"),
        ("standardizedTerm", "preferred"),
        ("legalTerm", "preferred"),
        ("admittedTerm-admn-sts", "admitted"),
        ("admitted", "admitted"),
        ("deprecatedTerm-admn-sts", "forbidden"),
        ("supersededTerm", "forbidden"),
        ("notRecommended", "forbidden"),
        ("obsolete", "forbidden"),
        (" Deprecated ", "forbidden"),
        ("something else", "preferred"),
    ],
)
def test_status_values(value, meaning):
    assert status(value) == meaning


@pytest.mark.parametrize("name", ["martif-namespaced.tbx", "martif-weblate.tbx"])
def test_tbx_basic_2008_with_namespace_or_doctype(db, name):
    result = glossary("import", TBX / name)
    assert result.exit_code == 0, result.output
    assert entries()


def test_weblate_explanation_and_obsolete(db):
    assert glossary("import", TBX / "martif-weblate.tbx").exit_code == 0
    found = entries()
    assert found["rapport"]["note"] == "Een verslag van een onderzoek."
    assert (found["onderzoek"]["kind"], found["onderzoek"]["forbidden"]) == ("forbidden", ["research"])


def test_term_keeps_its_full_text_through_markup_entities_and_comments(db):
    assert glossary("import", TBX / "inline.tbx").exit_code == 0
    found = entries()
    assert found["Raad van State"]["target"] == "Council of State"
    nctv = found["Nationaal Coördinator Terrorismebestrijding en Veiligheid"]
    assert nctv["target"] == "National Coordinator for Security and Counterterrorism"
    assert found["Algemene Inlichtingen- en Veiligheidsdienst"]["target"] == (
        "General Intelligence and Security Service"
    )


def test_undeclared_entity_is_one_line(db, tmp_path):
    bad = tmp_path / "bad.tbx"
    bad.write_text((TBX / "inline.tbx").read_text().replace("&nctv;", "&unknown;"))
    result = glossary("import", bad)
    assert result.exit_code == 1 and "Entity 'unknown' not defined" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_strict_refuses_a_file_with_skips(db):
    result = glossary("import", TBX / "basic-dca.tbx", "--strict")
    assert result.exit_code == 1
    assert "3 skipped" in result.stderr and "nothing imported (--strict)" in result.stderr
    assert entries() == {}


def test_other_pair_of_a_multilingual_termbase(db):
    result = glossary("import", TBX / "basic-dca.tbx", "--pair", "nl-NL-de-DE")
    assert result.exit_code == 0, result.output
    assert {s: e["target"] for s, e in entries("--pair", "nl-de").items()} == {
        "Alerteringssysteem Terrorismebestrijding": "Alarmsystem Terrorismusbekämpfung",
        "inlichtingendienst": "Nachrichtendienst",
    }
    assert "4 skipped (3 no de term, 1 no nl term)" in result.stderr


def test_tbx_export_then_import_keeps_every_field(db, tmp_path):
    assert glossary("import", TBX / "basic-dca.tbx").exit_code == 0
    assert glossary("add", "JSCU", "--keep", "--case-sensitive").exit_code == 0
    assert glossary("add", "raad", "council", "--compounds", "--fold-diacritics").exit_code == 0
    assert glossary("add", "luchtvaart", "--forbid", "air travel").exit_code == 0
    before = entries()
    for fmt in ("tbx", "tsv", "csv"):
        out = tmp_path / f"g.{fmt}"
        assert glossary("export", out).exit_code == 0
        assert glossary("import", out, "--glossary", fmt).exit_code == 0
        assert entries("--glossary", fmt) == before, fmt
    written = (tmp_path / "g.tbx").read_text()
    for value in ("preferredTerm-admn-sts", "admittedTerm-admn-sts", "deprecatedTerm-admn-sts"):
        assert value in written


# --- CSV --------------------------------------------------------------------------------------


def test_csv_without_the_pair_languages_is_refused_naming_what_it_has(db, tmp_path):
    file = tmp_path / "amazon.csv"
    file.write_text("en,fr,de\nreport,rapport,Bericht\n")
    result = glossary("import", file)
    assert result.exit_code == 1
    assert "the header has no nl column (it has en, fr, de)" in result.stderr
    assert entries() == {}


def test_csv_reads_exactly_the_pair_columns_and_merges_variants(db, tmp_path):
    file = tmp_path / "amazon.csv"
    file.write_text(
        "en-US,nl-NL,fr,de\n"
        "annual report,jaarverslag,rapport annuel,Jahresbericht\n"
        "annual report,jaarverslag,rapport annuel,Jahresreport\n"  # a German variant
        "threat level,,niveau de menace,Bedrohungsstufe\n"  # no Dutch term
    )
    result = glossary("import", file, "--pair", "nl-en")
    assert result.exit_code == 0, result.output
    assert "1 added" in result.stderr and "1 skipped (no nl term)" in result.stderr
    assert "1 rows merged" in result.stderr
    assert {s: e["target"] for s, e in entries().items()} == {"jaarverslag": "annual report"}


def test_csv_with_two_columns_of_one_language_is_refused(db, tmp_path):
    file = tmp_path / "g.csv"
    file.write_text("nl,en-US,en-GB\nkleur,color,colour\n")
    result = glossary("import", file)
    assert result.exit_code == 1 and "2 en columns (en-US, en-GB)" in result.stderr


# --- encodings --------------------------------------------------------------------------------

BOMS = ["utf-8-sig", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"]
_MARK = {
    "utf-8-sig": b"",
    "utf-16-le": codecs.BOM_UTF16_LE,
    "utf-16-be": codecs.BOM_UTF16_BE,
    "utf-32-le": codecs.BOM_UTF32_LE,
    "utf-32-be": codecs.BOM_UTF32_BE,
}


def _encoded(text: str, encoding: str) -> bytes:
    return _MARK[encoding] + text.encode(encoding)


@pytest.mark.parametrize("encoding", BOMS)
@pytest.mark.parametrize(
    ("suffix", "content"),
    [
        ("tsv", "coördinator\tcoordinator\n"),
        ("csv", "nl,en\ncoördinator,coordinator\n"),
        (
            "tbx",
            '<?xml version="1.0" encoding="{enc}"?><martif><text><body><termEntry>'
            '<langSet xml:lang="nl"><tig><term>coördinator</term></tig></langSet>'
            '<langSet xml:lang="en"><tig><term>coordinator</term></tig></langSet>'
            "</termEntry></body></text></martif>",
        ),
    ],
)
def test_glossary_files_with_a_byte_order_mark(db, tmp_path, encoding, suffix, content):
    file = tmp_path / f"g.{suffix}"
    file.write_bytes(_encoded(content.format(enc=encoding.removesuffix("-sig").upper()), encoding))
    result = glossary("import", file)
    assert result.exit_code == 0, result.output
    assert entries()["coördinator"]["target"] == "coordinator"


@pytest.mark.parametrize("encoding", BOMS)
def test_tmx_and_text_with_a_byte_order_mark(db, tmp_path, encoding):
    file = tmp_path / "m.tmx"
    xml = (
        '<?xml version="1.0" encoding="{enc}"?><tmx version="1.4"><header srclang="nl"/><body>'
        '<tu><tuv xml:lang="nl"><seg>De coördinator.</seg></tuv>'
        '<tuv xml:lang="en"><seg>The coordinator.</seg></tuv></tu></body></tmx>'
    ).format(enc=encoding.removesuffix("-sig").upper())
    file.write_bytes(_encoded(xml, encoding))
    result = memory("import", file)
    assert result.exit_code == 0, result.output
    assert "1 translation units imported" in result.stderr
    from vertaal.text.files import read_file

    text = tmp_path / "in.txt"
    text.write_bytes(_encoded("De coördinator.\n", encoding))
    assert read_file(str(text)) == "De coördinator.\n"


def test_utf16_without_a_mark_and_cp1252_get_an_encoding_hint(db, tmp_path):
    file = tmp_path / "g.tsv"
    file.write_bytes("coördinator\tcoordinator\n".encode("utf-16-le"))
    result = glossary("import", file)
    assert result.exit_code == 1 and "--encoding utf-16-le" in result.stderr
    assert glossary("import", file, "--encoding", "utf-16-le").exit_code == 0
    latin = tmp_path / "l.tsv"
    latin.write_bytes("coördinator\tcoordinator\n".encode("cp1252"))
    result = glossary("import", latin)
    assert result.exit_code == 1 and "--encoding" in result.stderr


# --- BCP 47 pairs -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pair", ["nl-en", "nl-NL-en-GB", "nl_NL-en_US", "NL-EN", "nl-NL:en-GB", "nl-Latn-NL-en"]
)
def test_pair_takes_bcp47_tags(db, pair):
    result = glossary("add", "jaarverslag", "annual report", "--pair", pair)
    assert result.exit_code == 0, result.output
    assert "jaarverslag" in entries("--pair", "nl-en")


@pytest.mark.parametrize("pair", ["nl", "nl-nl", "nl-NL-nl-BE", "x-y", "nl-en-fr", "nl-en-gb"])
def test_pair_refuses_what_is_not_two_languages(db, pair):
    result = glossary("add", "a", "b", "--pair", pair)
    assert result.exit_code == 2 and "--pair" in result.stderr


# --- TMX: the LISA TMX Compliance Kit ---------------------------------------------------------

KIT_EN_FR = {  # file: (units imported, skipped) for --pair en-fr
    "ImportTest1A.tmx": (2, 0),
    "ImportTest1B.tmx": (1, 0),
    "ImportTest1C.tmx": (3, 0),
    "ImportTest1D.tmx": (0, 3),
    "ImportTest1E.tmx": (0, 3),
    "ImportTest1F.tmx": (0, 3),
    "ImportTest1G.tmx": (0, 3),
    "ImportTest1H.tmx": (0, 3),
    "ImportTest1I.tmx": (0, 1),
    "ImportTest1J.tmx": (0, 2),
    "ImportTest1K.tmx": (1, 1),
    "ImportTest1L.tmx": (1, 0),
    "ImportTest2A.tmx": (7, 0),
    "ImportTest2B.tmx": (7, 0),
    "ImportTest2C.tmx": (1, 0),
    "ExportTest1A.tmx": (4, 0),
    "ExportTest2A.tmx": (6, 0),
}


def _units(name: str, pair=("en", "fr")):
    skipped = Skipped()
    units = tmx.read(name, (KIT / name).read_bytes(), pair, skipped=skipped)
    return units, skipped


@pytest.mark.parametrize("name", sorted(KIT_EN_FR))
def test_compliance_kit_imports(name):
    units, skipped = _units(name)
    assert (len(units), skipped.total) == KIT_EN_FR[name]


def test_every_kit_file_reads_or_skips_without_error():
    for file in sorted(KIT.glob("*.tmx")):
        for pair in (("en", "fr"), ("en", "ja"), ("fr", "en"), ("de", "en")):
            units, skipped = _units(file.name, pair)
            assert units or skipped.total, file.name


def test_kit_whitespace_is_kept_as_written():
    units, _ = _units("ImportTest1A.tmx")
    assert units[0].source == "First segment with [\t\t   ]"
    assert units[1].target == "Second segment avec [  \t\t]"
    units, _ = _units("ImportTest1I.tmx", ("en", "ja"))
    assert units[0].target == "Japanese segment with [\u3000\u3000]"


def test_kit_inline_codes_sub_and_character_references():
    [unit], _ = _units("ImportTest2C.tmx")
    assert unit.source == "Click Start Here! to start."
    assert unit.target == "Cliquez Commencez ici ! pour commencer."
    units, _ = _units("ImportTest2A.tmx")
    sources = [u.source for u in units]
    assert "The big black cat sleeps." in sources
    assert 'Test for special characters = <=lt, >=gt, &=amp, "=quot.' in sources
    assert "Some text with a part highlighted." in sources  # target and source order inverted


def test_kit_srclang_per_unit_and_variants():
    units, skipped = _units("ImportTest1K.tmx")
    assert [(u.source, u.target) for u in units] == [
        ("Second Entry - UK English", "Second Entry - French Canadian")
    ]
    assert skipped.summary() == "1 skipped (no fr segment)"
    units, _ = _units("ImportTest1C.tmx")  # en-us and en-gb in one unit: the header's srclang (en-us) wins
    assert [u.source for u in units] == [
        "First entry in US English",
        "Second entry in US English",
        "Third entry in US English",
    ]


def test_kit_utf16_big_and_little_endian_read_alike():
    little, _ = _units("ImportTest1F.tmx", ("en", "en"))
    big, _ = _units("ImportTest1G.tmx", ("en", "en"))
    assert [(u.source, u.target) for u in little] == [(u.source, u.target) for u in big]


def test_note_only_units_are_counted_and_strict_refuses(db, tmp_path):
    file = tmp_path / "omegat.tmx"
    file.write_text(
        '<tmx version="1.4"><header srclang="nl"/><body>'
        "<tu><note>A note-only unit, as OmegaT writes them</note></tu>"
        '<tu><tuv xml:lang="nl"><seg>Een zin.</seg></tuv><tuv xml:lang="en"><seg>A sentence.</seg></tuv></tu>'
        '<tu><tuv xml:lang="nl"><seg>Alleen Nederlands.</seg></tuv></tu>'
        "<tu><!-- c --><?pi x?><tuv xml:lang='nl'><seg>Met <!-- c --> commentaar<?pi?>.</seg></tuv>"
        "<tuv xml:lang='en'><seg>With a comment.</seg></tuv></tu>"
        "</body></tmx>"
    )
    result = memory("import", file)
    assert result.exit_code == 0, result.output
    assert "2 translation units imported" in result.stderr
    assert "2 skipped (1 note-only unit, 1 no en segment)" in result.stderr
    store = MemoryStore(open_db(None))
    assert {u.source for u in store.export_units()} == {"Een zin.", "Met  commentaar."}
    assert memory("clear", "--yes").exit_code == 0
    refused = memory("import", file, "--strict")
    assert refused.exit_code == 1 and "nothing imported (--strict)" in refused.stderr
    assert store.stats()["units"] == 0


def test_duplicates_are_counted_as_merged_and_stats_agree(db):
    first = memory("import", KIT / "ImportTest2A.tmx", "--pair", "en-fr")
    assert "7 translation units imported (7 new, 0 merged)" in first.stderr
    again = memory("import", KIT / "ImportTest2B.tmx", "--pair", "en-fr")
    assert "(0 new, 7 merged)" in again.stderr
    stats = json.loads(memory("stats", "--json").stdout)
    assert stats["units"] == 7
