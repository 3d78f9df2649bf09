"""LibreTranslate's API: /translate, /languages, /translate_file and its downloads, with
vertaal's extension (``glossary`` names the glossary to enforce; answers carry per-term statuses).

Every translation runs on the pair's model thread (:class:`~vertaal.server.batching.Batcher`), with
the glossary as it is when the batch runs.
"""

from __future__ import annotations

import secrets
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask
from starlette.datastructures import UploadFile

from ..errors import VertaalError
from ..languages import Pair
from .batching import Batcher, ClientGone, translate_paragraphs
from .files import translate_document, upload_kind
from .handlers import ERRORS, RequestError
from .html import translate_html
from .keys import authorise
from .state import State

NAMES = {"nl": "Dutch", "en": "English"}
_TEXT = {"type": "string"}
_TEXTS = {"oneOf": [_TEXT, {"type": "array", "items": _TEXT}]}
TRANSLATE_BODY = {
    "type": "object",
    "required": ["q", "target"],
    "properties": {
        "q": {**_TEXTS, "description": "a text, or a list of texts"},
        "source": {**_TEXT, "description": "a language code, or auto"},
        "target": {**_TEXT, "description": "a language code"},
        "format": {"type": "string", "enum": ["text", "html"], "default": "text"},
        "api_key": _TEXT,
        "glossary": {**_TEXT, "description": "vertaal: the glossary to enforce ('' for none)"},
        "alternatives": {"type": "integer", "minimum": 0, "maximum": 5, "default": 0},
    },
}
FILE_BODY = {
    "type": "object",
    "required": ["file", "target"],
    "properties": {
        "file": {"type": "string", "format": "binary"},
        "source": _TEXT,
        "target": _TEXT,
        "api_key": _TEXT,
        "glossary": _TEXT,
    },
}
FORM_FIELDS = 1_100  # a form's q repeated up to the batch limit, and the other fields

router = APIRouter(responses=ERRORS)


@router.post("/languages")
async def languages_post(state: State) -> list[dict[str, Any]]:
    """As GET /languages (LibreTranslate's clients post to it too)."""
    return await languages(state)


@router.get("/languages")
async def languages(state: State) -> list[dict[str, Any]]:
    """The languages and, for each, the languages it translates into."""
    codes = sorted({language for pair in state.pairs for language in pair})
    return [
        {
            "code": c,
            "name": NAMES.get(c, c),
            "targets": sorted(p.target for p in state.pairs if p.source == c),
        }
        for c in codes
    ]


@router.post("/detect")
async def detect(request: Request, state: State) -> list[dict[str, Any]]:
    """The language of `q`, with LibreTranslate's answer: each language the server knows with
    its confidence, most likely first (offline identification by lingua)."""
    from starlette.concurrency import run_in_threadpool

    from .detection import detect as identify

    params = await _params(request)
    authorise(state.settings.keys, params.get("api_key"))
    q = params.get("q")
    if not isinstance(q, str) or not q.strip():
        raise RequestError(400, "Invalid request: missing q parameter")
    _check_limits([q], state.settings)
    return await run_in_threadpool(identify, q, sorted({lang for pair in state.pairs for lang in pair}))


@router.get("/health")
async def health() -> dict[str, str]:
    """Whether the server answers (LibreTranslate's health check)."""
    return {"status": "ok"}


@router.get("/frontend/settings")
async def frontend_settings(state: State) -> dict[str, Any]:
    """What a LibreTranslate front end asks before it starts: the limits, whether keys are
    needed, the file types, the default languages."""
    from ..documents import SUFFIXES
    from .files import TEXT_SUFFIXES

    first = state.pairs[0]
    return {
        "charLimit": state.settings.char_limit,
        "batchLimit": state.settings.batch_limit,
        "frontendTimeout": 500,
        "apiKeys": state.settings.keys is not None,
        "keyRequired": state.settings.keys is not None,
        "suggestions": False,
        "filesTranslation": True,
        "supportedFilesFormat": sorted({*SUFFIXES, *TEXT_SUFFIXES}),
        "language": {
            "source": {"code": first.source, "name": NAMES.get(first.source, first.source)},
            "target": {"code": first.target, "name": NAMES.get(first.target, first.target)},
        },
    }


@router.get("/spec")
async def spec(request: Request) -> dict[str, Any]:
    """The OpenAPI description of the API (LibreTranslate serves it here)."""
    return request.app.openapi()


@router.post(
    "/translate",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": TRANSLATE_BODY},
                "application/x-www-form-urlencoded": {"schema": TRANSLATE_BODY},
                "multipart/form-data": {"schema": TRANSLATE_BODY},
            },
        }
    },
)
async def translate(request: Request, state: State) -> dict[str, Any]:
    """Translate `q` (a text or a list of texts) from `source` into `target`; `format` is
    text or html; `glossary` (vertaal's extension) names the glossary to enforce."""
    return await translate_body(request, state, await _params(request))


async def translate_body(request: Request, state: State, params: dict[str, Any]) -> dict[str, Any]:
    """/translate for parameters already read."""
    authorise(state.settings.keys, params.get("api_key"))
    q = params.get("q")
    if q is None or q == "" or q == []:
        raise RequestError(400, "Invalid request: missing q parameter")
    texts = q if isinstance(q, list) else [q]
    if not all(isinstance(t, str) for t in texts):
        raise RequestError(400, "Invalid request: q must be a string or a list of strings")
    _check_limits(texts, state.settings)
    if params.get("source") == "auto":
        return await _translate_auto(request, state, params, texts, isinstance(q, list))
    pair, detected = _pair(params, state.pairs)
    fmt = params.get("format") or "text"
    if fmt not in ("text", "html"):
        raise RequestError(400, "Invalid request: format must be text or html")
    glossary = _glossary(params, state)
    work = state.batcher(pair)
    if fmt == "html":
        done = [await work.run(glossary, lambda t, text=text: translate_html(t, text)) for text in texts]
        translated = [text for text, _ in done]
        terms: list[list[dict]] = [[t.to_dict() for t in found] for _, found in done]
    else:
        translated, terms = await _paragraphs(work, texts, glossary, request)
    answer: dict[str, Any] = {"translatedText": translated if isinstance(q, list) else translated[0]}
    wanted = _alternatives(params)
    if wanted and fmt == "text":
        found = [await work.run(glossary, lambda t, x=text: t.alternatives(x, wanted)) for text in texts]
        answer["alternatives"] = found if isinstance(q, list) else found[0]
    elif wanted:
        answer["alternatives"] = [[] for _ in texts] if isinstance(q, list) else []
    if detected:
        found = {"confidence": 100.0, "language": detected}
        answer["detectedLanguage"] = [found] * len(texts) if isinstance(q, list) else found
    if glossary:
        answer["terms"] = terms if isinstance(q, list) else terms[0]
    return answer


async def _translate_auto(
    request: Request, state: State, params: dict[str, Any], texts: list[str], many: bool
) -> dict[str, Any]:
    """``source: auto``: each text's language identified, and the text translated by the pair from
    it into `target`; a text already in `target`, or in no language the server reads, comes back
    as it is."""
    from starlette.concurrency import run_in_threadpool

    from .detection import detect as identify

    target = params.get("target")
    if not isinstance(target, str) or not any(p.target == target for p in state.pairs):
        raise RequestError(400, f"{target} is not a language vertaal translates into")
    known = sorted({lang for pair in state.pairs for lang in pair})
    found = [(await run_in_threadpool(identify, text, known))[0] for text in texts]
    answers: list[dict[str, Any]] = []
    for text, language in zip(texts, found, strict=True):
        pair = Pair(language["language"], target)
        if pair in state.pairs and language["confidence"] > 0:
            one = await translate_body(request, state, {**params, "source": pair.source, "q": text})
        else:
            one = {"translatedText": text}
        answers.append({**one, "detectedLanguage": language})
    if not many:
        return answers[0]
    merged = {key: [a[key] for a in answers] for key in ("translatedText", "detectedLanguage")}
    if any("terms" in a for a in answers):
        merged["terms"] = [a.get("terms", []) for a in answers]
    return merged


@router.post(
    "/translate_file",
    openapi_extra={"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": FILE_BODY}}}},  # noqa: E501
)
async def translate_file(request: Request, state: State) -> dict[str, str]:
    """Translate an uploaded document (.docx .odt .html .md .pdf .txt); the answer names
    where to download the translation."""
    form = await request.form(max_files=1, max_fields=16)
    params = {k: v for k, v in form.items() if not isinstance(v, UploadFile)}
    authorise(state.settings.keys, params.get("api_key"))
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise RequestError(400, "Invalid request: missing file parameter")
    suffix = Path(upload.filename).suffix.lower()
    if upload_kind(upload.filename) is None:
        kind = suffix or "a file without an extension"
        raise RequestError(400, f"Invalid request: {kind} is not a supported type")
    limit = state.settings.max_upload
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise RequestError(413, f"the file is over the {limit // 1_000_000} MB limit")
    pair, _ = _pair(params, state.pairs)
    token = secrets.token_urlsafe(16)
    folder = state.spool() / token
    folder.mkdir()
    source = folder / f"source{suffix}"  # the server names every file; the client names none
    source.write_bytes(data)
    glossary = _glossary(params, state)
    try:
        target = await translate_document(state, pair, glossary, source, folder, upload.filename)
    except VertaalError:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    state.keep_download(token, target)
    name = quote(Path(upload.filename).stem + target.suffix)
    path = request.app.url_path_for("download_file", token=token, name=name)
    base = state.settings.public_url or str(request.base_url).rstrip("/")
    return {"translatedFileUrl": base.rstrip("/") + path}


@router.get("/download_file/{token}/{name}", name="download_file")
async def download_file(token: str, name: str, state: State) -> Any:
    """The translation, once: its folder is deleted when it has been sent."""
    path = state.take_download(token)
    if path is None:
        raise RequestError(404, "no such file (it may have been downloaded already)")
    return FileResponse(path, filename=name, background=BackgroundTask(shutil.rmtree, path.parent, True))


async def _params(request: Request) -> dict[str, Any]:
    """A request's parameters, from JSON or from a form."""
    kind = request.headers.get("content-type", "")
    if kind.startswith("application/json"):
        try:
            data = await request.json()
        except ValueError:
            raise RequestError(400, "Invalid request: the body is not valid JSON") from None
        if not isinstance(data, dict):
            raise RequestError(400, "Invalid request: the JSON body must be an object")
        return data
    form = await request.form(max_files=0, max_fields=FORM_FIELDS)
    params: dict[str, Any] = {}
    for key, value in form.multi_items():
        if key == "q" and "q" in params:  # q repeated in a form: a list
            params["q"] = [*params["q"], value] if isinstance(params["q"], list) else [params["q"], value]
        else:
            params[key] = value
    return params


MAX_ALTERNATIVES = 5


def _alternatives(params: dict[str, Any]) -> int:
    """LibreTranslate's `alternatives`: how many other translations to give (0 to 5)."""
    value = params.get("alternatives", 0)
    try:
        wanted = int(value)
    except (TypeError, ValueError):
        raise RequestError(400, "Invalid request: alternatives must be a number") from None
    if not 0 <= wanted <= MAX_ALTERNATIVES:
        raise RequestError(400, f"Invalid request: alternatives must be 0 to {MAX_ALTERNATIVES}")
    return wanted


def _glossary(params: dict[str, Any], state: Any) -> str | None:
    """The glossary a request names (vertaal's extension), the server's (``serve --glossary``,
    by default ``default`` where it exists) when it names none, and none for ``""``."""
    if "glossary" not in params:
        return state.settings.glossary
    value = params["glossary"]
    if not isinstance(value, str):
        raise RequestError(400, "Invalid request: glossary must be a glossary's name, or '' for none")
    return value or None


def _pair(params: dict[str, Any], pairs: list[Pair]) -> tuple[Pair, str | None]:
    """The pair asked for (one of `pairs`), and the source language when it was 'auto'."""
    source, target = params.get("source") or "", params.get("target") or ""
    if not isinstance(source, str) or not isinstance(target, str) or not target:
        raise RequestError(400, "Invalid request: missing target parameter")
    if source == "auto":
        sources = [p.source for p in pairs if p.target == target]
        if len(sources) != 1:
            raise RequestError(400, f"{target} is not a language vertaal translates into")
        return Pair(sources[0], target), sources[0]
    if not source:
        raise RequestError(400, "Invalid request: missing source parameter")
    pair = Pair.parse((source, target))  # LibreTranslate names the two languages apart
    if pair not in pairs:
        raise RequestError(400, f"{source} to {target} is not supported; GET /languages lists the pairs")
    return pair, None


def _check_limits(texts: list[str], settings: Any) -> None:
    """LibreTranslate's limits: characters per request (--char-limit), texts per request
    (--batch-limit); a lone surrogate (JSON can carry one) is no text."""
    if len(texts) > settings.batch_limit:
        limit = settings.batch_limit
        raise RequestError(400, f"Invalid request: {len(texts)} texts exceed the batch limit ({limit})")
    characters = sum(len(t) for t in texts)
    if characters > settings.char_limit:
        raise RequestError(
            400, f"Invalid request: request ({characters}) exceeds text limit ({settings.char_limit})"
        )
    for text in texts:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise RequestError(400, "Invalid request: q holds a lone surrogate, which is no text") from None


async def _paragraphs(
    batcher: Batcher, texts: list[str], glossary: str | None, request: Request
) -> tuple[list[str], list[list[dict]]]:
    """The texts through the batcher a chunk at a time; a client that went away stops the rest."""
    try:
        return await translate_paragraphs(batcher, texts, glossary, request.is_disconnected)
    except ClientGone:
        raise RequestError(400, "the client went away") from None
