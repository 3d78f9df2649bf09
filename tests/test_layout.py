"""The layout holds: no import cycles, private API behind one fence, environment read in config."""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "vertaal"
PRIVATE = re.compile(r"\._prefill\b|\._update_model_kwargs_for_generation\b|\._pad_token_tensor\b"
                     r"|\._eos_token_tensor\b|\.spm_target\b|\.self_attention_cache\b|\._prepare_special_tokens\b"
                     r"|\._layout\b")
FENCES = ("internals.py", "pdfplumber_fence.py")  # transformers', pdfplumber's


def modules() -> dict[str, Path]:
    found = {}
    for file in SRC.rglob("*.py"):
        parts = file.relative_to(SRC.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = file
    return found


def imports(name: str, file: Path, known: dict[str, Path]) -> set[str]:
    """Every vertaal module `name` imports, at module level or inside functions."""
    package = name if file.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        found |= {t for t in targets if t in known and t != name}
    return found


def test_no_import_cycles():
    known = modules()
    graph = {name: imports(name, file, known) for name, file in known.items()}
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in graph[node]:
            assert state.get(nxt) != 1, " -> ".join([*path, nxt])
            if nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for name in graph:
        if name not in state:
            visit(name, [name])


def test_no_top_level_module_shares_a_name_with_a_package_module():
    top = {f.stem for f in SRC.glob("*.py")} - {"__init__"}
    nested = {f.stem for f in SRC.glob("*/*.py")}
    assert not top & nested


def test_private_api_only_behind_the_fence():
    offenders = [
        str(f.relative_to(SRC))
        for f in SRC.rglob("*.py")
        if f.name not in FENCES and PRIVATE.search(f.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_environment_read_in_config_only():
    offenders = [
        str(f.relative_to(SRC))
        for f in SRC.rglob("*.py")
        if f.name != "config.py" and re.search(r"os\.environ|getenv", f.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_every_declared_dependency_is_imported():
    import tomllib

    project = tomllib.loads((SRC.parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    declared = project["project"]["dependencies"]
    imported_as = {  # distribution: module
        "markdown_it_py": "markdown_it", "translate_toolkit": "translate",
        "python_docx": "docx", "odfpy": "odf",
    }  # fmt: skip
    names = {re.split(r"[<>=\[ ]", d)[0].lower().replace("-", "_") for d in declared}
    names = {imported_as.get(n, n) for n in names}
    source = "\n".join(f.read_text(encoding="utf-8") for f in SRC.rglob("*.py"))
    unused = [n for n in names if not re.search(rf"^\s*(from|import) {n}\b", source, re.M)]
    assert unused == []  # sacremoses: MarianTokenizer's normaliser, made by engine.internals on first use


def test_public_types_are_exported():
    import vertaal

    for name in ("Translator", "SentenceResult", "DocumentResult", "TermStatus", "Entry", "Matcher", "Hit"):
        assert name in vertaal.__all__ and getattr(vertaal, name).__name__ == name
