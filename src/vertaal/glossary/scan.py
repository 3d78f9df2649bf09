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

from collections import Counter
from typing import Any

from ..terms.matcher import Hit, line_column


def scan_report(text: str, hits: list[Hit], *, file: str, glossary: str, pair: str) -> dict[str, Any]:
    position = line_column(text)
    rows = []
    for hit in hits:
        line, column = position(hit.start)
        rows.append(hit.to_dict() | {"line": line, "column": column})
    counts = Counter((h.entry.source, h.entry.target, h.entry.kind) for h in hits)
    summary = [
        {"source": s, "target": t, "kind": k, "count": n}
        for (s, t, k), n in sorted(counts.items(), key=lambda item: (-item[1], item[0][0]))
    ]
    return {"file": file, "glossary": glossary, "pair": pair, "hits": rows, "summary": summary}
