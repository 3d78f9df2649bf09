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


def check_parts(path: str, what: str) -> None:
    """Refuse a package with a part that unpacks past the limit (a zip bomb would take the memory
    with it): one line naming the part, the limit and how to raise it."""
    import zipfile

    from ..config import ENV_MAX_PART_MB, max_part_mb

    limit = max_part_mb()
    try:
        with zipfile.ZipFile(path) as package:
            parts = package.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"{path} cannot be read as {what} ({exc})") from exc
    for info in parts:
        if info.file_size > limit << 20:
            raise InputError(
                f"{path}: its part {info.filename} unpacks to {info.file_size >> 20} MB, over the limit of "
                f"{limit} MB; set {ENV_MAX_PART_MB} to raise it"
            )
