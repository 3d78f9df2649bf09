"""What a repair costs on this machine, measured: the torch model's load time and a constrained
sentence's decode time against a CTranslate2 one. Placement (`engine.placement.worth_placing`)
weighs these against placing a term; they are written beside the converted models after every
run that loads torch or repairs, so the next run decides from this machine's own figures.
Until a machine has measured them, the starting estimates below stand in."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from ..config import costs_file

START_LOAD_SECONDS = 3.0  # torch, transformers and an opus-mt-sized model, before any measurement
START_REPAIR_RATIO = 3.0  # a constrained int8 torch sentence against a CTranslate2 one, likewise
WEIGHT = 0.5  # how much a new measurement moves the kept figure


@dataclass
class Costs:
    """The kept figures for one model, and whether they were measured here (not the estimates)."""

    load_seconds: float = START_LOAD_SECONDS
    repair_ratio: float = START_REPAIR_RATIO
    measured: bool = False

    @staticmethod
    def path() -> Path:
        return costs_file()

    @classmethod
    def load(cls, model: str) -> Costs:
        """The figures kept for `model`; the estimates when none are (or the file is unreadable)."""
        try:
            kept = json.loads(cls.path().read_text(encoding="utf-8")).get(model, {})
            return cls(float(kept["load_seconds"]), float(kept["repair_ratio"]), True)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return cls()

    def record(
        self, model: str, *, load_seconds: float | None = None, repair_ratio: float | None = None
    ) -> None:
        """Fold a new measurement in and keep it (atomically; a read-only cache keeps nothing)."""
        if load_seconds is not None:
            self.load_seconds = _fold(self.load_seconds, load_seconds, self.measured)
        if repair_ratio is not None:
            self.repair_ratio = _fold(self.repair_ratio, repair_ratio, self.measured)
        self.measured = True
        path = self.path()
        try:
            kept = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
            kept[model] = {k: v for k, v in asdict(self).items() if k != "measured"}
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f".{path.name}.{os.getpid()}")
            partial.write_text(json.dumps(kept, indent=1), encoding="utf-8")
            partial.replace(path)
        except (OSError, ValueError, AttributeError):
            return


def _fold(kept: float, new: float, measured: bool) -> float:
    return WEIGHT * new + (1 - WEIGHT) * kept if measured else new
