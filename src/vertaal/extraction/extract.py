"""Term extraction in phases: read, count, rank, propose targets."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..glossary import DEFAULT_GLOSSARY
from .candidates import Candidate, Example
from .language_rules import LANGUAGES, Language, language
from .sources import Segment, input_files, memory_segments, segments, total_bytes
from .targets import propose_from_model, propose_from_segments
from .termhood import MAX_EXAMPLE_CHARS, Tally, rank

DEFAULT_LIMIT = 200
SOURCE_LANGUAGES = tuple(LANGUAGES)


class Progress(Protocol):
    def start(self, total_bytes: int, files: int) -> None: ...

    def advance(self, file_bytes: int) -> None: ...


@dataclass
class Extraction:
    """What an extraction found, and what it read."""

    candidates: list[Candidate]
    files: list[Path] = field(default_factory=list)
    bytes: int = 0
    sentences: int = 0
    pairs: int = 0  # segment pairs the targets were proposed from


def extract(
    inputs: list[str],
    *,
    pair: tuple[str, str] = ("nl", "en"),
    glossary: str | None = DEFAULT_GLOSSARY,
    db: str | os.PathLike[str] | None = None,
    memory: bool = False,
    translation: str | None = None,
    model_targets: bool = False,
    translator: Any = None,
    limit: int | None = DEFAULT_LIMIT,
    encoding: str = "utf-8",
    progress: Progress | None = None,
) -> Extraction:
    """Candidate terms in `inputs`, best first, leaving out what `glossary` holds.

    Targets come from the inputs' own segment pairs (TMX, translated XLIFF or PO, `translation`
    aligned with the one input) and, with `memory`, from the translation memory; with
    `model_targets`, the model proposes one for the candidates still without (`translator`, or
    one made for `pair` with the glossary off).
    """
    lang = language(pair[0])
    files = input_files(inputs)
    size = total_bytes(files)
    if progress is not None:
        progress.start(size, len(files))

    on_file = progress.advance if progress is not None else None
    read = segments(files, pair, encoding=encoding, translation=translation, on_file=on_file)
    tally, sentences, bilingual = _count(read, lang)
    exclude = _excluder(glossary, db, pair)
    candidates = rank(tally, exclude=exclude, limit=limit)
    result = Extraction(candidates, files, size, sentences)
    if bilingual or memory:

        def pairs() -> Iterator[Segment]:
            own = segments(files, pair, encoding=encoding, translation=translation) if bilingual else iter(())
            return itertools.chain(own, memory_segments(db, pair) if memory else ())

        result.pairs = propose_from_segments(candidates, pair, pairs)
    if model_targets:
        propose_from_model(candidates, translator or _translator(pair, db))
    return result


def _count(stream: Iterator[Segment], lang: Language) -> tuple[Tally, int, bool]:
    """Phase 2: every sentence's candidates counted; whether any segment had a target."""
    from ..text.sentences import sentences

    tally = Tally(lang)
    count, bilingual = 0, False
    for segment in stream:
        example = None
        if segment.target:
            bilingual = True
            example = Example(segment.source[:MAX_EXAMPLE_CHARS], segment.target[:MAX_EXAMPLE_CHARS])
        for sentence in sentences(segment.source, lang.code):
            tally.add(sentence, example)
            count += 1
    return tally, count, bilingual


def _excluder(glossary: str | None, db: Any, pair: tuple[str, str]):
    """A test for what the glossary holds already, in any inflected form (None: no glossary)."""
    from ..glossary.matchers import load_matcher

    matcher = load_matcher(glossary, db, pair) if glossary else None
    if matcher is None:
        return None

    def held(surface: str) -> bool:
        return any(h.start == 0 and h.end == len(surface) for h in matcher.find(surface))

    return held


def _translator(pair: tuple[str, str], db: Any) -> Any:
    from ..api import Translator

    return Translator(direction="-".join(pair), glossary=None, db=db)
