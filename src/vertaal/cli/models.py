"""`vertaal models`: the registry, the download cache and model details."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from .arguments import ComputeTypeOption

app = typer.Typer(help="List, download and inspect translation models.", no_args_is_help=True)


def _size(n: int | None) -> str:
    if n is None:
        return "-"
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


@app.command("list")
def list_models() -> None:
    """List the supported models, whether each is cached, and its size."""
    from ..engine.loading import cache_size
    from ..engine.registry import registry

    rows = []
    for spec in registry():
        size = cache_size(spec)
        rows.append(
            (
                spec.direction,
                spec.model_id,
                spec.revision or "-",
                "cached" if size is not None else "not cached",
                _size(size),
                spec.comment,
            )
        )
    widths = [
        max(len(r[i]) for r in rows + [("direction", "model", "revision", "status", "size", "")])
        for i in range(5)
    ]
    header = ("direction", "model", "revision", "status", "size")
    typer.echo("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=False)).rstrip())
    for row in rows:
        typer.echo("  ".join(c.ljust(w) for c, w in zip(row[:5], widths, strict=False)).rstrip())


@app.command("pull")
def pull(
    name: Annotated[
        Optional[str],
        typer.Argument(
            help="Direction (nl-en, en-nl) or hub id; default: all registry models.", show_default=False
        ),
    ] = None,
    compute_type: ComputeTypeOption = "int8",
    no_convert: Annotated[
        bool, typer.Option("--no-convert", help="Download only; do not convert for the ctranslate2 engine.")
    ] = False,
) -> None:
    """Download models into the Hugging Face cache ahead of time, with progress, and convert them
    for the ctranslate2 engine, so that an offline machine needs nothing more."""
    from ..engine.loading import pull as pull_model
    from ..engine.registry import find, registry
    from ..options import TranslateOptions

    TranslateOptions(compute_type=compute_type)  # refuses an unknown type before any download
    specs = [find(name)] if name else registry()
    for spec in specs:
        typer.echo(f"pulling {spec.model_id} ...", err=True)
        path = pull_model(spec)
        typer.echo(f"{spec.model_id}: {path}")
        if not no_convert:
            from ..engine.ctranslate2_engine import convert

            typer.echo(f"{spec.model_id} ({compute_type}): {convert(spec, compute_type)}")


@app.command("info")
def info(
    name: Annotated[str, typer.Argument(help="Direction or hub id or local directory.")] = "nl-en",
) -> None:
    """Show a model's source, cache status and, when cached, its configuration."""
    import json

    from ..engine.loading import cache_size, check_local_dir, is_cached
    from ..engine.registry import find

    spec = find(name)
    typer.echo(f"direction: {spec.direction}")
    typer.echo(f"model:     {spec.model_id}")
    typer.echo(f"revision:  {spec.revision or 'latest'}")
    cached = is_cached(spec)
    typer.echo(f"status:    {'cached' if cached else 'not cached'}")
    typer.echo(f"size:      {_size(cache_size(spec))}")
    if not cached:
        return
    if spec.is_local:
        from pathlib import Path

        check_local_dir(Path(spec.model_id).expanduser())
        config_path = str(Path(spec.model_id).expanduser() / "config.json")
    else:
        from huggingface_hub import try_to_load_from_cache

        config_path = try_to_load_from_cache(spec.model_id, "config.json", revision=spec.revision)
    with open(config_path, encoding="utf-8") as handle:
        config = json.load(handle)
    for key in (
        "d_model",
        "encoder_layers",
        "decoder_layers",
        "encoder_attention_heads",
        "vocab_size",
        "max_position_embeddings",
        "num_beams",
    ):
        if key in config:
            typer.echo(f"{key + ':':<10} {config[key]}")
