"""vertaal's own REST API under /api, described by the OpenAPI schema at /openapi.json:
glossaries and entries (list, search, add, update, remove, history, restore, import, export),
memory search, and `check` of a source/target pair.

Every request opens the database through :func:`vertaal.db.open_db` (WAL, a busy timeout, one
writer per transaction), so the CLI can work on the same database while the server runs.
Writes need an API key (``X-API-Key``) when the server has keys.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Header, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, PlainTextResponse
from pydantic import BaseModel, Field

from ..errors import GlossaryError, NotFoundError
from .keys import authorise

Name = Field(min_length=1, max_length=100, pattern=r"^[\w.-]+$")
Term = Field(min_length=1, max_length=300)
TAG = r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*"
PairParam = Query("nl-en", pattern=f"^{TAG}-{TAG}$")


EXPORTED = {"tsv": "text/tab-separated-values", "csv": "text/csv", "tbx": "application/x-tbx+xml"}


class ErrorOut(BaseModel):
    """What every error answers (LibreTranslate's shape)."""

    error: str


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut, "description": what}
    for status, what in (
        (400, "a bad request"),
        (403, "a missing or wrong API key"),
        (404, "no such glossary, entry or event"),
        (409, "the entry is there already"),
        (413, "the body is over the limit"),
    )
}


class EntryIn(BaseModel):
    """A glossary entry as a client sends it."""

    source: str = Term
    target: str = Field("", max_length=300)
    kind: Literal["preferred", "keep", "forbidden"] = "preferred"
    case_sensitive: bool = False
    compounds: bool = False
    fold_diacritics: bool = False
    alternatives: list[str] = Field(default_factory=list, max_length=50)
    forbidden: list[str] = Field(default_factory=list, max_length=50)
    note: str = Field("", max_length=2000)


class EntryPatch(BaseModel):
    """Fields to change; those left out stay as they are."""

    source: str | None = Field(None, min_length=1, max_length=300)
    target: str | None = Field(None, max_length=300)
    kind: Literal["preferred", "keep", "forbidden"] | None = None
    case_sensitive: bool | None = None
    compounds: bool | None = None
    fold_diacritics: bool | None = None
    alternatives: list[str] | None = Field(None, max_length=50)
    forbidden: list[str] | None = Field(None, max_length=50)
    note: str | None = Field(None, max_length=2000)


class EntryOut(EntryIn):
    source_lang: str
    target_lang: str
    created: str | None = None
    updated: str | None = None


class ImportReportOut(BaseModel):
    added: int
    replaced: int
    skipped: int
    unchanged: int
    warnings: list[str]


class CheckIn(BaseModel):
    """Aligned segments: source[i] is translated as target[i]."""

    source: list[str] = Field(min_length=1, max_length=5000)
    target: list[str] = Field(min_length=1, max_length=5000)
    pair: str = "nl-en"
    glossary: str | None = Field("default", max_length=100)


class MemoryMatch(BaseModel):
    score: float
    source: str
    target: str
    origin: str


def router(settings: Any) -> APIRouter:
    from ..glossary.store import GlossaryStore
    from ..languages import parse_pair

    api = APIRouter(prefix="/api", tags=["vertaal"], responses=ERRORS)

    def store(write: bool = False) -> GlossaryStore:
        from ..db import open_db

        database = open_db(settings.db)
        if write:
            database.refuse_writes()
        return GlossaryStore(database)

    def allowed(key: str | None) -> None:
        authorise(settings.keys, key)

    def out(entry: Any) -> EntryOut:
        return EntryOut(**{k: v for k, v in entry.to_dict().items() if k in EntryOut.model_fields})

    @api.get("/glossaries")
    def glossaries() -> list[dict[str, Any]]:
        """Every named glossary, with its number of entries."""
        plain = (str, int, float, type(None))
        return [{k: v for k, v in row.items() if isinstance(v, plain)} for row in store().names()]

    @api.get("/glossaries/{name}/entries")
    def entries(
        name: str,
        search: str = Query("", max_length=200),
        limit: int = Query(100, ge=1, le=1000),
        pair: str = PairParam,
    ) -> list[EntryOut]:
        """The entries of a glossary, or those matching `search` (source, target or note)."""
        glossary = store()
        _known(glossary, name)
        languages = parse_pair(pair)
        if search.strip():
            found = glossary.search(name, search, languages, limit)
        else:
            found = glossary.entries(name, languages)
        return [out(e) for e in found[:limit]]

    @api.get("/glossaries/{name}/entries/{source}")
    def entry(name: str, source: str, pair: str = PairParam) -> EntryOut:
        glossary = store()
        _known(glossary, name)
        return out(glossary.get(name, source, parse_pair(pair)))

    @api.post("/glossaries/{name}/entries", status_code=201)
    def add(
        name: str, body: EntryIn, pair: str = PairParam, x_api_key: str | None = Header(None)
    ) -> EntryOut:
        """Add an entry (409 when the source term is there already)."""
        from ..terms.entry import Entry

        allowed(x_api_key)
        _valid_name(name)
        source_lang, target_lang = parse_pair(pair)
        new = Entry(**body.model_dump(), source_lang=source_lang, target_lang=target_lang)
        return out(store(write=True).add(name, new))

    @api.patch("/glossaries/{name}/entries/{source}")
    def update(
        name: str, source: str, body: EntryPatch, pair: str = PairParam, x_api_key: str | None = Header(None)
    ) -> EntryOut:
        allowed(x_api_key)
        glossary = store(write=True)
        _known(glossary, name)
        changes = body.model_dump(exclude_none=True)
        return out(glossary.update(name, source, parse_pair(pair), **changes))

    @api.delete("/glossaries/{name}/entries/{source}")
    def remove(
        name: str, source: str, pair: str = PairParam, x_api_key: str | None = Header(None)
    ) -> EntryOut:
        allowed(x_api_key)
        glossary = store(write=True)
        _known(glossary, name)
        return out(glossary.remove(name, source, parse_pair(pair)))

    @api.get("/glossaries/{name}/history")
    def history(
        name: str, source: str | None = Query(None, max_length=300), limit: int = Query(50, ge=1, le=1000)
    ) -> list[dict[str, Any]]:
        glossary = store()
        _known(glossary, name)
        return glossary.history(name, source, limit)

    @api.post("/glossaries/{name}/history/{event}/restore")
    def restore(name: str, event: int, x_api_key: str | None = Header(None)) -> EntryOut:
        """Put an entry back as it was before history event `event`."""
        allowed(x_api_key)
        glossary = store(write=True)
        _known(glossary, name)
        if not any(row["event"] == event for row in glossary.history(name)):
            raise NotFoundError(f"glossary {name!r} has no history event {event}")
        return out(glossary.restore(event))

    @api.get(
        "/glossaries/{name}/export",
        responses={200: {"content": {kind: {"schema": {"type": "string"}} for kind in EXPORTED.values()}}},
    )
    def export(
        name: str, format: Literal["tsv", "csv", "tbx"] = "tsv", pair: str = PairParam
    ) -> PlainTextResponse:
        from ..glossary.formats import write

        glossary = store()
        _known(glossary, name)
        text = write(glossary.entries(name, parse_pair(pair)), format, parse_pair(pair))
        return PlainTextResponse(text, media_type=EXPORTED[format])

    @api.post("/glossaries/{name}/import")
    def import_file(
        name: str,
        file: UploadFile,
        format: Literal["tsv", "csv", "tbx"] | None = None,
        on_conflict: Literal["fail", "skip", "replace"] = "fail",
        pair: str = PairParam,
        x_api_key: str | None = Header(None),
    ) -> ImportReportOut:
        """Import a TSV, CSV or TBX file, all or nothing."""
        import tempfile
        from pathlib import Path

        from ..glossary.importing import import_glossary

        allowed(x_api_key)
        _valid_name(name)
        data = file.file.read(settings.max_upload + 1)
        if len(data) > settings.max_upload:
            raise GlossaryError(f"the file is over the {settings.max_upload // 1_000_000} MB limit")
        suffix = Path(file.filename or "").suffix.lower()
        suffix = suffix if suffix in (".tsv", ".csv", ".tbx", ".txt", ".xml") else ".txt"
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"upload{suffix}"  # the server names the file
            path.write_bytes(data)
            report, warnings = import_glossary(
                store(write=True), name, str(path), fmt=format, on_conflict=on_conflict, pair=parse_pair(pair)
            )
        return ImportReportOut(
            added=report.added, replaced=report.replaced, skipped=report.skipped,
            unchanged=report.unchanged, warnings=warnings,
        )

    @api.get("/memory/search")
    def memory_search(
        q: str = Query(min_length=1, max_length=2000),
        limit: int = Query(10, ge=1, le=100),
        pair: str = PairParam,
    ) -> list[MemoryMatch]:
        """Fuzzy matches of `q` in the translation memory, best first."""
        from ..db import open_db
        from ..memory.store import MemoryStore

        found = MemoryStore(open_db(settings.db)).search(q, parse_pair(pair), limit)
        return [MemoryMatch(score=s, source=u.source, target=u.target, origin=u.origin) for s, u in found]

    @api.post("/check", responses={200: {"content": {"text/html": {"schema": {"type": "string"}}}}})
    def check(body: CheckIn, request: Request, format: Literal["json", "html"] = "json") -> Any:
        """Check a translation segment by segment: the JSON report (or the HTML one)."""
        from ..glossary.matchers import load_matcher
        from ..qa.alignment import SegmentPair
        from ..qa.checks import Checker
        from ..qa.reports import render_html

        if len(body.source) != len(body.target):
            raise GlossaryError(f"{len(body.source)} source segments but {len(body.target)} target segments")
        languages = parse_pair(body.pair)
        matcher = load_matcher(body.glossary, settings.db, languages)
        pairs = enumerate(zip(body.source, body.target, strict=True))
        segments = (SegmentPair(i, s, t, i + 1) for i, (s, t) in pairs)
        report = Checker(matcher, languages, spans=format == "html").check(
            segments, glossary=body.glossary if matcher else None, pair=body.pair
        )
        if format == "html":
            return HTMLResponse(render_html(report))
        return report.to_dict()

    return api


def _valid_name(name: str) -> None:
    import re

    if not re.fullmatch(r"[\w.-]{1,100}", name):
        raise GlossaryError(f"{name!r} is not a glossary name (letters, digits, '.', '-', '_')")


def _known(glossary: Any, name: str) -> None:
    if not glossary.exists(name):
        raise NotFoundError(f"no glossary {name!r}")
