"""`vertaal serve`: a resident model behind a LibreTranslate-compatible HTTP API.

The ASGI app (FastAPI, run by uvicorn) comes with ``pip install "vertaal[server]"``. The model
is loaded once (at start with ``--preload``, else on the first request) and concurrent requests
are batched into it (:mod:`vertaal.server.batching`). It binds to 127.0.0.1; on any other address
it refuses to start without API keys, which are stored hashed (:mod:`vertaal.server.keys`).
"""

from __future__ import annotations

from ..errors import UsageError

INSTALL_HINT = 'the server needs FastAPI, uvicorn and Jinja2: pip install "vertaal[server]"'
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def require() -> None:
    """One line saying how to install the server's libraries, if they are missing."""
    try:
        import fastapi  # noqa: F401
        import jinja2  # noqa: F401 - the UI's pages
        import python_multipart  # noqa: F401 - form posts and uploads
        import uvicorn  # noqa: F401
    except ImportError:
        raise UsageError(INSTALL_HINT) from None


def check_exposure(host: str, keys_file: str | None) -> None:
    """Bound to another address than this machine's own, the server needs API keys."""
    if host not in LOCAL_HOSTS and not keys_file:
        raise UsageError(
            f"--host {host} exposes the server to the network; give --api-keys FILE "
            "(create a key with: vertaal serve --add-key FILE)"
        )
