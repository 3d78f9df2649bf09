"""The ASGI app: LibreTranslate's API (/translate, /languages, /translate_file), with vertaal's
extension (``glossary`` names the glossary to enforce; answers carry per-term statuses).

Errors are ``{"error": ...}`` with LibreTranslate's status codes (400 a bad request, 403 a
missing or wrong API key, 413 a body or upload over the limit, 500 never with a traceback).
"""

from __future__ import annotations

import secrets
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import Request  # the server's own module: imported only once the extra is there

from ..errors import ConflictError, NotFoundError, VertaalError
from .files import TEXT_SUFFIXES, translate_upload
from .keys import Forbidden, KeyRing, authorise

NAMES = {"nl": "Dutch", "en": "English"}


@dataclass
class Settings:
    """What the server was started with."""

    model: str | None = None
    device: str | None = None
    fast: bool = False  # CTranslate2 first (see `vertaal translate --fast`)
    db: str | None = None
    keys: KeyRing | None = None
    max_body: int = 2_000_000  # bytes of a /translate request
    max_upload: int = 20_000_000  # bytes of a /translate_file upload
    cors_origins: list[str] = field(default_factory=list)
    window: float = 0.01  # seconds a batch waits for more requests


class _Error(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class Models:
    """One resident Translator per direction (loaded once), and per glossary one that shares it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._base: dict[str, Any] = {}
        self._with: dict[tuple[str, str | None], Any] = {}
        self._lock = threading.Lock()

    def translator(self, direction: str, glossary: str | None) -> Any:
        from ..api import Translator

        with self._lock:
            base = self._base.get(direction)
            if base is None:
                s = self.settings
                base = Translator(
                    direction, model=s.model, device=s.device, db=s.db, glossary=None, fast=s.fast
                )
                base.engine  # noqa: B018 - the model loads here, once
                self._base[direction] = base
            key = (direction, glossary)
            if key not in self._with:
                self._with[key] = base.with_glossary(glossary, self.settings.db)
            return self._with[key]


def directions() -> list[str]:
    from ..engine.registry import directions as registered

    return registered()


def create_app(settings: Settings, preload: bool = False) -> Any:
    from fastapi import FastAPI
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import FileResponse, JSONResponse
    from starlette.exceptions import HTTPException

    from .batching import Batcher

    models = Models(settings)
    batchers: dict[str, Batcher] = {}
    downloads: dict[str, Path] = {}
    spool = Path(tempfile.mkdtemp(prefix="vertaal-serve-"))

    def batcher(direction: str) -> Batcher:
        if direction not in batchers:
            batchers[direction] = Batcher(lambda g: models.translator(direction, g), settings.window)
        return batchers[direction]

    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(_: Any):
        yield
        for each in batchers.values():  # SIGTERM: uvicorn lets requests in flight finish first
            each.stop()

    app = FastAPI(
        title="vertaal",
        description="Offline Dutch-English translation with an enforced glossary",
        lifespan=lifespan,
    )
    app.state.models, app.state.batchers = models, batchers
    if settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"])
    app.add_middleware(_BodyLimit, limit=max(settings.max_body, settings.max_upload))
    app.add_middleware(_SameSite, allowed=set(settings.cors_origins))

    from fastapi.responses import RedirectResponse

    from .rest import router
    from .ui import router as ui_router

    app.include_router(router(settings))
    app.include_router(ui_router(settings, models, directions))

    @app.get("/", include_in_schema=False)
    async def home() -> Any:
        return RedirectResponse("/ui/translate")

    if preload:
        for direction in directions()[:1]:
            models.translator(direction, None)

    @app.exception_handler(_Error)
    async def _own(_: Request, error: _Error) -> JSONResponse:
        return JSONResponse({"error": str(error)}, status_code=error.status)

    @app.exception_handler(VertaalError)
    async def _vertaal(request: Request, error: VertaalError) -> Any:
        status = 404 if isinstance(error, NotFoundError) else 409 if isinstance(error, ConflictError) else 400
        status = 403 if isinstance(error, Forbidden) else status
        if request.url.path.startswith("/ui/") and "x-csrf-token" not in request.headers:
            from .ui import e, page

            message = f'<p class=error id=error>{e(error)}</p><p><a href="/ui/translate">Back</a></p>'
            return page(request, "Something to fix", "", message, status)
        return JSONResponse({"error": str(error)}, status_code=status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, error: RequestValidationError) -> JSONResponse:
        first = error.errors()[0] if error.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return JSONResponse({"error": f"Invalid request: {where} {first.get('msg', '')}".strip()}, 400)

    @app.exception_handler(HTTPException)
    async def _http(_: Request, error: HTTPException) -> JSONResponse:
        return JSONResponse({"error": str(error.detail)}, status_code=error.status_code)

    @app.exception_handler(Exception)
    async def _crash(_: Request, error: Exception) -> JSONResponse:
        return JSONResponse({"error": "internal error; see the server's log"}, status_code=500)

    from .rest import ERRORS

    @app.post("/languages", responses=ERRORS)
    async def languages_post() -> list[dict[str, Any]]:
        """As GET /languages (LibreTranslate's clients post to it too)."""
        return await languages()

    @app.get("/languages", responses=ERRORS)
    async def languages() -> list[dict[str, Any]]:
        """The languages and, for each, the languages it translates into."""
        pairs = [d.split("-", 1) for d in directions()]
        codes = sorted({p for pair in pairs for p in pair})
        return [
            {"code": c, "name": NAMES.get(c, c), "targets": sorted(t for s, t in pairs if s == c)}
            for c in codes
        ]

    @app.post("/translate", responses=ERRORS)
    async def translate(request: Request) -> dict[str, Any]:
        """Translate `q` (a text or a list of texts) from `source` into `target`; `format` is
        text or html; `glossary` (vertaal's extension) names the glossary to enforce."""
        params = await _params(request)
        authorise(settings.keys, params.get("api_key"))
        q = params.get("q")
        if q is None or q == "" or q == []:
            raise _Error(400, "Invalid request: missing q parameter")
        texts = q if isinstance(q, list) else [q]
        if not all(isinstance(t, str) for t in texts):
            raise _Error(400, "Invalid request: q must be a string or a list of strings")
        direction, detected = _direction(params)
        fmt = params.get("format") or "text"
        if fmt not in ("text", "html"):
            raise _Error(400, "Invalid request: format must be text or html")
        glossary = params.get("glossary") or None
        if fmt == "html":
            from .html import translate_html

            work = batcher(direction)
            translated = [
                await work.run(glossary, lambda translator, text=text: translate_html(translator, text))
                for text in texts
            ]
            terms: list[list[dict]] = [[] for _ in texts]
        else:
            translated, terms = await _texts(batcher(direction), texts, glossary)
        answer: dict[str, Any] = {"translatedText": translated if isinstance(q, list) else translated[0]}
        if detected:
            answer["detectedLanguage"] = {"confidence": 100.0, "language": detected}
        if glossary:
            answer["terms"] = terms if isinstance(q, list) else terms[0]
        return answer

    @app.post("/translate_file", responses=ERRORS)
    async def translate_file(request: Request) -> dict[str, str]:
        """Translate an uploaded document (.docx .odt .html .md .pdf .txt); the answer names
        where to download the translation."""
        from starlette.datastructures import UploadFile

        form = await request.form(max_files=1, max_fields=16)
        params = {k: v for k, v in form.items() if not isinstance(v, UploadFile)}
        authorise(settings.keys, params.get("api_key"))
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise _Error(400, "Invalid request: missing file parameter")
        from ..documents import SUFFIXES

        suffix = Path(upload.filename).suffix.lower()
        if suffix not in SUFFIXES and suffix not in TEXT_SUFFIXES:
            kind = suffix or "a file without an extension"
            raise _Error(400, f"Invalid request: {kind} is not a supported type")
        data = await upload.read(settings.max_upload + 1)
        if len(data) > settings.max_upload:
            raise _Error(413, f"the file is over the {settings.max_upload // 1_000_000} MB limit")
        direction, _ = _direction(params)
        token = secrets.token_urlsafe(16)
        folder = spool / token
        folder.mkdir()
        source = folder / f"source{suffix}"  # the server names every file; the client names none
        source.write_bytes(data)
        translator = models.translator(direction, params.get("glossary") or None)
        target = translate_upload(translator, source, folder)
        downloads[token] = target
        name = Path(upload.filename).stem + target.suffix
        return {"translatedFileUrl": str(request.url_for("download_file", token=token, name=name))}

    @app.get("/download_file/{token}/{name}", name="download_file", responses=ERRORS)
    async def download_file(token: str, name: str) -> Any:
        path = downloads.get(token)
        if path is None or not path.exists():
            raise _Error(404, "no such file (it may have been downloaded already)")
        return FileResponse(path, filename=name)

    return app


async def _params(request: Any) -> dict[str, Any]:
    """A request's parameters, from JSON or from a form."""
    kind = request.headers.get("content-type", "")
    if kind.startswith("application/json"):
        try:
            data = await request.json()
        except ValueError:
            raise _Error(400, "Invalid request: the body is not valid JSON") from None
        if not isinstance(data, dict):
            raise _Error(400, "Invalid request: the JSON body must be an object")
        return data
    form = await request.form(max_files=0, max_fields=64)
    params: dict[str, Any] = {}
    for key, value in form.multi_items():
        if key == "q" and "q" in params:  # q repeated in a form: a list
            params["q"] = [*params["q"], value] if isinstance(params["q"], list) else [params["q"], value]
        else:
            params[key] = value
    return params


def _direction(params: dict[str, Any]) -> tuple[str, str | None]:
    """The direction asked for, and the source language when it was 'auto'."""
    source, target = params.get("source") or "", params.get("target") or ""
    if not isinstance(source, str) or not isinstance(target, str) or not target:
        raise _Error(400, "Invalid request: missing target parameter")
    known = directions()
    if source == "auto":
        sources = [d.split("-")[0] for d in known if d.endswith("-" + target)]
        if len(sources) != 1:
            raise _Error(400, f"{target} is not a language vertaal translates into")
        return f"{sources[0]}-{target}", sources[0]
    if not source:
        raise _Error(400, "Invalid request: missing source parameter")
    if f"{source}-{target}" not in known:
        raise _Error(400, f"{source} to {target} is not supported; GET /languages lists the pairs")
    return f"{source}-{target}", None


async def _texts(batcher: Any, texts: list[str], glossary: str | None) -> tuple[list[str], list[list[dict]]]:
    """Each text's paragraphs through the batcher; the translation keeps the paragraphs."""
    from ..text.reflow import paragraphs

    split = [paragraphs(t) for t in texts]
    flat = [p for parts in split for p in parts]
    done = await batcher.translate(flat, glossary) if flat else None
    out, terms, start = [], [], 0
    for parts in split:
        end = start + len(parts)
        out.append("\n\n".join(done.paragraphs[start:end]) if done else "")
        rows = [row for block in (done.sentences[start:end] if done else []) for row in block]
        terms.append([t.to_dict() for row in rows for t in row.terms or []])
        start = end
    return out, terms


class _BodyLimit:
    """ASGI middleware: a request body over `limit` bytes gets 413, whether or not it says its
    length, before the app reads it all."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await _reject(send, self.limit)
            return
        seen = 0

        async def counted() -> dict:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await _reject(send, self.limit)


class _SameSite:
    """ASGI middleware: a write to /api or /ui from another site's page is refused (403).

    A browser says where a request comes from (``Sec-Fetch-Site``, ``Origin``); a form on another
    site can post to 127.0.0.1 without any CORS check, so vertaal's own writes accept only
    same-origin requests, those of a ``--cors`` origin, and requests that are not from a browser.
    """

    UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}

    def __init__(self, app: Any, allowed: set[str]) -> None:
        self.app, self.allowed = app, allowed

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        writes = scope["type"] == "http" and scope["method"] in self.UNSAFE
        if writes and scope["path"].startswith(("/api/", "/ui/")):
            headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers") or []}
            origin = headers.get("origin")
            own = f"{scope.get('scheme', 'http')}://{headers.get('host', '')}"
            cross = headers.get("sec-fetch-site") == "cross-site" or (origin not in (None, "null", own))
            if cross and origin not in self.allowed:
                await _refuse(send, 403, "a request from another site's page is refused")
                return
        await self.app(scope, receive, send)


class _TooLarge(Exception):
    pass


async def _reject(send: Any, limit: int) -> None:
    await _refuse(send, 413, f"the request is over the {limit // 1_000_000} MB limit")


async def _refuse(send: Any, status: int, message: str) -> None:
    import json

    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": json.dumps({"error": message}).encode()})
