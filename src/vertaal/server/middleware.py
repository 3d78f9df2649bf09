"""ASGI middleware: the body limits, writes only from this site's own pages, and the security
headers of every answer."""

from __future__ import annotations

import json
from typing import Any

UPLOADS = ("/translate_file", "/ui/document", "/ui/glossary/import", "/api/glossaries/")  # take files


class BodyLimit:
    """A request body over its limit gets 413, whether or not it says its length, before the
    app reads it all: `limit` bytes for requests, `upload` for the paths that take files."""

    def __init__(self, app: Any, limit: int, upload: int | None = None) -> None:
        self.app, self.request_limit, self.upload = app, limit, upload or limit

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.upload if scope["path"].startswith(UPLOADS) else self.request_limit
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _reject(send, limit)
            return
        seen = 0

        async def counted() -> dict:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await _reject(send, limit)


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
            site = headers.get("sec-fetch-site")
            if site is not None:  # the browser says where the request comes from
                cross = site not in ("same-origin", "none")  # (its own pages send Origin: null
            else:  # under Referrer-Policy: no-referrer, so Sec-Fetch-Site is what decides)
                cross = origin is not None and origin != own  # null: a sandboxed frame, a file:// page
            if cross and origin not in self.allowed:
                await _refuse(send, 403, "a request from another site's page is refused")
                return
        await self.app(scope, receive, send)


class KeyGate:
    """With API keys, every route needs one, reads too unless `public_read`, checked before the
    body is read: as ``X-API-Key``, ``Authorization: Bearer KEY`` or the ``api_key`` query parameter.

    A key that comes so is marked on the request (``vertaal.key``). LibreTranslate's clients send
    theirs in the body, so its routes that take one (:data:`BODY_KEYED`) are let through to check
    it themselves after the body limit (:func:`~.keys.require`). Open are only what no key can
    be asked for: the UI's sign-in page and its static files (its pages ask for the key cookie)
    and a download's one-time link, whose unguessable token is the permission.
    """

    READS = {"GET", "HEAD", "OPTIONS"}
    OPEN = ("/ui/", "/download_file/")
    BODY_KEYED = {"/translate", "/translate_file", "/detect", "/languages"}

    def __init__(self, app: Any, keys: Any, public_read: bool = False) -> None:
        self.app, self.keys, self.public_read = app, keys, public_read

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and self.keys is not None and scope["method"] != "OPTIONS":
            key = _given_key(scope)
            path = scope["path"]
            if key is not None:
                if not self.keys.allows(key):
                    await _refuse(send, 403, "Invalid API key")
                    return
                scope["vertaal.key"] = True
            elif not (
                path == "/"
                or path.startswith(self.OPEN)
                or path in self.BODY_KEYED
                or (self.public_read and scope["method"] in self.READS)
            ):
                await _refuse(send, 403, "Invalid API key")
                return
        await self.app(scope, receive, send)


def _given_key(scope: dict) -> str | None:
    """The key a request carries outside its body, if any."""
    from urllib.parse import parse_qs

    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers") or []}
    bearer = headers.get("authorization", "")
    if bearer[:7].lower() == "bearer ":
        return bearer[7:].strip()
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return headers.get("x-api-key") or (query.get("api_key") or [None])[0]


class RateLimit:
    """At most `per_minute` requests a minute per API key (or, without one, per client address),
    over a sliding minute; more get 429 with Retry-After. The UI's static files are not counted."""

    def __init__(self, app: Any, per_minute: int) -> None:
        import collections
        import threading

        self.app, self.per_minute = app, per_minute
        self._seen: dict[str, collections.deque] = collections.defaultdict(collections.deque)
        self._lock = threading.Lock()

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and not scope["path"].startswith("/ui/static/"):
            import time

            key = _given_key(scope)
            who = f"key:{key}" if key else f"address:{(scope.get('client') or ('?',))[0]}"
            now = time.monotonic()
            with self._lock:
                seen = self._seen[who]
                while seen and now - seen[0] > 60:
                    seen.popleft()
                wait = 60 - (now - seen[0]) if len(seen) >= self.per_minute else 0.0
                if not wait:
                    seen.append(now)
            if wait:
                await _refuse(send, 429, f"over {self.per_minute} requests a minute; try again later",
                              [(b"retry-after", str(int(wait) + 1).encode())])  # fmt: skip
                return
        await self.app(scope, receive, send)


class SecurityHeaders:
    """Every answer says: load nothing from elsewhere, be framed by no one, do not sniff types,
    send no referrer."""

    HEADERS = [
        (b"content-security-policy", b"default-src 'self'; frame-ancestors 'none'; base-uri 'none'"),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"no-referrer"),
    ]

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(name, value) for name, value in self.HEADERS if name not in names]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, with_headers)


class _TooLarge(Exception):
    pass


async def _reject(send: Any, limit: int) -> None:
    await _refuse(send, 413, f"the request is over the {limit // 1_000_000} MB limit")


async def _refuse(send: Any, status: int, message: str, extra: list | None = None) -> None:
    headers = [(b"content-type", b"application/json"), *(extra or [])]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": json.dumps({"error": message}).encode()})
