"""Term and consistency checks of a bilingual text, as a reviewer (or Xbench, Verifika) would run them.

Per segment: a glossary term missing from the target (listed alternatives and English plurals
accepted), a forbidden target used, a keep (do-not-translate) term altered, an untranslated
segment, numbers or dates that differ, and in a bilingual file's segments the inline codes
(:mod:`vertaal.qa.tags`). Across the document: one source translated in different
ways, and different sources translated the same way.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..terms.forms import Presence, accepted_forms, find_all, forbidden_spans, is_required
from ..terms.matcher import Hit, Matcher
from ..text.reflow import collapse
from .alignment import SegmentPair

ERROR, WARNING = "error", "warning"
CHECKS = {
    "term_missing": ERROR,
    "forbidden_term": ERROR,
    "keep_altered": ERROR,
    "number_mismatch": ERROR,
    "tag_missing": ERROR,
    "tag_added": ERROR,
    "tag_duplicated": ERROR,
    "tag_order": ERROR,
    "tag_nesting": ERROR,
    "segment_count": ERROR,  # the server's check: source and target lists of different lengths
    "untranslated": WARNING,
    "inconsistent_translation": WARNING,
    "same_translation": WARNING,
}
SEVERITY_RANK = {WARNING: 1, ERROR: 2}

_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*")
_WORDS = re.compile(r"[^\W\d_]{2,}")
MONTHS = {
    "nl": [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ],
    "en": [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ],
}


class _Reported:
    """What every problem shows: its check, severity, message, segments and details."""

    __slots__ = ()
    check: str
    message: str
    segments: list[int]
    details: dict[str, Any]

    @property
    def severity(self) -> str:
        return CHECKS[self.check]

    def to_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "severity": self.severity,
            "message": self.message,
            "segments": self.segments,
            "details": self.details,
        }


@dataclass(slots=True)
class Problem(_Reported):
    check: str
    message: str
    segments: list[int]
    details: dict[str, Any] = field(default_factory=dict)


class TermProblem(_Reported):
    """A term missing from the target or a keep term altered: a Problem that builds its message
    and details when asked, so a million of them stay small."""

    __slots__ = ("check", "surface", "source", "expected", "index")

    def __init__(self, check: str, surface: str, source: str, expected: str, index: int) -> None:
        self.check, self.surface, self.index = check, surface, index
        self.source, self.expected = source, expected

    @property
    def message(self) -> str:
        verb = "is not kept as" if self.check == "keep_altered" else "is not translated as"
        return f"{self.surface!r} {verb} {self.expected!r}"

    @property
    def segments(self) -> list[int]:
        return [self.index]

    @property
    def details(self) -> dict[str, Any]:
        return {"source": self.source, "surface": self.surface, "expected": self.expected}


@dataclass(slots=True)
class TermOccurrence:
    source: str
    target: str
    kind: str
    start: int
    end: int
    present: bool

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass(slots=True)
class SegmentResult:
    index: int
    line: int
    source: str
    target: str
    unit: str = ""  # a bilingual file's segment id
    terms: list[TermOccurrence] = field(default_factory=list)
    target_spans: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, "term"|"forbidden")
    problems: list[Problem | TermProblem] = field(default_factory=list)

    def head(self) -> dict[str, Any]:
        """The segment's own fields, without its terms and problems."""
        head = {"index": self.index, "line": self.line, "source": self.source, "target": self.target}
        return head | {"unit": self.unit} if self.unit else head

    def to_dict(self) -> dict[str, Any]:
        return self.head() | {
            "terms": [t.to_dict() for t in self.terms],
            "problems": [p.to_dict() for p in self.problems],
        }


@dataclass
class Report:
    segments: list[SegmentResult]
    document_problems: list[Problem]
    meta: dict[str, Any] = field(default_factory=dict)

    def problems(self) -> list[Problem | TermProblem]:
        return [p for s in self.segments for p in s.problems] + self.document_problems

    def summary(self) -> dict[str, Any]:
        occurrences = [t for s in self.segments for t in s.terms if t.kind in ("preferred", "keep")]
        present = sum(t.present for t in occurrences)
        counts = Counter(p.check for p in self.problems())
        return {
            "segments": len(self.segments),
            "term_occurrences": len(occurrences),
            "terms_present": present,
            "term_success_rate": round(present / len(occurrences), 4) if occurrences else None,
            "problems": {check: counts.get(check, 0) for check in CHECKS},
            "errors": sum(n for check, n in counts.items() if CHECKS[check] == ERROR),
            "warnings": sum(n for check, n in counts.items() if CHECKS[check] == WARNING),
        }

    def fails(self, level: str) -> bool:
        """Whether any problem is at `level` (error|warning) or worse."""
        return any(SEVERITY_RANK[p.severity] >= SEVERITY_RANK[level] for p in self.problems())

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": 1,
            **self.meta,
            "summary": self.summary(),
            "segments": [s.to_dict() for s in self.segments],
            "document_problems": [p.to_dict() for p in self.document_problems],
        }


class Checker:
    """Runs every check over a stream of segments."""

    def __init__(
        self, matcher: Matcher | None, pair: tuple[str, str] = ("nl", "en"), *, spans: bool = True
    ) -> None:
        self.matcher = matcher
        self.pair = pair
        self.spans = spans  # keep where terms stand in each target (only the HTML report shows them)

    def check(self, segments: Iterable[SegmentPair], **meta: Any) -> Report:
        results = []
        # keyed by digests of the normalised texts, so a huge segment is not held twice more
        by_source: dict[bytes, dict[bytes, int]] = {}
        by_target: dict[bytes, dict[bytes, int]] = {}
        for segment in segments:
            result = self.check_segment(segment)
            results.append(result)
            source, target = collapse(segment.source), collapse(segment.target)
            if source and target:
                source_key, target_key = _digest(source), _digest(target)
                by_source.setdefault(source_key, {}).setdefault(target_key, segment.index)
                by_target.setdefault(target_key, {}).setdefault(source_key, segment.index)
        by_index = {r.index: r for r in results}
        document = []
        for source, texts, where in _variants(by_source, by_index, "source", "target"):
            message = f"the same source is translated {len(texts)} ways: " + " | ".join(map(repr, texts))
            document.append(
                Problem("inconsistent_translation", message, where, {"source": source, "targets": texts})
            )
        for target, texts, where in _variants(by_target, by_index, "target", "source"):
            message = f"{len(texts)} different sources share the translation {target!r}"
            document.append(Problem("same_translation", message, where, {"target": target, "sources": texts}))
        return Report(results, document, meta)

    def check_segment(self, segment: SegmentPair) -> SegmentResult:
        result = SegmentResult(segment.index, segment.line, segment.source, segment.target, segment.unit)
        hits = self.matcher.iter_find(segment.source) if self.matcher else iter(())
        self._terms(result, hits)
        self._untranslated(result)
        self._numbers(result)
        if segment.codes is not None:
            from .tags import tag_problems

            found = tag_problems(*segment.codes)
            result.problems += [Problem(c, m, [segment.index], d) for c, m, d in found]
        return result

    def _terms(self, result: SegmentResult, hits: Iterable[Hit]) -> None:
        target = result.target
        claims = Presence(target, self.pair[1])
        highlighted: set[int] = set()
        forbidden: dict[int, list[tuple[int, int]]] = {}  # per entry: looked for once per segment
        for hit in hits:
            entry = hit.entry
            found = claims.claim(hit)
            if self.spans and is_required(entry) and id(entry) not in highlighted:
                highlighted.add(id(entry))
                spans = find_all(target, accepted_forms(entry, self.pair[1]))
                result.target_spans += [(a, b, "term") for a, b in spans]
            if not found:
                check = "keep_altered" if entry.kind == "keep" else "term_missing"
                problem = TermProblem(check, hit.surface, entry.source, entry.target, result.index)
                result.problems.append(problem)
            if id(entry) not in forbidden:
                forbidden[id(entry)] = forbidden_spans(entry, target)
            used = forbidden[id(entry)]
            if used:
                if self.spans:
                    result.target_spans += [(a, b, "forbidden") for a, b in used]
                words = sorted({target[a:b] for a, b in used})
                result.problems.append(
                    Problem(
                        "forbidden_term",
                        f"{', '.join(map(repr, words))} must not translate {hit.surface!r}",
                        [result.index],
                        {"source": entry.source, "used": words},
                    )
                )
            result.terms.append(
                TermOccurrence(entry.source, entry.target, entry.kind, hit.start, hit.end, found)
            )

    def _untranslated(self, result: SegmentResult) -> None:
        source, target = collapse(result.source), collapse(result.target)
        if source and source.casefold() == target.casefold() and len(_WORDS.findall(source)) >= 2:
            result.problems.append(
                Problem("untranslated", "the target is the same as the source", [result.index])
            )

    def _numbers(self, result: SegmentResult) -> None:
        source = numbers(result.source, self.pair[0])
        target = numbers(result.target, self.pair[1])
        if source == target:
            return
        missing = sorted(_display(n) for n in (source - target).elements())
        extra = sorted(_display(n) for n in (target - source).elements())
        parts = []
        if missing:
            parts.append(f"missing in the target: {', '.join(missing)}")
        if extra:
            parts.append(f"not in the source: {', '.join(extra)}")
        result.problems.append(
            Problem("number_mismatch", "; ".join(parts), [result.index], {"missing": missing, "extra": extra})
        )


def _variants(
    groups: dict[bytes, dict[bytes, int]], by_index: dict[int, SegmentResult], fixed: str, varying: str
) -> Iterator[tuple[str, list[str], list[int]]]:
    """Per text on one side that has several texts on the other: it, those texts, their segments."""
    for others in groups.values():
        if len(others) > 1:
            first = by_index[next(iter(others.values()))]
            texts = [collapse(getattr(by_index[i], varying)) for i in others.values()]
            yield collapse(getattr(first, fixed)), texts, sorted(others.values())


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def numbers(text: str, language: str) -> Counter[str]:
    """Numbers (in one canonical spelling) and month names (as month:N) in `text`."""
    found: Counter[str] = Counter()
    for match in _NUMBER.finditer(text):
        found[_canonical(match.group(), language)] += 1
    months = MONTHS.get(language)
    if months:  # a month name counts in a date only ("15 juni", "June 2014"), not "may" the verb
        names = "|".join(months)
        for match in re.finditer(rf"(?<!\w)(\d{{1,2}}\s+)?({names})(\s+\d{{4}})?(?!\w)", text.lower()):
            if match.group(1) or match.group(3):
                found[f"month:{months.index(match.group(2)) + 1}"] += 1
    return found


def _display(number: str) -> str:
    if number.startswith("month:"):
        return MONTHS["en"][int(number[6:]) - 1].capitalize()
    return number


def _canonical(number: str, language: str) -> str:
    thousands, decimal = (".", ",") if language == "nl" else (",", ".")
    if re.fullmatch(rf"\d{{1,3}}(?:\{thousands}\d{{3}})+(?:\{decimal}\d+)?", number):
        number = number.replace(thousands, "")
    if decimal in number and thousands not in number:
        number = number.replace(decimal, ".")
    return number


def check_segments(
    segments: Iterable[SegmentPair],
    glossary: Any,
    languages: tuple[str, str],
    db: Any = None,
    *,
    spans: bool = False,
    matcher: Matcher | None = None,
    **meta: Any,
) -> Report:
    """The one check pipeline (`check`, `translate --report`, the server's check and review):
    the glossary's matcher (or the one given), every check, one report. `glossary` is a stored
    glossary's name or None; the report names it only when it applied."""
    if matcher is None:
        from ..glossary.matchers import load_matcher

        matcher = load_matcher(glossary, db, languages)
    named = glossary if matcher is not None and isinstance(glossary, str) else None
    meta = {"glossary": named, "pair": "-".join(languages), **meta}
    return Checker(matcher, languages, spans=spans).check(segments, **meta)
