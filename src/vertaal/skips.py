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
    lines: dict[str, list[int]] = field(default_factory=dict)  # reasons whose every line is listed

    def add(self, reason: str, line: int | None = None, *, listed: bool = False) -> None:
        """Count one item skipped for `reason`; `listed`: name its line in the summary (for items
        a user should look at, such as a term defined twice, rather than a language left out)."""
        self.counts[reason] = self.counts.get(reason, 0) + 1
        if line is not None:
            self.first_line.setdefault(reason, line)
            if listed:
                self.lines.setdefault(reason, []).append(line)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        """'3 skipped (no nl term)', '5 skipped (3 no nl term, 2 no en term)', or ''."""
        if not self.counts:
            return ""
        if len(self.counts) == 1:
            reason = next(iter(self.counts))
            return f"{self.total} skipped ({reason}{self._where(reason)})"
        reasons = ", ".join(f"{n} {reason}{self._where(reason)}" for reason, n in self.counts.items())
        return f"{self.total} skipped ({reasons})"

    def _where(self, reason: str, most: int = 5) -> str:
        lines = self.lines.get(reason)
        if not lines:
            return ""
        shown = ", ".join(map(str, lines[:most]))
        if len(lines) > most:
            shown += f" and {len(lines) - most} more"
        return f": line{'s' * (len(lines) > 1)} {shown}"

    def refuse(self, name: str, error: type[VertaalError]) -> None:
        """Under --strict: raise `error` naming what would be skipped (nothing is imported)."""
        if not self.counts:
            return
        line = self.first_line.get(next(iter(self.counts)))
        where = f"{name}:{line}" if line else name
        raise error(
            f"{where}: {self.summary()}; nothing imported (--strict); drop --strict to import the rest"
        )
