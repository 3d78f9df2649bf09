"""The browser UI: server-rendered pages (``templates/``) and a little plain JavaScript, every
asset served here.

Pages: translate a text (terms highlighted, their statuses listed), translate a document, edit
the glossary (search, add, edit inline, delete, history and restore, import, export), and review
a translation (the check report with editable targets; saving stores the edits in the memory as
``edited`` units). No build step, no CDN: it works offline.

Form posts carry a CSRF token (double submit: a cookie and a form field or header that must
match, :func:`checked_form`). With API keys, the UI asks for one once and keeps it in an
HttpOnly cookie (:func:`signed_in`).
"""

from __future__ import annotations

import re
import secrets
import tempfile
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import escape
from starlette.datastructures import FormData, UploadFile

from ..documents import SUFFIXES
from ..errors import UsageError, VertaalError
from ..languages import Pair
from ..memory.store import Unit
from ..options import DEFAULT_PAIR
from ..qa.alignment import SegmentPair
from ..qa.checks import check_segments
from ..results import TermStatus
from ..terms.entry import Entry
from ..text.reflow import paragraphs
from .files import TEXT_SUFFIXES, translate_document
from .handlers import SignInFirst
from .keys import Forbidden, authorise
from .pages import CSRF_COOKIE, KEY_COOKIE, render
from .state import GlossariesDep, ServerState, SettingsDep, State

LANGUAGE_NAMES = {"nl": "Dutch", "en": "English"}  # the placeholders of the glossary's add form
STATIC = Path(__file__).parent / "static"
STATIC_TYPES = {"vertaal.css": "text/css", "vertaal.js": "text/javascript"}


async def signed_in(request: Request, settings: SettingsDep) -> None:
    """A page needs a valid API key cookie when the server has keys; else: the sign-in page."""
    if settings.keys is not None and not settings.keys.allows(request.cookies.get(KEY_COOKIE) or ""):
        raise SignInFirst


async def checked_form(request: Request, settings: SettingsDep) -> FormData:
    """The form of a UI post: its CSRF token must match the cookie; with API keys, the key
    cookie must hold a valid key."""
    form = await request.form(max_files=1, max_fields=1_100)  # Candidates: 100 rows of 4 fields, and more
    token = request.cookies.get(CSRF_COOKIE)
    sent = form.get("csrf") or request.headers.get("x-csrf-token")
    if not token or not sent or not secrets.compare_digest(str(sent), token):
        raise Forbidden("the form's CSRF token does not match; reload the page")
    authorise(settings.keys, request.cookies.get(KEY_COOKIE))
    return form


Form = Annotated[FormData, Depends(checked_form)]
router = APIRouter(prefix="/ui", include_in_schema=False)
pages = APIRouter(prefix="/ui", include_in_schema=False, dependencies=[Depends(signed_in)])
home = APIRouter(include_in_schema=False)


def chosen_pair(state: ServerState, value: object) -> Pair:
    """The pair a client chose (``nl-en``), parsed once and checked against the models vertaal has."""
    text = value if isinstance(value, str) else ""
    known = ", ".join(str(p) for p in state.pairs)
    if not text:
        raise VertaalError(f"choose a direction: {known}")
    try:
        pair = Pair.parse(text)
    except UsageError:
        pair = None
    if pair not in state.pairs:
        raise VertaalError(f"{text} is not a direction vertaal translates; use one of {known}")
    return pair


@home.get("/")
async def root() -> Response:
    return RedirectResponse("/ui/translate")


@router.get("/static/{name}")
async def static(name: str) -> Response:
    if name not in STATIC_TYPES:  # a fixed list: the client names no path
        return Response("not found", status_code=404)
    return Response((STATIC / name).read_text(encoding="utf-8"), media_type=STATIC_TYPES[name])


@router.get("/login")
async def login(request: Request) -> Response:
    return render(request, "login.html", message=None)


@router.post("/login")
async def login_post(request: Request, settings: SettingsDep) -> Response:
    form = await request.form(max_fields=4)
    token = request.cookies.get(CSRF_COOKIE)
    if not token or form.get("csrf") != token:
        return render(request, "login.html", 403, message="Reload the page and try again.")
    key = str(form.get("key") or "")
    if settings.keys is not None and not settings.keys.allows(key):
        return render(request, "login.html", 403, message="That key is not valid.")
    response = RedirectResponse("/ui/translate", status_code=303)
    response.set_cookie(KEY_COOKIE, key, httponly=True, samesite="strict")
    return response


# -- translate a text and a document ------------------------------------------------------------


@pages.get("/translate")
async def translate_page(request: Request, state: State) -> Response:
    return _translate_page(request, state, "", "default", DEFAULT_PAIR)


@router.post("/translate")
async def translate_post(request: Request, state: State, form: Form) -> Response:
    text, glossary = str(form.get("text") or ""), str(form.get("glossary") or "")
    pair = chosen_pair(state, form.get("direction"))
    try:
        result = await state.batcher(pair).run(glossary or None, lambda t: t.translate_document(text))
    except VertaalError as error:  # said on the page, with the text as the user typed it
        return _translate_page(request, state, text, glossary, pair, error=str(error))
    terms = [term for row in result.sentences for term in row.terms or []]
    pieces = marked(result.text(), terms)
    return _translate_page(request, state, text, glossary, pair, pieces=pieces, terms=terms)


def _translate_page(
    request: Request, state: ServerState, text: str, glossary: str, pair: Pair, **result: Any
) -> Response:
    names = state.glossaries.names()
    context = {"pieces": None, "terms": [], "error": None, **result}
    return render(
        request,
        "translate.html",
        400 if context["error"] else 200,
        text=text,
        glossary=glossary,
        pair=pair,
        pairs=state.pairs,
        names=names,
        **context,
    )


@pages.get("/glossary/export")
async def glossary_export(
    state: State, name: str = "default", pair: str = str(DEFAULT_PAIR), format: str = "tsv"
) -> Response:
    """A glossary's entries of one pair as a file named NAME.PAIR.EXT (the page's own download:
    it needs the sign-in cookie, not an API key)."""
    from ..glossary.formats import write

    kinds = {"tsv": "text/tab-separated-values", "csv": "text/csv", "tbx": "application/x-tbx+xml"}
    if format not in kinds:
        raise VertaalError("export as tsv, csv or tbx")
    chosen = chosen_pair(state, pair)
    store = state.glossaries.reader()
    if not store.exists(name):
        raise VertaalError(f"no glossary {name!r}")
    text = write(store.entries(name, chosen), format, chosen)
    filename = f"{name}.{chosen}.{format}"
    disposition = f"attachment; filename*=UTF-8''{quote(filename, safe='')}"
    return Response(text, media_type=kinds[format], headers={"content-disposition": disposition})


@pages.get("/document")
async def document_page(request: Request, state: State) -> Response:
    names = state.glossaries.names()
    return render(request, "document.html", pair=DEFAULT_PAIR, pairs=state.pairs, names=names)


@router.post("/document")
async def document_post(state: State, form: Form) -> Response:
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise VertaalError("choose a file to translate")
    suffix = Path(upload.filename).suffix.lower()
    if suffix not in SUFFIXES and suffix not in TEXT_SUFFIXES:
        raise VertaalError(f"{suffix or 'a file without an extension'} is not a document vertaal reads")
    data = await _read_upload(upload, state.settings.max_upload)
    pair = chosen_pair(state, form.get("direction"))
    glossary = str(form.get("glossary") or "") or None
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / f"source{suffix}"
        source.write_bytes(data)
        target = await translate_document(state, pair, glossary, source, Path(folder), upload.filename)
        content = target.read_bytes()
    name = Path(upload.filename).stem + f".{pair.target}" + target.suffix
    disposition = f"attachment; filename*=UTF-8''{quote(name, safe='')}"
    return Response(
        content, media_type="application/octet-stream", headers={"content-disposition": disposition}
    )


async def _read_upload(upload: UploadFile, limit: int) -> bytes:
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise VertaalError(f"the file is over the {limit // 1_000_000} MB limit")
    return data


def marked(text: str, terms: list[TermStatus]) -> list[tuple[str, str | None]]:
    """The translation in pieces: each term's target (with its status) and the text between."""
    spans: list[tuple[int, int, str]] = []
    for term in terms:
        if not term.target:
            continue
        for match in re.finditer(re.escape(term.target), text, re.IGNORECASE):
            if not any(a < match.end() and match.start() < b for a, b, _ in spans):
                spans.append((match.start(), match.end(), term.status))
    pieces: list[tuple[str, str | None]] = []
    last = 0
    for start, end, status in sorted(spans):
        pieces += [(text[last:start], None), (text[start:end], status)]
        last = end
    pieces.append((text[last:], None))
    return pieces


# -- the glossary -------------------------------------------------------------------------------


@pages.get("/glossary")
async def glossary_page(
    request: Request, state: State, name: str = "default", search: str = "", pair: str = str(DEFAULT_PAIR)
) -> Response:
    chosen = chosen_pair(state, pair)
    store = state.glossaries.reader()
    entries = []
    if store.exists(name):
        entries = (
            store.search(name, search, chosen, 500) if search.strip() else store.entries(name, chosen)[:500]
        )
    source_language, target_language = (LANGUAGE_NAMES.get(lang, lang) for lang in chosen)
    return render(
        request,
        "glossary.html",
        name=name,
        search=search,
        pair=chosen,
        pairs=state.pairs,
        entries=entries,
        source_language=source_language,
        target_language=target_language,
    )


@router.post("/glossary/add")
async def glossary_add(state: State, form: Form) -> Response:
    name = str(form.get("name") or "default")
    kind = str(form.get("kind") or "preferred")
    source = str(form.get("source") or "").strip()
    target = source if kind == "keep" else str(form.get("target") or "").strip()
    pair = chosen_pair(state, form.get("pair"))
    note = str(form.get("note") or "")
    state.glossaries.writer().add(
        name, Entry(source, target, kind=kind, note=note, source_lang=pair.source, target_lang=pair.target)
    )
    return _to_glossary(name, pair)


@router.post("/glossary/update")
async def glossary_update(state: State, form: Form) -> Response:
    name, source = str(form.get("name") or "default"), str(form.get("source") or "")
    changes = {k: str(form.get(k)) for k in ("target", "note") if form.get(k) is not None}
    entry = state.glossaries.writer().update(name, source, chosen_pair(state, form.get("pair")), **changes)
    return Response(str(escape(entry.target)), media_type="text/plain")


@router.post("/glossary/delete")
async def glossary_delete(state: State, form: Form) -> Response:
    pair = chosen_pair(state, form.get("pair"))
    state.glossaries.writer().remove(str(form.get("name") or "default"), str(form.get("source") or ""), pair)
    return Response("deleted", media_type="text/plain")


@pages.get("/glossary/history")
async def glossary_history(
    request: Request, glossaries: GlossariesDep, name: str = "default", source: str = ""
) -> Response:
    store = glossaries.reader()
    events = store.history(name, source or None, 100) if store.exists(name) else []
    return render(request, "history.html", name=name, source=source, events=events)


@router.post("/glossary/restore")
async def glossary_restore(glossaries: GlossariesDep, form: Form) -> Response:
    name = str(form.get("name") or "default")
    glossaries.writer().restore(int(str(form.get("event") or "0")))
    return RedirectResponse(f"/ui/glossary?name={quote(name, safe='')}", status_code=303)


@router.post("/glossary/import")
async def glossary_import(state: State, form: Form) -> Response:
    name = str(form.get("name") or "default")
    pair = chosen_pair(state, form.get("pair"))
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise VertaalError("choose a TSV, CSV or TBX file")
    data = await _read_upload(upload, state.settings.max_upload)
    on_conflict = str(form.get("on_conflict") or "skip")
    state.glossaries.import_upload(name, data, upload.filename, pair, on_conflict=on_conflict)
    return _to_glossary(name, pair)


def _to_glossary(name: str, pair: Pair) -> Response:
    return RedirectResponse(f"/ui/glossary?name={quote(name, safe='')}&pair={pair}", status_code=303)


# -- review -------------------------------------------------------------------------------------


@pages.get("/review")
async def review_page(request: Request, state: State) -> Response:
    return _review_page(request, state, DEFAULT_PAIR)


@router.post("/review")
async def review_post(request: Request, state: State, form: Form) -> Response:
    source, target = str(form.get("source") or ""), str(form.get("target") or "")
    sources, targets = paragraphs(source), paragraphs(target)
    pair = chosen_pair(state, form.get("direction"))
    if len(sources) != len(targets):  # said on the page, both texts kept as they were typed
        message = f"{len(sources)} source paragraphs but {len(targets)} target paragraphs: align them"
        return _review_page(request, state, pair, source=source, target=target, error=message)
    glossary = str(form.get("glossary") or "") or None
    segments = [SegmentPair(i, s, t, i + 1) for i, (s, t) in enumerate(zip(sources, targets, strict=True))]
    matcher = state.glossaries.matcher(glossary, pair)
    report = check_segments(segments, glossary, pair, state.settings.db, matcher=matcher)
    return _review_page(request, state, pair, source=source, target=target, report=report)


@router.post("/review/save")
async def review_save(request: Request, state: State, form: Form) -> Response:
    pair = chosen_pair(state, form.get("direction"))
    rows = zip(form.getlist("source"), form.getlist("target"), form.getlist("original"), strict=False)
    units = [  # only the rows the reviewer changed: an unchanged machine translation is no edit
        Unit(str(s), str(t), pair.source, pair.target, "edited")
        for s, t, before in rows
        if str(s).strip() and str(t).strip() and str(t) != str(before)
    ]
    report = state.memory(write=True).store(units) if units else None
    return _review_page(request, state, pair, saved=report.stored if report else 0)


def _review_page(request: Request, state: ServerState, pair: Pair, **shown: Any) -> Response:
    context = {"source": "", "target": "", "report": None, "saved": None, "error": None, **shown}
    return render(
        request,
        "review.html",
        400 if context["error"] else 200,
        pair=pair,
        pairs=state.pairs,
        names=state.glossaries.names(),
        **context,
    )
