"""Errors as answers: ``{"error": ...}`` with LibreTranslate's status codes (400 a bad request,
403 a missing or wrong API key, 404 nothing there, 409 a conflict, 413 over the limit, 500 never
with a traceback); a UI page gets a page that says what to fix."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from ..errors import ConflictError, NotFoundError, VertaalError
from .keys import Forbidden
from .pages import render


class ErrorOut(BaseModel):
    """What every error answers (LibreTranslate's shape)."""

    error: str


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut, "description": what}
    for status, what in (
        (400, "a bad request"),
        (403, "a missing or wrong API key"),
        (404, "no such glossary, entry or event"),
        (409, "the entry is there already, or the change does not fit the entry as it is"),
        (413, "the body is over the limit"),
        (415, "a file of a type the server does not read"),
        (429, "over the per-key request limit (--req-limit)"),
    )
}


class RequestError(Exception):
    """A request LibreTranslate's API refuses with `status`."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class SignInFirst(Exception):
    """A UI page asked for without a valid API key (when the server has keys)."""


def install(app: FastAPI) -> None:
    """Every error the app can meet, answered in one place."""
    app.add_exception_handler(RequestError, _request_error)
    app.add_exception_handler(SignInFirst, _sign_in_first)
    app.add_exception_handler(VertaalError, _vertaal_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(Exception, _crash)


async def _request_error(_: Request, error: RequestError) -> Response:
    return JSONResponse({"error": str(error)}, status_code=error.status)


async def _sign_in_first(_: Request, __: Exception) -> Response:
    return RedirectResponse("/ui/login", status_code=303)


async def _vertaal_error(request: Request, error: VertaalError) -> Response:
    status = 404 if isinstance(error, NotFoundError) else 409 if isinstance(error, ConflictError) else 400
    status = 403 if isinstance(error, Forbidden) else status
    if request.url.path.startswith("/ui/") and "x-csrf-token" not in request.headers:
        return render(request, "error.html", status, message=str(error))
    return JSONResponse({"error": str(error)}, status_code=status)


async def _invalid(_: Request, error: RequestValidationError) -> Response:
    first = error.errors()[0] if error.errors() else {}
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
    return JSONResponse({"error": f"Invalid request: {where} {first.get('msg', '')}".strip()}, 400)


async def _http(request: Request, error: HTTPException) -> Response:
    headers = dict(error.headers or {})
    if error.status_code == 405:  # every method of the path, not only those of the first route
        headers["Allow"] = ", ".join(_methods(request, headers.get("Allow", "")))
    return JSONResponse({"error": str(error.detail)}, status_code=error.status_code, headers=headers)


def _methods(request: Request, given: str) -> list[str]:
    """The methods the request's path takes: those the router named (`given`, its first route's)
    and those the API's schema lists for the path (routes of one path are several routes)."""
    import re

    found = {m.strip() for m in given.split(",") if m.strip()}
    for template, operations in request.app.openapi().get("paths", {}).items():
        if re.fullmatch(re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)), request.url.path):
            found |= {method.upper() for method in operations}
    return sorted(found | ({"HEAD"} if "GET" in found else set()))


async def _crash(_: Request, __: Exception) -> Response:
    return JSONResponse({"error": "internal error; see the server's log"}, status_code=500)
