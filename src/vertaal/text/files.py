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


_BOMS = (  # longest first: the UTF-32-LE mark starts with the UTF-16-LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def sniff_bom(head: bytes) -> tuple[str, int] | None:
    """The encoding a byte-order mark at the start of `head` announces, and the mark's length."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding, len(bom)
    return None


def text_encoding(head: bytes, encoding: str = "utf-8") -> tuple[str, int]:
    """The encoding to read a file with, and how many bytes of mark to skip.

    A byte-order mark wins over the default: UTF-8, UTF-16 and UTF-32 files need no --encoding. An
    explicit --encoding other than UTF-8 is taken as given (its mark, if any, is still skipped).
    """
    found = sniff_bom(head)
    if found and (_same_codec(encoding, "utf-8") or _same_codec(encoding, found[0])):
        return found
    return encoding, 0


def _same_codec(a: str, b: str) -> bool:
    try:
        return codecs.lookup(a).name == codecs.lookup(b).name
    except LookupError:
        return False


def _binary(name: str, head: bytes = b"") -> InputError:
    """Binary data; or, when every other byte is NUL, UTF-16 without a byte-order mark."""
    return utf16_hint(name, head) or InputError(
        f"{name} looks like a binary file, not text; pass a plain text file"
    )


def utf16_hint(name: str, head: bytes) -> InputError | None:
    """The error for UTF-16 without a byte-order mark (every other byte NUL), or None."""
    sample = head[:4096]
    half = len(sample) // 2
    for nul, text, order in ((sample[1::2], sample[0::2], "le"), (sample[0::2], sample[1::2], "be")):
        if half >= 2 and nul.count(0) > 0.9 * half and text.count(0) == 0:
            return InputError(
                f"{name} looks like UTF-16 without a byte-order mark; pass --encoding utf-16-{order}"
            )
    return None


def _not_encoded(name: str, encoding: str, byte: int | None, offset: int) -> InputError:
    what = f"byte 0x{byte:02x} at offset {offset}" if byte is not None else f"near byte {offset}"
    return InputError(f"{name} is not valid {encoding} ({what}); pass --encoding, e.g. --encoding cp1252")


def _unknown_encoding(encoding: str) -> UsageError:
    return UsageError(f"unknown encoding {encoding!r}; try utf-8, cp1252 or latin-1")


def decode(data: bytes, name: str, encoding: str = "utf-8") -> str:
    """Decode file bytes (a byte-order mark picks UTF-8/16/32), refusing binary data by name."""
    encoding, skip = text_encoding(data[:4], encoding)
    if b"\x00" in data[:CHUNK] and not _wide(encoding):
        raise _binary(name, data[:CHUNK])
    try:
        return data[skip:].decode(encoding)
    except LookupError as exc:
        raise _unknown_encoding(encoding) from exc
    except UnicodeDecodeError as exc:
        raise _not_encoded(name, encoding, data[exc.start], exc.start) from exc


def _wide(encoding: str) -> bool:
    """Whether text in `encoding` holds NUL bytes (UTF-16 and UTF-32 do)."""
    return encoding.lower().replace("_", "-").startswith(("utf-16", "utf-32", "utf16", "utf32"))


def iter_lines(path: str, encoding: str = "utf-8") -> Iterator[str]:
    """Decoded, normalised lines of a file, read incrementally; errors name the file."""
    handle = open_input(path)
    with handle:
        head = handle.read(4)
        encoding, skip = text_encoding(head, encoding)
        try:
            decoder = codecs.getincrementaldecoder(encoding)()
        except LookupError as exc:
            raise _unknown_encoding(encoding) from exc
        offset = skip
        pending = ""
        first = True
        chunks = iter(lambda: handle.read(CHUNK), b"")
        for chunk in _prepend(head[skip:], chunks):
            if b"\x00" in chunk and not _wide(encoding):
                raise _binary(path, chunk)
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


def _prepend(head: bytes, chunks: Iterator[bytes]) -> Iterator[bytes]:
    if head:
        yield head
    yield from chunks


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
    """The whole content of a file ('-' is standard input), up to $VERTAAL_MAX_FILE_MB: a larger
    one is refused in one line before it fills the memory."""
    from ..config import ENV_MAX_FILE_MB, max_file_mb

    limit = max_file_mb()
    handle = open_input(path)
    try:
        data = handle.read((limit << 20) + 1)
    except OSError as exc:
        raise InputError(f"cannot read {display_name(path)}: {exc.strerror}") from exc
    finally:
        if handle is not sys.stdin.buffer:
            handle.close()
    if len(data) > limit << 20:
        raise InputError(
            f"{display_name(path)} is over the limit of {limit} MB for a file read whole;"
            f" set {ENV_MAX_FILE_MB} to raise it"
        )
    return data


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
    if target.exists() and not target.is_file() and stat.S_ISFIFO(target.stat().st_mode):
        with target.open("w", encoding=encoding, newline="") as pipe:
            write(pipe)
        return

    def save(tmp: str) -> None:
        with open(tmp, "w", encoding=encoding, newline="") as handle:
            write(handle)

    save_atomic(path, save)


def save_atomic(path: str | os.PathLike[str], save: Callable[[str], None]) -> None:
    """Have `save(tmp)` write a file beside `path`, then rename it over `path`: never half a file.

    For libraries that write files themselves (python-docx, odfpy). A symbolic link is written
    through, a directory or device node refused, an existing file keeps its permissions.
    """
    target = Path(os.path.realpath(path))
    if target.is_dir():
        raise InputError(f"{path} is a directory; give -o a file name")
    if target.exists() and not target.is_file():
        raise InputError(f"{path} is a device or special file, not a regular file; use -o - for stdout")
    directory = target.parent
    if not directory.is_dir():
        raise InputError(f"cannot write {path}: directory {directory} does not exist")
    mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o666 & ~_umask()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=target.suffix, dir=directory)
        os.close(fd)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from exc
    try:
        save(tmp)
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
