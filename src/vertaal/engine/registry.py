"""The registry of supported models, read from ``models.txt``, and how a model is named."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..config import model_override, models_file
from ..errors import ModelError, UsageError

DEFAULT_DIRECTION = "nl-en"


@dataclass(frozen=True)
class ModelSpec:
    """One model: the direction it serves, a hub id or local path, and a pinned revision."""

    direction: str
    model_id: str
    revision: str | None = None
    comment: str = ""

    @property
    def is_local(self) -> bool:
        return Path(self.model_id).expanduser().exists()

    @property
    def looks_like_path(self) -> bool:
        """A directory name rather than a hub id (org/name): absolute, relative with ./ or ../,
        under ~, or with more than one separator."""
        name = self.model_id
        return name.startswith(("/", "./", "../", "~", ".\\")) or name.count("/") > 1 or "\\" in name


def parse_registry(text: str) -> list[ModelSpec]:
    """Parse ``models.txt``: ``direction  id  [revision]  [# comment]`` per line."""
    specs = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line, _, comment = raw.partition("#")
        fields = line.split()
        if not fields:
            continue
        if len(fields) not in (2, 3):
            raise UsageError(f"models.txt:{number}: expected 'direction model-id [revision]'")
        revision = fields[2] if len(fields) == 3 else None
        specs.append(ModelSpec(fields[0], fields[1], revision, comment.strip()))
    return specs


def registry() -> list[ModelSpec]:
    """The supported models: ``$VERTAAL_MODELS_FILE`` or the packaged ``models.txt``."""
    path = models_file()
    if path:
        text = Path(path).read_text(encoding="utf-8")
    else:
        text = resources.files("vertaal").joinpath("models.txt").read_text(encoding="utf-8")
    return parse_registry(text)


def directions() -> list[str]:
    return [spec.direction for spec in registry()]


def resolve(direction: str | None = None, model: str | None = None) -> ModelSpec:
    """The model to use: ``model`` if given, then ``$VERTAAL_MODEL``, then the registry."""
    direction = direction or DEFAULT_DIRECTION
    specs = {spec.direction: spec for spec in registry()}
    if direction not in specs:
        raise UsageError(f"unknown direction {direction!r}; choose one of: {', '.join(sorted(specs))}")
    override = model or model_override()
    if override:
        spec = ModelSpec(direction, override)
        if spec.looks_like_path and not spec.is_local:
            raise ModelError(
                f"{override}: no such model directory; pass --model (or $VERTAAL_MODEL) a directory saved"
                " with save_pretrained, or a hub id such as Helsinki-NLP/opus-mt-nl-en"
            )
        _check_languages(spec, sorted(specs))
        return spec
    return specs[direction]


def served_directions(model: str | None = None) -> list[str]:
    """The directions a server offers: the registry's; with a model given (or ``$VERTAAL_MODEL``),
    the one that model says it translates (all of them where it does not say)."""
    override = model or model_override()
    declared = declared_languages(ModelSpec("?", override)) if override else None
    return ["-".join(declared)] if declared else directions()


def declared_languages(spec: ModelSpec) -> tuple[str, str] | None:
    """The languages a model says it translates: its tokenizer's ``source_lang``/``target_lang``
    (a local directory), or a hub id named ``opus-mt-XX-YY``; None where it does not say."""
    if spec.is_local:
        file = Path(spec.model_id).expanduser() / "tokenizer_config.json"
        try:
            config = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        languages = (config.get("source_lang"), config.get("target_lang")) if isinstance(config, dict) else ()
        if all(isinstance(lang, str) and re.fullmatch(r"[a-z]{2,3}", lang) for lang in languages):
            return languages[0], languages[1]
        return None
    named = re.search(r"opus-mt-([a-z]{2,3})-([a-z]{2,3})$", spec.model_id)
    return (named.group(1), named.group(2)) if named else None


def _check_languages(spec: ModelSpec, known: list[str]) -> None:
    """Refuse a model that says it translates another pair than the direction asked for."""
    declared = declared_languages(spec)
    if declared is None or "-".join(declared) == spec.direction:
        return
    pair = "-".join(declared)
    hint = f"pass --direction {pair}, or " if pair in known else "pass "
    asked = spec.direction.replace("-", " to ")
    raise UsageError(
        f"{spec.model_id} translates {declared[0]} to {declared[1]}, not {asked};"
        f" {hint}--model (or $VERTAAL_MODEL) a {spec.direction} model"
    )


def find(name: str) -> ModelSpec:
    """A registry entry by direction or model id; an unlisted id is taken as it is."""
    for spec in registry():
        if name in (spec.direction, spec.model_id):
            return spec
    if "/" not in name and not Path(name).exists():
        raise UsageError(
            f"unknown model or direction {name!r}; choose one of: {', '.join(directions())}"
            " or give a hub id such as Helsinki-NLP/opus-mt-nl-en"
        )
    return ModelSpec("?", name)


MODEL_SUFFIXES = (".json", ".safetensors", ".bin", ".spm")


def directory_digest(path: Path) -> str:
    """A short hash of a model directory's files (names, sizes, times), read without loading them."""
    digest = hashlib.sha256()
    for file in sorted(path.glob("*")):
        if file.suffix in MODEL_SUFFIXES and file.is_file():
            stat = file.stat()
            digest.update(f"{file.name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()[:16]
