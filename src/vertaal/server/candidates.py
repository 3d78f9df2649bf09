"""The UI's Candidates page: glossary terms proposed from an uploaded file, reviewed in a table.

Upload a text, a document, a TMX, XLIFF or PO file (targets are proposed from its segment pairs,
and from the memory when asked), or a candidates file that ``vertaal glossary extract --format
jsonl`` wrote. Each candidate shows its proposed targets and its examples in context, the term
marked; the ticked rows, with their targets as edited, are imported into the chosen glossary as
one import (restorable from its history).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup, escape
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from ..errors import VertaalError
from ..extraction.candidates import Candidate
from ..glossary.store import check_name
from ..languages import Pair
from ..options import DEFAULT_PAIR
from ..terms.entry import Entry
from .pages import render
from .state import ServerState, State
from .ui import Form, chosen_pair, signed_in

SHOWN = 100  # candidates on the page
router = APIRouter(prefix="/ui", include_in_schema=False)
pages = APIRouter(include_in_schema=False, dependencies=[Depends(signed_in)])  # joins `router` below


@pages.get("/candidates")
async def candidates_page(request: Request, state: State) -> Response:
    return _page(request, state, DEFAULT_PAIR, [], "default")


router.include_router(pages)


@router.post("/candidates")
async def candidates_post(request: Request, state: State, form: Form) -> Response:
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise VertaalError("choose a file to extract terms from")
    pair = chosen_pair(state, form.get("pair"))
    glossary = str(form.get("glossary") or "default")
    check_name(glossary)
    data = await upload.read(state.settings.max_upload + 1)
    if len(data) > state.settings.max_upload:
        raise VertaalError(f"the file is over the {state.settings.max_upload // 1_000_000} MB limit")
    suffix = Path(upload.filename).suffix.lower()
    memory = bool(form.get("memory"))
    found = await run_in_threadpool(_extract, state, data, suffix, pair, glossary, memory, upload.filename)
    return _page(request, state, pair, found[:SHOWN], glossary, filename=upload.filename)


def _extract(
    state: ServerState, data: bytes, suffix: str, pair: Pair, glossary: str, memory: bool, filename: str
) -> list[Candidate]:
    """The candidates of an upload, read from a file the server names; an error names the
    client's file, never the server's path."""
    from ..extraction.extract import extract
    from ..extraction.review import read_candidates

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix or '.txt'}"
        path.write_bytes(data)
        try:
            if suffix in (".jsonl", ".ndjson"):
                return read_candidates(str(path), tuple(pair))
            held = glossary if state.glossaries.reader().exists(glossary) else None
            return extract(
                [str(path)], pair=tuple(pair), glossary=held, db=state.settings.db, memory=memory
            ).candidates
        except VertaalError as error:
            raise type(error)(str(error).replace(str(path), Path(filename).name)) from None


@router.post("/candidates/import")
async def candidates_import(state: State, form: Form) -> Response:
    pair = chosen_pair(state, form.get("pair"))
    name = str(form.get("glossary") or "default")
    accepted = {str(v) for v in form.getlist("accept")}
    rows = zip(form.getlist("source"), form.getlist("target"), form.getlist("note"), strict=False)
    entries = []
    for index, (source, target, note) in enumerate(rows):
        source, target = " ".join(str(source).split()), " ".join(str(target).split())
        if str(index) not in accepted or not source or not target:
            continue
        kind = "keep" if target == source else "preferred"
        entries.append(
            Entry(source, target, kind, note=str(note), source_lang=pair.source, target_lang=pair.target)
        )
    if not entries:
        raise VertaalError("tick the candidates to import, each with a target")
    state.glossaries.writer().import_entries(name, entries, "skip")
    return RedirectResponse(f"/ui/glossary?name={quote(name, safe='')}&pair={pair}", status_code=303)


def _page(
    request: Request, state: ServerState, pair: Pair, found: list[Candidate], glossary: str, **extra: Any
):
    return render(
        request,
        "candidates.html",
        pair=pair,
        pairs=state.pairs,
        names=state.glossaries.names(),
        glossary=glossary,
        candidates=found,
        marked=marked,
        filename=extra.get("filename"),
    )


def marked(text: str, terms: list[str]) -> Markup:
    """`text` escaped, each of `terms` (the candidate and its variants, or its target) in <mark>."""
    words = sorted({t for t in terms if t and t.strip()}, key=len, reverse=True)
    if not words:
        return Markup(escape(text))
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(w)}(?!\w)" for w in words), re.IGNORECASE)
    pieces, last = [], 0
    for match in pattern.finditer(text):
        pieces += [
            escape(text[last : match.start()]),
            Markup("<mark>"),
            escape(match.group()),
            Markup("</mark>"),
        ]
        last = match.end()
    pieces.append(escape(text[last:]))
    return Markup("").join(pieces)
