"""The browser UI: server-rendered pages and a little plain JavaScript, every asset served here.

Pages: translate a text (terms highlighted, their statuses listed), translate a document, edit
the glossary (search, add, edit inline, delete, history and restore, import, export), and review
a translation (the check report with editable targets; saving stores the edits in the memory as
``edited`` units). No build step, no CDN: it works offline.

Form posts carry a CSRF token (double submit: a cookie and a form field or header that must
match). With API keys, the UI asks for one once and keeps it in an HttpOnly cookie.
"""

from __future__ import annotations

import html
import secrets
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..errors import VertaalError
from .keys import Forbidden, authorise

LANGUAGE_NAMES = {"nl": "Dutch", "en": "English"}  # the placeholders of the glossary's add form

CSRF_COOKIE, KEY_COOKIE = "vertaal_csrf", "vertaal_key"
STATIC = Path(__file__).parent / "static"
NAV = [("translate", "Translate"), ("document", "Document"), ("glossary", "Glossary"), ("review", "Review")]


def e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def page(request: Request, title: str, active: str, body: str, status: int = 200) -> HTMLResponse:
    """A whole page with the navigation; sets the CSRF cookie when the browser has none."""
    token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
    links = "".join(
        f'<a href="/ui/{name}"{" aria-current=page" if name == active else ""}>{label}</a>' for name, label in NAV
    )
    content = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{e(title)} · vertaal</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/ui/static/vertaal.css"><script src="/ui/static/vertaal.js" defer></script>
</head><body data-csrf="{e(token)}"><header><strong>vertaal</strong><nav>{links}</nav></header>
<main><h1>{e(title)}</h1>{body}</main></body></html>"""
    response = HTMLResponse(content.replace("__CSRF__", e(token)), status_code=status)
    if request.cookies.get(CSRF_COOKIE) != token:
        response.set_cookie(CSRF_COOKIE, token, httponly=False, samesite="strict")
    return response


def csrf_field() -> str:
    return '<input type="hidden" name="csrf" value="__CSRF__">'


def router(settings: Any, models: Any, directions: Any) -> APIRouter:
    from ..db import open_db
    from ..glossary.store import GlossaryStore

    ui = APIRouter(prefix="/ui", include_in_schema=False)

    async def checked_form(request: Request) -> Any:
        """The form of a UI post: its CSRF token must match the cookie; with API keys, the key
        cookie must hold a valid key."""
        form = await request.form(max_files=1, max_fields=400)
        token = request.cookies.get(CSRF_COOKIE)
        sent = form.get("csrf") or request.headers.get("x-csrf-token")
        if not token or not sent or not secrets.compare_digest(str(sent), token):
            raise Forbidden("the form's CSRF token does not match; reload the page")
        authorise(settings.keys, request.cookies.get(KEY_COOKIE))
        return form

    def signed_in(request: Request) -> bool:
        if settings.keys is None:
            return True
        return settings.keys.allows(request.cookies.get(KEY_COOKIE) or "")

    def sign_in_first(request: Request) -> Response | None:
        return None if signed_in(request) else RedirectResponse("/ui/login", status_code=303)

    def glossaries() -> list[str]:
        return [row["name"] for row in GlossaryStore(open_db(settings.db)).names()]

    def glossary_select(chosen: str = "default") -> str:
        names = glossaries()
        options = '<option value="">(none)</option>' + "".join(
            f'<option{" selected" if n == chosen else ""}>{e(n)}</option>' for n in names
        )
        return f'<label>Glossary <select name="glossary">{options}</select></label>'

    def direction_select(chosen: str = "nl-en", label: str = "Direction", field: str = "direction") -> str:
        options = "".join(f'<option{" selected" if d == chosen else ""}>{e(d)}</option>' for d in directions())
        return f'<label>{label} <select name="{field}">{options}</select></label>'

    def chosen_direction(value: object) -> tuple[str, tuple[str, str]]:
        """A direction the client chose (nl-en when none), checked against the models vertaal has."""
        direction = str(value or "nl-en")
        if direction not in directions():
            raise VertaalError(f"{direction} is not a direction vertaal translates; use one of {', '.join(directions())}")
        source, target = direction.split("-", 1)
        return direction, (source, target)

    @ui.get("/static/{name}")
    async def static(name: str) -> Response:
        kinds = {"vertaal.css": "text/css", "vertaal.js": "text/javascript"}
        if name not in kinds:  # a fixed list: the client names no path
            return Response("not found", status_code=404)
        return Response((STATIC / name).read_text(encoding="utf-8"), media_type=kinds[name])

    @ui.get("/login")
    async def login(request: Request) -> Response:
        form = (
            f'<form method="post" action="/ui/login">{csrf_field()}'
            '<label>API key <input type="password" name="key" autocomplete="off" required></label>'
            "<button>Sign in</button></form>"
        )
        return page(request, "Sign in", "", form)

    @ui.post("/login")
    async def login_post(request: Request) -> Response:
        form = await request.form(max_fields=4)
        token = request.cookies.get(CSRF_COOKIE)
        if not token or form.get("csrf") != token:
            return page(request, "Sign in", "", "<p class=error>Reload the page and try again.</p>", 403)
        key = str(form.get("key") or "")
        if settings.keys is not None and not settings.keys.allows(key):
            return page(request, "Sign in", "", "<p class=error>That key is not valid.</p>", 403)
        response = RedirectResponse("/ui/translate", status_code=303)
        response.set_cookie(KEY_COOKIE, key, httponly=True, samesite="strict")
        return response

    # -- translate a text ----------------------------------------------------------------------

    def translate_form(text: str = "", glossary: str = "default", direction: str = "nl-en") -> str:
        return (
            f'<form method="post" action="/ui/translate" class=stack>{csrf_field()}'
            f'<textarea name="text" rows="8" required placeholder="Text to translate">{e(text)}</textarea>'
            f"<div class=row>{direction_select(direction)}"
            f"{glossary_select(glossary)}<button>Translate</button></div></form>"
        )

    @ui.get("/translate")
    async def translate_page(request: Request) -> Response:
        return sign_in_first(request) or page(request, "Translate", "translate", translate_form())

    @ui.post("/translate")
    async def translate_post(request: Request) -> Response:
        form = await checked_form(request)
        text, glossary = str(form.get("text") or ""), str(form.get("glossary") or "")
        direction, _ = chosen_direction(form.get("direction"))
        translator = models.translator(direction, glossary or None)
        from starlette.concurrency import run_in_threadpool

        result = await run_in_threadpool(translator.translate_document, text)
        rows = [(r, t) for r in result.sentences for t in r.terms or []]
        marked = _highlight(result.text(), [t for _, t in rows])
        table = "".join(
            f'<tr class="{e(t.status)}"><td>{e(t.surface)}</td><td>{e(t.target)}</td>'
            f"<td>{e(t.kind)}</td><td>{e(t.status)}</td></tr>"
            for _, t in rows
        )
        terms = (
            f"<table id=terms><thead><tr><th>in the source</th><th>required</th><th>kind</th><th>status</th>"
            f"</tr></thead><tbody>{table}</tbody></table>"
            if rows
            else "<p>No glossary term in this text.</p>"
        )
        body = translate_form(text, glossary, direction) + f'<section id=result><p class=target>{marked}</p>{terms}</section>'
        return page(request, "Translate", "translate", body)

    # -- translate a document -------------------------------------------------------------------

    @ui.get("/document")
    async def document_page(request: Request) -> Response:
        form = (
            f'<form method="post" action="/ui/document" enctype="multipart/form-data" class=stack>{csrf_field()}'
            '<input type="file" name="file" required accept=".docx,.odt,.html,.htm,.md,.pdf,.txt">'
            f"<div class=row>{direction_select()}{glossary_select()}<button>Translate and download</button></div></form>"
        )
        return sign_in_first(request) or page(request, "Translate a document", "document", form)

    @ui.post("/document")
    async def document_post(request: Request) -> Response:
        import tempfile

        from starlette.concurrency import run_in_threadpool
        from starlette.datastructures import UploadFile

        from ..documents import SUFFIXES
        from .files import TEXT_SUFFIXES, translate_upload

        form = await checked_form(request)
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise VertaalError("choose a file to translate")
        suffix = Path(upload.filename).suffix.lower()
        if suffix not in SUFFIXES and suffix not in TEXT_SUFFIXES:
            raise VertaalError(f"{suffix or 'a file without an extension'} is not a document vertaal reads")
        data = await upload.read(settings.max_upload + 1)
        if len(data) > settings.max_upload:
            raise VertaalError(f"the file is over the {settings.max_upload // 1_000_000} MB limit")
        direction, (_, target_lang) = chosen_direction(form.get("direction"))
        translator = models.translator(direction, str(form.get("glossary") or "") or None)
        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / f"source{suffix}"
            source.write_bytes(data)
            target = await run_in_threadpool(translate_upload, translator, source, Path(folder))
            content = target.read_bytes()
        name = Path(upload.filename).stem + f".{target_lang}" + target.suffix
        disposition = f"attachment; filename*=UTF-8''{_quote(name)}"
        return Response(content, media_type="application/octet-stream", headers={"content-disposition": disposition})

    # -- the glossary ---------------------------------------------------------------------------

    @ui.get("/glossary")
    async def glossary_page(
        request: Request, name: str = "default", search: str = "", pair: str = "nl-en"
    ) -> Response:
        redirect = sign_in_first(request)
        if redirect:
            return redirect
        direction, langs = chosen_direction(pair)
        store = GlossaryStore(open_db(settings.db))
        entries = (
            (store.search(name, search, langs, 500) if search.strip() else store.entries(name, langs)[:500])
            if store.exists(name)
            else []
        )
        source_name, target_name = (LANGUAGE_NAMES.get(lang, lang) for lang in langs)
        rows = "".join(
            f'<tr data-source="{e(x.source)}"><td>{e(x.source)}</td>'
            f'<td><input name="target" value="{e(x.target)}" aria-label="target of {e(x.source)}"></td>'
            f"<td>{e(x.kind)}</td>"
            f'<td><input name="note" value="{e(x.note)}" aria-label="note of {e(x.source)}"></td>'
            f'<td class=actions><button data-action="save">Save</button> <button data-action="delete">Delete</button> '
            f'<a href="/ui/glossary/history?name={e(name)}&amp;source={_quote(x.source)}">History</a></td></tr>'
            for x in entries
        )
        body = (
            f'<form method="get" action="/ui/glossary" class=row><input type="hidden" name="name" value="{e(name)}">'
            f"{direction_select(direction, 'Pair', 'pair')}"
            f'<input type="search" name="search" value="{e(search)}" placeholder="Search source, target, note">'
            "<button>Search</button></form>"
            f'<form method="post" action="/ui/glossary/add" class=row id=add>{csrf_field()}'
            f'<input type="hidden" name="name" value="{e(name)}"><input type="hidden" name="pair" value="{e(direction)}">'
            f'<input name="source" placeholder="{e(source_name)} term" required>'
            f'<input name="target" placeholder="{e(target_name)} term">'
            '<select name="kind"><option>preferred</option><option>keep</option><option>forbidden</option></select>'
            '<input name="note" placeholder="Note"><button>Add</button></form>'
            f'<table id=entries data-glossary="{e(name)}" data-pair="{e(direction)}"><thead><tr><th>source</th><th>target</th><th>kind</th>'
            f"<th>note</th><th></th></tr></thead><tbody>{rows}</tbody></table>"
            f'<p>{len(entries)} entries. Export: <a href="/api/glossaries/{e(name)}/export?format=tsv&amp;pair={e(direction)}">TSV</a> · '
            f'<a href="/api/glossaries/{e(name)}/export?format=csv&amp;pair={e(direction)}">CSV</a> · '
            f'<a href="/api/glossaries/{e(name)}/export?format=tbx&amp;pair={e(direction)}">TBX</a></p>'
            f'<form method="post" action="/ui/glossary/import" enctype="multipart/form-data" class=row>{csrf_field()}'
            f'<input type="hidden" name="name" value="{e(name)}"><input type="hidden" name="pair" value="{e(direction)}">'
            '<input type="file" name="file" accept=".tsv,.csv,.tbx" required>'
            '<select name="on_conflict"><option>skip</option><option>replace</option><option>fail</option></select>'
            "<button>Import</button></form>"
        )
        return page(request, f"Glossary {name}", "glossary", body)

    def store_for_write() -> GlossaryStore:
        database = open_db(settings.db)
        database.refuse_writes()
        return GlossaryStore(database)

    @ui.post("/glossary/add")
    async def glossary_add(request: Request) -> Response:
        from ..terms.entry import Entry

        form = await checked_form(request)
        name = str(form.get("name") or "default")
        kind = str(form.get("kind") or "preferred")
        source = str(form.get("source") or "").strip()
        target = source if kind == "keep" else str(form.get("target") or "").strip()
        direction, (source_lang, target_lang) = chosen_direction(form.get("pair"))
        entry = Entry(
            source, target, kind=kind, note=str(form.get("note") or ""), source_lang=source_lang, target_lang=target_lang
        )
        store_for_write().add(name, entry)
        return RedirectResponse(f"/ui/glossary?name={_quote(name)}&pair={direction}", status_code=303)

    @ui.post("/glossary/update")
    async def glossary_update(request: Request) -> Response:
        form = await checked_form(request)
        name, source = str(form.get("name") or "default"), str(form.get("source") or "")
        changes = {k: str(form.get(k)) for k in ("target", "note") if form.get(k) is not None}
        entry = store_for_write().update(name, source, chosen_direction(form.get("pair"))[1], **changes)
        return Response(e(entry.target), media_type="text/plain")

    @ui.post("/glossary/delete")
    async def glossary_delete(request: Request) -> Response:
        form = await checked_form(request)
        pair = chosen_direction(form.get("pair"))[1]
        store_for_write().remove(str(form.get("name") or "default"), str(form.get("source") or ""), pair)
        return Response("deleted", media_type="text/plain")

    @ui.get("/glossary/history")
    async def glossary_history(request: Request, name: str = "default", source: str = "") -> Response:
        redirect = sign_in_first(request)
        if redirect:
            return redirect
        store = GlossaryStore(open_db(settings.db))
        events = store.history(name, source or None, 100) if store.exists(name) else []
        rows = "".join(
            f"<tr><td>{e(ev['at'])}</td><td>{e(ev['action'])}</td>"
            f"<td>{e((ev['old'] or {}).get('target', ''))}</td><td>{e((ev['new'] or {}).get('target', ''))}</td>"
            "<td>"
            + (
                f'<form method="post" action="/ui/glossary/restore">{csrf_field()}'
                f'<input type="hidden" name="name" value="{e(name)}"><input type="hidden" name="event" value="{ev["event"]}">'
                "<button>Restore</button></form>"
                if ev["old"]
                else ""
            )
            + "</td></tr>"
            for ev in events
        )
        body = (
            f"<p>Changes to {e(source or 'every entry')} in glossary {e(name)}, newest first.</p>"
            f"<table id=history><thead><tr><th>when</th><th>what</th><th>before</th><th>after</th><th></th></tr>"
            f'</thead><tbody>{rows}</tbody></table><p><a href="/ui/glossary?name={_quote(name)}">Back</a></p>'
        )
        return page(request, "History", "glossary", body)

    @ui.post("/glossary/restore")
    async def glossary_restore(request: Request) -> Response:
        form = await checked_form(request)
        name = str(form.get("name") or "default")
        store_for_write().restore(int(str(form.get("event") or "0")))
        return RedirectResponse(f"/ui/glossary?name={_quote(name)}", status_code=303)

    @ui.post("/glossary/import")
    async def glossary_import(request: Request) -> Response:
        import tempfile

        from starlette.datastructures import UploadFile

        from ..glossary.importing import import_glossary

        form = await checked_form(request)
        name = str(form.get("name") or "default")
        direction, pair = chosen_direction(form.get("pair"))
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise VertaalError("choose a TSV, CSV or TBX file")
        suffix = Path(upload.filename or "").suffix.lower()
        suffix = suffix if suffix in (".tsv", ".csv", ".tbx") else ".tsv"
        data = await upload.read(settings.max_upload + 1)
        if len(data) > settings.max_upload:
            raise VertaalError("the file is over the limit")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"upload{suffix}"
            path.write_bytes(data)
            on_conflict = str(form.get("on_conflict") or "skip")
            import_glossary(store_for_write(), name, str(path), on_conflict=on_conflict, pair=pair)
        return RedirectResponse(f"/ui/glossary?name={_quote(name)}&pair={direction}", status_code=303)

    # -- review ---------------------------------------------------------------------------------

    def review_form(source: str = "", target: str = "", direction: str = "nl-en") -> str:
        return (
            f'<form method="post" action="/ui/review" class=stack>{csrf_field()}'
            '<div class=row><textarea name="source" rows="8" placeholder="Source, one paragraph per block" required>'
            f'{e(source)}</textarea><textarea name="target" rows="8" placeholder="Translation, aligned" required>'
            f"{e(target)}</textarea></div><div class=row>{direction_select(direction)}{glossary_select()}"
            "<button>Check</button></div></form>"
        )

    @ui.get("/review")
    async def review_page(request: Request) -> Response:
        return sign_in_first(request) or page(request, "Review", "review", review_form())

    @ui.post("/review")
    async def review_post(request: Request) -> Response:
        from ..glossary.matchers import load_matcher
        from ..qa.alignment import SegmentPair
        from ..qa.checks import Checker
        from ..text.reflow import paragraphs

        form = await checked_form(request)
        source, target = str(form.get("source") or ""), str(form.get("target") or "")
        sources, targets = paragraphs(source), paragraphs(target)
        if len(sources) != len(targets):
            raise VertaalError(f"{len(sources)} source paragraphs but {len(targets)} target paragraphs")
        glossary = str(form.get("glossary") or "") or None
        direction, langs = chosen_direction(form.get("direction"))
        matcher = load_matcher(glossary, settings.db, langs)
        pairs = [SegmentPair(i, s, t, i + 1) for i, (s, t) in enumerate(zip(sources, targets, strict=True))]
        report = Checker(matcher, langs, spans=False).check(pairs)
        rows = "".join(
            f'<tr><td>{s.index + 1}</td><td>{e(s.source)}</td>'
            f'<td><textarea name="target" rows="2" aria-label="target {s.index + 1}">{e(s.target)}</textarea>'
            f'<input type="hidden" name="source" value="{e(s.source)}"></td>'
            f'<td>{"".join(f"<p class={e(p.severity)}>{e(p.message)}</p>" for p in s.problems) or "ok"}</td></tr>'
            for s in report.segments
        )
        summary = report.summary()
        body = (
            review_form(source, target, direction)
            + f'<p id=summary>{summary["segments"]} segments, {summary["errors"]} errors, {summary["warnings"]} warnings.</p>'
            + f'<form method="post" action="/ui/review/save">{csrf_field()}'
            + f'<input type="hidden" name="direction" value="{e(direction)}"><table id=report><thead><tr><th>#</th>'
            "<th>source</th><th>target (edit here)</th><th>problems</th></tr></thead>"
            f"<tbody>{rows}</tbody></table><button>Save edits to the memory</button></form>"
        )
        return page(request, "Review", "review", body)

    @ui.post("/review/save")
    async def review_save(request: Request) -> Response:
        from ..memory.store import MemoryStore, Unit

        form = await checked_form(request)
        sources, targets = form.getlist("source"), form.getlist("target")
        _, (source_lang, target_lang) = chosen_direction(form.get("direction"))
        units = [
            Unit(str(s), str(t), source_lang, target_lang, "edited")
            for s, t in zip(sources, targets, strict=False)
            if str(s).strip() and str(t).strip()
        ]
        database = open_db(settings.db)
        database.refuse_writes()
        report = MemoryStore(database).store(units)
        body = f"<p id=saved>{report.stored} edited translations stored in the memory.</p>" + review_form()
        return page(request, "Review", "review", body)

    return ui


def _highlight(text: str, terms: list[Any]) -> str:
    """The translation, escaped, with each term's target marked by its status."""
    import re

    spans: list[tuple[int, int, str]] = []
    for term in terms:
        if not term.target:
            continue
        for match in re.finditer(re.escape(term.target), text, re.IGNORECASE):
            if not any(a < match.end() and match.start() < b for a, b, _ in spans):
                spans.append((match.start(), match.end(), term.status))
    out, last = [], 0
    for start, end, status in sorted(spans):
        out += [e(text[last:start]), f'<mark class="{e(status)}">{e(text[start:end])}</mark>']
        last = end
    out.append(e(text[last:]))
    return "".join(out).replace("\n\n", "<br><br>")


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")
