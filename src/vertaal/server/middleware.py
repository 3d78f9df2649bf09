"""ASGI middleware: the body limit, and writes only from this site's own pages."""

from __future__ import annotations

import json
from typing import Any


class BodyLimit:
    """A request body over `limit` bytes gets 413, whether or not it says its length, before
    the app reads it all."""

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


class SameSite:
    """A write to /api or /ui from another site's page is refused (403).

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
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": json.dumps({"error": message}).encode()})
