"""A corpus on this machine: file by file, text files streamed in chunks of paragraphs.

A text file is read line by line and translated a chunk of paragraphs at a time; each chunk's
sentences go to the translation memory as soon as they are translated, and the output is written
through a temporary file renamed when the file is complete. So memory use does not grow with a
file's size, and a run cut off half-way resumes from the memory. Documents and XLIFF/PO files are
translated whole, as `vertaal translate FILE` does. One file's failure is recorded and the run
goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any, Protocol

from ..errors import VertaalError
from . import FileJob, FileOutcome, Summary

CHUNK_PARAGRAPHS = 64  # paragraphs per translation call: the memory is written after each


class Progress(Protocol):
    """What a run reports as it goes (the CLI's progress bar)."""

    def start(self, total_bytes: int, files: int) -> None: ...

    def advance(self, done_bytes: int, sentences: int) -> None: ...

    def file_done(self) -> None: ...


class _Quiet:
    def start(self, total_bytes: int, files: int) -> None: ...

    def advance(self, done_bytes: int, sentences: int) -> None: ...

    def file_done(self) -> None: ...


def chunks(items: Iterable[str], size: int | None = None) -> Iterator[list[str]]:
    """Lists of `size` items (default CHUNK_PARAGRAPHS), the last one shorter."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size or CHUNK_PARAGRAPHS)):
        yield chunk


def text_paragraphs(job: FileJob, encoding: str = "utf-8") -> Iterator[str]:
    """A text file's paragraphs, streamed (as `vertaal translate FILE` would find them)."""
    from ..text.files import iter_lines
    from ..text.reflow import stream_paragraphs

    return stream_paragraphs(iter_lines(str(job.source), encoding))


def document_blocks(job: FileJob, warn: Callable[[str], None] | None = None) -> tuple[Any, list[str]]:
    """A document and the texts of its blocks as :func:`vertaal.documents.translate` sends them."""
    from .. import documents

    document = documents.open_document(job.source, None, warn=warn)
    return document, documents.block_texts(document)


def bilingual_blocks(job: FileJob, pair: tuple[str, str]) -> tuple[Any, list[str]]:
    """An XLIFF or PO file and the texts :func:`vertaal.cat.pretranslate` sends (empty segments)."""
    from .. import cat

    file = cat.open_bilingual(job.source)
    cat.file_pair(file, "-".join(pair), "--pair")
    return file, cat.texts_to_translate(file)


class Runner:
    """Translates a corpus's files with one Translator."""

    def __init__(
        self,
        translator: Any,
        encoding: str = "utf-8",
        progress: Progress | None = None,
        warn: Callable[[str], None] | None = None,
    ) -> None:
        self.translator = translator
        self.encoding = encoding
        self.progress = progress or _Quiet()
        self.warn = warn

    def run(self, jobs: list[FileJob]) -> Summary:
        summary = Summary()
        self.progress.start(sum(_size(j) for j in jobs), len(jobs))
        for job in jobs:
            if job.up_to_date():
                summary.outcomes.append(FileOutcome(job, "up to date"))
                self.progress.advance(_size(job), 0)
            else:
                summary.outcomes.append(self._one(job))
            self.progress.file_done()
        return summary

    def _one(self, job: FileJob) -> FileOutcome:
        """Translate one file; what goes wrong is recorded as that file's one-line error."""
        self._counted = 0
        try:
            job.output.parent.mkdir(parents=True, exist_ok=True)
            handler = {"text": self._text, "document": self._document, "bilingual": self._bilingual}
            outcome = handler[job.kind](job)
        except VertaalError as error:
            outcome = FileOutcome(job, "failed", error=str(error))
        except Exception as error:  # noqa: BLE001 - a reader library's own error on a broken file
            outcome = FileOutcome(job, "failed", error=f"{type(error).__name__}: {error}".splitlines()[0])
        self.progress.advance(max(0, _size(job) - self._counted), 0)
        return outcome

    def _tally(self, outcome: FileOutcome, result: Any) -> None:
        outcome.sentences += len(result.sentences)
        outcome.remembered += result.remembered
        outcome.terms_failed += len(result.failed_terms())

    def _text(self, job: FileJob) -> FileOutcome:
        from ..text.files import write_atomic

        outcome = FileOutcome(job, "translated")

        def write(handle: Any) -> None:
            first = True
            for chunk in chunks(text_paragraphs(job, self.encoding)):
                result = self.translator.translate_blocks(chunk)
                for paragraph in result.paragraphs():
                    handle.write(paragraph if first else "\n\n" + paragraph)
                    first = False
                self._tally(outcome, result)
                done = sum(len(p.encode("utf-8")) for p in chunk)
                self._counted += done
                self.progress.advance(done, len(result.sentences))
            if not first:
                handle.write("\n")

        write_atomic(job.output, write)
        return outcome

    def _document(self, job: FileJob) -> FileOutcome:
        from .. import documents

        document, _ = document_blocks(job, self.warn)
        target, fmt = documents.output_path(job.source, job.output, self.translator.pair[1])
        result, translated = documents.translate(self.translator, document)
        documents.write(document, translated, target, fmt, False, self.translator.pair[1])
        outcome = FileOutcome(job, "translated")
        self._tally(outcome, result)
        self.progress.advance(0, len(result.sentences))
        return outcome

    def _bilingual(self, job: FileJob) -> FileOutcome:
        from .. import cat

        file, _ = bilingual_blocks(job, self.translator.pair)
        report = cat.pretranslate(self.translator, file)
        file.save(job.output)
        outcome = FileOutcome(job, "translated")
        rows = [row for _, results in report.translated for row in results]
        outcome.sentences = len(rows)
        outcome.remembered = sum(r.memory for r in rows)
        outcome.terms_failed = sum(t.status == "failed" for r in rows for t in r.terms or [])
        self.progress.advance(0, len(rows))
        return outcome


def _size(job: FileJob) -> int:
    try:
        return job.source.stat().st_size
    except OSError:
        return 0
