"""Reading input text and writing output files safely."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import BinaryIO

from .errors import InputError, UsageError


def decode(data: bytes, name: str, encoding: str = "utf-8") -> str:
    """Decode file bytes, refusing binary data with a message that names the file."""
    if b"\x00" in data[:65536] and not encoding.lower().startswith("utf-16"):
        raise InputError(f"{name} looks like a binary file, not text; pass a plain text file")
    try:
        return data.decode(encoding)
    except LookupError as exc:
        raise UsageError(f"unknown encoding {encoding!r}; try utf-8, cp1252 or latin-1") from exc
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name} is not valid {encoding} (byte 0x{data[exc.start]:02x} at offset {exc.start});"
            " pass --encoding, e.g. --encoding cp1252"
        ) from exc


def open_input(path: str | os.PathLike[str]) -> BinaryIO:
    """Open a file for reading bytes ('-' is standard input), with one-line errors."""
    name = str(path)
    if name == "-":
        return sys.stdin.buffer
    file = Path(path)
    if file.is_dir():
        raise InputError(f"{name} is a directory; pass a file")
    try:
        return file.open("rb")
    except FileNotFoundError as exc:
        raise InputError(f"{name}: no such file") from exc
    except OSError as exc:
        raise InputError(f"cannot read {name}: {exc.strerror}") from exc


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """The whole content of a file ('-' is standard input)."""
    handle = open_input(path)
    if handle is sys.stdin.buffer:
        return handle.read()
    with handle:
        return handle.read()


def display_name(path: str | os.PathLike[str]) -> str:
    return "standard input" if str(path) == "-" else str(path)


def read_file(path: str | os.PathLike[str], encoding: str = "utf-8") -> str:
    """Read a text file; '-' reads standard input."""
    return decode(read_bytes(path), display_name(path), encoding)


def write_atomic(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> None:
    """Write a file through a temporary file and a rename, so it is never half-written."""
    target = Path(path)
    if target.is_dir():
        raise InputError(f"{target} is a directory; give -o a file name")
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(f"cannot write {target}: directory {directory} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=directory)
    except OSError as exc:
        raise InputError(f"cannot write {target}: {exc.strerror}") from exc
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
