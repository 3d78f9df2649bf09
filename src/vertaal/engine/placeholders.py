"""Inline codes spelled in the model's vocabulary: phrases the decoder must place once, in order.

The code characters themselves (`vertaal.text.codes`) are spelled for decoding in the model's own
target vocabulary (``<1>``, ``[1]``, ...: the first format all of whose pieces the vocabulary
holds and that the sentence does not already contain), with a space on either side; the output
is mapped back, and the spacing the source had beside each code is restored.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass
from typing import Any

from ..text.codes import CLOSE, CODE, OPEN, ORDERED, code_char, codes_in, kind_of, respace

FORMATS = ("<{}>", "[{}]", "{{{}}}", "({})", "'{}'", "x{}x")


@dataclass
class Spelled:
    """One sentence as the model reads it: each code replaced by its spelling."""

    source: str  # the sentence with code characters
    text: str  # what the model reads
    codes: list[str]  # code characters in source order
    spellings: list[str]

    def __post_init__(self) -> None:
        self._needs: list[list[int]] = [[] for _ in self.codes]
        self._parent: list[int | None] = [None] * len(self.codes)
        opened: list[int] = []  # pairs open at this point of the source, innermost last
        last_ordered = None
        for i, char in enumerate(self.codes):
            kind, _ = kind_of(char)
            start = self.opens(i)
            if start is not None and start in opened:
                opened.remove(start)
                self._needs[i].append(start)
            self._parent[i] = opened[-1] if opened else None
            if self._parent[i] is not None:
                closing = self.closes(self._parent[i])
                if closing is not None:
                    self._needs[closing].append(i)  # inside the pair: before it closes
            if kind == ORDERED:
                if last_ordered is not None:
                    self._needs[i].append(last_ordered)
                last_ordered = i
            if self.closes(i) is not None:
                opened.append(i)
        # a pair opens only when what its codes wait for outside it is placed: inside the pair,
        # nothing outside it may be placed, so a code waiting on one would wait for ever
        pairs = [(i, c) for i in range(len(self.codes)) if (c := self.closes(i)) is not None]
        for start, end in sorted(pairs, key=lambda pair: pair[1] - pair[0]):
            inside = set(range(start + 1, end + 1))
            outside = {n for i in inside for n in self._needs[i] if n not in inside and n != start}
            self._needs[start] += sorted(outside - set(self._needs[start]))

    def needs(self, i: int) -> list[int]:
        """The codes code `i` must follow: for a closing code, its opening code and every code
        inside the pair; for an ordered code, the ordered code before it; for an opening code,
        whatever the codes inside its pair must follow outside it."""
        return self._needs[i]

    def parent(self, i: int) -> int | None:
        """The opening code of the innermost pair around code `i` in the source (pairs whose both
        codes are in this sentence); in the output it must be the innermost open pair too."""
        return self._parent[i]

    def opens(self, i: int) -> int | None:
        """For a closing code, its opening code in this sentence."""
        kind, k = kind_of(self.codes[i])
        return self._index(code_char(OPEN, k)) if kind == CLOSE else None

    def closes(self, i: int) -> int | None:
        """For an opening code, the index of its closing code in this sentence."""
        kind, k = kind_of(self.codes[i])
        return self._index(code_char(CLOSE, k)) if kind == OPEN else None

    def wraps_text(self, i: int) -> bool:
        """Whether opening code `i` and its closing code enclose words in the source."""
        close = self.closes(i)
        if close is None:
            return False
        start, end = self.source.index(self.codes[i]), self.source.index(self.codes[close])
        return bool(CODE.sub("", self.source[start + 1 : end]).strip())

    def _index(self, char: str) -> int | None:
        return self.codes.index(char) if char in self.codes else None

    def in_order(self, output: str) -> bool:
        """Whether `output` (the model's) holds every spelling exactly once, each code after the
        one it must follow, pairs nested and wrapping words where the source's do."""
        return not self.misplaced(output)

    def misplaced(self, output: str) -> set[int]:
        """The codes `output` does not place right: missing, repeated, before the code they must
        follow, badly nested, or a pair that wraps nothing where the source's wraps words."""
        positions: list[int] = []
        wrong: set[int] = set()
        for i, spelling in enumerate(self.spellings):
            found = [m.start() for m in re.finditer(re.escape(spelling), output)]
            if len(found) != 1:
                wrong.add(i)
            positions.append(found[0] if found else -1)
        for i, at in enumerate(positions):
            if i in wrong:
                continue
            if any(j not in wrong and positions[j] > at for j in self.needs(i)):
                wrong.add(i)
            start = self.opens(i)
            if start is not None and start not in wrong and self.wraps_text(start):
                if not output[positions[start] + len(self.spellings[start]) : at].strip():
                    wrong.add(i)
        opened: list[int] = []  # pairs open at this point of the output, innermost last
        for i in sorted((i for i in range(len(positions)) if i not in wrong), key=positions.__getitem__):
            start = self.opens(i)
            if start is not None and start in opened:
                if opened[-1] != start:
                    wrong.add(i)
                opened.remove(start)
            elif (opened[-1] if opened else None) != self.parent(i):
                wrong.add(i)
            if self.closes(i) is not None:
                opened.append(i)
        return wrong


class Speller:
    """Spells code characters in a model's target vocabulary."""

    def __init__(self, target_spm: Any, vocab: Container[str]) -> None:
        self.spm = target_spm
        self.vocab = vocab
        self._spellable: dict[str, bool] = {}

    def spellable(self, text: str) -> bool:
        known = self._spellable.get(text)
        if known is None:
            pieces = self.spm.encode(text, out_type=str)
            known = self._spellable[text] = bool(pieces) and all(p in self.vocab for p in pieces)
        return known

    def _spellings(self, sentence: str, count: int) -> list[str]:
        """`count` spellings in the first format the vocabulary spells, numbered with the digits
        it spells in that format (a small vocabulary may lack some), none already in `sentence`."""
        for form in FORMATS:
            digits = [d for d in "1234567890" if self.spellable(form.format(d))]
            if len(digits) < min(count, 2):
                continue
            spellings = [form.format(numeral(n, digits)) for n in range(1, count + 1)]
            if all(self.spellable(s) and s not in sentence for s in spellings):
                return spellings
        return [FORMATS[0].format(n) for n in range(1, count + 1)]  # unspellable: the codes will fail

    def spell(self, sentence: str) -> Spelled | None:
        """The sentence with its codes spelled, or None when it holds none."""
        codes = codes_in(sentence)
        if not codes:
            return None
        spellings = self._spellings(sentence, len(codes))
        text = sentence
        for char, spelling in zip(codes, spellings, strict=True):
            text = text.replace(char, f" {spelling} ")
        return Spelled(sentence, " ".join(text.split()), codes, spellings)


def numeral(n: int, digits: list[str]) -> str:
    """`n` (from 1) in bijective base len(digits): every number its own string of those digits."""
    out = []
    while n > 0:
        n -= 1
        out.append(digits[n % len(digits)])
        n //= len(digits)
    return "".join(reversed(out))


def restore(output: str, spelled: Spelled) -> tuple[str, list[int]]:
    """The model's `output` with code characters back in place of their spellings, and how many
    times the output held each. A code the output lacks is added at the end (a missing opening
    code just before its closing one), so the target holds every code; a repeat is dropped."""
    text = output
    counts = []
    for char, spelling in zip(spelled.codes, spelled.spellings, strict=True):
        pattern = re.compile(r"\s*" + re.escape(spelling) + r"\s*")
        found = list(pattern.finditer(text))
        counts.append(len(found))
        for extra in reversed(found[1:]):
            text = text[: extra.start()] + " " + text[extra.end() :]
        if found:
            first = found[0]
            text = text[: first.start()] + f" {char} " + text[first.end() :]
    for i, char in enumerate(spelled.codes):
        if counts[i]:
            continue
        close = spelled.closes(i)
        if close is not None and counts[close]:
            at = text.index(spelled.codes[close])
            text = text[:at] + f" {char} " + text[at:]
        else:
            text = f"{text} {char} "
    return respace(" ".join(text.split()), spelled.source), counts
