"""Glossary file formats: TSV (DeepL, OmegaT), CSV (Amazon Translate) and TBX (ISO 30042)."""

from __future__ import annotations

from pathlib import Path

from ..errors import UsageError
from ..skips import Skipped
from ..terms.entry import Entry
from ..text.files import decode
from . import Row

FORMATS = ("tsv", "csv", "tbx")
_EXTENSIONS = {
    ".tsv": "tsv",
    ".tab": "tsv",
    ".txt": "tsv",
    ".utf8": "tsv",
    ".csv": "csv",
    ".tbx": "tbx",
    ".xml": "tbx",
}


def detect(name: str, text: str, override: str | None = None) -> str:
    """The format: `override`, else the file extension, else a look at the content."""
    if override:
        if override not in FORMATS:
            raise UsageError(f"unknown format {override!r}; use one of {', '.join(FORMATS)}")
        return override
    by_extension = _EXTENSIONS.get(Path(name).suffix.lower())
    if by_extension:
        return by_extension
    head = text.lstrip()[:2000]
    if head.startswith("<"):
        return "tbx"
    first = head.split("\n", 1)[0]
    return "tsv" if "\t" in first or "," not in first else "csv"


def read(
    name: str,
    data: bytes,
    *,
    pair: tuple[str, str],
    fmt: str | None = None,
    encoding: str = "utf-8",
    skipped: Skipped | None = None,
) -> list[Row]:
    """Parse glossary file bytes into rows; a malformed row raises GlossaryError with file:line.

    Entries a multilingual file holds for other languages only are counted in `skipped`.
    """
    skipped = skipped if skipped is not None else Skipped()
    if fmt == "tbx" or (fmt is None and Path(name).suffix.lower() in (".tbx", ".xml")):
        from . import tbx

        return tbx.read(name, data, pair, skipped, encoding)
    text = decode(data, name, encoding).removeprefix("\ufeff")
    kind = detect(name, text, fmt)
    if kind == "tbx":
        from . import tbx

        return tbx.read(name, data, pair, skipped, encoding)
    from . import delimited

    return delimited.read(name, text, pair, kind, skipped)


def write(entries: list[Entry], fmt: str, pair: tuple[str, str], raw: bool = False) -> str:
    """Serialise entries (of one language pair) in format `fmt` (`raw`: CSV cells as they are)."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "tbx":
        from . import tbx

        return tbx.write(entries, pair)
    from . import delimited

    return delimited.write(entries, pair, fmt, raw)
