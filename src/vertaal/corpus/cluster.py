"""The same corpus job on a Ray cluster (``pip install "vertaal[cluster]"``).

Ray Data runs the sentence work; the driver keeps the translation memory, as the only SQLite
writer, and writes the files:

1. **read and segment** (Ray tasks): each file into the sentences the one-machine run would
   translate, the same code cutting them;
2. **match terms** (Ray tasks): each sentence's glossary hits, with a Matcher built once per task
   from the glossary's entries;
3. **look up** (driver): sentences already in the memory are dropped; the rest, de-duplicated,
   are gathered into waves of at most `wave` sentences, so the driver's memory stays bounded;
4. **translate** (an actor pool: ``map_batches`` with a callable class and
   ``compute=ActorPoolStrategy(size=workers)``, what Ray before 2.51 spelt ``concurrency=workers``:
   one model per actor, ``num_gpus=gpus_per_worker``); an actor that dies is restarted and its
   batch retried (Ray Data's actor pools default to ``max_restarts=-1`` and
   ``max_task_retries=-1``), so nothing is lost;
5. **remember** (driver): every translated batch goes into the memory as it arrives;
6. **reassemble and write** (driver): the one-machine runner writes every file, now taking
   every sentence from the memory, so the files are the ones a one-machine run writes.
"""

from __future__ import annotations

import pickle
import resource
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..options import TranslateOptions
from . import FileJob, Summary
from .local import Progress, Runner, bilingual_blocks, document_blocks, text_paragraphs

INSTALL_HINT = 'the cluster mode needs Ray Data: pip install "vertaal[cluster]"'
WAVE = 50_000  # sentences held on the driver between lookup and translation
BATCH = 32  # sentences per actor call


@dataclass
class ClusterSettings:
    """Where and how wide to run: a Ray address ('auto', 'ray://HOST:PORT', or None for a local
    Ray started here), actors, GPUs per actor, sentences per actor call."""

    address: str | None = "auto"
    workers: int = 2
    gpus_per_worker: float = 0.0
    batch_size: int = BATCH
    wave: int = WAVE


def require_ray() -> Any:
    """The ray module, or one line saying how to install it."""
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        raise UsageError(INSTALL_HINT) from None
    return ray


def connect(settings: ClusterSettings) -> Any:
    """Join the cluster (or the Ray already started in this process); Ray Data's own progress
    bars and logs stay off (vertaal shows one bar)."""
    import logging

    ray = require_ray()
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    if ray.is_initialized():
        return ray
    try:
        if settings.address in (None, "local"):
            ray.init(include_dashboard=False, log_to_driver=False, logging_level=logging.WARNING)
        else:
            ray.init(address=settings.address, log_to_driver=False, logging_level=logging.WARNING)
    except (ConnectionError, RuntimeError, ValueError) as error:
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise UsageError(f"cannot reach the Ray cluster at {settings.address}: {first}") from None
    return ray


def _sentences(row: dict[str, Any], pair: tuple[str, str], encoding: str) -> Iterator[dict[str, Any]]:
    """Ray task: one file's sentences that need the model (as the one-machine run cuts them)."""
    from ..api import block_sentences, needs_model
    from . import FileJob as Job
    from .local import chunks

    job = Job(*(Path(row[k]) for k in ("source", "relative", "output")))
    try:
        if job.kind == "text":
            groups: Iterator[list[str]] = chunks(text_paragraphs(job, encoding))
        elif job.kind == "document":
            groups = iter([document_blocks(job)[1]])
        else:
            groups = iter([bilingual_blocks(job, pair)[1]])
        for blocks in groups:
            for sentence in block_sentences(blocks):
                if needs_model(sentence):
                    yield {"source": sentence}
    except Exception:  # noqa: BLE001 - the file fails again, with its message, when it is written
        return


def _match_terms(batch: dict[str, Any], matcher: bytes) -> dict[str, Any]:
    """Ray task: glossary hits of a batch of sentences, with the driver's Matcher."""
    terms = pickle.loads(matcher)
    sources = list(batch["source"])
    hits = [terms.find(s) if terms else [] for s in sources]
    return {"source": sources, "hits": [pickle.dumps(h) for h in hits]}


class TranslateActor:
    """Ray actor: one model, loaded once; translates batches of sentences with their hits."""

    def __init__(self, options: TranslateOptions, matcher: bytes) -> None:
        from ..api import Translator

        self.translator = Translator.from_options(options.but(glossary=pickle.loads(matcher)))

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        sources = list(batch["source"])
        hits = [pickle.loads(h) for h in batch["hits"]]
        targets = self.translator.translate_sentences(sources, hits if self.translator.matcher else None)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        return {
            "source": sources,
            "hits": list(batch["hits"]),
            "target": targets,
            "rss": [rss] * len(sources),
        }


@dataclass
class ClusterReport:
    """What the cluster did: sentences found in the memory before, translated by the actors, the
    actors' peak resident memory."""

    remembered: int = 0
    translated: int = 0
    peak_actor_rss: int = 0


def run(
    translator: Any,
    jobs: list[FileJob],
    settings: ClusterSettings,
    encoding: str = "utf-8",
    progress: Progress | None = None,
    warn: Any = None,
) -> tuple[Summary, ClusterReport]:
    """Translate the corpus's sentences on the cluster, then write the files on this machine."""
    from ..memory.lookup import fingerprint

    if translator.memory is None:  # --no-memory: the translations pass through a temporary one
        with _temporary_memory(translator):
            return run(translator, jobs, settings, encoding, progress, warn)
    ray = connect(settings)
    pending = [j for j in jobs if not j.up_to_date()]
    matcher = pickle.dumps(translator.matcher)
    options = translator.options.but(glossary=None, db=None, memory=False)  # the actors' own
    report = ClusterReport()
    if pending:
        rows = [
            {"source": str(j.source), "relative": str(j.relative), "output": str(j.output)} for j in pending
        ]
        found = (
            ray.data.from_items(rows)
            .flat_map(_sentences, fn_kwargs={"pair": translator.pair, "encoding": encoding})
            .map_batches(_match_terms, fn_kwargs={"matcher": matcher}, batch_size=256)
        )
        wave: dict[tuple[str, str], bytes] = {}
        for batch in found.iter_batches(batch_size=512, batch_format="default"):
            sources, hits = list(batch["source"]), list(batch["hits"])
            prints = [fingerprint(pickle.loads(h)) for h in hits]
            known = translator.memory.lookup(sources, prints)
            for source, pickled, mark, target in zip(sources, hits, prints, known, strict=True):
                if target is None:
                    wave.setdefault((source, mark), pickled)
                else:
                    report.remembered += 1
            if len(wave) >= settings.wave:
                _translate_wave(ray, translator, wave, settings, options, matcher, report)
                wave = {}
        if wave:
            _translate_wave(ray, translator, wave, settings, options, matcher, report)
    summary = Runner(translator, encoding, progress, warn).run(jobs)
    summary.found_first = report.remembered
    return summary, report


@contextmanager
def _temporary_memory(translator: Any) -> Iterator[None]:
    """The translator remembers into a memory in a temporary folder, removed afterwards."""
    import tempfile

    from ..memory.lookup import Memory

    with tempfile.TemporaryDirectory(prefix="vertaal-cluster-") as folder:
        variant = translator.options.compute_type if translator.fast else ""
        where, notice = Path(folder) / "memory.db", translator.notices.append
        translator.memory = Memory(where, translator.spec, translator.pair, notice, variant)
        try:
            yield
        finally:
            translator.memory = None


def _translate_wave(
    ray: Any,
    translator: Any,
    wave: dict[tuple[str, str], bytes],
    settings: ClusterSettings,
    options: TranslateOptions,
    matcher: bytes,
    report: ClusterReport,
) -> None:
    """The actor pool translates one wave; each batch is remembered as it comes back."""
    from ..memory.lookup import fingerprint

    items = [{"source": source, "hits": pickled} for (source, _), pickled in wave.items()]
    translated = ray.data.from_items(items).map_batches(
        TranslateActor,
        fn_constructor_kwargs={"options": options, "matcher": matcher},
        batch_size=settings.batch_size,
        compute=ray.data.ActorPoolStrategy(size=settings.workers),
        num_gpus=settings.gpus_per_worker or None,
    )  # Ray Data restarts a dead actor and retries its batch (max_restarts=-1, max_task_retries=-1)
    for batch in translated.iter_batches(batch_size=settings.batch_size, batch_format="default"):
        sources = list(batch["source"])
        prints = [fingerprint(pickle.loads(h)) for h in batch["hits"]]
        translator.memory.remember(sources, list(batch["target"]), prints, translator.spec)
        report.translated += len(sources)
        report.peak_actor_rss = max(report.peak_actor_rss, *(int(r) for r in batch["rss"]))
