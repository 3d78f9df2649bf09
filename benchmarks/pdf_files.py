"""PDFs other tools wrote, read as vertaal reads them: per file, the paragraphs missing,
duplicated or out of order against a hand-written reference (or `pdftotext` where there is none),
with the reading speed in pages per second.

    python -m benchmarks.pdf_files [PDF or folder ...] [--json]

Without arguments it reads the public PDFs the tests ship (tests/data/documents/public-pdf, their
sources and licences in its README); pass a folder of more (the measured set of issue 29 came
from pdfminer.six's `samples/` and pdfplumber's `tests/pdfs/`, named in each reference).

A reference is `benchmarks/pdf_references/NAME.txt` (format in FORMAT.md there), written by
reading the rendered pages, not by running vertaal. Against it:

- missing: a paragraph whose opening vertaal does not write (over two thirds of the opening's word 4-grams,
  or all of a shorter opening, must line up at one place);
- duplicated: one whose whole opening vertaal writes more often than the reference does;
- out of order: paragraphs outside the longest run that vertaal reads in the reference's order;
- mid-block: a paragraph that does not start a block of its own (merged into the one before; up to
  two words, a list number say, may come before it);
- furniture kept: times a running head or foot, line-number series or slug is written;
- notes: footnotes missing or not written as notes;
- glued: vertaal words of 14 letters or more that pdftotext never writes.

A file without a reference is counted against pdftotext's paragraphs, which is itself wrong in
places (it keeps running heads, reads some forms across their columns): an upper bound to compare
runs, not errors one by one.
"""

from __future__ import annotations

import argparse
import bisect
import json
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]  # not benchmarks.common: it imports transformers, whose
# threads would keep the reader from its worker processes (it reads in one where threads run)
PUBLIC = ROOT / "tests" / "data" / "documents" / "public-pdf"
REFERENCES = Path(__file__).parent / "pdf_references"


CJK = "\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff"  # kana and ideographs: a word each


def _words(text: str) -> list[str]:
    return re.findall(rf"[{CJK}]|[^\W_{CJK}]+", text.lower())


def _grams(words: list[str], n: int = 4) -> list[str]:
    return [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]


def _out_of_order(positions: list[int]) -> int:
    """How many positions lie outside the longest increasing run."""
    tails: list[int] = []
    for x in positions:
        k = bisect.bisect_left(tails, x)
        tails[k : k + 1] = [x]
    return len(positions) - len(tails)


@dataclass
class Stream:
    """vertaal's words in order, with the index of each block's first word."""

    words: list[str] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    grams: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, blocks: list, pages: range | None) -> Stream:
        stream, page = cls(), 1  # a table before any paragraph is on page 1
        for block in blocks:
            number = re.match(r"page (\d+)", block.place)
            page = int(number.group(1)) if number else page
            if pages is None or page in pages:
                stream.starts.append(len(stream.words))
                stream.kinds.append(block.kind)
                stream.words += _words(block.text)
        for i, gram in enumerate(_grams(stream.words)):
            stream.grams.setdefault(gram, []).append(i)
        return stream

    def places(self, opening: list[str]) -> list[int]:
        """Where the opening lines up: over two thirds of its 4-grams at one start, or all of a
        shorter one."""
        if len(opening) < 4:  # a short heading: where it starts a block, if it does anywhere
            n = len(opening)
            found = [i for i in range(len(self.words) - n + 1) if self.words[i : i + n] == opening]
            starting = [i for i in found if i - self.starts[self.block_at(i)] <= 2]
            return starting or found[:1]
        votes: dict[int, int] = {}
        grams = _grams(opening)
        for offset, gram in enumerate(grams):
            for at in self.grams.get(gram, []):
                votes[at - offset] = votes.get(at - offset, 0) + 1
        found = sorted(at for at, n in votes.items() if n * 3 > len(grams) * 2)
        found = [at for k, at in enumerate(found) if k == 0 or at - found[k - 1] > 2]
        # the best place first; another counts only where the whole opening is written again
        found.sort(key=lambda at: -votes[at])
        return found[:1] + [at for at in found[1:] if votes[at] == len(grams)]

    def block_at(self, at: int) -> int:
        return bisect.bisect_right(self.starts, at) - 1


def _reference(path: Path) -> tuple[list[tuple[str, list[str]]], range | None]:
    lines, pages = [], None
    for raw in path.read_text(encoding="utf-8").splitlines():
        covered = re.match(r"#\s*pages:\s*(\d+)\s*-\s*(\d+)", raw)
        if covered:
            pages = range(int(covered.group(1)), int(covered.group(2)) + 1)
        if raw[:2] in ("P ", "N ", "F "):
            lines.append((raw[0], _words(raw[2:])[:10]))
    return lines, pages


def _furniture_kept(stream: Stream, words: list[str]) -> int:
    """Times a recurring line is written, its numbers aside (a series of line numbers: blocks of
    numbers only)."""
    letters = [w for w in words if not w.isdigit()]
    if not letters:
        return sum(
            1
            for k, start in enumerate(stream.starts)
            if (chunk := stream.words[start : stream.starts[k + 1] if k + 1 < len(stream.starts) else None])
            and len(chunk) >= 3
            and all(w.isdigit() for w in chunk)
        )
    plain = [w for w in stream.words if not w.isdigit()]
    n = len(letters)
    return sum(1 for i in range(len(plain) - n + 1) if plain[i : i + n] == letters)


def against_reference(blocks: list, reference: Path, explain: bool = False) -> dict:
    """Counts of one file's blocks against its hand-written reference (`explain`: print each
    reference line with what was found for it)."""
    lines, pages = _reference(reference)
    stream = Stream.of(blocks, pages)
    expected: dict[str, int] = {}
    for kind, words in lines:
        if kind != "F":
            expected[" ".join(words[:6])] = expected.get(" ".join(words[:6]), 0) + 1
    counts = dict.fromkeys(("paragraphs", "missing", "duplicated", "mid_block", "notes_wrong"), 0)
    counts["furniture_kept"], positions = 0, []
    for kind, words in lines:
        if kind == "F":
            counts["furniture_kept"] += _furniture_kept(stream, words)
            if explain:
                print("F", " ".join(words), "kept", _furniture_kept(stream, words))
            continue
        counts["paragraphs"] += 1
        places = stream.places(words)
        if explain:
            where = [
                (at, stream.kinds[stream.block_at(at)], at - stream.starts[stream.block_at(at)])
                for at in places
            ]
            print(kind, " ".join(words), where or "MISSING")
        if not places:
            counts["missing"] += 1
            counts["notes_wrong"] += kind == "N"
            continue
        counts["duplicated"] += len(places) > expected[" ".join(words[:6])]
        # of the places an opening written more than once has, the first after the last one read
        after = [at for at in sorted(places) if positions and at > positions[-1]]
        at = after[0] if after and len(places) > 1 else places[0]
        block = stream.block_at(at)
        if kind == "N":
            counts["notes_wrong"] += stream.kinds[block] != "note"
            continue
        counts["mid_block"] += at - stream.starts[block] > 2
        positions.append(at)
    counts["out_of_order"] = _out_of_order(positions)
    return counts


def against_pdftotext(path: Path, blocks: list) -> dict:
    """Upper-bound counts against pdftotext's paragraphs, for a file without a reference."""
    ours = _words(" ".join(b.text for b in blocks))
    found: dict[str, list[int]] = {}
    for i, gram in enumerate(_grams(ours)):
        found.setdefault(gram, []).append(i)
    reference = _pdftotext(path)
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
    return {"paragraphs": len(paragraphs), "missing": missing, "duplicated": duplicated,
            "out_of_order": _out_of_order(positions)}  # fmt: skip


def _pdftotext(path: Path) -> str:
    command = ["pdftotext", "-enc", "UTF-8", str(path), "-"]
    return subprocess.run(command, capture_output=True, text=True).stdout


def measure(path: Path, explain: bool = False) -> dict:
    """One file's counts (against its reference, or pdftotext) and its reading time."""
    from vertaal.documents.pdf import PdfDocument

    started = time.perf_counter()
    document = PdfDocument(str(path))
    seconds = time.perf_counter() - started
    reference = REFERENCES / f"{path.stem}.txt"
    if reference.exists():
        counts = {"against": "reference", **against_reference(document.blocks, reference, explain)}
    else:
        counts = {"against": "pdftotext", **against_pdftotext(path, document.blocks)}
    known = set(_words(_pdftotext(path)))
    ours = _words(" ".join(b.text for b in document.blocks))
    return {
        "file": path.name,
        "pages": document.pages,
        **counts,
        "glued": sum(1 for w in ours if len(w) >= 14 and w not in known),
        "left_out": len(getattr(document, "left_out", [])),
        "seconds": round(seconds, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--explain", action="store_true", help="print each reference line and where it was found"
    )
    options = parser.parse_args()
    if shutil.which("pdftotext") is None:
        raise SystemExit("this benchmark compares with pdftotext: apt-get install poppler-utils")
    paths = []
    for given in options.paths or [PUBLIC]:
        paths += sorted(given.glob("*.pdf")) if given.is_dir() else [given]
    rows = [measure(p, options.explain) for p in paths]
    pages, seconds = sum(r["pages"] for r in rows), sum(r["seconds"] for r in rows)
    speed = round(pages / seconds, 1)
    summary = {"files": rows, "pages": pages, "seconds": round(seconds, 2), "pages_per_second": speed}
    if options.json:
        print(json.dumps(summary, indent=1))
        return
    columns = ("pages", "against", "paragraphs", "missing", "duplicated", "out_of_order", "mid_block",
               "furniture_kept", "notes_wrong", "glued", "left_out", "seconds")  # fmt: skip
    print("| file | " + " | ".join(c.replace("_", " ") for c in columns) + " |")
    print("| --- " * (len(columns) + 1) + "|")
    for r in rows:
        print(f"| {r['file']} | " + " | ".join(str(r.get(c, "")) for c in columns) + " |")
    print(f"\n{pages} pages in {seconds:.2f} s: {summary['pages_per_second']} pages/s")


if __name__ == "__main__":
    main()
