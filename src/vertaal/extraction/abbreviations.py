"""Abbreviations paired with their written-out forms where the text defines them.

The pairing is Schwartz & Hearst's algorithm ("A simple algorithm for identifying abbreviation
definitions in biomedical text", PSB 2003), which needs no training and no dictionary: the short
form's letters, right to left, are found in order in the words before the bracket, its first
letter at the start of a word. It carries over to Dutch names as they are written:

* "de Raad van State (RvS)" -> Raad van State;
* "Wet op de rechterlijke organisatie (Wet RO)": the short form repeats a word of the long one;
* "Algemene Inlichtingen- en Veiligheidsdienst (AIVD)": a coordination with an elided head, whose
  letters sit inside compounds (the D of Veiligheidsdienst);
* "Wet open overheid (hierna: ‘de Woo’)", "(AVG, 2016/679)": Dutch reference phrases and a
  number beside the short form are read through;
* "AIVD (Algemene Inlichtingen- en Veiligheidsdienst)": the reverse order;
* "Wet op de inlichtingen- en veiligheidsdiensten 2017 (Wiv 2017)": a law by its year, the year's
  digits found as the letters are;
* "the General Intelligence and Security Service (AIVD)": where the letters are another
  language's, the capitalised name just before the bracket (two capitals at least).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .language_rules import Language
from .phrases import compound_split, general_zipf, is_abbreviation, is_stop

_BRACKET = re.compile(r"\(([^()]{1,160})\)")
_QUOTES = "'\"\u2018\u2019\u201c\u201d\u201e\u00ab\u00bb"
_WORD = re.compile(r"\S+")
_YEAR = re.compile(r"(?:1[89]|20)\d\d")
_NAME_WORD = re.compile(r"[^\W\d_][\w'\u2019-]*")


def short_form(text: str, lang: Language) -> str | None:
    """`text` as a short form (one or two words, the last an abbreviation: AIVD, Wet RO, Woo; or an
    abbreviation and a year: Wiv 2017), or None."""
    text = lang.references.sub("", text.strip()).strip(_QUOTES + " ")
    for article in lang.articles:
        if text.lower().startswith(article):
            text = text[len(article) :].strip(_QUOTES + " ")
    words = text.split()
    if not 1 <= len(words) <= 2 or len(text.replace(" ", "")) > 12:
        return None
    last = words[-1]
    if is_abbreviation(last) or (len(words) == 1 and _capitalised_short(last)):
        return text
    if len(words) == 2 and re.fullmatch(r"(?:19|20)\d\d", last) and (
        is_abbreviation(words[0]) or _capitalised_short(words[0])
    ):
        return text  # a law by its year: "Wiv 2017", "Awb 1994"
    return None


def _capitalised_short(word: str) -> bool:
    """Woo, Who, Wiv, Aw: a capital then two to four lower-case letters, as Dutch law names are shortened."""
    return 2 <= len(word) <= 5 and word[0].isupper() and word[1:].isalpha() and word[1:].islower()


def _starts_word(text: str, i: int) -> bool:
    """Whether text[i] opens a word: not after a letter or digit, nor after an opening bracket (the
    "(HSA)" inside "health savings account (HSA) funding distribution (HFD)" opens no word of it)."""
    return not (text[i - 1].isalnum() or text[i - 1] in "([")


def _by_initials(letters: list[str], before: str, lang: Language) -> str | None:
    """The shortest run of words ending `before` whose initials spell `letters`, with or without
    the joining words (individual taxpayer identification number: ITIN; Raad van State: RvS), where
    Schwartz & Hearst would take letters from inside words ("identification number"); as written
    ("Volksgezondheid, Welzijn en Sport")."""
    wanted = "".join(letters)
    found = list(_WORD.finditer(before))
    for start in range(len(found) - 2, max(len(found) - 2 * len(letters), 0) - 1, -1):
        run = [m.group().strip(_QUOTES + ",;:") for m in found[start:]]
        if not all(run) or not run[0][:1].isalpha() or is_stop(run[0], lang) or run[-1] != found[-1].group():
            continue
        every = "".join(w[0] for w in run).lower()
        content = "".join(w[0] for w in run if not is_stop(w, lang)).lower()
        if wanted in (every, content):
            return before[found[start].start() : found[-1].end()].strip(_QUOTES)
    return None


def long_form(short: str, before: str, lang: Language) -> str | None:
    """The written-out form of `short` at the end of `before`, or None: the words whose initials
    spell it, else Schwartz & Hearst."""
    letters = [c.lower() for c in short if c.isalnum()]
    if len(letters) < 2:
        return None
    words = _WORD.findall(before)
    found = _by_initials(letters, before, lang)
    if found is None:
        window = " ".join(words[-min(len(letters) + 5, len(letters) * 2) :])
        s, i = len(letters) - 1, len(window) - 1
        while s >= 0:
            c = letters[s]
            while i >= 0 and (window[i].lower() != c or (s == 0 and i > 0 and not _starts_word(window, i))):
                i -= 1
            if i < 0:
                return None
            i -= 1
            s -= 1
        start = window.rfind(" ", 0, i + 1) + 1
        found = window[start:].strip(_QUOTES + " ,;:")
    if len(found.split()) < 2 and len(found) <= len(short) + 2:
        return None  # "HR (HR)" or a word barely longer than the abbreviation
    if found.lower() == short.lower() or found.lower().startswith(short.lower() + " "):
        return None
    if is_stop(found.split()[0], lang) and not found[:1].isupper():
        return None  # "aan de verwerkingsverantwoordelijke is opgedragen (..., AVG)": letters, no name
    return found


def _name_before(before: str, short: str, lang: Language) -> str | None:
    """The capitalised name that ends `before` ("General Intelligence and Security Service"): its
    words capitalised, the words that join a name's parts between them, at least two capitals,
    and a law's year after it ("... Act of 1995"); every word a common one (not "Prime Minister Mark
    Rutte (VVD)"). Where a name goes on past the one whose initials
    spell `short` ("National Telecommunications and Information Administration of the Department
    of Commerce (NTIA)"), that one."""
    words = _WORD.findall(before)
    year: list[str] = []
    if words and _YEAR.fullmatch(words[-1]):
        year = [words.pop()]
        if words and words[-1].lower() in lang.connectors:
            year.insert(0, words.pop())
    taken: list[str] = []
    for word in reversed(words):
        if not _NAME_WORD.fullmatch(word):
            break
        if word[:1].isupper() and not is_abbreviation(word) and not is_stop(word, lang):
            taken.append(word)
        elif word.lower() in lang.connectors and taken:
            taken.append(word)
        else:
            break
    taken.reverse()
    while taken and (not taken[0][:1].isupper() or taken[0].lower() in lang.connectors):  # "The", "of"
        taken.pop(0)
    if sum(w[:1].isupper() for w in taken) < 2 or not all(_common_word(w, lang) for w in taken):
        return None
    letters = short.replace(" ", "").lower()
    for end in range(len(taken), 1, -1):
        part = taken[:end]
        if part[-1][:1].isupper() and "".join(w[0] for w in part if w[:1].isupper()).lower() == letters:
            return " ".join(part)  # the initials spell it: no year, the name ends here
    return " ".join(taken + year)


def _common_word(word: str, lang: Language) -> bool:
    """A word the language's dictionary holds, that it uses often, or a compound of such words: what
    an organisation's name is made of ("Review Committee", "Basisregistratie"), where a person's
    name is not ("Mark Rutte (VVD)")."""
    lower = word.lower().rstrip("-")
    if lang.is_known(lower) or general_zipf(lower, lang) >= COMMON_ZIPF:
        return True
    return compound_split(lower, lang) is not None


COMMON_ZIPF = 3.0


def definitions(sentence: str, lang: Language) -> Iterator[tuple[str, str]]:
    """(short form, long form) for every abbreviation the sentence defines."""
    for match in _BRACKET.finditer(sentence):
        inside = match.group(1)
        before = sentence[: match.start()]
        found = False
        for part in re.split(r"[,;]", inside):
            short = short_form(part, lang)
            if short is None:
                continue
            written = long_form(short, before, lang)
            if written:
                found = True
                yield short, written
                break
        if found:
            continue
        short = short_form(inside, lang)
        name = _name_before(before, short, lang) if short and is_abbreviation(short) else None
        if name:  # "the General Intelligence and Security Service (AIVD)": another language's letters
            yield short, name
            continue
        previous = _WORD.findall(before)[-1:] if before.strip() else []
        if previous and is_abbreviation(previous[0].strip(_QUOTES)) and len(inside.split()) >= 2:
            short = previous[0].strip(_QUOTES)
            written = long_form(short, inside, lang)
            if written and written == inside.strip(_QUOTES + " ,;:"):
                yield short, written
