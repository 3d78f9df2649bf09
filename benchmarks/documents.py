"""Documents: PDF reading speed (pages per second) next to translation time, on a 20-page report.

Generates a three-column report of N pages with reportlab (the sample page's paragraphs, over
and over, with running heads and page numbers), then measures

- reading: `PdfDocument` (pdfplumber words, columns, furniture, paragraphs), best of three;
- the whole process a user waits for: `vertaal translate report.pdf -o report.docx`.

    python -m benchmarks.documents [--pages 20] [--model DIR] [--json]

Without --model the tiny trained test model translates (tests/.cache), so translation time here
says how the pipeline around the model costs, not what a full-size model takes.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from benchmarks.common import ROOT, measure_process


def make_report(path: Path, pages: int) -> int:
    """A report of about `pages` three-column pages; returns the real page count."""
    import pdfplumber

    from tests import documents

    paragraphs = documents.sample_paragraphs()
    repeats = 1
    while True:
        documents.sample_pdf(path, paragraphs=paragraphs * repeats)
        with pdfplumber.open(path) as pdf:
            count = len(pdf.pages)
        if count >= pages:
            return count
        repeats = max(repeats + 1, int(repeats * pages / max(count, 1)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--model", default=None)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    from tests import factory
    from vertaal.documents.pdf import PdfDocument

    model = options.model or str(factory.trained_model(ROOT / "tests" / ".cache"))
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.pdf"
        pages = make_report(report, options.pages)
        timings = []
        for _ in range(3):
            started = time.perf_counter()
            document = PdfDocument(str(report))
            timings.append(time.perf_counter() - started)
        reading = min(timings)
        env = dict(os.environ, VERTAAL_DB=str(Path(tmp) / "v.db"))
        translate = measure_process(
            ["translate", str(report), "-o", str(Path(tmp) / "report.docx"), "-m", model, "--no-memory"], env
        )
    result = {
        "pages": pages,
        "blocks": len(document.blocks),
        "reading_s": round(reading, 2),
        "pages_per_s": round(pages / reading, 1),
        "translate": translate,
        "reading_share": round(reading / translate["seconds"], 3),
        "model": "tiny trained test model" if options.model is None else options.model,
    }
    print(json.dumps(result, indent=None if options.json else 2))


if __name__ == "__main__":
    main()
