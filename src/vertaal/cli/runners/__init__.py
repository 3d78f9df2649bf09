"""One runner per kind of input `vertaal translate` takes (see `vertaal.inputs`): text, a
document, a CAT file, a folder or glob. `dispatch` checks that the flags fit the kind, once."""

from __future__ import annotations

from importlib import import_module

from ...errors import UsageError
from ...inputs import Input, Kind
from ...options import TranslateOptions
from .common import Run

MODULES = {Kind.TEXT: "text", Kind.DOCUMENT: "document", Kind.BILINGUAL: "bilingual", Kind.CORPUS: "corpus"}


def refuse_misfits(given: Input, settings: Run) -> None:
    """Flags that do not fit the input's kind: one usage error, before any work starts."""
    kind = given.kind
    if kind is Kind.CORPUS:
        if given.text or settings.jsonl or settings.bilingual or settings.report or settings.overwrite:
            raise UsageError(
                "folders and globs take -i and -o OUTDIR only (no TEXT, --format jsonl, "
                "--bilingual, --report or --overwrite)"
            )
        return
    if settings.cluster:
        raise UsageError("--cluster is for folders and globs: vertaal translate -i DIR -o OUT --cluster auto")
    if kind is Kind.BILINGUAL and (settings.bilingual or settings.report):
        raise UsageError(
            f"{given.path} is bilingual already: pre-translate it, then run vertaal check on the result"
        )
    if kind is not Kind.BILINGUAL and settings.overwrite:
        raise UsageError("--overwrite is for XLIFF and PO files")
    if kind is Kind.TEXT and settings.bilingual:
        raise UsageError("--bilingual is for documents (.pdf, .docx, .odt, .html, .md)")


def dispatch(given: Input, options: TranslateOptions, settings: Run) -> None:
    """Hand the input to the runner of its kind."""
    refuse_misfits(given, settings)
    import_module(f"{__name__}.{MODULES[given.kind]}").run(given, options, settings)
