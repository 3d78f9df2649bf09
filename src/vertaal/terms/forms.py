"""When is a glossary term present in a translation: the one definition.

The decoder's statuses, ``translate --report`` and ``vertaal check`` all judge a term with the
functions here, so what the translator claims is what a reviewer's check finds.

*Accepted* forms of an entry's target (what counts as present): the target as written, with a
capital first letter, and, for an English preferred term, its English plural; every listed
alternative likewise. A possessive ('s, ’s) needs no form of its own: the whole-word test
already accepts it. A form is present when it occurs as whole words (never inside another word:
"AIVD" is not in "cAIVD" or "AIVD4"), with any run of spaces between its words. A term that
occurs twice in the source must be present twice.

A coordinated compound with an elided head ("inlichtingen- en veiligheidsdiensten") holds two
terms whose English targets share their last word (intelligence service, security service); the
English coordination ("intelligence and security services", singular or plural) counts as
present for both, so the decoder need not split it into two phrases.

*Required* forms (what the decoder may write): the target as written, capitalised (only to open
the sentence), and the English plural where the Dutch occurrence was a plural: a subset of the
accepted forms, so whatever the decoder writes, the check accepts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from .entry import Entry
from .matcher import Hit

_PLURAL_ENDINGS = ("en", "s", "'s", "\u2019s")
REQUIRED_KINDS = ("preferred", "keep")
_SINGULAR_S = ("ss", "us", "is", "as", "os")  # process, status, analysis, gas, kudos: not plurals


def english_plural(phrase: str) -> str:
    """Pluralise the last word of an English phrase (level -> levels, agency -> agencies).

    A word that already reads as a plural (services, requirements) is left as it is, as are
    acronyms and words that do not end in a letter.
    """
    head, _, word = phrase.rpartition(" ")
    lower = word.lower()
    if not word or not word[-1].isalpha() or word.isupper():
        return phrase
    if lower.endswith("s") and not lower.endswith(_SINGULAR_S):
        return phrase
    if lower.endswith("y") and len(lower) > 1 and lower[-2] not in "aeiou":
        plural = word[:-1] + "ies"
    elif lower.endswith(("s", "x", "z", "ch", "sh")):
        plural = word + "es"
    else:
        plural = word + "s"
    return f"{head} {plural}" if head else plural


def capitalised(term: str) -> str:
    return term[:1].upper() + term[1:]


def casings(term: str) -> list[str]:
    """Every casing a forbidden term is blocked and found in."""
    return list(dict.fromkeys([term, term.lower(), term.upper(), capitalised(term), term.title()]))


def is_required(entry: Entry) -> bool:
    """Whether an entry requires its target in the translation (preferred and keep entries)."""
    return entry.kind in REQUIRED_KINDS and bool(entry.target)


def required_forms(hit: Hit, target_lang: str = "en") -> list[str]:
    """The forms the decoder may write for this occurrence (capitalised ones only at the start)."""
    target = hit.entry.target
    forms = [target]
    if target[:1].islower():
        forms.append(capitalised(target))
    if hit.inflected and hit.entry.kind == "preferred" and target_lang == "en" and _plural_surface(hit):
        forms += [english_plural(f) for f in forms]
    forms += coordinated_forms(hit, target_lang)
    return list(dict.fromkeys(forms))


def coordinated_forms(hit: Hit, target_lang: str = "en") -> list[str]:
    """The English coordination of a hit's pair (intelligence and security service(s)), if any."""
    if hit.coordination is None or target_lang != "en":
        return []
    first, second = (entry.target for entry in hit.coordination)
    modifier, _, head = first.rpartition(" ")
    if not modifier or not first or not second or head.lower() != second.rpartition(" ")[2].lower():
        return []
    singular = f"{modifier} and {second}"
    forms = [singular, english_plural(singular)]
    return list(dict.fromkeys(forms + [capitalised(f) for f in forms]))


def accepted_forms(entry: Entry, target_lang: str = "en") -> list[str]:
    """The forms that count as present: target and alternatives, capitalised, English plural."""
    forms: list[str] = []
    for base in [entry.target, *entry.alternatives]:
        variants = [base, capitalised(base)]
        if entry.kind == "preferred" and target_lang == "en":
            variants += [english_plural(v) for v in variants]
        forms += variants
    return list(dict.fromkeys(f for f in forms if f))


def _plural_surface(hit: Hit) -> bool:
    last = hit.surface.split()[-1].lower()
    base = hit.entry.source.split()[-1].lower()
    return last != base and last.endswith(_PLURAL_ENDINGS) and not base.endswith(_PLURAL_ENDINGS)


@lru_cache(maxsize=4096)
def _pattern(terms: tuple[str, ...], ignore_case: bool) -> re.Pattern[str]:
    alternatives = "|".join(r"\s+".join(re.escape(w) for w in t.split()) for t in terms)
    return re.compile(r"(?<!\w)(?:" + alternatives + r")(?!\w)", re.IGNORECASE if ignore_case else 0)


def find_all(text: str, terms: Iterable[str], ignore_case: bool = False) -> list[tuple[int, int]]:
    """Non-overlapping whole-word spans of any of `terms` (longest first) in `text`."""
    ordered = tuple(sorted({t for t in terms if t.strip()}, key=lambda t: (-len(t), t)))
    if not ordered:
        return []
    return [m.span() for m in _pattern(ordered, ignore_case).finditer(text)]


def forbidden_spans(entry: Entry, text: str) -> list[tuple[int, int]]:
    """Spans of the entry's forbidden targets in `text`, in any casing."""
    return find_all(text, entry.forbidden, ignore_case=True) if entry.forbidden else []


def forbidden_used(entry: Entry, text: str) -> list[str]:
    """The entry's forbidden targets that occur in `text` (in any casing), as the entry spells them."""
    return [term for term in entry.forbidden if find_all(text, [term], ignore_case=True)]


class Presence:
    """Claims occurrences of terms in one target text, hit by hit in source order.

    Hits that require nothing (forbidden-only entries) count as present. Each entry's forms are
    looked for once, however many hits it has.
    """

    def __init__(self, text: str, target_lang: str = "en") -> None:
        self.text = text
        self.target_lang = target_lang
        self._remaining: dict[tuple[int, ...], int] = {}

    def claim(self, hit: Hit) -> bool:
        """Whether `hit`'s term is present, taking one of the occurrences that are left."""
        if not is_required(hit.entry):
            return True
        key = (id(hit.entry), *map(id, hit.coordination or ()))
        if key not in self._remaining:
            forms = accepted_forms(hit.entry, self.target_lang) + coordinated_forms(hit, self.target_lang)
            self._remaining[key] = len(find_all(self.text, forms))
        self._remaining[key] -= 1
        return self._remaining[key] >= 0


def presence(hits: list[Hit], text: str, target_lang: str = "en") -> list[bool]:
    """Per hit: whether its term is present in `text`, occurrences claimed in source order."""
    claims = Presence(text, target_lang)
    return [claims.claim(hit) for hit in hits]
