"""DOCX and ODT are zip packages read by a library of their own (an optional extra)."""

from __future__ import annotations

from ..errors import InputError


def package(path: str, what: str, module: str, distribution: str, hint: str = ""):
    """The reader library `module`, once `path` is known to be a zip package (DOCX and ODT are):
    one line naming the extra to install, or saying what the file is not."""
    import importlib
    import zipfile

    try:
        library = importlib.import_module(module)
    except ImportError as exc:
        raise InputError(f'reading {what} needs {distribution}; pip install "vertaal[documents]"') from exc
    if not zipfile.is_zipfile(path):
        article = "an" if what[0] in "AEIOU" else "a"
        raise InputError(f"{path} is not {article} {what} file (not a zip archive){hint}")
    return library
