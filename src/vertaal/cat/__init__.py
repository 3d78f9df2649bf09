"""Bilingual files from CAT tools: XLIFF 1.2 and 2.x (Trados SDLXLIFF, memoQ MQXLIFF) and PO.

:func:`open_bilingual` reads a file into :class:`~vertaal.cat.segments.Segment` rows;
:func:`pretranslate` fills the empty ones with the glossary and every inline code enforced;
``file.save(path)`` writes it back with nothing else changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, UsageError
from ..results import FAILED, SentenceResult
from ..text.codes import respace
from .segments import FINAL, BilingualFile, Segment

SUFFIXES = {
    ".xlf": "xliff",
    ".xliff": "xliff",
    ".xlf2": "xliff",
    ".sdlxliff": "xliff",
    ".mqxliff": "xliff",
    ".po": "po",
    ".pot": "po",
}


def format_of(path: str | Path) -> str | None:
    """'xliff' or 'po' for a bilingual file's name, else None."""
    return SUFFIXES.get(Path(str(path)).suffix.lower())


def open_bilingual(path: str | Path) -> BilingualFile:
    """Read an XLIFF or PO file; one-line errors for files that cannot be read."""
    path = Path(path)
    kind = format_of(path)
    if kind is None:
        raise UsageError(f"{path}: not a bilingual file ({', '.join(sorted(SUFFIXES))})")
    from ..text.files import read_bytes

    data = read_bytes(path)
    if kind == "po":
        from .po import PoFile

        return PoFile(path, data)
    from .xliff import open_xliff

    return open_xliff(path, data)


def file_pair(file: BilingualFile, given: str | None, flag: str, supported: list[str] | None = None) -> Any:
    """The language pair for `file`: `given` (what the user passed as `flag`), checked against the
    languages the file names; else the file's own, which must be one of `supported` (None: any).

    Every refusal is one line whose hint, when followed, works: it names a direction that is
    supported and that the file agrees with, or says that there is none.
    """
    from ..languages import Pair

    own = file_direction(file)
    if given is None:
        if own is None:
            raise InputError(f"{file.path}: {_unknown(file, flag, supported)}")
        if supported is not None and own not in supported:
            raise InputError(f"{file.path}: the file is {own}; vertaal translates {', '.join(supported)}")
        return Pair.parse(own)
    pair = Pair.parse(given)
    for side, lang, want in (("source", file.source_lang, pair[0]), ("target", file.target_lang, pair[1])):
        if lang and lang != want:
            if own and (supported is None or own in supported):
                hint = f"pass {flag} {own}"
            elif supported is not None:
                hint = f"vertaal translates {', '.join(supported)}"
            else:
                hint = f"pass {flag} with its {side} language {lang}"
            raise InputError(
                f"{file.path}: its {side} language is {lang}, not {want} ({flag} {given}); {hint}"
            )
    return pair


def _unknown(file: BilingualFile, flag: str, supported: list[str] | None) -> str:
    """Why a file's direction is unknown, and what to pass."""
    named = file.target_lang or file.source_lang
    if not named:
        what = "no Language header" if file.dialect == "PO" else "no source or target language"
        choices = " or ".join(f"{flag} {d}" for d in supported or ["nl-en", "en-nl"])
        return f"the file does not say its languages ({what}); say which with {choices}"
    side, other = ("target", "source") if file.target_lang else ("source", "target")
    if supported is not None:  # one side named, neither Dutch nor English
        return f"its {side} language is {named}; vertaal translates {', '.join(supported)}"
    example = f"nl-{named}" if side == "target" else f"{named}-en"
    return (
        f"the file names only its {side} language ({named}); "
        f"pass {flag} with its {other} language, e.g. {flag} {example}"
    )


def file_direction(file: BilingualFile) -> str | None:
    """The direction the file asks for ('nl-en'), when it names its languages; a file naming one
    side, Dutch or English, is taken to be between the two (a PO file names only its target)."""
    if file.source_lang and file.target_lang:
        return f"{file.source_lang}-{file.target_lang}"
    other = {"en": "nl", "nl": "en"}
    if file.target_lang in other:
        return f"{other[file.target_lang]}-{file.target_lang}"
    if not file.target_lang and file.source_lang in other:
        return f"{file.source_lang}-{other[file.source_lang]}"
    return None


def approved_units(
    file: BilingualFile, pair: tuple[str, str], origin: str = "human"
) -> tuple[list[Any], Any, int]:
    """Memory units from the file's approved segments (codes as placeholder characters, in the
    source's numbering), the approved ones left out by reason, and how many were not approved."""
    from ..memory.store import Unit
    from ..skips import Skipped

    units, skipped, unapproved = [], Skipped(), 0
    for segment in file.segments:
        if segment.state != FINAL:
            unapproved += 1
            continue
        if segment.empty or not segment.source.strip():
            skipped.add("empty")
            continue
        target = segment.target_in_source_codes()
        if target is None:
            skipped.add("codes the source lacks")
            continue
        units.append(Unit(segment.source.strip(), target.strip(), *pair, origin))
    return units, skipped, unapproved


@dataclass
class Pretranslation:
    """What a pre-translation did: the segments translated with their sentence results, and
    what it left alone, by reason."""

    translated: list[tuple[Segment, list[SentenceResult]]] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)

    def failed_codes(self) -> list[tuple[Segment, str]]:
        return [
            (segment, code.label)
            for segment, rows in self.translated
            for row in rows
            for code in row.codes
            if code.status == FAILED
        ]

    def rows(self) -> list[dict[str, Any]]:
        """One JSON object per sentence, codes written as the file writes them."""
        out = []
        for segment, results in self.translated:
            for row in results:
                for code in row.codes:
                    code.label = segment.codes[code.code].label if code.code in segment.codes else ""
                data = row.to_dict()
                data["source"], data["target"] = segment.label(row.source), segment.label(row.target)
                out.append({"unit": segment.id, **data})
        return out

    def summary(self) -> str:
        parts = [f"{len(self.translated)} segment{'s' * (len(self.translated) != 1)} translated"]
        parts += [f"{n} {reason}" for reason, n in self.skipped.items() if n]
        return ", ".join(parts)


def pretranslate(
    translator: Any,
    file: BilingualFile,
    overwrite: bool = False,
    on_progress: Callable[[int], None] | None = None,
    on_start: Callable[[int], None] | None = None,
) -> Pretranslation:
    """Translate the file's empty segments (`overwrite`: every segment that is not final), never
    a locked or final one; machine output is marked as the format expects."""
    report = Pretranslation()
    if not file.target_lang:
        file.target_lang = translator.pair[1]  # written where the format wants it (XLIFF 2 trgLang)
    chosen, report.skipped = choose(file, overwrite)
    cores = [_core(s.source) for s in chosen]
    result = translator.translate_blocks([core for _, core, _ in cores], on_progress, on_start)
    grouped: list[list[SentenceResult]] = [[] for _ in chosen]
    for row in result.sentences:
        grouped[row.paragraph].append(row)
    note = f"machine translation by {provenance(translator.spec)}"
    for segment, (lead, core, trail), rows in zip(chosen, cores, grouped, strict=True):
        target = respace(" ".join(r.target for r in rows if r.target), core) if rows else core
        file.set_target(segment, lead + target + trail, note)
        report.translated.append((segment, rows))
    return report


def provenance(spec: Any) -> str:
    """'vertaal, model ID revision REV': what wrote a machine translation, never a local path (a
    local model is named by its folder's name and a digest of its files)."""
    from ..memory.lookup import model_key

    model, revision = model_key(spec)
    name = Path(model).name if spec.is_local else model
    return f"vertaal, model {name}" + (f" revision {revision}" if revision else "")


def choose(file: BilingualFile, overwrite: bool = False) -> tuple[list[Segment], dict[str, int]]:
    """The segments to translate (empty ones; with `overwrite` drafts too; never locked or final)
    and how many were left, by reason."""
    chosen: list[Segment] = []
    reasons = {"locked": 0, "final (approved or signed off)": 0, "already translated": 0, "empty source": 0}
    for segment in file.segments:
        if segment.locked:
            reasons["locked"] += 1
        elif segment.state == FINAL:
            reasons["final (approved or signed off)"] += 1
        elif not segment.empty and not overwrite:
            reasons["already translated"] += 1
        elif not segment.source.strip():
            reasons["empty source"] += 1
        else:
            chosen.append(segment)
    return chosen, reasons


def texts_to_translate(file: BilingualFile, overwrite: bool = False) -> list[str]:
    """What :func:`pretranslate` sends to the translator, one text per chosen segment."""
    return [_core(s.source)[1] for s in choose(file, overwrite)[0]]


def _core(text: str) -> tuple[str, str, str]:
    """(leading whitespace, the text, trailing whitespace): what is kept as it is."""
    stripped = text.strip()
    if not stripped:
        return text, "", ""
    start = text.index(stripped)
    return text[:start], stripped, text[start + len(stripped) :]
