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
DeviceOption = Annotated[Optional[str], typer.Option("--device", metavar="NAME", show_default=False)]


def serve(
    host: HostOption = "127.0.0.1",
    port: PortOption = 5000,
    preload: PreloadOption = False,
    api_keys: KeysOption = None,
    add_key: AddKeyOption = None,
    cors: CorsOption = None,
    max_upload_mb: UploadOption = 20,
    model: Model = None,
    device: DeviceOption = None,
    engine: EngineOption = Engine.ctranslate2,
    fast: FastOption = False,
    compute_type: ComputeTypeOption = "int8",
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
        cors_origins=list(cors or []),
        glossary=None if no_glossary else glossary,
        memory=not no_memory,
    )
    app = create_app(settings, preload=preload)
    typer.echo(f"vertaal serving on http://{host}:{port} (LibreTranslate's API; Ctrl-C stops)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=30)
