"""The tag check of a bilingual file, as Xbench runs it: inline codes missing, added, duplicated,
out of order where order matters, or wrongly nested in the target.

Codes are compared by what names them in the file (element and id, or the placeholder itself)
and their role (opening, closing, standalone, ordered); see :mod:`vertaal.cat.segments`.
"""

from __future__ import annotations

from collections import Counter

from ..text.codes import CLOSE, OPEN, ORDERED

Ref = tuple[str, str, str]  # (kind, key, label)
Found = tuple[str, str, dict]  # (check, message, details)


def tag_problems(source: list[Ref], target: list[Ref]) -> list[Found]:
    """(check, message, details) of each problem of a segment's target codes against its source's."""
    problems = []
    have = Counter((kind, key) for kind, key, _ in source)
    got = Counter((kind, key) for kind, key, _ in target)
    labels = {(kind, key): label for kind, key, label in [*source, *target]}
    for ref in have:
        if got[ref] == 0:
            problems.append(_problem("tag_missing", f"{labels[ref]} is missing from the target", ref))
    for ref, count in got.items():
        if have[ref] == 0 and _annotation(ref[1]):
            continue  # XLIFF 2 (4.7.1): a target may carry annotations of its own, under new ids
        if have[ref] == 0:
            problems.append(_problem("tag_added", f"{labels[ref]} is not in the source", ref))
        elif count > have[ref]:
            message = f"{labels[ref]} appears {count} times in the target, {have[ref]} in the source"
            problems.append(_problem("tag_duplicated", message, ref))
    ordered_source = [key for kind, key, _ in source if kind == ORDERED]
    ordered_target = [key for kind, key, _ in target if kind == ORDERED and have[(kind, key)]]
    if ordered_target != ordered_source and sorted(ordered_target) == sorted(ordered_source):
        message = f"out of order: {' '.join(ordered_target)} (the source has {' '.join(ordered_source)})"
        problems.append(("tag_order", message, {"source": ordered_source}))
    opening, closing = ({key for kind, key, _ in source if kind == role} for role in (OPEN, CLOSE))
    paired = opening & closing
    problems += _nesting([ref for ref in target if ref[1] in paired])
    return problems


def _nesting(target: list[Ref]) -> list[Found]:
    """Closing codes that close another pair than the innermost open one, or none. Only pairs
    whose both codes are in the source's segment are judged (memoQ and Trados split a pair over
    segments: its half in this one is judged by presence alone)."""
    opened: list[str] = []
    for kind, key, label in target:
        if kind == OPEN:
            opened.append(key)
        elif kind == CLOSE and key in opened:
            if opened[-1] != key:
                message = f"{label} closes {key} while {opened[-1]} is still open"
                return [("tag_nesting", message, {"code": key})]
            opened.pop()
        elif kind == CLOSE:
            message = f"{label} ({key}) closes a pair that is not open"
            return [("tag_nesting", message, {"code": key})]
    if opened:
        return [("tag_nesting", f"{opened[-1]} is never closed", {"code": opened[-1]})]
    return []


def _annotation(key: str) -> bool:
    """An annotation marker (``<mrk>``, ``<sm>``/``<em>``) rather than a code of the original."""
    return key.startswith(("mrk#", "sm/em#"))


def _problem(check: str, message: str, ref: tuple[str, str]) -> Found:
    return check, message, {"kind": ref[0], "code": ref[1]}
