"""An interrupted run (SIGTERM, SIGINT, SIGHUP) leaves no temporary file, keeps what it finished,
says how to go on in one line, and exits 128 + the signal's number (143, 130, 129)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

CODES = {signal.SIGTERM: 143, signal.SIGINT: 130, signal.SIGHUP: 129}


@pytest.mark.parametrize("signum", list(CODES), ids=lambda s: signal.Signals(s).name)
def test_an_interrupted_folder_run_leaves_nothing_behind(tiny_model, tmp_path, signum):
    source, target = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    sentence = "De dienst werkt samen met de politie en het team in Nederland. " * 8
    for n in range(60):
        (source / f"file{n:02}.txt").write_text((sentence + "\n\n") * 6, encoding="utf-8")
    env = {**os.environ, "VERTAAL_DB": str(tmp_path / "v.db"), "OMP_NUM_THREADS": "1"}
    command = [sys.executable, "-c", "from vertaal.cli import main; main()", "translate",
               "-m", str(tiny_model), "--no-glossary", "-i", str(source), "-o", str(target)]  # fmt: skip
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 240
    def finished() -> list[Path]:
        return [p for p in target.glob("*.txt") if not p.name.startswith(".")] if target.exists() else []

    while time.monotonic() < deadline and not finished():
        time.sleep(0.05)
    assert process.poll() is None, process.communicate()
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == CODES[signum], stderr
    assert "interrupted" in stderr and "run the same command again" in stderr
    assert "Traceback" not in stderr
    left = [p.name for p in target.iterdir() if p.name.startswith(".")]
    assert left == [], left  # no temporary file
    done = finished()
    assert 0 < len(done) < 60
    for output in done:  # every file there is whole
        assert output.read_text(encoding="utf-8").count("\n\n") >= 5, output
    assert Path(tmp_path / "v.db").stat().st_size > 0  # the memory is kept
