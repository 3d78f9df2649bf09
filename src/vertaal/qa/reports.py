"""Rendering QA reports: a terminal table, one JSON document, a self-contained HTML page.

JSON schema (``--format json``), version 1::

    {"version": 1, "source": str, "target": str, "glossary": str|null, "pair": "nl-en",
     "summary": {"segments": int, "term_occurrences": int, "terms_present": int,
                 "term_success_rate": float|null,     # terms_present / term_occurrences
                 "problems": {check: count, ...},     # every check, zero included
                 "errors": int, "warnings": int},
     "segments": [{"index": int, "line": int, "source": str, "target": str,
                   "terms": [{"source", "target", "kind", "start", "end", "present": bool}],
                   "problems": [problem, ...]}],
     "document_problems": [problem, ...]}

    problem = {"check": str, "severity": "error"|"warning", "message": str,
               "segments": [int, ...], "details": {...}}

checks: term_missing, forbidden_term, keep_altered, number_mismatch (errors); untranslated,
inconsistent_translation, same_translation (warnings).
"""

from __future__ import annotations

import html
import io
import json
from typing import Any, TextIO

from .checks import CHECKS, ERROR, Report, SegmentResult

FORMATS = ("table", "json", "html")


def render_json(report: Report) -> str:
    out = io.StringIO()
    write_json(report, out)
    return out.getvalue()


def write_json(report: Report, out: TextIO) -> None:
    """The JSON document, written piece by piece (one segment, one term at a time), so that a
    report of a million terms never exists twice in memory as a tree of dicts."""

    def dump(value: Any, indent: int) -> str:
        return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + " " * indent)

    head = {"version": 1, **report.meta, "summary": report.summary()}
    out.write("{\n")
    for key, value in head.items():
        out.write(f"  {json.dumps(key)}: {dump(value, 2)},\n")
    out.write('  "segments": [')
    for n, segment in enumerate(report.segments):
        out.write(("," if n else "") + "\n    {\n")
        for key, value in segment.head().items():
            out.write(f"      {json.dumps(key)}: {dump(value, 6)},\n")
        out.write('      "terms": ')
        _array(out, (t.to_dict() for t in segment.terms), 6, dump)
        out.write(',\n      "problems": ')
        _array(out, (p.to_dict() for p in segment.problems), 6, dump)
        out.write("\n    }")
    out.write("\n  ]" if report.segments else "]")
    out.write(',\n  "document_problems": ')
    _array(out, (p.to_dict() for p in report.document_problems), 2, dump)
    out.write("\n}\n")


def _array(out: TextIO, items: Any, indent: int, dump: Any) -> None:
    """A JSON array of `items`, each dumped as it comes."""
    out.write("[")
    empty = True
    for item in items:
        out.write(("\n" if empty else ",\n") + " " * (indent + 2) + dump(item, indent + 2))
        empty = False
    out.write("]" if empty else "\n" + " " * indent + "]")


def render_table(report: Report, console: Any) -> None:
    """Problems as a rich table, then the summary."""
    from rich.table import Table
    from rich.text import Text  # user text as it is: "[/]" in a term is no markup

    summary = report.summary()
    table = Table("segment", "line", "severity", "check", "message", title="vertaal check")
    for problem in report.problems():
        segments = ", ".join(str(i + 1) for i in problem.segments)
        lines = ", ".join(str(report.segments[i].line) for i in problem.segments if i < len(report.segments))
        style = "red" if problem.severity == ERROR else "yellow"
        table.add_row(
            segments,
            lines,
            f"[{style}]{problem.severity}[/]",
            problem.check,
            Text(problem.message),
        )
    if table.row_count:
        console.print(table)
    rate = summary["term_success_rate"]
    rate_text = "n/a" if rate is None else f"{rate:.1%}"
    console.print(
        f"{summary['segments']} segments, term success rate {rate_text} "
        f"({summary['terms_present']}/{summary['term_occurrences']}), "
        f"{summary['errors']} errors, {summary['warnings']} warnings"
    )


_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1d2733;background:#fff}
h1{font-size:20px;margin:0 0 4px}
.meta{color:#5b6673;margin-bottom:16px}
.summary{display:flex;flex-wrap:wrap;gap:12px;margin-bottom:20px}
.card{border:1px solid #d5dbe1;border-radius:6px;padding:10px 14px;min-width:120px;background:#f7f9fb}
.card .value{font-size:22px;font-weight:600}
.card.bad .value{color:#b42318}.card.warn .value{color:#b54708}.card.good .value{color:#067647}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #e4e8ec;padding:6px 8px;vertical-align:top;text-align:left}
th{background:#eef2f6;position:sticky;top:0}
td.n{color:#5b6673;width:3em}
tr.error td{background:#fef3f2}tr.warning td{background:#fffaeb}
mark.term{background:#d1fadf;border-radius:3px;padding:0 2px}
mark.term.missing{background:#fee4e2;text-decoration:underline wavy #b42318}
mark.forbidden{background:#fecdca;text-decoration:line-through}
.problem{display:block;font-size:12px;margin-top:2px}
.problem.error{color:#b42318}.problem.warning{color:#b54708}
"""


def render_html(report: Report) -> str:
    """A self-contained page: summary cards, then source and target side by side per segment."""
    summary = report.summary()
    meta = report.meta
    rate = summary["term_success_rate"]
    cards = [
        _card(
            "term success rate",
            "n/a" if rate is None else f"{rate:.1%}",
            "good" if rate in (None, 1.0) else "bad",
        ),
        _card("terms present", f"{summary['terms_present']} / {summary['term_occurrences']}", ""),
        _card("errors", str(summary["errors"]), "bad" if summary["errors"] else "good"),
        _card("warnings", str(summary["warnings"]), "warn" if summary["warnings"] else "good"),
    ]
    cards += [
        _card(
            check.replace("_", " "),
            str(count),
            ("bad" if CHECKS[check] == ERROR else "warn") if count else "",
        )
        for check, count in summary["problems"].items()
    ]
    document = {i: [] for i in range(len(report.segments))}
    for problem in report.document_problems:
        for index in problem.segments:
            document.setdefault(index, []).append(problem)
    rows = [_row(segment, document.get(segment.index, [])) for segment in report.segments]
    title = "vertaal check"
    subtitle = " · ".join(
        html.escape(str(v))
        for v in (
            meta.get("source"),
            meta.get("target"),
            meta.get("glossary") and f"glossary {meta['glossary']}",
        )
        if v
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{_CSS}</style></head><body>"
        f'<h1>{title}</h1><div class="meta">{subtitle}</div>'
        f'<section class="summary" id="summary">{"".join(cards)}</section>'
        "<table><thead><tr><th>#</th><th>source</th><th>target</th></tr></thead><tbody>"
        f"{''.join(rows)}</tbody></table></body></html>\n"
    )


def _card(label: str, value: str, tone: str) -> str:
    return (
        f'<div class="card {tone}"><div class="value">{html.escape(value)}</div>'
        f'<div class="label">{html.escape(label)}</div></div>'
    )


def _row(segment: SegmentResult, document_problems: list) -> str:
    problems = segment.problems + document_problems
    worst = "error" if any(p.severity == ERROR for p in problems) else "warning" if problems else ""
    source_marks = [
        (t.start, t.end, "term" if t.present or t.kind == "forbidden" else "term missing")
        for t in segment.terms
    ]
    notes = "".join(
        f'<span class="problem {p.severity}">{p.severity}: {html.escape(p.check)} — '
        f"{html.escape(p.message)}</span>"
        for p in problems
    )
    return (
        f'<tr class="{worst}" id="s{segment.index + 1}"><td class="n">{segment.index + 1}</td>'
        f"<td>{_highlight(segment.source, source_marks)}</td>"
        f"<td>{_highlight(segment.target, segment.target_spans)}{notes}</td></tr>"
    )


def _highlight(text: str, spans: list[tuple[int, int, str]]) -> str:
    out, position = [], 0
    for start, end, kind in sorted(spans):
        if start < position:
            continue
        out.append(html.escape(text[position:start]))
        out.append(f'<mark class="{kind}">{html.escape(text[start:end])}</mark>')
        position = end
    out.append(html.escape(text[position:]))
    return "".join(out)
