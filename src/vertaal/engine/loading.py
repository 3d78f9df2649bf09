"""Loading a Marian model and tokenizer from the hub cache or a local directory.

The first use of a hub id downloads it into the standard Hugging Face cache; after that it is
loaded from the cache without touching the network, so translation works offline.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ModelError, UsageError
from . import internals
from .registry import ModelSpec

if TYPE_CHECKING:
    import torch

PROBE_SECONDS = 5.0
MODEL_FILES = [
    "config.json",
    "generation_config.json",
    "*.spm",
    "vocab.json",
    "tokenizer_config.json",
    "*.safetensors",
]


@dataclass
class LoadedModel:
    """A model and its tokenizer, on a device, ready to translate."""

    spec: ModelSpec
    model: Any
    tokenizer: Any
    device: torch.device
    load_seconds: float = 0.0
    parts: dict[str, float] | None = None  # where the load time went: imports, tokenizer, model, device


def check_local_dir(path: Path) -> None:
    """Fail with a one-line message unless `path` holds a saved Marian model."""
    config = path / "config.json"
    if not path.is_dir():
        raise ModelError(f"{path} is not a directory; pass --model a directory saved with save_pretrained")
    try:
        model_type = json.loads(config.read_text(encoding="utf-8")).get("model_type")
    except (OSError, ValueError):
        model_type = None
    if model_type != "marian":
        raise ModelError(
            f"{path} is not a Marian model directory (no config.json with model_type 'marian');"
            " pass --model a MarianMT directory or a hub id such as Helsinki-NLP/opus-mt-nl-en"
        )
    if not any(path.glob("*.spm")):
        raise ModelError(
            f"{path} has no sentencepiece files (source.spm, target.spm); it is not a usable Marian model"
        )


def is_cached(spec: ModelSpec) -> bool:
    """Whether a hub model's config is already in the local Hugging Face cache."""
    if spec.is_local:
        return True
    from huggingface_hub import try_to_load_from_cache

    found = try_to_load_from_cache(spec.model_id, "config.json", revision=spec.revision)
    return isinstance(found, str)


def offline_message(spec: ModelSpec) -> str:
    return (
        f"model {spec.model_id} is not in the local Hugging Face cache and the hub cannot be reached;"
        f" run 'vertaal models pull {spec.model_id}' on a connected machine (then copy the cache),"
        " or pass --model DIR with a downloaded model"
    )


def resolve_device(device: str | None) -> torch.device:
    import torch

    name = device or "cpu"
    try:
        resolved = torch.device(name)
    except RuntimeError as exc:
        raise UsageError(f"unknown device {name!r}; use cpu, cuda or cuda:N") from exc
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise ModelError("CUDA was asked for but no GPU is available here; use --device cpu")
    if resolved.type not in ("cpu", "cuda", "mps"):
        raise UsageError(f"unsupported device {name!r}; use cpu or cuda")
    return resolved


def load(spec: ModelSpec, device: str | None = None) -> LoadedModel:
    """Load a model from a local directory, the hub cache, or (first use) the hub."""
    import time

    started = time.perf_counter()
    source: str = spec.model_id
    kwargs: dict[str, Any] = {}
    if spec.is_local:
        path = Path(spec.model_id).expanduser()
        check_local_dir(path)
        source = str(path)
    elif spec.looks_like_path:
        raise ModelError(
            f"{spec.model_id}: no such model directory; pass --model a directory saved with"
            " save_pretrained, or a hub id such as Helsinki-NLP/opus-mt-nl-en"
        )
    else:
        kwargs["revision"] = spec.revision
        if not is_cached(spec):
            pull(spec)  # first use: download into the cache, failing fast when offline
        kwargs["local_files_only"] = True

    parts: dict[str, float] = {}
    mark = time.perf_counter()
    torch_device = resolve_device(device)  # imports torch
    from transformers.utils import logging as hf_logging

    MarianMTModel, MarianTokenizer = internals.marian_classes()  # noqa: N806 - classes

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    mark = _lap(parts, "imports", mark)
    try:
        tokenizer = MarianTokenizer.from_pretrained(source, **kwargs)
        mark = _lap(parts, "tokenizer", mark)
        with internals.quick_positions():
            model = MarianMTModel.from_pretrained(source, **kwargs)  # weights memory-mapped
        mark = _lap(parts, "model", mark)
    except Exception as exc:  # transformers raises OSError, ValueError, TypeError, ...
        if spec.is_local:
            raise ModelError(f"cannot load the model in {source}: {_first_line(exc)}") from exc
        raise ModelError(offline_message(spec)) from exc
    internals.check(model, tokenizer)
    model.eval()
    model.to(torch_device)
    _lap(parts, "device", mark)
    return LoadedModel(spec, model, tokenizer, torch_device, time.perf_counter() - started, parts)


def _lap(parts: dict[str, float], name: str, since: float) -> float:
    import time

    now = time.perf_counter()
    parts[name] = now - since
    return now


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def pull(spec: ModelSpec) -> str:
    """Download a hub model into the cache (with progress bars); return its local path."""
    if spec.is_local:
        return str(Path(spec.model_id).expanduser())
    from huggingface_hub import snapshot_download

    if _offline():
        raise ModelError(offline_message(spec))
    try:
        return snapshot_download(spec.model_id, revision=spec.revision, allow_patterns=MODEL_FILES)
    except Exception as exc:  # the hub raises many kinds: offline, not found, HTTP
        raise ModelError(
            f"cannot download {spec.model_id}: {_first_line(exc)}; check the id and the network"
        ) from exc


def _offline() -> bool:
    """True when HF_HUB_OFFLINE is set or the hub's host cannot be reached within seconds.

    huggingface_hub retries unreachable hosts with backoff for minutes; a quick probe first
    gives an offline user an immediate answer instead.
    """
    import socket
    from urllib.parse import urlparse

    from huggingface_hub import constants

    if constants.HF_HUB_OFFLINE:
        return True
    url = urlparse(constants.ENDPOINT)
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        socket.create_connection((url.hostname, port), timeout=PROBE_SECONDS).close()
    except OSError:
        return True
    return False


def cache_size(spec: ModelSpec) -> int | None:
    """Bytes a model takes in the cache (or its local directory); None when not present."""
    if spec.is_local:
        path = Path(spec.model_id).expanduser()
        return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    from huggingface_hub import scan_cache_dir

    try:
        info = scan_cache_dir()
    except Exception:  # no cache directory yet
        return None
    for repo in info.repos:
        if repo.repo_id == spec.model_id and repo.repo_type == "model":
            return repo.size_on_disk
    return None
