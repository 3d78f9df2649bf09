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


async def translate_document(
    state: Any, pair: Any, glossary: str | None, source: Path, folder: Path, name: str
) -> Path:
    """Translate an uploaded file in the server's own folder; returns the translation's path.

    Off the event loop and off the model thread: the file is read and written in a worker
    thread, at most `Settings.document_workers` at a time, and its blocks go through the pair's
    batcher a chunk at a time, like any request's (so /languages and other requests are answered
    meanwhile)."""

    from ..errors import VertaalError

    try:
        return await _translate_document(state, pair, glossary, source, folder)
    except VertaalError as error:  # named by the client's file name, never the server's path
        raise type(error)(str(error).replace(str(source), Path(name).name).replace(str(folder), "")) from None


async def _translate_document(state: Any, pair: Any, glossary: Any, source: Path, folder: Path) -> Path:
    from starlette.concurrency import run_in_threadpool

    from .. import documents

    async with state.documents:
        check_unpacked(source, state.settings.max_unpacked_mb)
        if upload_kind(source.name) is Kind.TEXT:
            from ..text.files import read_file, write_atomic
            from .batching import translate_paragraphs

            text = await run_in_threadpool(read_file, str(source))
            [translated], _ = await translate_paragraphs(state.batcher(pair), [text], glossary)
            target = folder / "translated.txt"
            await run_in_threadpool(write_atomic, target, translated + "\n")
            return target
        document = await run_in_threadpool(documents.open_document, source)
        named, fmt = documents.output_path(source, None, pair.target)
        target = folder / ("translated" + named.suffix)
        texts = documents.block_texts(document)
        done = await translate_blocks(state.batcher(pair), texts, glossary)
        translated = [
            documents.Translated(block, done[n] if text else block.text)
            for n, (block, text) in enumerate(zip(document.blocks, texts, strict=True))
        ]
        await run_in_threadpool(documents.write, document, translated, target, fmt, False, pair.target)
        return target


async def translate_blocks(batcher: Any, blocks: list[str], glossary: str | None) -> list[str]:
    """Each block's translation (its sentences joined), through the batcher a chunk at a time."""
    from .batching import translate_chunks

    done = await translate_chunks(batcher, blocks, glossary)
    return [" ".join(r.target for r in rows if r.target) for rows in done.sentences]


def check_unpacked(source: Path, limit_mb: int) -> None:
    """An uploaded DOCX or ODT whose XML parts unpack past the server's limit is refused before
    it is parsed (a few KB can unpack to millions of empty paragraphs)."""
    import zipfile

    from ..errors import InputError

    if source.suffix.lower() not in (".docx", ".odt"):
        return
    try:
        with zipfile.ZipFile(source) as package:
            parts = [i for i in package.infolist() if i.filename.endswith(".xml")]
    except (zipfile.BadZipFile, OSError):
        return  # the reader says what is wrong with it
    for part in parts:
        if part.file_size > limit_mb << 20:
            raise InputError(
                f"the document's part {part.filename} unpacks to {part.file_size >> 20} MB, over the"
                f" server's limit of {limit_mb} MB (vertaal serve --max-unpacked-mb)"
            )
