"""Commands that do not translate never import torch or transformers (nor pandas, which sqlite-utils
would load for nothing)."""

import subprocess
import sys

import pytest

CHECK = """
import sys
from typer.testing import CliRunner
from vertaal.cli import app
result = CliRunner().invoke(app, {args!r})
heavy = sorted(m for m in ("torch", "transformers", "pandas") if m in sys.modules)
print(result.exit_code, heavy)
"""


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["translate", "--help"],
        ["models", "list"],
        ["models", "info"],
        ["models", "--help"],
        ["glossary", "list"],
        ["check", "--help"],
        ["memory", "stats"],
        ["extract", "tests/data/documents/page.md", "--format", "jsonl"],
    ],
)
def test_no_heavy_imports(args):
    out = subprocess.run(
        [sys.executable, "-c", CHECK.format(args=args)], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip().endswith("[]"), out.stdout + out.stderr


def test_import_vertaal_is_light():
    code = "import sys, vertaal; print('torch' in sys.modules, 'transformers' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"


def test_import_creates_no_directories(tmp_path):
    code = "import vertaal, vertaal.cli, vertaal.config"
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "HOME": str(tmp_path), "PATH": ""}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    assert list(tmp_path.iterdir()) == []
