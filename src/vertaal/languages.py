"""Language tags: files say nl, nl-NL, nl_NL or NL; vertaal keys everything on the primary subtag.

`--pair` takes two BCP 47 tags (RFC 5646): ``nl-en``, ``nl-NL-en-GB``, ``nl_NL-en_US``, or with an
explicit separator ``nl-NL:en-GB`` (also ``,`` ``/`` ``>``). The regional part is accepted and
dropped: glossaries and memories hold one language pair per primary subtag.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .errors import UsageError

_LANGUAGE = re.compile(r"[a-z]{2,3}|[a-z]{5,8}")
_SCRIPT = re.compile(r"[a-z]{4}")
_REGION = re.compile(r"[a-z]{2}|[0-9]{3}")
_VARIANT = re.compile(r"[a-z0-9]{5,8}|[0-9][a-z0-9]{3}")
_SEPARATORS = re.compile(r"[:,/>]|\s+")


def primary(tag: str | None) -> str:
    """The primary language subtag, lower case: 'nl-NL', 'nl_NL' and 'NL' all give 'nl'."""
    return (tag or "").strip().replace("_", "-").split("-")[0].lower()


def _is_tag(subtags: list[str]) -> bool:
    """Whether `subtags` (lower case) form a language tag: language[-script][-region][-variant]*."""
    if not subtags or not _LANGUAGE.fullmatch(subtags[0]):
        return False
    rest = subtags[1:]
    for pattern in (_SCRIPT, _REGION):
        if rest and pattern.fullmatch(rest[0]):
            rest = rest[1:]
    return all(_VARIANT.fullmatch(part) for part in rest)


def _split(pair: str) -> tuple[str, str] | None:
    """The two tags of `pair`, or None when it does not read as two tags (or reads as several pairs)."""
    parts = [p for p in _SEPARATORS.split(pair.strip()) if p]
    if len(parts) == 2:
        tags = [p.lower().replace("_", "-").split("-") for p in parts]
        return (parts[0], parts[1]) if all(_is_tag(t) for t in tags) else None
    written = pair.strip().replace("_", "-").split("-")
    subtags = [s.lower() for s in written]
    splits = [
        ("-".join(subtags[:cut]), "-".join(subtags[cut:]), written[cut])
        for cut in range(1, len(subtags))
        if _is_tag(subtags[:cut]) and _is_tag(subtags[cut:])
    ]
    if len({(primary(a), primary(b)) for a, b, _ in splits}) > 1:
        # nl-Latn-NL-en: a region is written in capitals, a language is not
        splits = [split for split in splits if not split[2].isupper()]
    if len({(primary(a), primary(b)) for a, b, _ in splits}) != 1:
        return None
    return splits[0][0], splits[0][1]


class Pair(NamedTuple):
    """A language pair by primary subtags, parsed once at each edge: ``Pair("nl", "en")``, written
    ``nl-en``. A tuple, so ``source, target = pair`` works."""

    source: str
    target: str

    def __str__(self) -> str:
        return f"{self.source}-{self.target}"

    @classmethod
    def parse(cls, text: str | Pair | tuple[str, str]) -> Pair:
        """'nl-en', 'nl-NL-en-GB' or 'nl_NL:en_US' -> Pair('nl', 'en'); a usage error otherwise."""
        if isinstance(text, tuple):
            return cls(*text)
        return parse_pair(text)


def parse_pair(pair: str) -> Pair:
    """'nl-en', 'nl-NL-en-GB' or 'nl_NL:en_US' -> Pair('nl', 'en'); a usage error otherwise."""
    tags = _split(pair)
    if tags is None:
        raise UsageError(
            f"--pair must be two language tags, e.g. nl-en, nl-NL-en-GB or nl-NL:en-GB; not {pair!r}"
        )
    source, target = primary(tags[0]), primary(tags[1])
    if source == target:
        raise UsageError(f"--pair needs two different languages, not {pair!r}; e.g. nl-en")
    return Pair(source, target)
