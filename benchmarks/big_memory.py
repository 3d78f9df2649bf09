"""Big memories: `vertaal memory import` of a 50 MB TMX streams, with peak RSS under 3x the file.

Writes a TMX of Dutch/English/German units (some units repeat, some lack English, as real
memories do), then runs `vertaal memory import` as a whole process, each under its own parent so
that its peak RSS is its own. Baselines in the same run: a bare `vertaal --version` process (what
any command costs) and lxml parsing the whole file into a tree (what a reader that does not
stream would hold).

    python -m benchmarks.big_memory [--megabytes 5,50] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
from pathlib import Path

from benchmarks.common import measure_process

WORDS = (
    "de het een dienst werkt samen met partners in Nederland en daarbuiten aan de veiligheid van"
    " de staat het dreigingsniveau blijft substantieel volgens de NCTV"
).split()
TREE = "import sys; from lxml import etree; etree.parse(sys.argv[1])"


def make(path: Path, megabytes: int) -> int:
    """A TMX of about `megabytes` MB; returns the number of <tu>."""
    rng = random.Random(megabytes)
    units = 0
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n')
        out.write('<header creationtool="bench" creationtoolversion="1" segtype="sentence" o-tmf="x"')
        out.write(' adminlang="en" srclang="nl-NL" datatype="plaintext"/>\n<body>\n')
        while out.tell() < megabytes * 1_000_000:
            number = rng.randrange(units + 1)  # later units repeat earlier ones: merged on import
            dutch = " ".join(rng.choice(WORDS) for _ in range(14)) + f" {number}."
            out.write('<tu creationdate="20240101T120000Z">\n')
            out.write(f'<tuv xml:lang="nl-NL"><seg>{dutch}</seg></tuv>\n')
            if number % 50:  # one unit in fifty has no English segment: skipped and counted
                out.write(f'<tuv xml:lang="en-GB"><seg>English for {dutch}</seg></tuv>\n')
            out.write(f'<tuv xml:lang="de-DE"><seg>Deutsch: <ph>&lt;b&gt;</ph>{dutch}</seg></tuv>\n</tu>\n')
            units += 1
        out.write("</body>\n</tmx>\n")
    return units


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", default="5,50")
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, VERTAAL_DB=str(Path(tmp) / "v.db"))
        bare = measure_process(["--version"], env)
        for megabytes in map(int, options.megabytes.split(",")):
            file = Path(tmp) / f"m{megabytes}.tmx"
            units = make(file, megabytes)
            size_mb = file.stat().st_size / 1_000_000
            Path(env["VERTAAL_DB"]).unlink(missing_ok=True)
            imported = measure_process(["memory", "import", str(file)], env)
            tree = measure_process([str(file)], env, code=TREE)
            results.append(
                {
                    "file_mb": round(size_mb, 1),
                    "units": units,
                    "import": imported,
                    "whole_tree": tree,
                    "rss_vs_file": round(imported["peak_rss_mb"] / size_mb, 2),
                    "rss_vs_whole_tree": round(imported["peak_rss_mb"] / tree["peak_rss_mb"], 2),
                }
            )
    print(json.dumps({"bare_process": bare, "results": results}, indent=None if options.json else 2))


if __name__ == "__main__":
    main()
