"""Bounded resources on hostile input: `vertaal check` and `vertaal glossary scan` on single-line files.

Generates Dutch-looking text with many starter-glossary terms as one line (5 MB and 20 MB) and an
"English" copy, then runs `vertaal check SOURCE TARGET -f json -o FILE` and
`vertaal glossary scan FILE --summary` as whole processes, each under its own parent so that its
peak RSS is its own. Linear time shows as equal seconds per MB at both sizes.

    python -m benchmarks.big_inputs [--megabytes 5,20] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.common import ROOT
from benchmarks.common import measure_process as measure

STARTER = ROOT / "glossary" / "nl-en-government.tsv"
WORDS = "de het werkt samen met en in Nederland 2014 15 juni 1.250 dienst informatie".split()
def make(directory: Path, megabytes: int) -> tuple[Path, Path]:
    rng = random.Random(megabytes)
    terms = [line.split("\t")[0] for line in STARTER.read_text(encoding="utf-8").splitlines() if line]
    vocabulary = WORDS * 4 + terms
    words, size = [], 0
    while size < megabytes * 1_000_000:
        word = rng.choice(vocabulary)
        words.append(word)
        size += len(word) + 1
    source, target = directory / f"nl-{megabytes}.txt", directory / f"en-{megabytes}.txt"
    text = " ".join(words)
    source.write_text(text + "\n", encoding="utf-8")
    target.write_text(text.replace("dreigingsniveau", "threat level") + "\n", encoding="utf-8")
    return source, target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", default="5,20")
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, VERTAAL_DB=str(Path(tmp) / "v.db"))
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from vertaal.cli import main; main()",
                "glossary",
                "import",
                str(STARTER),
            ],
            env=env,
            check=True,
            capture_output=True,
        )
        for megabytes in map(int, options.megabytes.split(",")):
            source, target = make(Path(tmp), megabytes)
            check = measure(
                ["check", str(source), str(target), "-f", "json", "-o", str(Path(tmp) / "r.json")], env
            )
            scan = measure(["glossary", "scan", str(source), "--summary"], env)
            results.append({"megabytes": megabytes, "check": check, "scan": scan})
    print(json.dumps({"results": results}, indent=None if options.json else 2))


if __name__ == "__main__":
    main()
