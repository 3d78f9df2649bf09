"""simplemma's Dutch dictionary through vertaal's trie cache: the same answers, built once, safely."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import simplemma

WORDS = [
    "huizen", "bleven", "weten", "wet", "diensten", "was", "onderzoekt", "dreigingsniveau", "aivd",
    "inlichtingendiensten", "ministeries", "kinderen", "gegevens", "veiligheid", "xyzzy", "liep",
    "\x00", "a\x00b", "huis\x00",  # a NUL ends a marisa key (found by the matcher's fuzz test)
]  # fmt: skip

PROBE = """
import json, sys
from vertaal.text import lexicon
words = json.loads(sys.argv[1])
print(json.dumps([[lexicon.is_known(w), lexicon.lemma(w)] for w in words]))
"""


def _probe(cache: Path) -> list:
    import json

    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(WORDS)], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_trie_answers_as_simplemma_does_and_is_built_once(tmp_path):
    expected = [[simplemma.is_known(w, lang="nl"), simplemma.lemmatize(w, lang="nl")] for w in WORDS]
    assert expected[1] == [True, "blijven"] and expected[8][0] is False  # the dictionary decides
    assert _probe(tmp_path) == expected  # builds the trie
    from vertaal.text import lexicon

    for word in ("\ud800", "a\udcff"):  # a lone surrogate (simplemma itself raises on it)
        assert lexicon.is_known(word) is False and lexicon.lemma(word) == word
    built = list((tmp_path / "vertaal" / "simplemma").glob("*/nl.dic"))
    assert len(built) == 1 and built[0].stat().st_size > 100_000
    assert [p.name for p in built[0].parent.iterdir()] == ["nl.dic"]  # no build folder left behind
    stamp = built[0].stat().st_mtime_ns
    assert _probe(tmp_path) == expected  # reads it
    assert built[0].stat().st_mtime_ns == stamp


def test_an_unwritable_cache_falls_back_to_simplemmas_own_dictionary(tmp_path):
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder would go")
    expected = [[simplemma.is_known(w, lang="nl"), simplemma.lemmatize(w, lang="nl")] for w in WORDS]
    assert _probe(blocked) == expected
