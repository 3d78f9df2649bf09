"""Corpora: folders and globs into a mirrored tree, resumable, one bad file reported; the same job
on a local Ray cluster gives the same bytes, and survives a translation actor killed mid-run."""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests import factory
from vertaal.api import Translator
from vertaal.cli import app
from vertaal.corpus import local, plan

runner = CliRunner()
SAMPLE = Path(__file__).parent / "data" / "sample-page.txt"
CAT = Path(__file__).parent / "data" / "cat"
WORDS = [w.strip(".") for pair in factory.corpus_pairs() for w in pair[0].split()]


def sentences(count: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    lines = (" ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 9))) + "." for _ in range(count))
    return "\n\n".join(lines)


@pytest.fixture
def tree(tmp_path) -> Path:
    """A corpus: text files in sub-folders, a Markdown document, a PO file, a hidden file, a file
    vertaal does not read, and a broken one."""
    root = tmp_path / "archief"
    (root / "1998" / "brieven").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "jaarverslag.txt").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    (root / "1998" / "brieven" / "brief.txt").write_text(sentences(12), encoding="utf-8")
    (root / "1998" / "nota.md").write_text("# Nota\n\nDe AIVD werkt samen met de MIVD.\n", encoding="utf-8")
    po = (CAT / "omegat" / "file-POFilter-multiple2.po").read_text(encoding="utf-8")
    english = po.replace('"Language: uk\\n"', '"Language: en\\n"')
    (root / "1998" / "app.po").write_text(english, encoding="utf-8")
    (root / ".git" / "HEAD.txt").write_text("ref", encoding="utf-8")
    (root / "scan.tiff").write_bytes(b"II*\x00")
    return root


def run(model: Path, *args: object, code: int = 0):
    result = runner.invoke(app, ["translate", "-m", str(model), *map(str, args)])
    assert result.exit_code == code, result.output
    return result


def test_folder_mirrored_files_identical_to_one_by_one(tiny_model, tree, tmp_path, db):
    out = tmp_path / "out"
    result = run(tiny_model, "-i", tree, "-o", out)
    written = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert written == ["1998/app.po", "1998/brieven/brief.txt", "1998/nota.md", "jaarverslag.txt"]
    assert "4 files: 4 translated, 0 up to date, 0 failed" in result.stderr
    single = tmp_path / "single.txt"
    run(tiny_model, "-i", tree / "jaarverslag.txt", "-o", single, "--no-memory")
    assert (out / "jaarverslag.txt").read_bytes() == single.read_bytes()
    single_md = tmp_path / "single.md"
    run(tiny_model, tree / "1998" / "nota.md", "-o", single_md, "--no-memory")
    assert (out / "1998" / "nota.md").read_bytes() == single_md.read_bytes()


def test_rerun_skips_up_to_date_files_and_redoes_changed_ones(tiny_model, tree, tmp_path, db):
    out = tmp_path / "out"
    run(tiny_model, "-i", tree, "-o", out)
    again = run(tiny_model, "-i", tree, "-o", out)
    assert "0 translated, 4 up to date" in again.stderr
    changed = tree / "1998" / "brieven" / "brief.txt"
    changed.write_text(sentences(12) + "\n\nDe dienst.", encoding="utf-8")
    later = time.time() + 5
    os.utime(changed, (later, later))
    third = run(tiny_model, "-i", tree, "-o", out)
    assert "1 translated, 3 up to date" in third.stderr
    assert "(12 from memory)" in third.stderr  # the sentences it had before


def test_interrupted_file_resumes_from_the_memory(tiny_model, tmp_path, db, monkeypatch):
    """A run cut off after two chunks: the re-run takes those chunks from the memory, and the
    output is what an uninterrupted run writes."""
    monkeypatch.setattr(local, "CHUNK_PARAGRAPHS", 5)
    source = tmp_path / "in"
    source.mkdir()
    (source / "big.txt").write_text(sentences(30, seed=3), encoding="utf-8")
    jobs = plan([str(source)], tmp_path / "out")
    (tmp_path / "out").mkdir()
    translator = Translator(model=str(tiny_model), glossary=None, memory=True)
    calls = 0
    real = translator.translate_blocks

    def dies_on_the_third(blocks, *args):
        nonlocal calls
        calls += 1
        if calls == 3:
            raise KeyboardInterrupt
        return real(blocks, *args)

    monkeypatch.setattr(translator, "translate_blocks", dies_on_the_third)
    with pytest.raises(KeyboardInterrupt):
        local.Runner(translator).run(jobs)
    assert not jobs[0].output.exists()  # never half a file
    resumed = local.Runner(Translator(model=str(tiny_model), glossary=None, memory=True)).run(jobs)
    assert resumed.outcomes[0].remembered >= 10  # the two chunks done before
    reference = tmp_path / "reference.txt"
    run(tiny_model, "-i", source / "big.txt", "-o", reference, "--no-memory")
    assert jobs[0].output.read_bytes() == reference.read_bytes()


def test_one_bad_file_does_not_stop_the_others(tiny_model, tree, tmp_path, db):
    (tree / "kapot.txt").write_bytes(b"\xff\xfe\x00\x00\xff\xff\xff\xff")
    (tree / "kapot.docx").write_bytes(b"not a zip")
    out = tmp_path / "out"
    result = run(tiny_model, "-i", tree, "-o", out, code=1)
    assert "6 files: 4 translated, 0 up to date, 2 failed" in result.stderr
    for name in ("kapot.txt", "kapot.docx"):
        assert f"failed: {tree / name}" in result.stderr
    assert "Traceback" not in result.output
    assert (out / "jaarverslag.txt").exists() and not (out / "kapot.txt").exists()


def test_globs_mirror_from_where_the_pattern_starts(tiny_model, tree, tmp_path, db):
    out = tmp_path / "out"
    run(tiny_model, "-i", f"{tree}/**/*.txt", "-o", out)
    written = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert written == ["1998/brieven/brief.txt", "jaarverslag.txt"]


def test_one_progress_bar_shows_files_rate_and_time_left(tiny_model, tree, tmp_path, db):
    import io

    from rich.console import Console

    from vertaal.cli.runners.corpus import CorpusProgress

    console = Console(file=io.StringIO(), force_terminal=True, width=100)
    progress = CorpusProgress(console)
    translator = Translator(model=str(tiny_model), glossary=None, memory=True)
    with progress:
        summary = local.Runner(translator, progress=progress).run(plan([str(tree)], tmp_path / "out"))
    assert progress.done == progress.files == 4 and progress.sentences > 20
    assert progress._bar.tasks[0].completed == progress._bar.tasks[0].total  # every byte counted
    assert "4/4 files" in progress._describe() and "sentences/s" in progress._describe()
    assert summary.count("translated") == 4


def test_corpus_usage_errors(tiny_model, tree, tmp_path):
    assert "-o OUTDIR" in run(tiny_model, "-i", tree, code=2).stderr
    nothing = run(tiny_model, "-i", f"{tmp_path}/*.nothing", "-o", tmp_path / "o", code=2)
    assert "no files vertaal translates" in nothing.stderr
    other = tmp_path / "other"
    other.mkdir()
    (other / "jaarverslag.txt").write_text("Een zin.", encoding="utf-8")
    clash = run(tiny_model, "-i", tree, "-i", other, "-o", tmp_path / "o", code=2)
    assert "would both be written to" in clash.stderr
    assert "--cluster is for folders" in run(tiny_model, "een zin", "--cluster", "auto", code=2).stderr


def test_output_inside_the_input_is_not_read_again(tiny_model, tree, db):
    run(tiny_model, "-i", tree, "-o", tree / "en")
    again = run(tiny_model, "-i", tree, "-o", tree / "en")
    assert "4 files: 0 translated, 4 up to date" in again.stderr


# --- Ray -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ray_local():
    ray = pytest.importorskip("ray")
    pytest.importorskip("ray.data")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


def cluster_run(model: Path, inputs: Path, out: Path, db_path: Path, memory: bool = True, **settings):
    from vertaal.corpus import cluster

    out.mkdir(parents=True, exist_ok=True)
    translator = Translator(model=str(model), glossary="default", db=db_path, memory=memory)
    jobs = plan([str(inputs)], out)
    return cluster.run(translator, jobs, cluster.ClusterSettings(**settings))


def test_cluster_output_is_byte_identical_to_one_machine(ray_local, tiny_model, tree, tmp_path, db):
    starter = Path(__file__).resolve().parents[1] / "glossary" / "nl-en-government.tsv"
    assert runner.invoke(app, ["glossary", "import", str(starter)]).exit_code == 0
    run(tiny_model, "-i", tree, "-o", tmp_path / "local")
    cluster_db = tmp_path / "cluster.db"
    assert runner.invoke(app, ["glossary", "import", str(starter), "--db", str(cluster_db)]).exit_code == 0
    summary, report = cluster_run(tiny_model, tree, tmp_path / "ray", cluster_db, workers=2, batch_size=8)
    assert report.translated > 0 and summary.count("translated") == 4
    for path in (tmp_path / "local").rglob("*"):
        if path.is_file():
            twin = tmp_path / "ray" / path.relative_to(tmp_path / "local")
            assert twin.read_bytes() == path.read_bytes(), path.name
    again, second = cluster_run(tiny_model, tree, tmp_path / "ray2", cluster_db, workers=2)
    assert second.translated == 0 and second.remembered > 0  # the memory behaves as on one machine


def test_a_killed_translation_actor_loses_nothing(ray_local, tiny_model, tmp_path, db):
    source = tmp_path / "in"
    source.mkdir()
    (source / "a.txt").write_text(sentences(160, seed=7), encoding="utf-8")
    run(tiny_model, "-i", source, "-o", tmp_path / "local", "--no-glossary", "--no-memory")
    killed: list[int] = []
    done = threading.Event()

    def kill_one_actor() -> None:
        while not done.is_set():
            for pid in filter(str.isdigit, os.listdir("/proc")):
                try:
                    title = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
                except OSError:
                    continue
                if "TranslateActor" in title and "__init__" not in title:
                    time.sleep(0.5)  # let it take a batch
                    if not done.is_set():
                        os.kill(int(pid), signal.SIGKILL)
                        killed.append(int(pid))
                    return
            time.sleep(0.05)

    killer = threading.Thread(target=kill_one_actor, daemon=True)
    killer.start()
    # --no-memory: the translations pass through a temporary memory (issue 31), none is left behind
    summary, _ = cluster_run(
        tiny_model, source, tmp_path / "ray", tmp_path / "c.db", memory=False, workers=2, batch_size=2
    )
    assert not (tmp_path / "c.db").exists()
    done.set()
    killer.join(5)
    assert killed, "no actor was killed while the job ran"
    assert summary.count("translated") == 1 and not summary.failed
    assert (tmp_path / "ray" / "a.txt").read_bytes() == (tmp_path / "local" / "a.txt").read_bytes()


def test_cluster_without_ray_gives_an_install_hint(tiny_model, tree, tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_ray(name, *args, **kwargs):
        if name == "ray" or name.startswith("ray."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ray)
    result = run(tiny_model, "-i", tree, "-o", tmp_path / "o", "--cluster", "auto", code=2)
    assert 'pip install "vertaal[cluster]"' in result.stderr


def test_a_linked_folder_loop_is_visited_once(tmp_path):
    """B/self -> ../B: the glob and the folder forms each find the two real files once, and end."""
    from vertaal.corpus import plan

    folder = tmp_path / "B"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("De dienst.\n", encoding="utf-8")
    (folder / "sub" / "b.txt").write_text("Het kabinet.\n", encoding="utf-8")
    (folder / "self").symlink_to("../B")
    (folder / "sub" / "up").symlink_to("..")
    for given in (f"{folder}/**/*.txt", str(folder)):
        notes: list[str] = []
        jobs = plan([given], tmp_path / "out", notes)
        assert sorted(str(j.relative) for j in jobs) == ["a.txt", "sub/b.txt"], given
        assert sorted(n.split(":")[0].rsplit("/", 1)[-1] for n in notes) == ["self", "up"], notes
