"""Import and export of a 100,000-entry TSV glossary, and indexed search.

Baselines in the same run: a bare `executemany` of the same rows into a plain table (no
validation, no history, no full-text index), and a `LIKE` full scan for the search.

    python -m benchmarks.glossary_io [--entries 100000] [--json]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import tempfile
import time
from pathlib import Path


def make_tsv(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for i in range(count):
            handle.write(f"bronterm{i} inlichtingen\ttarget term {i} intelligence\tnote {i % 97}\n")


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from vertaal.db import open_db
    from vertaal.glossary.formats import write
    from vertaal.glossary.importing import import_glossary
    from vertaal.glossary.store import GlossaryStore

    with tempfile.TemporaryDirectory() as tmp:
        tsv = Path(tmp) / "big.tsv"
        make_tsv(tsv, args.entries)
        rows = [line.split("\t") for line in tsv.read_text(encoding="utf-8").splitlines()]

        def baseline_insert():
            conn = sqlite3.connect(Path(tmp) / "plain.db")
            conn.execute("CREATE TABLE t (source TEXT UNIQUE, target TEXT, note TEXT)")
            with conn:
                conn.executemany("INSERT INTO t VALUES (?, ?, ?)", rows)
            return conn

        base_s, plain = timed(baseline_insert)
        store = GlossaryStore(open_db(Path(tmp) / "v.db"))
        import_s, _ = timed(lambda: import_glossary(store, "default", str(tsv)))
        out = Path(tmp) / "out.tsv"
        export_s, _ = timed(
            lambda: out.write_text(write(store.entries("default"), "tsv", ("nl", "en")), encoding="utf-8")
        )
        written = out.read_text(encoding="utf-8").splitlines()
        assert sorted(written) == sorted(tsv.read_text(encoding="utf-8").splitlines())
        query = f"bronterm{args.entries - 7}"
        fts_s, found = timed(lambda: [store.search("default", query) for _ in range(20)])
        scan_s, scanned = timed(
            lambda: [
                plain.execute(
                    "SELECT * FROM t WHERE source LIKE ? OR target LIKE ? OR note LIKE ?", [f"%{query}%"] * 3
                ).fetchall()
                for _ in range(20)
            ]
        )
        assert len(found[0]) == 1
    result = {
        "entries": args.entries,
        "baseline_insert_s": round(base_s, 3),
        "import_s": round(import_s, 3),
        "export_s": round(export_s, 3),
        "import_vs_bare_insert": round(import_s / base_s, 1),
        "search_ms": round(fts_s / 20 * 1000, 2),
        "full_scan_ms": round(scan_s / 20 * 1000, 2),
        "search_vs_full_scan": round(fts_s / scan_s, 3),
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>22}: {value}")


if __name__ == "__main__":
    main()
