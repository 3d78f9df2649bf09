"""Gettext PO files, read and written with translate-toolkit.

Each entry is a segment; an entry with plurals is one segment per plural form (form 0 from
``msgid``, the others from ``msgid_plural``). The header and obsolete entries are left alone.
Placeholders are inline codes: printf (``%s``, ``%1$s``, ``%(name)s``, ``%%``) and braces
(``{0}``, ``{name}``) and Ruby's ``%{name}``, unless the entry is flagged ``no-c-format`` or
``no-python-format``.
Several unnumbered printf placeholders (``%s ... %d``) keep their order; the others may move.
Leading and trailing whitespace (a final ``\\n``) is kept as it is in the source.

States: empty is new; ``fuzzy`` is a draft; a translated entry without ``fuzzy`` is final (a
human translation, never overwritten). Machine output gets the ``fuzzy`` flag and a translator
comment naming the model.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..languages import primary
from ..text.codes import ORDERED, STANDALONE, code_char
from .segments import DRAFT, FINAL, NEW, Code, Segment

PRINTF = (
    r"%(?:\d+\$|\([\w.-]+\))?[-+ #0']*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?:hh|h|ll|l|L|q|j|z|t)?"
    r"[diouxXeEfFgGcsaAp%r]"
)
RUBY = r"%\{\w+\}"
BRACES = r"\{[\w.\[\]-]*(?:[:!][^{}]*)?\}"
PLACEHOLDER = re.compile(f"\\{{\\{{|\\}}\\}}|{RUBY}|{PRINTF}|{BRACES}")  # {{ and }}: escaped braces
NOTE_PREFIX = "vertaal:"
MAX_PLURALS = 6  # the most plural forms a language has in CLDR (Arabic)


def _unnumbered(placeholder: str) -> bool:
    return placeholder.startswith("%") and placeholder != "%%" and not re.match(r"%(\d+\$|\()", placeholder)


def mask(text: str, flags: list[str]) -> tuple[str, dict[str, Code]]:
    """`text` with its placeholders as code characters."""
    if any(f.startswith("no-") and f.endswith("-format") for f in flags):
        return text, {}
    found = [m for m in PLACEHOLDER.finditer(text) if m.group() not in ("{{", "}}")]
    ordered = sum(_unnumbered(m.group()) for m in found) >= 2
    codes: dict[str, Code] = {}
    parts, last, counts = [], 0, {ORDERED: 0, STANDALONE: 0}
    for match in found:
        placeholder = match.group()
        kind = ORDERED if ordered and _unnumbered(placeholder) else STANDALONE
        char = code_char(kind, counts[kind])
        counts[kind] += 1
        codes[char] = Code(placeholder, placeholder, placeholder)
        parts += [text[last : match.start()], char]
        last = match.end()
    parts.append(text[last:])
    return "".join(parts), codes


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def unmask(text: str, codes: dict[str, Code]) -> str:
    return "".join(codes[ch].data if ch in codes else ch for ch in text)


class PoFile:
    """A PO file read into segments."""

    dialect = "PO"

    def __init__(self, path: Path, data: bytes) -> None:
        from translate.storage import pypo

        self.path = path
        self._data = data
        self._changed: list[Any] = []  # units given a translation: spliced into the original bytes
        self._bom = data.startswith(b"\xef\xbb\xbf")
        self._trailing = len(data) - len(data.rstrip(b"\r\n"))
        try:
            self.store = pypo.pofile.parsestring(data)
        except (ValueError, UnicodeDecodeError, LookupError) as error:
            message = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise InputError(f"{path}: cannot read this PO file ({message})") from error
        except (AttributeError, TypeError) as error:  # translate-toolkit trips on some malformed entries
            raise InputError(
                f"{path}: cannot read this PO file (an entry is malformed, e.g. msgid_plural without"
                " msgstr[N]); check it with 'msgfmt --check'"
            ) from error
        _refuse_malformed(path, data)
        if (self.store.encoding or "utf-8").lower().replace("-", "") != "utf8" and _is_utf8(data):
            self.store.encoding = "utf-8"  # a UTF-8 file whose header says otherwise: written back as it came
        header = self.store.parseheader() if self.store.units and self.store.units[0].isheader() else {}
        self.target_lang = primary(header.get("Language") or "")
        self.source_lang = ""  # PO does not say; msgids are taken to be in the direction's source
        self.segments: list[Segment] = []
        for index, unit in enumerate(self.store.units):
            if unit.isheader() or unit.isobsolete():
                continue
            try:
                self.segments += self._segments(unit, index)
            except ValueError as error:  # more placeholders in one entry than vertaal can number
                raise InputError(f"{path}: entry {unit.getid()!r}: {error}") from None

    def _segments(self, unit: Any, index: int) -> list[Segment]:
        flags = [f.strip() for comment in unit.typecomments for f in comment.strip("#, \n").split(",")]
        ident = unit.getid() or str(index)
        sources = list(unit.source.strings) if unit.hasplural() else [unit.source]
        targets = list(unit.target.strings) if unit.hasplural() else [unit.target or ""]
        if unit.hasplural():
            forms = max(len(targets), self._plural_count())
            sources = [sources[0]] + [sources[-1]] * (forms - 1)
            targets += [""] * (forms - len(targets))
        fuzzy = unit.isfuzzy()
        segments = []
        for form, (source, target) in enumerate(zip(sources, targets, strict=True)):
            text, codes = mask(source, flags)
            target_text, target_codes = mask(target or "", flags)
            state = NEW if not (target or "").strip() else DRAFT if fuzzy else FINAL
            name = f"{ident}[{form}]" if unit.hasplural() else ident
            segments.append(Segment(name, text, target_text, codes, target_codes, state, False, (unit, form)))
        return segments

    def _plural_count(self) -> int:
        """The header's nplurals (2 when it says none); a count no language has is refused."""
        try:
            count, _ = self.store.getheaderplural()
            number = int(count) if count else 2
        except (ValueError, TypeError):
            return 2
        if not 1 <= number <= MAX_PLURALS:
            raise InputError(
                f"{self.path}: the header's Plural-Forms says nplurals={number}; a language has 1 to "
                f"{MAX_PLURALS} plural forms (CLDR): correct the header"
            )
        return number

    def set_target(self, segment: Segment, target: str, note: str) -> None:
        from translate.misc.multistring import multistring

        unit, form = segment.handle
        text = unmask(target, segment.codes)
        if unit.hasplural():
            forms = [*unit.target.strings] if unit.target else []
            forms += [""] * (form + 1 - len(forms))
            forms[form] = text
            unit.target = multistring(forms)
        else:
            unit.target = text
        unit.markfuzzy(True)
        notes = [n for n in (unit.getnotes("translator") or "").splitlines() if not n.startswith(NOTE_PREFIX)]
        unit.removenotes("translator")
        for line in [*notes, f"{NOTE_PREFIX} {note}"]:
            unit.addnote(line, origin="translator")
        if all(unit is not other for other in self._changed):
            self._changed.append(unit)
        segment.target, segment.state = target, DRAFT

    def save(self, path: str | Path) -> None:
        """Write the file: the original bytes with each changed entry spliced in (every other
        entry, its wrapping, comments and line endings as they were); the whole store written by
        translate-toolkit when the entries cannot be matched to the file's blocks."""
        from ..text.files import save_atomic

        spliced = self._spliced()
        if spliced is not None:
            save_atomic(path, lambda tmp: Path(tmp).write_bytes(spliced))
            return
        data = bytes(self.store)
        if self._bom and not data.startswith(b"\xef\xbb\xbf"):
            data = b"\xef\xbb\xbf" + data
        ending = b"\r\n" if b"\r\n" in data[:4096] else b"\n"
        data = data.rstrip(b"\r\n") + ending * max(1, self._trailing // len(ending))
        save_atomic(path, lambda tmp: Path(tmp).write_bytes(data))

    def _spliced(self) -> bytes | None:
        data = self._data
        blocks = _blocks(data)
        if len(blocks) != len(self.store.units):
            return None
        pieces, cursor = [], 0
        crlf = b"\r\n" in data
        for number, unit in enumerate(self.store.units):
            if any(unit is changed for changed in self._changed):
                start, end = blocks[number]
                written = str(unit).rstrip("\n").encode(self.store.encoding or "utf-8")
                pieces += [data[cursor:start], written.replace(b"\n", b"\r\n") if crlf else written]
                cursor = end
        return b"".join(pieces) + data[cursor:]


def _refuse_malformed(path: Path, data: bytes) -> None:
    """Refuse, in one line, the entries msgfmt refuses and translate-toolkit reads inconsistently:
    a msgid with no msgstr, a msgid_plural with no msgstr[N], and live lines in an obsolete (#~)
    entry. (The same msgid twice is read: OmegaT's test files have it.)"""
    for start, end in _blocks(data):
        line = data.count(b"\n", 0, start) + 1
        lines = [raw.strip() for raw in data[start:end].splitlines()]
        live = [raw for raw in lines if raw and not raw.startswith(b"#")]
        keys = {raw.split(None, 1)[0].split(b"[")[0] for raw in live if not raw.startswith(b'"')}
        problem = ""
        if live and any(raw.startswith(b"#~") for raw in lines):
            problem = "mixes obsolete (#~) and live lines"
        elif b"msgid_plural" in keys and not any(raw.startswith(b"msgstr[") for raw in live):
            problem = "has msgid_plural but no msgstr[N]"
        elif b"msgid" in keys and b"msgstr" not in keys:
            problem = "has a msgid but no msgstr"
        if problem:
            raise InputError(f"{path}:{line}: the entry here {problem}; correct it (msgfmt --check finds it)")


def _blocks(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of each run of non-blank lines: a PO file's entries, header and obsolete
    entries included, each with its comments."""
    blocks: list[tuple[int, int]] = []
    start = None
    at = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    for line in data[at:].splitlines(keepends=True):
        content = line.rstrip(b"\r\n")
        if content.strip():
            if start is None:
                start = at
            end = at + len(content)
        elif start is not None:
            blocks.append((start, end))
            start = None
        at += len(line)
    if start is not None:
        blocks.append((start, end))
    return blocks
