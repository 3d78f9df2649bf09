"""What the app holds between requests, and the dependencies that hand it to the route handlers.

:func:`vertaal.server.app.create_app` builds one :class:`ServerState` from the :class:`Settings`
and keeps it on ``app.state.vertaal``; handlers ask for what they need with ``Depends``
(:func:`get_state`, :func:`get_settings`, :func:`get_glossaries`), for a pair in a query with
:func:`query_pair`, and :func:`require_key` guards the REST API's writes. Database connections
are opened by the handler that uses them (:class:`~vertaal.server.glossaries.Glossaries`), on
its own thread: SQLite connections stay on the thread that made them.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from fastapi import Depends, Header, Query, Request

from ..db import open_db
from ..engine.registry import directions, served_directions
from ..languages import Pair
from ..memory.store import MemoryStore
from ..options import DEFAULT_PAIR, TranslateOptions
from .batching import Batcher
from .glossaries import Glossaries
from .keys import KeyRing, require
from .translators import Translators

PAIRS = tuple(directions())  # the pairs the API names, as the schema lists them


@dataclass
class Settings:
    """What the server was started with."""

    model: str | None = None
    device: str | None = None
    engine: str = "ctranslate2"  # see `vertaal translate --engine`
    compute_type: str = "int8"
    db: str | None = None
    keys: KeyRing | None = None
    max_body: int = 2_000_000  # bytes of a /translate request
    max_upload: int = 20_000_000  # bytes of a /translate_file upload
    cors_origins: list[str] = field(default_factory=list)
    window: float = 0.01  # seconds a batch waits for more requests
    allowed_hosts: list[str] | None = None  # Host values answered (None: any; serve sets them)
    public_read: bool = False  # with keys: reads need no key
    public_url: str | None = None  # how clients reach the server (translatedFileUrl), e.g. http://host:port
    char_limit: int = 100_000  # characters of one /translate request
    batch_limit: int = 1_000  # texts in one /translate request
    download_ttl: float = 3600.0  # seconds a translated upload waits to be downloaded
    req_limit: int = 0  # requests a minute per key or client address (0: no limit)
    document_workers: int = 2  # documents read or written at once (each in a worker thread)
    max_unpacked_mb: int = 16  # the largest XML part of an uploaded DOCX or ODT
    glossary: str | None = "default"  # applied to a request that names none ("" in a request: none)
    memory: bool = True  # exact matches from the translation memory, edited above machine output

    def translate_options(self) -> TranslateOptions:
        """The options every Translator of the server is made from (a request changes the pair)."""
        return TranslateOptions(
            model=self.model,
            device=self.device,
            db=self.db,
            glossary=None,
            memory=self.memory,
            engine=self.engine,
            compute_type=self.compute_type,
        )


class ServerState:
    """The settings, the options built from them once, the supported pairs, the glossaries'
    owner, the resident models with their batchers, and the uploads waiting to be downloaded."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.options = settings.translate_options()
        self.pairs = [Pair.parse(direction) for direction in served_directions(settings.model)]
        self.glossaries = Glossaries(settings.db)
        self.translators = Translators(self.options, self.glossaries)
        self.batchers: dict[str, Batcher] = {}  # by pair, written nl-en
        self.downloads: dict[str, tuple[Path, float]] = {}  # token -> translation, when it was made
        self.documents = asyncio.Semaphore(settings.document_workers)  # documents read/written at once
        self._spool: Path | None = None
        self._lock = threading.Lock()

    def batcher(self, pair: Pair) -> Batcher:
        """The batcher of `pair`'s model: every translation of the pair runs on its one thread."""
        with self._lock:
            if str(pair) not in self.batchers:
                translators = self.translators
                self.batchers[str(pair)] = Batcher(
                    lambda glossary: translators.translator(pair, glossary), self.settings.window
                )
            return self.batchers[str(pair)]

    def spool(self) -> Path:
        """The folder uploads are translated in (made on first use)."""
        with self._lock:
            if self._spool is None:
                self._spool = Path(tempfile.mkdtemp(prefix="vertaal-serve-"))
            return self._spool

    def keep_download(self, token: str, path: Path) -> None:
        """A translated upload, downloadable once until the TTL (older ones are deleted now)."""
        now = time.monotonic()
        with self._lock:
            for old, (where, made) in list(self.downloads.items()):
                if now - made > self.settings.download_ttl:
                    del self.downloads[old]
                    shutil.rmtree(where.parent, ignore_errors=True)
            self.downloads[token] = (path, now)

    def take_download(self, token: str) -> Path | None:
        """The translation of `token`, handed out once (then forgotten); None once it is gone."""
        with self._lock:
            path, made = self.downloads.pop(token, (None, 0.0))
        if path is None or time.monotonic() - made > self.settings.download_ttl or not path.exists():
            if path is not None:
                shutil.rmtree(path.parent, ignore_errors=True)
            return None
        return path

    def memory(self, write: bool = False) -> MemoryStore:
        database = open_db(self.settings.db)
        if write:
            database.refuse_writes()
        return MemoryStore(database)

    def close(self) -> None:
        """At shutdown: the batchers finish what they hold; the uploads' folder goes."""
        for batcher in self.batchers.values():
            batcher.stop()
        if self._spool is not None:
            shutil.rmtree(self._spool, ignore_errors=True)


async def get_state(request: Request) -> ServerState:
    return request.app.state.vertaal


State = Annotated[ServerState, Depends(get_state)]


async def get_settings(state: State) -> Settings:
    return state.settings


async def get_glossaries(state: State) -> Glossaries:
    return state.glossaries


SettingsDep = Annotated[Settings, Depends(get_settings)]
GlossariesDep = Annotated[Glossaries, Depends(get_glossaries)]


async def require_key(
    request: Request, settings: SettingsDep, x_api_key: Annotated[str | None, Header()] = None
) -> None:
    """A write to the REST API needs a valid key when the server has keys (``X-API-Key``, which
    the schema names; the gate also takes a bearer token or ``api_key``: :class:`~.middleware.KeyGate`)."""
    require(request, settings)


async def query_pair(
    pair: Annotated[Literal[PAIRS], Query(description="a language pair")] = str(DEFAULT_PAIR),  # type: ignore[valid-type]
) -> Pair:
    """The ``pair`` query parameter, parsed once."""
    return Pair.parse(pair)


PairDep = Annotated[Pair, Depends(query_pair)]
