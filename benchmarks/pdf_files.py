"""PDFs other tools wrote, read as vertaal reads them: per file, the paragraphs missing,
duplicated or out of order against `pdftotext` (poppler) and words glued together, with the
reading speed in pages per second.

    python -m benchmarks.pdf_files [PDF or folder ...] [--json]

Without arguments it reads the public PDFs the tests ship (tests/data/documents/public-pdf, their
sources and licences in its README); pass a folder of more (the measured set of issue 29 came
from pdfminer.six's `samples/` and pdfplumber's `tests/pdfs/`). The reference is pdftotext's
reading order, which is itself wrong in places (it keeps running heads and reads some forms
across their columns), so a count here is an upper bound on vertaal's errors, to compare runs.

- missing: a pdftotext paragraph (six words or more) of which under 60% of the word 4-grams
  appear in vertaal's text;
- duplicated: one whose 4-grams mostly appear twice;
- out of order: paragraphs outside the longest run that vertaal reads in pdftotext's order;
- glued: vertaal words of 14 letters or more that pdftotext never writes.
"""

from __future__ import annotations

import argparse
import bisect
import json
import re
import shutil
import subprocess
import time
from pathlib import Path

from benchmarks.common import ROOT

PUBLIC = ROOT / "tests" / "data" / "documents" / "public-pdf"


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _grams(words: list[str], n: int = 4) -> list[str]:
    return [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]


def _out_of_order(positions: list[int]) -> int:
    """How many positions lie outside the longest increasing run."""
    tails: list[int] = []
    for x in positions:
        k = bisect.bisect_left(tails, x)
        tails[k : k + 1] = [x]
    return len(positions) - len(tails)


def measure(path: Path) -> dict:
    """One file's counts against pdftotext and its reading time."""
    from vertaal.documents.pdf import PdfDocument

    started = time.perf_counter()
    document = PdfDocument(str(path))
    seconds = time.perf_counter() - started
    ours = _words(" ".join(b.text for b in document.blocks))
    found: dict[str, list[int]] = {}
    for i, gram in enumerate(_grams(ours)):
        found.setdefault(gram, []).append(i)
    command = ["pdftotext", "-enc", "UTF-8", str(path), "-"]
    reference = subprocess.run(command, capture_output=True, text=True).stdout
    paragraphs = [p for p in re.split(r"\n\s*\n|\f", reference) if len(_words(p)) >= 6]
    missing = duplicated = 0
    positions = []
    for paragraph in paragraphs:
        grams = _grams(_words(paragraph))
        hits = [found[g] for g in grams if g in found]
        if len(hits) < 0.6 * len(grams):
            missing += 1
            continue
        if sum(len(h) > 1 for h in hits) > 0.6 * len(grams) and reference.count(paragraph.strip()[:40]) <= 1:
            duplicated += 1
        positions.append(hits[0][0])
    known = set(_words(reference))
    return {
        "file": path.name,
        "pages": document.pages,
        "paragraphs": len(paragraphs),
        "missing": missing,
        "duplicated": duplicated,
        "out_of_order": _out_of_order(positions),
        "glued": sum(1 for w in ours if len(w) >= 14 and w not in known),
        "left_out": len(getattr(document, "left_out", [])),
        "seconds": round(seconds, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    if shutil.which("pdftotext") is None:
        raise SystemExit("this benchmark compares with pdftotext: apt-get install poppler-utils")
    paths = []
    for given in options.paths or [PUBLIC]:
        paths += sorted(given.glob("*.pdf")) if given.is_dir() else [given]
    rows = [measure(p) for p in paths]
    pages, seconds = sum(r["pages"] for r in rows), sum(r["seconds"] for r in rows)
    speed = round(pages / seconds, 1)
    summary = {"files": rows, "pages": pages, "seconds": round(seconds, 2), "pages_per_second": speed}
    if options.json:
        print(json.dumps(summary, indent=1))
        return
    print("| file | pages | paragraphs | missing | duplicated | out of order | glued | left out | s |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        print(f"| {r['file']} | {r['pages']} | {r['paragraphs']} | {r['missing']} | {r['duplicated']} | "
              f"{r['out_of_order']} | {r['glued']} | {r['left_out']} | {r['seconds']} |")  # fmt: skip
    print(f"\n{pages} pages in {seconds:.2f} s: {summary['pages_per_second']} pages/s")


if __name__ == "__main__":
    main()
