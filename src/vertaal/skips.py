"""What an import left out and why: counted by reason, so a multilingual file never aborts for it.

Termbases and memories hold more languages than the pair being imported; a concept or unit that
lacks one of the pair's languages is skipped and counted (``3 skipped (no nl term)``). `--strict`
turns any skip into an error, and then nothing is imported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import VertaalError


@dataclass
class Skipped:
    """Skipped items by reason, with the first line each reason was seen on."""

    counts: dict[str, int] = field(default_factory=dict)
    first_line: dict[str, int] = field(default_factory=dict)
    merged: int = 0  # not skipped: rows that repeated an entry for another language, imported once

    def add(self, reason: str, line: int | None = None) -> None:
        self.counts[reason] = self.counts.get(reason, 0) + 1
        if line is not None:
            self.first_line.setdefault(reason, line)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        """'3 skipped (no nl term)', '5 skipped (3 no nl term, 2 no en term)', or ''."""
        if not self.counts:
            return ""
        if len(self.counts) == 1:
            return f"{self.total} skipped ({next(iter(self.counts))})"
        reasons = ", ".join(f"{n} {reason}" for reason, n in self.counts.items())
        return f"{self.total} skipped ({reasons})"

    def refuse(self, name: str, error: type[VertaalError]) -> None:
        """Under --strict: raise `error` naming what would be skipped (nothing is imported)."""
        if not self.counts:
            return
        line = self.first_line.get(next(iter(self.counts)))
        where = f"{name}:{line}" if line else name
        raise error(
            f"{where}: {self.summary()}; nothing imported (--strict); drop --strict to import the rest"
        )
