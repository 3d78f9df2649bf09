"""Paths and environment variables. Nothing is read or created at import time."""

from __future__ import annotations

import os
from pathlib import Path

ENV_DB = "VERTAAL_DB"
ENV_MODEL = "VERTAAL_MODEL"
ENV_MODELS_FILE = "VERTAAL_MODELS_FILE"
ENV_MAX_PART_MB = "VERTAAL_MAX_PART_MB"
MAX_PART_MB = 256  # the largest unpacked part of a DOCX or ODT package read, by default
ENV_MAX_FILE_MB = "VERTAAL_MAX_FILE_MB"
MAX_FILE_MB = 256  # the largest file read whole (HTML, Markdown, XLIFF, PO, a glossary, text), by default


def data_dir() -> Path:
    """The user's vertaal data directory (XDG), not created here."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "vertaal"


def cache_dir() -> Path:
    """The user's vertaal cache directory (XDG), not created here."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "vertaal"


def db_path(override: str | os.PathLike[str] | None = None) -> Path:
    """The database path: an explicit override, then $VERTAAL_DB, then the data dir."""
    if override:
        return Path(override)
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env)
    return data_dir() / "vertaal.db"


def model_override() -> str | None:
    """A model id or directory from $VERTAAL_MODEL, if set."""
    return os.environ.get(ENV_MODEL) or None


def cpu_threads() -> int:
    """Threads for CPU inference: $OMP_NUM_THREADS, else every core."""
    return int(os.environ.get("OMP_NUM_THREADS", 0) or 0) or os.cpu_count() or 1


def models_file() -> str | None:
    """A models.txt that replaces the packaged one, from $VERTAAL_MODELS_FILE."""
    return os.environ.get(ENV_MODELS_FILE) or None


def editor() -> str:
    """The user's editor command line: $VISUAL, then $EDITOR, then vi."""
    return os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"


def max_file_mb() -> int:
    """The largest file vertaal reads whole into memory ($VERTAAL_MAX_FILE_MB)."""
    value = os.environ.get(ENV_MAX_FILE_MB, "")
    return int(value) if value.isdigit() and int(value) > 0 else MAX_FILE_MB


def max_part_mb() -> int:
    """The largest unpacked part of a DOCX or ODT package vertaal reads ($VERTAAL_MAX_PART_MB)."""
    value = os.environ.get(ENV_MAX_PART_MB, "")
    return int(value) if value.isdigit() and int(value) > 0 else MAX_PART_MB
