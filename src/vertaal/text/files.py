"""Reading input files (whole or line by line) and writing output files safely."""

from __future__ import annotations

import codecs
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

from ..errors import InputError, UsageError
from .reflow import normalise

CHUNK = 1 << 16


def _binary(name: str) -> InputError:
    return InputError(f"{name} looks like a binary file, not text; pass a plain text file")


def _not_encoded(name: str, encoding: str, byte: int | None, offset: int) -> InputError:
    what = f"byte 0x{byte:02x} at offset {offset}" if byte is not None else f"near byte {offset}"
    return InputError(f"{name} is not valid {encoding} ({what}); pass --encoding, e.g. --encoding cp1252")


def _unknown_encoding(encoding: str) -> UsageError:
    return UsageError(f"unknown encoding {encoding!r}; try utf-8, cp1252 or latin-1")


def decode(data: bytes, name: str, encoding: str = "utf-8") -> str:
    """Decode file bytes, refusing binary data with a message that names the file."""
    if b"\x00" in data[:CHUNK] and not encoding.lower().startswith("utf-16"):
        raise _binary(name)
    try:
        return data.decode(encoding)
    except LookupError as exc:
        raise _unknown_encoding(encoding) from exc
    except UnicodeDecodeError as exc:
        raise _not_encoded(name, encoding, data[exc.start], exc.start) from exc


def iter_lines(path: str, encoding: str = "utf-8") -> Iterator[str]:
    """Decoded, normalised lines of a file, read incrementally; errors name the file."""
    handle = open_input(path)
    try:
        decoder = codecs.getincrementaldecoder(encoding)()
    except LookupError as exc:
        raise _unknown_encoding(encoding) from exc
    with handle:
        offset = 0
        pending = ""
        first = True
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            if b"\x00" in chunk:
                raise _binary(path)
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                raise _not_encoded(path, encoding, None, offset + exc.start) from exc
            offset += len(chunk)
            if first:
                text = text.removeprefix("\ufeff")
                first = False
            pending += normalise(text) if "\r" in text else text
            *complete, pending = pending.split("\n")
            yield from complete
        if pending:
            yield pending


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


def refuse_overwriting_inputs(output: str | os.PathLike[str] | None, inputs: list) -> None:
    """A usage error when the output file is one of the inputs (it would be destroyed)."""
    if output is None or str(output) == "-" or not Path(output).exists():
        return
    for given in inputs:
        if given is None or str(given) == "-" or not Path(given).exists():
            continue
        if os.path.samefile(output, given):
            raise UsageError(f"the output {output} is the input {given}; write the result to another file")


def write_atomic(
    path: str | os.PathLike[str], text: str | Callable[[TextIO], None], encoding: str = "utf-8"
) -> None:
    """Write a file so that it is never half-written: through a temporary file and a rename.

    '-' is standard output. A symbolic link is written through (its target is replaced), a FIFO is
    written into, a device node is refused; an existing file keeps its permissions and a new one
    gets the umask's. A full disk leaves the old file as it was. `text` may be a function that
    writes the content into the handle it is given (a large report, written piece by piece).
    """
    write = text if callable(text) else (lambda handle: handle.write(text))
    if str(path) == "-":
        write(sys.stdout)
        sys.stdout.flush()
        return
    target = Path(os.path.realpath(path))
    if target.is_dir():
        raise InputError(f"{path} is a directory; give -o a file name")
    if target.exists() and not target.is_file():
        if stat.S_ISFIFO(target.stat().st_mode):
            with target.open("w", encoding=encoding, newline="") as pipe:
                write(pipe)
            return
        raise InputError(f"{path} is a device or special file, not a regular file; use -o - for stdout")
    directory = target.parent
    if not directory.is_dir():
        raise InputError(f"cannot write {path}: directory {directory} does not exist")
    mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o666 & ~_umask()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=directory)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from exc
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
            write(handle)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        reason = exc.strerror or str(exc)
        raise InputError(f"cannot write {path}: {reason}; the previous file is unchanged") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
