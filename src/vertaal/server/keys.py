"""API keys, stored hashed: the key file holds one ``sha256:<hex> [label]`` line per key.

A key is shown once, when it is made (``vertaal serve --add-key FILE``); the file never holds it.
Checking hashes the key given and compares in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path
from typing import Any

from ..errors import InputError, VertaalError

PREFIX = "sha256:"


def digest(key: str) -> str:
    return PREFIX + hashlib.sha256(key.encode("utf-8")).hexdigest()


class KeyRing:
    """The hashed keys of a key file."""

    def __init__(self, hashes: list[str]) -> None:
        self.hashes = hashes

    @classmethod
    def load(cls, path: str | Path) -> KeyRing:
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except OSError as error:
            raise InputError(f"{path}: cannot read the API key file ({error.strerror})") from None
        hashes = []
        for number, line in enumerate(lines, 1):
            field = line.split("#", 1)[0].split()
            if not field:
                continue
            if not field[0].startswith(PREFIX) or len(field[0]) != len(PREFIX) + 64:
                raise InputError(
                    f"{path}:{number}: not a hashed key (sha256:<64 hex digits>); "
                    "add keys with vertaal serve --add-key FILE"
                )
            hashes.append(field[0])
        if not hashes:
            raise InputError(f"{path}: no keys; add one with vertaal serve --add-key {path}")
        return cls(hashes)

    def allows(self, key: str | None) -> bool:
        if not key:
            return False
        given = digest(key)
        return any(hmac.compare_digest(given, known) for known in self.hashes)


def add_key(path: str | Path, label: str = "") -> str:
    """Make a new key, append its hash to the file, and return the key (shown once)."""
    key = secrets.token_urlsafe(32)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    os.fchmod(descriptor, 0o600)  # an existing file too: only its owner reads the hashes
    with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
        handle.write(f"{digest(key)} {label}".rstrip() + "\n")
    return key


class Forbidden(VertaalError):
    """A request without a valid API key (HTTP 403)."""


def authorise(keys: KeyRing | None, key: object) -> None:
    """Refuse a request whose key is missing or wrong, when the server has keys."""
    if keys is not None and not (isinstance(key, str) and keys.allows(key)):
        raise Forbidden("Invalid API key")


def require(request: Any, settings: Any, params: dict[str, Any] | None = None, read: bool = False) -> None:
    """A LibreTranslate route's key: passed already when the gate saw a valid one outside the body
    (:class:`~.middleware.KeyGate`), else the body's ``api_key``; a read needs none under
    ``--public-read``."""
    if settings.keys is None or request.scope.get("vertaal.key") or (read and settings.public_read):
        return
    authorise(settings.keys, (params or {}).get("api_key"))
