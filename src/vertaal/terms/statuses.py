"""Term statuses: what became of each glossary term in a translation, judged by the shared
presence test (`terms.forms`), so that what `translate` reports is what `check` finds."""

from __future__ import annotations

from ..results import DECODED, ENFORCED, FAILED, MEMORY, UNFORCED, TermStatus
from .forms import forbidden_used, presence
from .matcher import Hit


def judge(
    hits: list[Hit],
    output: str,
    target_lang: str = "en",
    forced: list[bool] | None = None,
    found_status: str = UNFORCED,
) -> list[TermStatus]:
    """Per hit: failed when `output` lacks the term as a whole word or uses a forbidden target;
    else enforced where `forced` says the decoder put it in, else `found_status`."""
    present = presence(hits, output, target_lang)
    result = []
    for i, (hit, found) in enumerate(zip(hits, present, strict=True)):
        entry = hit.entry
        used = forbidden_used(entry, output)
        by = ""
        if used or not found:
            status = FAILED
        elif forced is not None and forced[i]:
            status, by = ENFORCED, DECODED
        else:
            status = found_status
        result.append(TermStatus(entry.source, entry.target, hit.surface, entry.kind, status, used, by))
    return result


def observed_statuses(
    hits: list[Hit], output: str, target_lang: str = "en", found_status: str = UNFORCED
) -> list[TermStatus]:
    """Term statuses of a translation made without constraints: `found_status` (unforced, or
    'memory' for a remembered one) when it holds the term, else failed."""
    return judge(hits, output, target_lang, None, found_status)


def remembered_statuses(hits: list[Hit], output: str, target_lang: str = "en") -> list[TermStatus]:
    """Term statuses of a translation from memory: 'memory' when it holds the term, else failed."""
    return observed_statuses(hits, output, target_lang, MEMORY)


def satisfied(hits: list[Hit], output: str, target_lang: str = "en") -> bool:
    """Whether a free translation already holds every required term (as often as the source
    does) and no forbidden one."""
    if any(forbidden_used(hit.entry, output) for hit in hits):
        return False
    return all(presence(hits, output, target_lang))
