"""The ASGI app (FastAPI): LibreTranslate's API (:mod:`.libretranslate`), vertaal's REST API under
/api (:mod:`.rest`) and the browser UI under /ui (:mod:`.ui`), with the body limit, the same-site
rule for writes, CORS when asked for, and errors as ``{"error": ...}`` (:mod:`.handlers`).

:func:`create_app` only builds the app; what it holds between requests is one
:class:`~.state.ServerState` on ``app.state.vertaal``, which the routers' handlers reach through
FastAPI dependencies (:mod:`.state`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI  # the server's own module: imported only once the extra is there
from fastapi.middleware.cors import CORSMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware

from . import candidates, handlers, libretranslate, rest, ui
from .middleware import BodyLimit, KeyGate, RateLimit, SameSite, SecurityHeaders
from .state import ServerState, Settings

__all__ = ["Settings", "create_app"]


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    app.state.vertaal.close()  # SIGTERM: uvicorn lets requests in flight finish first


def create_app(settings: Settings, preload: bool = False) -> FastAPI:
    """The app for `settings`; with `preload`, the first pair's model is loaded now."""
    state = ServerState(settings)
    app = FastAPI(
        title="vertaal",
        description="Offline Dutch-English translation with an enforced glossary",
        lifespan=lifespan,
        docs_url=None,  # Swagger's page loads its assets from a CDN: /spec and /openapi.json stay
        redoc_url=None,
    )
    app.state.vertaal = state
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"])
    app.add_middleware(BodyLimit, limit=settings.max_body, upload=settings.max_upload)
    app.add_middleware(KeyGate, keys=settings.keys, public_read=settings.public_read)
    if settings.req_limit:
        app.add_middleware(RateLimit, per_minute=settings.req_limit)
    app.add_middleware(SameSite, allowed=set(settings.cors_origins))
    if settings.allowed_hosts is not None:  # DNS rebinding: only the names the server is reached by
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=settings.allowed_hosts)
    app.add_middleware(SecurityHeaders)
    handlers.install(app)
    app.openapi = lambda: _openapi(app, state)  # type: ignore[method-assign]
    for router in (libretranslate.router, rest.router, ui.router, ui.pages, ui.home):
        app.include_router(router)
    app.include_router(candidates.router)
    for pair in state.pairs[:1] if preload else []:
        state.translators.resident(pair)
    return app


def _openapi(app: FastAPI, state: ServerState) -> dict:
    """The schema FastAPI builds, with LibreTranslate's request bodies for this server's pairs and
    limits (built once, as FastAPI caches its own)."""
    if app.openapi_schema is None:
        from fastapi.openapi.utils import get_openapi

        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        schema.setdefault("components", {}).setdefault("schemas", {}).update(
            libretranslate.body_schemas(state.pairs, state.settings)
        )
        app.openapi_schema = schema
    return app.openapi_schema
