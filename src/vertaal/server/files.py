"""Uploaded files, translated in the server's own folder (the client never names a path)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..inputs import Kind, file_kind

TEXT_SUFFIXES = {".txt"}


def upload_kind(filename: str) -> Kind | None:
    """What an upload is, by the one input classifier (`vertaal.inputs`): a document or a text
    file; None for anything the server does not translate (CAT files go through a CAT tool)."""
    kind = file_kind(filename)
    if kind is Kind.DOCUMENT or (kind is Kind.TEXT and Path(filename).suffix.lower() in TEXT_SUFFIXES):
        return kind
    return None


def translate_upload(translator: Any, source: Path, folder: Path) -> Path:
    """Translate an uploaded file in the server's own folder; returns the translation's path."""
    from .. import documents
    from ..text.files import read_file, write_atomic

    if upload_kind(source.name) is Kind.TEXT:
        target = folder / "translated.txt"
        write_atomic(target, translator.translate(read_file(str(source))) + "\n")
        return target
    document = documents.open_document(source)
    target, fmt = documents.output_path(source, None, translator.pair[1])
    target = folder / ("translated" + target.suffix)
    _, translated = documents.translate(translator, document)
    documents.write(document, translated, target, fmt, False, translator.pair[1])
    return target
