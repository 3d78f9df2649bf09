"""Every reader has a bound: a header that would make a reader allocate without end is refused in
one line, under a memory limit that would turn any unbounded growth into a MemoryError."""

from __future__ import annotations

import os
import resource
import subprocess
import sys

import pytest

PO = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: en\\n"
"Plural-Forms: nplurals={n}; plural=(n != 1);\\n"

msgid "Een bestand"
msgid_plural "%d bestanden"
msgstr[0] ""
msgstr[1] ""
"""


def limited(megabytes: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (megabytes << 20, megabytes << 20))

    return apply


@pytest.mark.parametrize("plurals", ["999999999", "0", "7"])
def test_a_po_header_with_an_impossible_plural_count_is_refused(tiny_model, tmp_path, plurals):
    path = tmp_path / "messages.po"
    path.write_text(PO.format(n=plurals), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", "from vertaal.cli import main; main()", "translate", "-m", str(tiny_model),
         "--no-memory", str(path)],
        env={**os.environ, "VERTAAL_DB": str(tmp_path / "v.db")}, capture_output=True, text=True, timeout=120,
        preexec_fn=limited(3000),
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert f"nplurals={plurals}" in done.stderr and "1 to 6" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "MemoryError" not in done.stderr
    assert not (tmp_path / "messages.en.po").exists()


@pytest.mark.parametrize("suffix", ["docx", "odt"])
def test_a_package_part_past_the_limit_is_refused(tmp_path, suffix):
    """A part that unpacks past $VERTAAL_MAX_PART_MB (here 2 MB; 256 by default) is refused before
    it is read: a zip bomb never reaches the XML parser."""
    import zipfile

    path = tmp_path / f"bomb.{suffix}"
    part = "word/document.xml" if suffix == "docx" else "content.xml"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        package.writestr(part, "<x>" + " " * (3 << 20) + "</x>")
    assert path.stat().st_size < 100_000
    done = subprocess.run(
        [sys.executable, "-c", "from vertaal.cli import main; main()", "translate", str(path)],
        env={**os.environ, "VERTAAL_DB": str(tmp_path / "v.db"), "VERTAAL_MAX_PART_MB": "2"},
        capture_output=True, text=True, timeout=120, preexec_fn=limited(3000),
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert f"its part {part} unpacks to 3 MB, over the limit of 2 MB; set VERTAAL_MAX_PART_MB" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


WHOLE = {
    "page.html": ("translate", "<p>{}</p>"),
    "notes.md": ("translate", "# Kop\n\n{}\n"),
    "units.xlf": ("translate", '<xliff version="1.2"><file source-language="nl"><body>{}</body></file></xliff>'),  # noqa: E501
    "messages.po": ("translate", 'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n#. {}\nmsgid "a"\nmsgstr ""\n'),
    "terms.tsv": ("glossary import", "kabinet\tcabinet\t{}\n"),
    "text.txt": ("translate -i", "{}\n"),
}


@pytest.mark.parametrize("name", sorted(WHOLE))
def test_a_file_read_whole_past_the_limit_is_refused(tmp_path, name):
    """Each reader that takes its file whole stops at $VERTAAL_MAX_FILE_MB (here 1 MB; 256 by
    default), in one line naming the limit and the variable, under a memory limit, before any model."""
    command, template = WHOLE[name]
    path = tmp_path / name
    path.write_text(template.format("woord " * 350_000), encoding="utf-8")
    assert path.stat().st_size > 2 << 20
    done = subprocess.run(
        [sys.executable, "-c", "from vertaal.cli import main; main()", *command.split(), str(path)],
        env={**os.environ, "VERTAAL_DB": str(tmp_path / "v.db"), "VERTAAL_MAX_FILE_MB": "1"},
        capture_output=True, text=True, timeout=120, preexec_fn=limited(3000),
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert f"{path} is over the limit of 1 MB for a file read whole; set VERTAAL_MAX_FILE_MB" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "MemoryError" not in done.stderr
    assert not [p for p in tmp_path.iterdir() if p.name not in (name, "v.db")]  # nothing written
