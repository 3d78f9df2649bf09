"""vertaal's own REST API under /api, described by the OpenAPI schema at /openapi.json:
glossaries and entries (list, search, add, update, remove, history, restore, import, export),
memory search, and `check` of a source/target pair.

Every request opens the database through :func:`vertaal.db.open_db` (WAL, a busy timeout, one
writer per transaction), so the CLI can work on the same database while the server runs.
Writes need an API key (``X-API-Key``) when the server has keys (:func:`~.state.require_key`).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, UploadFile
from fastapi import Path as Where
from fastapi.responses import HTMLResponse, PlainTextResponse
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from ..errors import ConflictError, GlossaryError, NotFoundError, UsageError
from ..glossary.formats import write
from ..glossary.store import NAME_PATTERN, GlossaryStore, check_name
from ..languages import Pair
from ..options import DEFAULT_PAIR
from ..qa.alignment import SegmentPair
from ..qa.checks import Problem, check_segments
from ..qa.reports import render_html
from ..terms.entry import MAX_TERM_CHARS, NOTE_PATTERN, TERM_PATTERN, Entry
from .handlers import ERRORS
from .state import PAIRS, GlossariesDep, PairDep, SettingsDep, State, require_key


def named(name: str) -> str:
    """A path's glossary name, by the rule of :func:`~vertaal.glossary.store.check_name`."""
    if not re.match(NAME_PATTERN, name):
        raise ValueError("not a glossary name: use 1 to 100 letters, digits, '.', '-' or '_'")
    return name


TermText = Annotated[str, Field(min_length=1, max_length=MAX_TERM_CHARS, pattern=TERM_PATTERN)]
Terms = Field(default_factory=list, max_length=50)
Note = Field("", max_length=2000, pattern=NOTE_PATTERN)
Name = Annotated[
    str,
    Where(description="a glossary's name", json_schema_extra={"pattern": NAME_PATTERN}),
    AfterValidator(named),
]
EXPORTED = {"tsv": "text/tab-separated-values", "csv": "text/csv", "tbx": "application/x-tbx+xml"}

router = APIRouter(prefix="/api", tags=["vertaal"], responses=ERRORS)
writes = [Depends(require_key)]


class _EntryFields(BaseModel):
    model_config = ConfigDict(regex_engine="python-re", strict=True)  # patterns look ahead; 0 is no bool
    case_sensitive: bool = False
    compounds: bool = False
    fold_diacritics: bool = False
    alternatives: list[TermText] = Terms
    note: str = Note


class PreferredIn(_EntryFields):
    """A preferred entry: `target` is the translation to use (the kind may be left out)."""

    source: TermText
    target: TermText
    kind: Literal["preferred"] = "preferred"
    forbidden: list[TermText] = Terms


class KeepIn(_EntryFields):
    """A keep entry: the source term stays as it is (its target, if given, is ignored)."""

    source: TermText
    kind: Literal["keep"]
    target: str = Field("", max_length=MAX_TERM_CHARS)
    forbidden: list[TermText] = Terms


class ForbiddenIn(_EntryFields):
    """A forbidden entry: no required translation, but the `forbidden` targets must never be used."""

    source: TermText
    kind: Literal["forbidden"]
    forbidden: list[TermText] = Field(min_length=1, max_length=50)
    target: str = Field("", max_length=MAX_TERM_CHARS)


EntryIn = PreferredIn | KeepIn | ForbiddenIn


class EntryPatch(BaseModel):
    """Fields to change; those left out stay as they are."""

    model_config = ConfigDict(regex_engine="python-re", strict=True)

    source: TermText | None = None
    target: TermText | None = None
    kind: Literal["preferred", "keep", "forbidden"] | None = None
    case_sensitive: bool | None = None
    compounds: bool | None = None
    fold_diacritics: bool | None = None
    alternatives: list[TermText] | None = Field(None, max_length=50)
    forbidden: list[TermText] | None = Field(None, max_length=50)
    note: str | None = Field(None, max_length=2000, pattern=NOTE_PATTERN)


class EntryOut(BaseModel):
    source: str
    target: str
    kind: Literal["preferred", "keep", "forbidden"]
    case_sensitive: bool
    compounds: bool
    fold_diacritics: bool
    alternatives: list[str]
    forbidden: list[str]
    note: str
    source_lang: str
    target_lang: str
    created: str | None = None
    updated: str | None = None

    @classmethod
    def of(cls, entry: Entry) -> EntryOut:
        return cls(**{k: v for k, v in entry.to_dict().items() if k in cls.model_fields})


class ImportReportOut(BaseModel):
    added: int
    replaced: int
    skipped: int
    unchanged: int
    warnings: list[str]


class CheckIn(BaseModel):
    """Aligned segments: source[i] is translated as target[i]."""

    model_config = ConfigDict(regex_engine="python-re", strict=True)

    source: list[str] = Field(min_length=1, max_length=5000)
    target: list[str] = Field(min_length=1, max_length=5000)
    pair: Literal[PAIRS] = str(DEFAULT_PAIR)  # type: ignore[valid-type]
    glossary: str | None = Field("default", pattern=NAME_PATTERN, description="a glossary, or null for none")


class MemoryMatch(BaseModel):
    score: float
    source: str
    target: str
    origin: str


@router.get("/glossaries")
def glossaries(glossaries: GlossariesDep) -> list[dict[str, Any]]:
    """Every named glossary, with its number of entries."""
    plain = (str, int, float, type(None))
    return [{k: v for k, v in row.items() if isinstance(v, plain)} for row in glossaries.reader().names()]


@router.get("/glossaries/{name}/entries")
def entries(
    name: Name,
    glossaries: GlossariesDep,
    pair: PairDep,
    search: str = Query("", max_length=200),
    limit: int = Query(100, ge=1, le=1000),
) -> list[EntryOut]:
    """The entries of a glossary, or those matching `search` (source, target or note)."""
    store = _known(glossaries.reader(), name)
    found = store.search(name, search, pair, limit) if search.strip() else store.entries(name, pair)
    return [EntryOut.of(e) for e in found[:limit]]


@router.get("/glossaries/{name}/entries/{source}")
def entry(name: Name, source: str, glossaries: GlossariesDep, pair: PairDep) -> EntryOut:
    return EntryOut.of(_known(glossaries.reader(), name).get(name, source, pair))


@router.post("/glossaries/{name}/entries", status_code=201, dependencies=writes)
def add(name: Name, body: EntryIn, glossaries: GlossariesDep, pair: PairDep) -> EntryOut:
    """Add an entry (409 when the source term is there already)."""
    _valid_name(name)
    new = Entry(**body.model_dump(), source_lang=pair.source, target_lang=pair.target)
    return EntryOut.of(glossaries.writer().add(name, new))


@router.patch("/glossaries/{name}/entries/{source}", dependencies=writes)
def update(name: Name, source: str, body: EntryPatch, glossaries: GlossariesDep, pair: PairDep) -> EntryOut:
    store = _known(glossaries.writer(), name)
    try:
        return EntryOut.of(store.update(name, source, pair, **body.model_dump(exclude_none=True)))
    except GlossaryError as exc:  # each field is valid (the schema says so); together with the
        if isinstance(exc, NotFoundError | ConflictError):  # entry as it is, they are not: 409
            raise
        raise ConflictError(f"{exc}; send the fields that make a valid entry together") from None


@router.delete("/glossaries/{name}/entries/{source}", dependencies=writes)
def remove(name: Name, source: str, glossaries: GlossariesDep, pair: PairDep) -> EntryOut:
    return EntryOut.of(_known(glossaries.writer(), name).remove(name, source, pair))


@router.get("/glossaries/{name}/history")
def history(
    name: Name,
    glossaries: GlossariesDep,
    source: str | None = Query(None, max_length=300),
    limit: int = Query(50, ge=1, le=1000),
) -> list[dict[str, Any]]:
    return _known(glossaries.reader(), name).history(name, source, limit)


@router.post("/glossaries/{name}/history/{event}/restore", dependencies=writes)
def restore(name: Name, event: int, glossaries: GlossariesDep) -> EntryOut:
    """Put an entry back as it was before history event `event`."""
    store = _known(glossaries.writer(), name)
    if not any(row["event"] == event for row in store.history(name)):
        raise NotFoundError(f"glossary {name!r} has no history event {event}")
    return EntryOut.of(store.restore(event))


@router.get(
    "/glossaries/{name}/export",
    responses={200: {"content": {kind: {"schema": {"type": "string"}} for kind in EXPORTED.values()}}},
)
def export(
    name: Name, glossaries: GlossariesDep, pair: PairDep, format: Literal["tsv", "csv", "tbx"] = "tsv"
) -> PlainTextResponse:
    text = write(_known(glossaries.reader(), name).entries(name, pair), format, pair)
    return PlainTextResponse(text, media_type=EXPORTED[format])


@router.post("/glossaries/{name}/import", dependencies=writes)
def import_file(
    name: Name,
    file: UploadFile,
    glossaries: GlossariesDep,
    settings: SettingsDep,
    pair: PairDep,
    format: Literal["tsv", "csv", "tbx"] | None = None,
    on_conflict: Literal["fail", "skip", "replace"] = "fail",
) -> ImportReportOut:
    """Import a TSV, CSV or TBX file, all or nothing."""
    _valid_name(name)
    data = file.file.read(settings.max_upload + 1)
    if len(data) > settings.max_upload:
        raise GlossaryError(f"the file is over the {settings.max_upload // 1_000_000} MB limit")
    report, warnings = glossaries.import_upload(
        name, data, file.filename, pair, fmt=format, on_conflict=on_conflict
    )
    return ImportReportOut(
        added=report.added,
        replaced=report.replaced,
        skipped=report.skipped,
        unchanged=report.unchanged,
        warnings=warnings,
    )


@router.get("/memory/search")
def memory_search(
    state: State,
    pair: PairDep,
    q: str = Query(min_length=1, max_length=2000),
    limit: int = Query(10, ge=1, le=100),
) -> list[MemoryMatch]:
    """Fuzzy matches of `q` in the translation memory, best first."""
    found = state.memory().search(q, pair, limit)
    return [MemoryMatch(score=s, source=u.source, target=u.target, origin=u.origin) for s, u in found]


@router.post("/check", responses={200: {"content": {"text/html": {"schema": {"type": "string"}}}}})
def check(body: CheckIn, glossaries: GlossariesDep, format: Literal["json", "html"] = "json") -> Any:
    """Check a translation segment by segment: the JSON report (or the HTML one). Lists of
    different lengths are checked as far as both go, with a ``segment_count`` error for the rest."""
    pair = Pair.parse(body.pair)
    pairs = enumerate(zip(body.source, body.target, strict=False))
    segments = (SegmentPair(i, s, t, i + 1) for i, (s, t) in pairs)
    matcher = glossaries.matcher(glossaries.named(body.glossary), pair)
    report = check_segments(
        segments, body.glossary, pair, glossaries.db, spans=format == "html", matcher=matcher
    )
    if len(body.source) != len(body.target):
        shorter = min(len(body.source), len(body.target))
        longer = range(shorter, max(len(body.source), len(body.target)))
        message = f"{len(body.source)} source segments but {len(body.target)} target segments"
        report.document_problems.append(Problem("segment_count", message, list(longer)))
    if format == "html":
        return HTMLResponse(render_html(report))
    return report.to_dict()


def _valid_name(name: str) -> None:
    try:
        check_name(name)
    except UsageError as exc:
        raise GlossaryError(str(exc)) from None


def _known(store: GlossaryStore, name: str) -> GlossaryStore:
    """`store`, once it has a glossary `name`."""
    if not store.exists(name):
        raise NotFoundError(f"no glossary {name!r}")
    return store
