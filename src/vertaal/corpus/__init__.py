"""Corpora: whole folders and globs translated into a mirrored output tree, resumably.

:func:`plan` expands the inputs (folders, globs, files) into :class:`FileJob` rows, each with the
output path that mirrors its place under its input root; :mod:`vertaal.corpus.local` runs them on
this machine, :mod:`vertaal.corpus.cluster` on a Ray cluster. A re-run skips files whose output
is newer than their input, and a file cut off half-way takes its finished sentences from the
translation memory, which is written after every chunk of sentences.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageError

TEXT_SUFFIXES = {".txt", ".text"}
MAGIC = set("*?[")


def supported(path: Path) -> bool:
    """Whether vertaal translates this kind of file (text, document, XLIFF or PO)."""
    from ..cat import SUFFIXES as BILINGUAL
    from ..documents import SUFFIXES as DOCUMENTS

    suffix = path.suffix.lower()
    return suffix in TEXT_SUFFIXES or suffix in DOCUMENTS or suffix in BILINGUAL


def is_corpus_input(given: str) -> bool:
    """A folder or a glob pattern (rather than one file)."""
    return Path(given).is_dir() or (bool(MAGIC & set(given)) and not Path(given).exists())


@dataclass
class FileJob:
    """One file of a corpus and where its translation goes."""

    source: Path
    relative: Path
    output: Path

    @property
    def kind(self) -> str:
        """'text', 'document' or 'bilingual'."""
        from ..cat import format_of as bilingual
        from ..documents import format_of as document

        return "bilingual" if bilingual(self.source) else "document" if document(self.source) else "text"

    def up_to_date(self) -> bool:
        """The output exists and is newer than the input (make's rule)."""
        try:
            return self.output.stat().st_mtime_ns >= self.source.stat().st_mtime_ns
        except OSError:
            return False


@dataclass
class FileOutcome:
    """What became of one file."""

    job: FileJob
    status: str  # translated, up to date, failed
    sentences: int = 0
    remembered: int = 0
    terms_failed: int = 0
    error: str = ""


@dataclass
class Summary:
    """The end-of-run report: files, sentences, memory hits, failed terms, errors by file."""

    outcomes: list[FileOutcome] = field(default_factory=list)
    found_first: int | None = None  # on a cluster: sentences the memory held before the run

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    def lines(self) -> list[str]:
        sentences = sum(o.sentences for o in self.outcomes)
        remembered = self.found_first
        if remembered is None:
            remembered = sum(o.remembered for o in self.outcomes)
        terms = sum(o.terms_failed for o in self.outcomes)
        head = (
            f"{len(self.outcomes)} files: {self.count('translated')} translated, "
            f"{self.count('up to date')} up to date, {self.count('failed')} failed; "
            f"{sentences:,} sentences ({remembered:,} from memory), {terms} glossary terms failed"
        )
        return [head] + [f"failed: {o.job.source}: {o.error}" for o in self.failed]


def output_name(relative: Path) -> Path:
    """A translated file keeps its name; a PDF becomes a DOCX."""
    return relative.with_suffix(".docx") if relative.suffix.lower() == ".pdf" else relative


def plan(inputs: list[str], output_dir: Path, notes: list[str] | None = None) -> list[FileJob]:
    """Every supported file under the inputs, each with its mirrored output path; one line for
    inputs that match nothing or two files that would write one output. `notes` receives a line
    per linked folder not followed because it leads back to a folder already visited."""
    out_root = output_dir.resolve()
    jobs: dict[Path, FileJob] = {}
    for given in inputs:
        found = list(_expand(given, out_root, notes))
        if not found:
            raise UsageError(f"{given}: no files vertaal translates (text, documents, XLIFF, PO) match")
        for source, relative in found:
            output = output_dir / output_name(relative)
            if output.resolve() == source.resolve():
                raise UsageError(f"{source}: the output would overwrite it; choose another -o folder")
            other = jobs.get(output)
            if other is not None and other.source.resolve() != source.resolve():
                raise UsageError(f"{other.source} and {source} would both be written to {output}")
            jobs[output] = FileJob(source, relative, output)
    return sorted(jobs.values(), key=lambda j: str(j.relative))


def files(given: str, accept: Callable[[Path], bool] = supported) -> list[Path]:
    """The files under a folder or glob (or the file) that `accept` takes, hidden ones left out."""
    return [candidate for candidate, _ in _expand(given, None, None, accept)]


def _expand(
    given: str,
    out_root: Path | None,
    notes: list[str] | None = None,
    accept: Callable[[Path], bool] = supported,
):
    """(file, path relative to its root) for a folder, a glob or a file."""
    path = Path(given)
    if path.is_dir():
        root, candidates = path, _walk(path, None, notes)
    elif MAGIC & set(given) and not path.exists():
        root = _glob_root(given)
        skip = 0 if root == Path(".") else len(root.parts)
        candidates = _walk(root, Path(given).parts[skip:], notes)
    else:
        root, candidates = path.parent, iter([path])
    for candidate in candidates:
        relative = candidate.relative_to(root) if candidate.is_relative_to(root) else Path(candidate.name)
        hidden = any(part.startswith(".") for part in relative.parts)
        inside_output = out_root is not None and candidate.resolve().is_relative_to(out_root)
        if candidate.is_file() and accept(candidate) and not hidden and not inside_output:
            yield candidate, relative


def _walk(root: Path, pattern: tuple[str, ...] | None, notes: list[str] | None = None) -> Iterator[Path]:
    """The files under `root` (matching `pattern`, a glob's parts after the root, where ``**`` is
    any number of folders), each real folder visited once: a linked folder is followed unless it
    leads back to one already visited, so a link loop (``B/self -> ../B``) ends."""
    seen: set[str] = set()
    for folder, folders, files in os.walk(root, followlinks=True):
        real = os.path.realpath(folder)
        if real in seen:
            folders[:] = []
            if notes is not None:
                notes.append(f"{folder}: a link to {real}, visited already; not followed again")
            continue
        seen.add(real)
        folders.sort()
        for name in sorted(files):
            candidate = Path(folder) / name
            if pattern is None or _matches(candidate.relative_to(root).parts, pattern):
                yield candidate


def _matches(parts: tuple[str, ...], pattern: tuple[str, ...]) -> bool:
    """Whether path parts match glob parts (``**``: zero or more parts; others: fnmatch)."""
    if not pattern:
        return not parts
    if pattern[0] == "**":
        return any(_matches(parts[i:], pattern[1:]) for i in range(len(parts) + 1))
    return bool(parts) and fnmatch.fnmatchcase(parts[0], pattern[0]) and _matches(parts[1:], pattern[1:])


def _glob_root(pattern: str) -> Path:
    """The folder a glob starts from: its leading parts without wildcards."""
    parts = Path(pattern).parts
    fixed = []
    for part in parts[:-1]:
        if MAGIC & set(part):
            break
        fixed.append(part)
    return Path(*fixed) if fixed else Path(".")
