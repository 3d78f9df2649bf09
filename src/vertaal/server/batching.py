"""Requests batched into the one resident model.

Each request's texts are cut into paragraphs and queued; a single worker takes whatever arrived
within `window` seconds of the first (up to `max_blocks` paragraphs), translates it as one call,
and hands each request its own paragraphs back. Requests for different glossaries are batched
apart. The model runs on one thread, so requests never race on it.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from ..results import SentenceResult
from ..text.reflow import paragraphs

CHUNK = 32  # paragraphs of one request translated at a time: another request waits for one chunk
Gone = Callable[[], Awaitable[bool]]  # whether the client went away


@dataclass
class _Job:
    glossary: str | None
    blocks: list[str]
    future: asyncio.Future
    loop: asyncio.AbstractEventLoop
    call: Callable[[Any], Any] | None = None  # work of its own on the model thread (HTML)


@dataclass
class Translated:
    """One request's paragraphs, translated, with their sentence results."""

    paragraphs: list[str]
    sentences: list[list[SentenceResult]] = field(default_factory=list)  # per paragraph


class Batcher:
    """Collects paragraphs from concurrent requests and translates them together."""

    def __init__(
        self, translator_for: Callable[[str | None], Any], window: float = 0.01, max_blocks: int = 256
    ) -> None:
        self.translator_for = translator_for
        self.window = window
        self.max_blocks = max_blocks
        self.calls = 0  # model calls made (a test sees requests merged)
        self._pending: list[_Job] = []
        self._lock = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._work, name="vertaal-batcher", daemon=True)
        self._thread.start()

    async def translate(self, blocks: list[str], glossary: str | None) -> Translated:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        with self._lock:
            self._pending.append(_Job(glossary, blocks, future, loop))
            self._lock.notify()
        return await future

    async def run(self, glossary: str | None, call: Callable[[Any], Any]) -> Any:
        """`call(translator)` on the model thread, in turn with the batches (never beside them)."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        with self._lock:
            self._pending.append(_Job(glossary, [], future, loop, call))
            self._lock.notify()
        return await future

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            self._lock.notify()
        self._thread.join(timeout=30)

    def _work(self) -> None:
        import time

        while True:
            with self._lock:
                while not self._pending and not self._stopped:
                    self._lock.wait()
                if self._stopped and not self._pending:
                    return
            time.sleep(self.window)  # let concurrent requests join the batch
            with self._lock:
                first = self._pending[0]
                batch, size = [], 0
                for job in [first] if first.call else list(self._pending):
                    if job.call is None and job.glossary == first.glossary and (
                        not batch or size + len(job.blocks) <= self.max_blocks
                    ):
                        batch.append(job)
                        size += len(job.blocks)
                batch = batch or [first]
                for job in batch:
                    self._pending.remove(job)
            self._run(batch)

    def _run(self, batch: list[_Job]) -> None:
        if batch[0].call is not None:
            job = batch[0]
            try:
                value = job.call(self.translator_for(job.glossary))
            except BaseException as error:  # noqa: BLE001 - handed to the request
                job.loop.call_soon_threadsafe(_settle, job.future, None, error)
                return
            job.loop.call_soon_threadsafe(_settle, job.future, value, None)
            return
        blocks = [b for job in batch for b in job.blocks]
        try:
            result = self.translator_for(batch[0].glossary).translate_blocks(blocks)
            self.calls += 1
        except BaseException as error:  # noqa: BLE001 - every waiting request gets the error
            for job in batch:
                job.loop.call_soon_threadsafe(_settle, job.future, None, error)
            return
        grouped: list[list[SentenceResult]] = [[] for _ in blocks]
        for row in result.sentences:
            grouped[row.paragraph].append(row)
        paragraphs = result.paragraphs()
        start = 0
        for job in batch:
            end = start + len(job.blocks)
            answer = Translated(paragraphs[start:end], grouped[start:end])
            job.loop.call_soon_threadsafe(_settle, job.future, answer, None)
            start = end


def _settle(future: asyncio.Future, value: Any, error: BaseException | None) -> None:
    if future.done():  # the client went away: nothing to hand back
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(value)


class ClientGone(Exception):
    """The client went away: the rest of its request is not translated."""


async def translate_chunks(
    batcher: Batcher, blocks: list[str], glossary: str | None, gone: Gone | None = None
) -> Translated:
    """`blocks` through the batcher CHUNK at a time, so that other requests' blocks go in between;
    `gone` (the client disconnected) is asked before each chunk after the first."""
    done = Translated([], [])
    for start in range(0, len(blocks), CHUNK):
        if gone is not None and start and await gone():
            raise ClientGone
        part = await batcher.translate(blocks[start : start + CHUNK], glossary)
        done.paragraphs += part.paragraphs
        done.sentences += part.sentences
    return done


async def translate_paragraphs(
    batcher: Batcher, texts: list[str], glossary: str | None, gone: Gone | None = None
) -> tuple[list[str], list[list[dict]]]:
    """Each text's paragraphs, translated a chunk at a time; each text's translation keeps its
    paragraphs, and its glossary terms' statuses."""
    split = [paragraphs(t) for t in texts]
    done = await translate_chunks(batcher, [p for parts in split for p in parts], glossary, gone)
    out, terms, start = [], [], 0
    for parts in split:
        end = start + len(parts)
        out.append("\n\n".join(done.paragraphs[start:end]))
        rows = [row for block in done.sentences[start:end] for row in block]
        terms.append([t.to_dict() for row in rows for t in row.terms or []])
        start = end
    return out, terms
