"""Input normalisation: line ends, Unicode, wrapped lines and paragraphs.

Text pulled out of PDFs arrives with lines wrapped mid-sentence and words hyphenated at line
ends. :func:`paragraphs` joins those lines again (a blank line separates paragraphs), but keeps
apart what a PDF extractor puts on lines of their own: a lone page number, a running head and a
heading (short lines without closing punctuation, where a paragraph could start).
:func:`collapse` is the one normal form in which terms and segments are stored and compared.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator

_BLANK_LINE = re.compile(r"\n[ \t\f\v\u00a0]*\n")
_LINE_END_HYPHEN = re.compile(r"(\w+)-$")
_SPACES = re.compile(r"[ \t\f\v\u00a0]+")

_ODD_SPACE = re.compile(r"\s\s|[^\S ]|^\s|\s$")
INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")  # soft hyphen, zero-width characters
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # all but tab, newline, carriage return


def strip_control(text: str) -> str:
    """Text without control characters (tab and line ends kept): what may be stored or exported."""
    return _CONTROL.sub("", text) if _CONTROL.search(text) else text


def normalise(text: str) -> str:
    """Strip a BOM and control characters, unify line ends (CRLF, CR) and compose Unicode (NFC)."""
    text = strip_control(text.removeprefix("\ufeff"))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def collapse(text: str) -> str:
    """NFC with single spaces and no leading or trailing space: how terms and segments compare."""
    if unicodedata.is_normalized("NFC", text) and not _ODD_SPACE.search(text):
        return text  # the common case, checked without building new strings
    return " ".join(unicodedata.normalize("NFC", text).split())


def paragraphs(text: str) -> list[str]:
    """Split normalised text at blank lines and re-join each paragraph's wrapped lines."""
    text = normalise(text)
    result = []
    for block in _BLANK_LINE.split(text):
        for part in _apart(block.split("\n")):
            joined = join_lines(part)
            if joined:
                result.append(joined)
    return result


def stream_paragraphs(lines: Iterable[str]) -> Iterator[str]:
    """The paragraphs of :func:`paragraphs`, from lines read one by one (a file of any size)."""
    block: list[str] = []
    for line in lines:
        line = normalise(line)
        if line.strip(" \t\f\v\u00a0"):
            block.append(line)
            continue
        yield from _joined(block)
        block = []
    yield from _joined(block)


def _joined(block: list[str]) -> Iterator[str]:
    for part in _apart(block) if block else []:
        joined = join_lines(part)
        if joined:
            yield joined


_PAGE_NUMBER = re.compile(r"(?:pagina\s+|page\s+|p\.\s*)?\d{1,4}", re.IGNORECASE)
_CLOSING = (".", "!", "?", ":", ";", ",", "”", "’", '"', ")")


def _apart(lines: list[str]) -> list[list[str]]:
    """Lines of one block, cut where a PDF dump runs a page number, a running head or a heading
    into the next text. Ordinary wrapped prose (long lines, or short ones mid-sentence) stays whole."""
    stripped = [line.strip() for line in lines]
    if len(stripped) < 2:
        return [lines]
    longest = max(len(s) for s in stripped)
    short = [bool(s) and len(s) <= min(60, 0.6 * longest) and not s.endswith(_CLOSING) for s in stripped]
    parts: list[list[str]] = []
    current: list[str] = []
    index = 0
    while index < len(stripped):
        text = stripped[index]
        starts = not current or current[-1].strip().endswith(_CLOSING)
        if _PAGE_NUMBER.fullmatch(text):
            parts += [current, [text]] if current else [[text]]
            current, index = [], index + 1
            continue
        if short[index] and text[:1].isupper() and (starts or _is_number(parts)):
            end = index
            while end + 1 < len(stripped) and short[end + 1]:
                if _PAGE_NUMBER.fullmatch(stripped[end + 1]):
                    break
                end += 1
            follows = stripped[end + 1] if end + 1 < len(stripped) else ""
            if end > index or not follows or follows[:1].isupper() or _PAGE_NUMBER.fullmatch(follows):
                if current:
                    parts.append(current)
                parts.append(lines[index : end + 1])
                current, index = [], end + 1
                continue
        current.append(lines[index])
        index += 1
    if current:
        parts.append(current)
    return parts


def _is_number(parts: list[list[str]]) -> bool:
    return bool(parts) and len(parts[-1]) == 1 and bool(_PAGE_NUMBER.fullmatch(parts[-1][0].strip()))


def join_lines(lines: list[str]) -> str:
    """Join wrapped lines into one line, mending words hyphenated at a line end."""
    out = ""
    for raw in lines:
        line = _SPACES.sub(" ", raw).strip()
        if not line:
            continue
        if not out:
            out = line
            continue
        match = _LINE_END_HYPHEN.search(out[-200:]) if out.endswith("-") else None
        if _inside_token(out.rsplit(" ", 1)[-1], line):
            out += line  # "FAA–2020–" + "0686", "https://" + "www.example.org"
        elif match and line[0].isalpha():
            left = match.group(1)
            right = line.split(" ", 1)[0]
            if re.match(r"(en|of|tot)\b", line):  # "Sigint- en cybergegevens"
                out += " " + line
            elif _keeps_hyphen(left, right):
                out += line
            else:
                out = out[:-1] + line
        else:
            out += " " + line
    return out


def _inside_token(left: str, line: str) -> bool:
    """Whether a line ends inside an identifier, a number or a URL that the next line goes on
    with: after a dash in a code or number ("2023-", "FAA–2020–"), after a slash in a URL or path."""
    if len(left) < 2 or not line[:1].isalnum():
        return False
    if left.endswith("/"):
        return "://" in left or left.startswith("www.") or left.count("/") >= 2
    if left.endswith(("-", "–", "‑")):
        stem = left[:-1]
        coded = any(c.isdigit() for c in stem) or (stem.isupper() and stem.isalpha())
        return coded and (line[0].isdigit() or line[0].isupper())
    return False


def _keeps_hyphen(left: str, right: str) -> bool:
    """Whether `left-` + `right` at a line end is a real compound (AIVD-gebouw) or a break."""
    if left.isupper() or left[-1].isdigit() or right[0].isupper() or len(left) == 1:
        return True
    right_word = re.match(r"\w+", right)
    right_word_s = right_word.group(0) if right_word else right
    from . import lexicon  # the dictionary loads only when a line-end hyphen needs judging

    joined = (left + right_word_s).lower()
    if lexicon.is_known(joined):
        return False
    return lexicon.is_known(left.lower()) and lexicon.is_known(right_word_s.lower())
