"""`vertaal serve`: the HTTP server (LibreTranslate's API) with a resident model."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .arguments import ComputeTypeOption, Db, Engine, EngineOption, FastOption, Model, engine_choice

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
    db: Db = None,
) -> None:
    """Serve translation over HTTP with LibreTranslate's API; the model stays loaded."""
    from .. import server

    if add_key is not None:
        from ..server.keys import add_key as make

        key = make(add_key)
        typer.echo(key)
        typer.echo(f"its hash is in {add_key}; the key itself is stored nowhere: keep it now", err=True)
        return
    server.require()
    server.check_exposure(host, str(api_keys) if api_keys else None)
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
    )
    app = create_app(settings, preload=preload)
    typer.echo(f"vertaal serving on http://{host}:{port} (LibreTranslate's API; Ctrl-C stops)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=30)
