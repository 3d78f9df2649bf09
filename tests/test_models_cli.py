"""`vertaal models` and the model registry."""

import pytest
from typer.testing import CliRunner

from vertaal.cli import app
from vertaal.engine import registry
from vertaal.errors import ModelError, UsageError

runner = CliRunner()


def test_registry_lists_both_directions():
    specs = {s.direction: s for s in registry.registry()}
    assert specs["nl-en"].model_id == "Helsinki-NLP/opus-mt-nl-en"
    assert specs["en-nl"].model_id == "Helsinki-NLP/opus-mt-en-nl"


def test_registry_parses_revisions_and_comments():
    specs = registry.parse_registry("# header\n\nnl-en  org/model  abc123  # pinned\nen-nl org/other\n")
    assert specs[0] == registry.ModelSpec("nl-en", "org/model", "abc123", "pinned")
    assert specs[1].revision is None
    with pytest.raises(UsageError, match="models.txt:1"):
        registry.parse_registry("nl-en\n")


def test_resolve_prefers_option_then_environment(monkeypatch, tmp_path):
    assert registry.resolve("en-nl").model_id == "Helsinki-NLP/opus-mt-en-nl"
    monkeypatch.setenv("VERTAAL_MODEL", str(tmp_path))
    assert registry.resolve("nl-en").model_id == str(tmp_path)
    assert registry.resolve("nl-en", "org/x").model_id == "org/x"
    monkeypatch.setenv("VERTAAL_MODEL", str(tmp_path / "missing"))
    with pytest.raises(ModelError, match="no such model directory"):
        registry.resolve("nl-en")


def test_models_list_shows_registry_and_cache_state(tiny_model):
    result = runner.invoke(app, ["models", "list"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["direction", "model", "revision", "status", "size"]
    assert any("Helsinki-NLP/opus-mt-nl-en" in line and "not cached" in line for line in lines)


def test_models_info_of_a_local_directory(tiny_model):
    result = runner.invoke(app, ["models", "info", str(tiny_model)])
    assert result.exit_code == 0, result.output
    assert "status:    cached" in result.stdout
    assert "d_model:   16" in result.stdout


def test_models_pull_offline_is_one_line():
    result = runner.invoke(app, ["models", "pull", "nl-en"])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1].startswith("Error: model Helsinki-NLP/opus-mt-nl-en")


def test_models_pull_unknown_name_is_usage_error():
    result = runner.invoke(app, ["models", "pull", "klingon"])
    assert result.exit_code == 2
    assert "unknown model or direction" in result.stderr


def test_cached_hub_model_loads_offline(tiny_model, isolated_home):
    """A model in the HF cache layout loads by hub id with HF_HUB_OFFLINE=1."""
    import shutil

    snapshot = isolated_home / "hf" / "hub" / "models--test--tiny" / "snapshots" / ("a" * 40)
    shutil.copytree(tiny_model, snapshot)
    refs = snapshot.parents[1] / "refs"
    refs.mkdir()
    (refs / "main").write_text("a" * 40)
    result = runner.invoke(app, ["translate", "--model", "test/tiny", "--beams", "1", "Hallo."])
    assert result.exit_code == 0, result.output
    listing = runner.invoke(app, ["models", "info", "test/tiny"])
    assert "status:    cached" in listing.stdout
