"""`vertaal glossary extract` and `vertaal glossary review`: candidate terms from the user's own
texts, and their review into the glossary."""

from __future__ import annotations

import os
import sys
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Optional

import typer

from .arguments import Conflict, Db, Encoding, GlossaryName, Model, Pair, open_database, parse_pair


class CandidateFormat(StrEnum):
    jsonl = "jsonl"
    tsv = "tsv"
    tbx = "tbx"


def extract(
    inputs: Annotated[
        list[str],
        typer.Argument(
            metavar="FILE|DIR|GLOB...",
            help="Text, documents, XLIFF, PO or TMX files, folders and globs of them.",
            show_default=False,
        ),
    ],
    output: Annotated[
        Optional[Path],
        typer.Option(
            "--output", "-o", metavar="FILE", show_default=False, help="Write here; default stdout."
        ),
    ] = None,
    output_format: Annotated[
        Optional[CandidateFormat],
        typer.Option(
            "--format",
            "-f",
            show_default=False,
            help="jsonl (default), tsv (glossary import) or tbx (proposed).",
        ),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, help="How many candidates, best first.")
    ] = 200,
    memory: Annotated[
        bool, typer.Option("--memory", help="Also propose targets from the translation memory.")
    ] = False,
    translation: Annotated[
        Optional[str],
        typer.Option(
            "--translation",
            metavar="FILE",
            show_default=False,
            help="The translation of the one FILE given, aligned block by block: targets from the pair.",
        ),
    ] = None,
    model_targets: Annotated[
        bool,
        typer.Option(
            "--model-targets", help="Candidates without a target from your translations get the model's."
        ),
    ] = False,
    model: Model = None,
    no_glossary: Annotated[
        bool, typer.Option("--no-glossary", help="Also propose terms the glossary holds already.")
    ] = False,
    encoding: Encoding = "utf-8",
    glossary: GlossaryName = "default",
    pair: Pair = "nl-en",
    db: Db = None,
) -> None:
    """Propose glossary terms from your own texts in the pair's source language (Dutch: nl-en, English:
    en-nl), ranked by termhood, each with its variants, its
    abbreviation and, from your translations (TMX, translated XLIFF or PO, --memory, --translation),
    proposed targets with evidence and examples. Terms the glossary holds are left out."""
    from ..extraction.candidates import write
    from ..extraction.extract import extract as run
    from ..text.files import write_atomic

    src_tgt = parse_pair(pair)
    fmt = (output_format or _format_of(output)).value
    translator = None
    if model_targets and model:
        from ..api import Translator

        translator = Translator(direction=pair, model=model, glossary=None, db=str(db) if db else None)
    with _ProgressBar() as progress:
        result = run(
            inputs,
            pair=src_tgt,
            glossary=None if no_glossary else glossary,
            db=db,
            memory=memory,
            translation=translation,
            model_targets=model_targets,
            translator=translator,
            limit=limit,
            encoding=encoding,
            progress=progress,
        )
    text = write(result.candidates, fmt, src_tgt)
    write_atomic(str(output) if output else "-", text)
    source = f" targets from {_count(result.pairs, 'segment pair')};" if result.pairs else ""
    typer.echo(
        f"{_count(len(result.candidates), 'candidate')} from {_count(len(result.files), 'file')} "
        f"({result.bytes:,} bytes, "
        f"{_count(result.sentences, 'sentence')});{source} review them with: vertaal glossary review FILE",
        err=True,
    )


def _format_of(output: Path | None) -> CandidateFormat:
    suffix = output.suffix.lower().lstrip(".") if output else ""
    return CandidateFormat(suffix) if suffix in CandidateFormat.__members__ else CandidateFormat.jsonl


class _ProgressBar:
    """A progress bar over the input bytes on stderr (a terminal only: pipes and logs stay clean)."""

    def __enter__(self) -> _ProgressBar:
        self._bar = None
        if sys.stderr.isatty():
            from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

            columns = (BarColumn(), DownloadColumn(), TimeRemainingColumn())
            self._bar = Progress("[progress.description]{task.description}", *columns, transient=True)
            self._bar.start()
        return self

    def start(self, total_bytes: int, files: int) -> None:
        if self._bar is not None:
            self._task = self._bar.add_task(f"reading {files} files", total=total_bytes)

    def advance(self, file_bytes: int) -> None:
        if self._bar is not None:
            self._bar.advance(self._task, file_bytes)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()


def review(
    candidates: Annotated[
        str, typer.Argument(metavar="CANDIDATES", help="What 'glossary extract' wrote (JSONL, TSV or TBX).")
    ],
    editor: Annotated[
        bool,
        typer.Option("--editor", help="Review them all at once as TSV in $EDITOR instead of one by one."),
    ] = False,
    on_conflict: Annotated[
        Conflict,
        typer.Option(
            "--on-conflict", help="An accepted term the glossary defines otherwise: skip, replace, fail."
        ),
    ] = Conflict.skip,
    glossary: GlossaryName = "default",
    pair: Pair = "nl-en",
    db: Db = None,
) -> None:
    """Accept, edit or reject each candidate, one by one (a: accept the proposed target, 1-3: take
    that proposal, e: type a target, k: keep untranslated, r: reject, q or Ctrl-C: stop and import),
    or all at once in $EDITOR. The accepted ones are imported as one import, restorable from the history."""
    from ..errors import GlossaryError, UsageError
    from ..extraction.language_rules import language
    from ..extraction.review import import_reviewed, read_candidates
    from ..glossary.store import GlossaryStore, check_name

    src_tgt = parse_pair(pair)
    language(src_tgt[0])  # what extract proposes: Dutch or English sources
    check_name(glossary)  # before the questions, so no answer is lost to a bad name or database
    store = GlossaryStore(open_database(db, write=True))
    found = read_candidates(candidates, src_tgt, lambda line: typer.echo(line, err=True))
    if not found:
        raise UsageError(f"{candidates}: no candidates to review")
    entries = _in_editor(found, src_tgt) if editor else _one_by_one(found, src_tgt)
    if not entries:
        typer.echo("nothing accepted; the glossary is unchanged", err=True)
        return
    report = import_reviewed(store, glossary, entries, on_conflict.value)
    if report.conflicts and on_conflict is Conflict.fail:
        listed = ", ".join(repr(new.source) for _, new in report.conflicts[:5])
        raise GlossaryError(f"{len(report.conflicts)} accepted terms conflict with glossary {glossary!r} "
                            f"({listed}); nothing imported; use --on-conflict skip or replace")  # fmt: skip
    kept = f", {report.skipped} kept as they were" if report.skipped else ""
    typer.echo(
        f"glossary {glossary!r}: {report.added} added, {report.replaced} replaced{kept}, "
        f"{report.unchanged} unchanged (undo: vertaal glossary history, then restore --group G)",
        err=True,
    )


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def _one_by_one(found, pair: tuple[str, str]) -> list:
    """The accepted entries, asked one by one; Ctrl-C or Ctrl-D stops as q does."""
    entries: list = []
    try:
        _ask(found, pair, entries)
    except (KeyboardInterrupt, typer.Abort):  # Ctrl-C, Ctrl-D: stop here, as q does
        typer.echo(f"\nstopped; the {len(entries)} accepted so far are imported", err=True)
    return entries


def _ask(found, pair: tuple[str, str], entries: list) -> None:
    """Ask about each candidate in turn; `entries` holds the accepted, answer by answer."""
    from ..extraction.review import entry_for

    for number, candidate in enumerate(found, start=1):
        _show(number, len(found), candidate)
        while True:
            answer = typer.prompt("[a]ccept, 1-3, [e]dit, [k]eep, [r]eject, [q]uit", default="a" if
                                  candidate.target else "r").strip().lower()  # fmt: skip
            if answer in ("a", "1", "2", "3") and candidate.targets:
                index = 0 if answer == "a" else int(answer) - 1
                if index < len(candidate.targets):
                    entries.append(entry_for(candidate, candidate.targets[index].text, pair))
                    break
            elif answer == "e":
                target = typer.prompt("target", default=candidate.target or "").strip()
                if target:
                    entries.append(entry_for(candidate, target, pair))
                    break
            elif answer == "k":
                entries.append(entry_for(candidate, candidate.source, pair))
                break
            elif answer == "r":
                break
            elif answer == "q":
                return
            typer.echo("answer a, 1, 2, 3 (a proposed target), e, k, r or q", err=True)


def _show(number: int, total: int, candidate) -> None:
    lines = [
        f"\n[{number}/{total}] {candidate.source}  (score {candidate.score:.2f}, {candidate.frequency}x)"
    ]
    if candidate.abbreviation or candidate.expansion:
        lines.append(f"  abbreviation: {candidate.abbreviation}" if candidate.abbreviation
                     else f"  stands for: {candidate.expansion}")  # fmt: skip
    for index, proposal in enumerate(candidate.targets, start=1):
        lines.append(f"  {index}. {proposal.text}  ({proposal.origin}: {proposal.evidence})")
    for example in candidate.examples[:3]:
        lines.append(f"  > {example.source[:160]}")
        if example.target:
            lines.append(f"  < {example.target[:160]}")
    typer.echo("\n".join(lines), err=True)


def _in_editor(found, pair: tuple[str, str]) -> list:
    from ..errors import GlossaryError
    from ..extraction.review import editor_text, read_editor_text
    from .arguments import run_editor

    fd, path = tempfile.mkstemp(prefix="vertaal-candidates-", suffix=".tsv")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(editor_text(found))
    kept = f"nothing imported (your review is in {path})"
    text = run_editor(path, kept)
    try:
        entries = read_editor_text(path, text, found, pair)
    except GlossaryError as exc:
        raise GlossaryError(f"{exc}; {kept}") from exc
    Path(path).unlink()
    return entries
