"""LibreTranslate's API: /translate, /languages, /translate_file and its downloads, with
vertaal's extension (``glossary`` names the glossary to enforce; answers carry per-term statuses).

Every translation runs on the pair's model thread (:class:`~vertaal.server.batching.Batcher`), with
the glossary as it is when the batch runs.
"""

from __future__ import annotations

import re
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
from ..glossary.store import NAME_PATTERN
from ..languages import Pair
from ..terms.entry import END
from .batching import Batcher, ClientGone, translate_paragraphs
from .files import translate_document, upload_kind
from .handlers import ERRORS, RequestError
from .html import translate_html
from .keys import require
from .state import State

NAMES = {"nl": "Dutch", "en": "English"}
_TEXT = {"type": "string"}
_GLOSSARY = {"type": "string", "pattern": f"^(?:{NAME_PATTERN[1:]})?{END}", "description": "vertaal: the glossary to enforce ('' for none)"}  # noqa: E501


def translate_body_schema(pairs: list[Pair], char_limit: int, batch_limit: int) -> dict[str, Any]:
    """/translate's body as the server reads it: `q` a text or a list of texts within the limits;
    `source` and `target` one of the server's pairs (or `auto` for a source)."""
    languages = sorted({language for pair in pairs for language in pair})
    text = {"type": "string", "minLength": 1, "maxLength": char_limit}
    listed = {"type": "array", "minItems": 1, "maxItems": batch_limit, "items": text}
    return {
        "type": "object",
        "required": ["q", "source", "target"],
        "properties": {
            "q": {"oneOf": [text, listed], "description": "a text, or a list of texts"},
            "source": {"enum": [*languages, "auto"], "description": "a language code, or auto"},
            "target": {"enum": languages, "description": "a language code"},
            "format": {"type": "string", "enum": ["text", "html"], "default": "text"},
            "api_key": _TEXT,
            "glossary": _GLOSSARY,
            "alternatives": {"type": "integer", "minimum": 0, "maximum": 5, "default": 0},
        },
        "anyOf": [  # the pairs: each target with its source, or auto
            {"properties": {"source": {"enum": [pair.source, "auto"]}, "target": {"const": pair.target}}}
            for pair in pairs
        ],
    }


def file_body_schema(pairs: list[Pair]) -> dict[str, Any]:
    """/translate_file's form: the document and the pair."""
    body = translate_body_schema(pairs, 1, 1)
    return {
        "type": "object",
        "required": ["file", "source", "target"],
        "properties": {
            "file": {"type": "string", "format": "binary", "description": "a .docx .odt .html .md .pdf or .txt file"},  # noqa: E501
            **{name: body["properties"][name] for name in ("source", "target", "api_key", "glossary")},
        },
        "anyOf": body["anyOf"],
    }


def body_schemas(pairs: list[Pair], settings: Any) -> dict[str, Any]:
    """The request bodies of LibreTranslate's routes, for this server's pairs and limits."""
    return {
        "TranslateBody": translate_body_schema(pairs, settings.char_limit, settings.batch_limit),
        "FileBody": file_body_schema(pairs),
        "DetectBody": detect_body_schema(settings.char_limit),
    }


def detect_body_schema(char_limit: int) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["q"],
        "properties": {"q": {"type": "string", "pattern": "\\S", "maxLength": char_limit}, "api_key": _TEXT},
    }


FORM_FIELDS = 1_100  # a form's q repeated up to the batch limit, and the other fields

router = APIRouter(responses=ERRORS)


@router.post("/languages")
async def languages_post(request: Request, state: State) -> list[dict[str, Any]]:
    """As GET /languages (LibreTranslate's clients post to it too)."""
    return await languages(request, state)


@router.get("/languages")
async def languages(request: Request, state: State) -> list[dict[str, Any]]:
    """The languages and, for each, the languages it translates into. With keys, the key may
    come in the body (libretranslatepy sends a form with its GET)."""
    if state.settings.keys is not None and not request.scope.get("vertaal.key"):
        require(request, state.settings, await _params(request) if await request.body() else {}, read=True)
    codes = sorted({language for pair in state.pairs for language in pair})
    return [
        {
            "code": c,
            "name": NAMES.get(c, c),
            "targets": sorted(p.target for p in state.pairs if p.source == c),
        }
        for c in codes
    ]


@router.post(
    "/detect",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                kind: {"schema": {"$ref": "#/components/schemas/DetectBody"}}
                for kind in ("application/json", "application/x-www-form-urlencoded")
            },
        }
    },
)
async def detect(request: Request, state: State) -> list[dict[str, Any]]:
    """The language of `q`, with LibreTranslate's answer: each language the server knows with
    its confidence, most likely first (offline identification by lingua)."""
    from starlette.concurrency import run_in_threadpool

    from .detection import detect as identify

    params = await _params(request)
    require(request, state.settings, params)
    _strings(params, "api_key")
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
                kind: {"schema": {"$ref": "#/components/schemas/TranslateBody"}}
                for kind in ("application/json", "application/x-www-form-urlencoded", "multipart/form-data")
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
    require(request, state.settings, params)
    _strings(params, "source", "target", "format", "api_key")
    q = params.get("q")
    if q is None or q == "" or q == []:
        raise RequestError(400, "Invalid request: missing q parameter")
    texts = q if isinstance(q, list) else [q]
    if not all(isinstance(t, str) for t in texts):
        raise RequestError(400, "Invalid request: q must be a string or a list of strings")
    if not all(texts):
        raise RequestError(400, "Invalid request: q holds an empty text; leave it out of the list")
    _check_limits(texts, state.settings)
    fmt = params.get("format") or "text"
    if fmt not in ("text", "html"):
        raise RequestError(400, "Invalid request: format must be text or html")
    glossary = _glossary(params, state)
    wanted = _alternatives(params, request.headers.get("content-type", "").startswith("application/json"))
    if params.get("source") == "auto":
        return await _translate_auto(request, state, params, texts, isinstance(q, list))
    pair, detected = _pair(params, state.pairs)
    work = state.batcher(pair)
    if fmt == "html":
        done = [await work.run(glossary, lambda t, text=text: translate_html(t, text)) for text in texts]
        translated = [text for text, _ in done]
        terms: list[list[dict]] = [[t.to_dict() for t in found] for _, found in done]
    else:
        translated, terms = await _paragraphs(work, texts, glossary, request)
    answer: dict[str, Any] = {"translatedText": translated if isinstance(q, list) else translated[0]}
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
    openapi_extra={"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {"$ref": "#/components/schemas/FileBody"}}}}},  # noqa: E501
)
async def translate_file(request: Request, state: State) -> dict[str, str]:
    """Translate an uploaded document (.docx .odt .html .md .pdf .txt); the answer names
    where to download the translation."""
    form = await request.form(max_files=1, max_fields=16)
    params = {k: v for k, v in form.items() if not isinstance(v, UploadFile)}
    require(request, state.settings, params)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise RequestError(400, "Invalid request: missing file parameter")
    suffix = Path(upload.filename).suffix.lower()
    if upload_kind(upload.filename) is None:
        kind = suffix or "a file without an extension"
        supported = "send a .docx .odt .html .md .pdf or .txt file"
        raise RequestError(415, f"Invalid request: {kind} is not a supported type; {supported}")
    limit = state.settings.max_upload
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise RequestError(413, f"the file is over the {limit // 1_000_000} MB limit")
    pair, _ = _pair(params, state.pairs)
    glossary = _glossary(params, state)
    token = secrets.token_urlsafe(16)
    folder = state.spool() / token
    folder.mkdir()
    source = folder / f"source{suffix}"  # the server names every file; the client names none
    source.write_bytes(data)
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


def _alternatives(params: dict[str, Any], typed: bool) -> int:
    """LibreTranslate's `alternatives`: how many other translations to give (0 to 5); a number in
    JSON (`typed`), digits in a form."""
    value = params.get("alternatives", 0)
    if isinstance(value, float) and value.is_integer():  # JSON's 1.0 is the integer 1
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int | str) or (typed and isinstance(value, str)):
        raise RequestError(400, "Invalid request: alternatives must be a whole number")
    try:
        wanted = int(value)
    except ValueError:
        raise RequestError(400, "Invalid request: alternatives must be a number") from None
    if not 0 <= wanted <= MAX_ALTERNATIVES:
        raise RequestError(400, f"Invalid request: alternatives must be 0 to {MAX_ALTERNATIVES}")
    return wanted


def _glossary(params: dict[str, Any], state: Any) -> str | None:
    """The glossary a request names (vertaal's extension), the server's (``serve --glossary``,
    by default ``default`` where it exists) when it names none, and none for ``""``; 404 for a
    name no glossary has."""
    if "glossary" not in params:
        return state.settings.glossary
    value = params["glossary"]
    if not isinstance(value, str) or (value and not re.match(NAME_PATTERN, value)):
        raise RequestError(400, "Invalid request: glossary must be a glossary's name, or '' for none")
    return state.glossaries.named(value) if value else None


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


def _strings(params: dict[str, Any], *names: str) -> None:
    """The named parameters, where given, are texts (JSON can send anything)."""
    for name in names:
        if name in params and not isinstance(params[name], str):
            raise RequestError(400, f"Invalid request: {name} must be a string")


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
