"""`vertaal serve`: the HTTP server (LibreTranslate's API) with a resident model."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .arguments import ComputeTypeOption, Db, Engine, EngineOption, FastOption, Model, engine_choice

ServeGlossary = Annotated[
    str,
    typer.Option(
        "--glossary", "-g", metavar="NAME",
        help="The glossary applied to every request that names none ('default' if it exists).",
    ),
]  # fmt: skip
NoGlossaryOption = Annotated[bool, typer.Option("--no-glossary", help="No glossary unless a request asks.")]
NoMemoryOption = Annotated[bool, typer.Option("--no-memory", help="Translate without the memory.")]

AllowedHostOption = Annotated[
    Optional[list[str]],
    typer.Option("--allowed-host", metavar="NAME", show_default=False,
                 help="Another Host name clients use (the bound address and localhost always are)."),
]  # fmt: skip
PublicReadOption = Annotated[bool, typer.Option("--public-read", help="With keys: reads need no key.")]
PublicUrlOption = Annotated[
    Optional[str],
    typer.Option("--public-url", metavar="URL", show_default=False,
                 help="How clients reach the server, for download links (default http://HOST:PORT)."),
]  # fmt: skip
CharLimitOption = Annotated[int, typer.Option("--char-limit", min=1, help="Characters per /translate.")]
ReqLimitOption = Annotated[
    int, typer.Option("--req-limit", min=0, help="Requests a minute per API key or client (0: no limit).")
]
BatchLimitOption = Annotated[int, typer.Option("--batch-limit", min=1, help="Texts per /translate request.")]

HostOption = Annotated[
    str, typer.Option("--host", help="Address to bind; any other than 127.0.0.1 needs --api-keys.")
]
PortOption = Annotated[int, typer.Option("--port", min=1, max=65535, help="Port.")]
PreloadOption = Annotated[bool, typer.Option("--preload", help="Load the model at start, not on first use.")]
KeysOption = Annotated[
    Optional[Path],
    typer.Option("--api-keys", metavar="FILE", show_default=False, help="Hashed API keys (see --add-key)."),
]
AddKeyOption = Annotated[
    Optional[Path],
    typer.Option("--add-key", metavar="FILE", show_default=False, help="Make an API key, hash it into FILE."),
]
CorsOption = Annotated[
    Optional[list[str]],
    typer.Option("--cors", metavar="ORIGIN", show_default=False, help="Allow browser calls from ORIGIN."),
]
UploadOption = Annotated[int, typer.Option("--max-upload-mb", min=1, max=2000, help="Upload size limit.")]
UnpackedOption = Annotated[
    int, typer.Option("--max-unpacked-mb", min=1, max=2000, help="Largest XML part of an uploaded DOCX/ODT.")
]
DeviceOption = Annotated[Optional[str], typer.Option("--device", metavar="NAME", show_default=False)]


def serve(
    host: HostOption = "127.0.0.1",
    port: PortOption = 5000,
    preload: PreloadOption = False,
    api_keys: KeysOption = None,
    add_key: AddKeyOption = None,
    cors: CorsOption = None,
    max_upload_mb: UploadOption = 20,
    max_unpacked_mb: UnpackedOption = 16,
    model: Model = None,
    device: DeviceOption = None,
    engine: EngineOption = Engine.ctranslate2,
    fast: FastOption = False,
    compute_type: ComputeTypeOption = "int8",
    allowed_host: AllowedHostOption = None,
    public_read: PublicReadOption = False,
    public_url: PublicUrlOption = None,
    char_limit: CharLimitOption = 100_000,
    batch_limit: BatchLimitOption = 1_000,
    req_limit: ReqLimitOption = 0,
    glossary: ServeGlossary = "default",
    no_glossary: NoGlossaryOption = False,
    no_memory: NoMemoryOption = False,
    db: Db = None,
) -> None:
    """Serve translation over HTTP with LibreTranslate's API; the model stays loaded. Every
    request gets the glossary (unless it names another, or "" for none) and the memory, as the
    CLI does."""
    from .. import server

    if add_key is not None:
        from ..server.keys import add_key as make

        key = make(add_key)
        typer.echo(key)
        typer.echo(f"its hash is in {add_key}; the key itself is stored nowhere: keep it now", err=True)
        return
    server.require()
    server.check_exposure(host, str(api_keys) if api_keys else None)
    if not no_glossary and glossary != "default":
        from ..db import open_db
        from ..errors import GlossaryError
        from ..glossary.store import GlossaryStore

        if not GlossaryStore(open_db(db)).exists(glossary):
            raise GlossaryError(f"no glossary named {glossary!r}; see 'vertaal glossary names'")
    import uvicorn

    from ..server.app import Settings, create_app
    from ..server.keys import KeyRing

    settings = Settings(
        model=model,
        device=device,
        engine=engine_choice(engine, fast),
        compute_type=compute_type,
        db=str(db) if db else None,
        keys=KeyRing.load(api_keys) if api_keys else None,
        max_upload=max_upload_mb * 1_000_000,
        max_unpacked_mb=max_unpacked_mb,
        cors_origins=list(cors or []),
        glossary=None if no_glossary else glossary,
        memory=not no_memory,
        allowed_hosts=[host, *LOCAL_NAMES, *(allowed_host or [])],
        public_read=public_read,
        public_url=public_url or _public_url(host, port, allowed_host or []),
        char_limit=char_limit,
        batch_limit=batch_limit,
        req_limit=req_limit,
    )
    app = create_app(settings, preload=preload)
    typer.echo(f"vertaal serving on http://{host}:{port} (LibreTranslate's API; Ctrl-C stops)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=30)


LOCAL_NAMES = ["127.0.0.1", "localhost", "::1", "[::1]"]


def _public_url(host: str, port: int, names: list[str]) -> str:
    """Where clients reach the server: the bound address, or the first --allowed-host where the
    server listens on every address."""
    name = names[0] if host in ("0.0.0.0", "::") and names else host
    return f"http://{f'[{name}]' if ':' in name and not name.startswith('[') else name}:{port}"
