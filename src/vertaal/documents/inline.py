"""Inline formats from a source block onto its translation, only where they can be placed exactly.

A format (bold, italic, a link) is kept when it covers

1. the whole block, or whole sentences: it covers their translations;
2. a glossary term: it covers the term's target where the translation has it;
3. text the translation copies as written (a number, a name, an acronym): it covers that copy,
   when there is exactly one.

Anything else cannot be placed without guessing, so it is left out and counted; the caller
reports the count ("4 inline formats dropped in 3 paragraphs"), never silently.
"""

from __future__ import annotations

from ..results import SentenceResult
from ..terms.forms import english_plural, find_all
from .blocks import Block, Span, Translated, merge_spans


def _locate(text: str, pieces: list[str]) -> list[tuple[int, int]] | None:
    """Where each piece (a sentence, in order) sits in `text`, or None if one cannot be found."""
    found, at = [], 0
    for piece in pieces:
        start = text.find(piece, at)
        if start < 0:
            return None
        found.append((start, start + len(piece)))
        at = start + len(piece)
    return found


def assemble(block: Block, results: list[SentenceResult]) -> Translated:
    """The block's translation (its sentences' targets joined) with the inline formats placed."""
    targets = [r.target for r in results]
    text = " ".join(t for t in targets if t)
    if not block.spans:
        return Translated(block, text, [])
    target_at, at = [], 0
    for target in targets:
        target_at.append((at, at + len(target)))
        at += len(target) + (1 if target else 0)
    source_at = _locate(block.text, [r.source for r in results])
    placed: list[Span] = []
    dropped = 0
    for span in merge_spans(block.spans):
        where = _place(block.text, span, text, results, source_at, target_at)
        if where is None or any(where[0] < s.end and s.start < where[1] for s in placed):
            dropped += 1
            continue
        placed.append(Span(where[0], where[1], span.key))
    return Translated(block, text, sorted(placed, key=lambda s: s.start), dropped)


def _place(
    source: str,
    span: Span,
    target: str,
    results: list[SentenceResult],
    source_at: list[tuple[int, int]] | None,
    target_at: list[tuple[int, int]],
) -> tuple[int, int] | None:
    covered = source[span.start : span.end].strip()
    if not covered or not target:
        return None
    if covered == source.strip():
        return 0, len(target)
    if source_at:
        whole = _whole_sentences(span, source_at)
        if whole is not None:
            first, last = whole
            return target_at[first][0], target_at[last][1]
        inside = [i for i, (a, b) in enumerate(source_at) if a <= span.start and span.end <= b]
        if inside:
            i = inside[0]
            offset = target_at[i][0]
            local = _term(covered, results[i]) or _verbatim(covered, results[i].target)
            if local is not None:
                return offset + local[0], offset + local[1]
    return _verbatim(covered, target)


def _whole_sentences(span: Span, source_at: list[tuple[int, int]]) -> tuple[int, int] | None:
    starts = [i for i, (a, _) in enumerate(source_at) if a == span.start]
    ends = [i for i, (_, b) in enumerate(source_at) if b == span.end or b == span.end - 1]
    if starts and ends and starts[0] <= ends[-1]:
        return starts[0], ends[-1]
    return None


def _term(covered: str, result: SentenceResult) -> tuple[int, int] | None:
    """The target of the glossary term whose source the format covers, in the sentence's translation."""
    for term in result.terms or []:
        if term.surface.strip() == covered and term.target:
            spans = find_all(result.target, [term.target, english_plural(term.target)], ignore_case=True)
            if len(spans) == 1:
                return spans[0]
    return None


def _verbatim(covered: str, target: str) -> tuple[int, int] | None:
    """The one place the translation copies `covered` as written (numbers, names), if exactly one."""
    spans = find_all(target, [covered])
    return spans[0] if len(spans) == 1 else None
