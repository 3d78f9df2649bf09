"""The report of a glossary scan: every hit with its position, and counts per entry.

JSON schema (``vertaal glossary scan --format json``)::

    {
      "file": str, "glossary": str, "pair": "nl-en",
      "hits": [{"source": str, "target": str, "kind": "preferred|keep|forbidden",
                "surface": str,          # the text as found, whitespace collapsed
                "start": int, "end": int,  # character offsets in the file (end exclusive)
                "line": int, "column": int,  # 1-based, of the start
                "inflected": bool,       # found in an inflected form (diensten, AIVD's)
                "compound": bool}],      # found as part of a compound (AIVD-gebouw, gemeenteraad)
      "summary": [{"source": str, "target": str, "kind": str, "count": int}]  # most frequent first
    }
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any, TextIO

from ..terms.matcher import Hit, line_column


def hit_rows(text: str, hits: list[Hit]) -> Iterator[dict[str, Any]]:
    """The report's "hits", one dict at a time (a long text's hits never all exist as dicts)."""
    position = line_column(text)
    for hit in hits:
        line, column = position(hit.start)
        yield hit.to_dict() | {"line": line, "column": column}


def summarise(hits: list[Hit]) -> list[dict[str, Any]]:
    """Counts per entry, most frequent first."""
    counts = Counter((h.entry.source, h.entry.target, h.entry.kind) for h in hits)
    return [
        {"source": s, "target": t, "kind": k, "count": n}
        for (s, t, k), n in sorted(counts.items(), key=lambda item: (-item[1], item[0][0]))
    ]


def scan_report(text: str, hits: list[Hit], *, file: str, glossary: str, pair: str) -> dict[str, Any]:
    """The whole report as one dict (see :func:`write_scan_json` for a long text)."""
    rows = list(hit_rows(text, hits))
    return {"file": file, "glossary": glossary, "pair": pair, "hits": rows, "summary": summarise(hits)}


def write_scan_json(text: str, hits: list[Hit], out: TextIO, *, file: str, glossary: str, pair: str) -> None:
    """The report as :func:`scan_report` would give it, written one hit at a time."""

    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n    ")

    out.write("{\n")
    for key, value in (("file", file), ("glossary", glossary), ("pair", pair)):
        out.write(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},\n")
    out.write('  "hits": [')
    first = True
    for row in hit_rows(text, hits):
        out.write(("\n    " if first else ",\n    ") + dump(row))
        first = False
    out.write("]" if first else "\n  ]")
    summary = json.dumps(summarise(hits), ensure_ascii=False, indent=2).replace("\n", "\n  ")
    out.write(f',\n  "summary": {summary}\n}}\n')
