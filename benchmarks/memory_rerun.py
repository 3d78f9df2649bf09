"""Re-running an unchanged document: translation memory against the first run.

Translates the sample page with `vertaal translate` (the console script, a fresh process each
time, a fresh database) on the full-size random opus-mt-nl-en-shaped model, then again; the
second run should load no model and import no torch.

    python -m benchmarks.memory_rerun [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import SAMPLE, opus_shaped_model

CHECK = """
import sys
from vertaal.cli import main
sys.argv = ["vertaal", "translate", "-m", {model!r}, "-i", {sample!r}, "--beams", "4"]
try:
    main()
except SystemExit:
    pass
print("torch imported:", "torch" in sys.modules, file=sys.stderr)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    model = str(opus_shaped_model())
    vertaal = shutil.which("vertaal") or str(Path(sys.executable).with_name("vertaal"))
    with tempfile.TemporaryDirectory() as tmp:
        env = os.environ | {"VERTAAL_DB": str(Path(tmp) / "v.db")}
        command = [vertaal, "translate", "-m", model, "-i", str(SAMPLE), "--beams", "4"]
        times, outputs = [], []
        for _ in range(2):
            started = time.perf_counter()
            out = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
            times.append(time.perf_counter() - started)
            outputs.append(out.stdout)
        check = subprocess.run(
            [sys.executable, "-c", CHECK.format(model=model, sample=str(SAMPLE))],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
    result = {
        "first_run_s": round(times[0], 2),
        "second_run_s": round(times[1], 2),
        "speed_up": round(times[0] / times[1], 1),
        "identical_output": outputs[0] == outputs[1],
        "second_run_imports_torch": "torch imported: True" in check.stderr,
    }
    print(json.dumps(result) if args.json else "\n".join(f"{k:>26}: {v}" for k, v in result.items()))


if __name__ == "__main__":
    main()
