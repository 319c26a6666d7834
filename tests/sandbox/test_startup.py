"""Start-up of the grader (issue 12): what the CLI loads before the first submission, the first worker
launched before the inputs are read, the worker's preload list, and results written off the workers' threads."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from autograder.batch import OutputWriter
from autograder.sandbox.startup import (
    expected_submissions,
    launch_first_worker,
    threads_per_worker,
    with_datasets,
    worker_count,
)
from autograder.sandbox.worker import PREIMPORT, SandboxWorker, preimport_modules, sandbox_env

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("tensorflow", "keras", "numpy", "jinja2", "nbformat", "autograder.batch", "autograder.render",
         "autograder.grading", "autograder.inputs")


# -- what the CLI imports before it must ----------------------------------------------------------
def test_the_cli_module_loads_no_grading_tensorflow_numpy_or_rendering_modules():
    code = "import sys, autograder.cli; print(','.join(m for m in " + repr(HEAVY) + " if m in sys.modules))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""


def test_grade_help_still_lists_every_option():
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade", "--help"], capture_output=True,
                          text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    for option in ("--out", "--jobs", "--isolation", "--timeout", "--memory-mb", "--junit", "--min-score"):
        assert option in proc.stdout


def test_a_usage_error_after_the_early_launch_exits_2_and_leaves_no_worker(tmp_path):
    """The first worker is launched before the inputs are read; finding none must not leave it behind.
    (With --isolation process the worker's command line holds the CLI's temporary folder: findable.)"""
    empty, temp = tmp_path / "empty", tmp_path / "tmp"
    empty.mkdir()
    temp.mkdir()
    env = dict(os.environ, TMPDIR=str(temp))
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade", str(empty), "--out", str(tmp_path / "o"),
                           "--isolation", "process"], capture_output=True, text=True, cwd=ROOT, timeout=120, env=env)
    assert proc.returncode == 2
    assert "no submissions" in proc.stderr
    assert processes_mentioning(str(temp)) == [], "the worker launched early outlived the CLI"


def test_processes_mentioning_finds_a_live_process(tmp_path):
    marker = str(tmp_path / "marker")
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)", marker])
    try:
        # Popen returns once the child is forked; its command line is the
        # marker's only after exec, so give the exec a moment.
        deadline = time.monotonic() + 10
        while not processes_mentioning(marker) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert processes_mentioning(marker) == [sleeper.pid]
    finally:
        sleeper.kill()
        sleeper.wait()


def processes_mentioning(text: str) -> list[int]:
    """Live (not zombie) processes whose command line contains ``text``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                cmdline = fh.read()
            with open(f"/proc/{entry}/stat", "rb") as fh:
                state = fh.read().rsplit(b")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if text.encode() in cmdline and state != b"Z":
            found.append(int(entry))
    return found


# -- how many workers and threads, guessed before the inputs are read ---------------------------
def test_expected_submissions_counts_named_files_and_gives_up_on_folders_and_archives(tmp_path):
    nb, py, zipped = tmp_path / "a.ipynb", tmp_path / "b.py", tmp_path / "c.zip"
    for path in (nb, py, zipped):
        path.write_text("x")
    assert expected_submissions([nb]) == 1
    assert expected_submissions([nb, py]) == 2
    assert expected_submissions([tmp_path]) is None
    assert expected_submissions([nb, zipped]) is None
    assert expected_submissions([]) is None


def test_worker_and_thread_counts():
    cores = os.cpu_count() or 1
    assert worker_count(0, 1) == 1
    assert worker_count(0, 1000) == cores
    assert worker_count(3, 2) == 2
    assert worker_count(3, 1000) == 3
    assert threads_per_worker(1) == cores
    assert threads_per_worker(cores * 4) == 1


def test_with_datasets_binds_the_real_folder(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    worker = SandboxWorker(isolation="process")
    assert with_datasets(worker, link) is worker
    assert worker.datasets_dir == str(real.resolve())
    assert with_datasets(SandboxWorker(isolation="process"), None).datasets_dir is None


# -- the preload list -----------------------------------------------------------------------------
def test_preimport_defaults_and_reads_the_run_section():
    assert preimport_modules({}) == PREIMPORT
    assert preimport_modules(None) == PREIMPORT
    assert preimport_modules({"preimport": []}) == ()
    assert preimport_modules({"preimport": ["seaborn", "matplotlib.pyplot", "seaborn"]}) == ("seaborn",
                                                                                           "matplotlib.pyplot")
    assert sandbox_env(1, ("a", "b.c"))["AG_PREIMPORT"] == "a,b.c"


@pytest.mark.parametrize("bad", ["pandas", ["os; rm -rf /"], ["pandas", 3], ["../x"], [""], ["a..b"], {"a": 1}])
def test_preimport_refuses_what_is_not_a_list_of_module_names(bad):
    with pytest.raises(ValueError, match="preimport"):
        preimport_modules({"preimport": bad})


def test_the_assignment_preimport_list_is_valid():
    from autograder.assignment import load_assignment

    names = preimport_modules(load_assignment().run)
    assert all(isinstance(n, str) for n in names)


def test_a_bad_preimport_list_is_a_usage_error(tmp_path):
    folder = tmp_path / "task"
    folder.mkdir()
    source = ROOT / "assignments" / "l2-dropout"
    text = (source / "assignment.toml").read_text()
    assert "[run]\n" in text
    (folder / "assignment.toml").write_text(text.replace("[run]\n", "[run]\npreimport = \"pandas\"\n", 1))
    (folder / "data.npz").write_bytes((source / "data.npz").read_bytes())
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade", str(ROOT / "solutions" / "reference.py"),
                           "--assignment", str(folder), "--out", str(tmp_path / "o")],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2
    assert "preimport" in proc.stderr


# -- launch now, wait later ---------------------------------------------------------------------
def test_launch_returns_before_the_worker_is_ready_and_close_ends_it_at_once(tmp_path):
    paths = [tmp_path / "a.ipynb"]
    paths[0].write_text("{}")
    worker = launch_first_worker(paths, jobs=0, isolation="process")
    try:
        assert worker.proc is not None and worker.proc.poll() is None
        assert worker.info == {}  # launched, not waited for
        assert worker.threads == threads_per_worker(1)
        pid = worker.proc.pid
    finally:
        began = time.monotonic()
        worker.close()
        closed_in = time.monotonic() - began
    assert worker.proc is None
    assert not os.path.exists(f"/proc/{pid}") or _is_zombie(pid)
    assert closed_in < 1.5, "a worker still importing TensorFlow reads no exit request: it must be killed"


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] == b"Z"
    except OSError:
        return True


# -- results written off the workers' threads ------------------------------------------------------
def test_output_writer_finishes_every_result_in_order_and_close_waits():
    done, lock = [], threading.Lock()

    def finish(result):
        time.sleep(0.01)
        if result.id == "bad":
            raise RuntimeError("disk full")
        with lock:
            done.append(result.id)

    writer = OutputWriter(finish)
    for item in ["a", "b", "bad", "c"]:
        writer.put(SimpleNamespace(id=item))  # type: ignore[arg-type]
    assert len(done) < 3  # put() does not wait for the writing
    writer.close()
    assert done == ["a", "b", "c"]
    assert not writer.thread.is_alive()


# -- with TensorFlow -------------------------------------------------------------------------------
@pytest.mark.slow
def test_the_early_worker_grades_the_batch_and_reports_its_start_up(tmp_path, monkeypatch):
    """One real batch: the launched worker is the one that grades (no second worker is started), its ready
    message splits the start-up by module, and the verdicts are the usual ones."""
    import autograder.batch as batch
    from autograder.assignment import load_assignment
    from autograder.loading import load_submission

    made = []

    class CountingWorker(SandboxWorker):
        def __init__(self, *args, **kwargs):
            made.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(batch, "SandboxWorker", CountingWorker)
    paths = [ROOT / "solutions" / "reference.py", ROOT / "solutions" / "variants" / "missing_dropout.py"]
    first = launch_first_worker(paths, jobs=1, isolation="auto", preimport=("pandas", "json"))
    ready = {}
    original = first._wait_ready

    def wait_ready():
        ready.update(original())
        return ready

    first._wait_ready = wait_ready
    subs = [load_submission(p) for p in paths]
    results = batch.grade_batch(subs, load_assignment(), batch.BatchOptions(out_dir=tmp_path, jobs=1, store=False),
                                launched=first)
    assert made == []
    assert first.proc is None  # closed by the batch
    assert {r.id: r.score for r in results} == {"reference": 10.0, "missing_dropout": 8.0}
    assert set(ready["startup"]) == {"tensorflow", "pandas", "json"}
    assert ready["startup"]["tensorflow"] > 0
    assert json.loads((tmp_path / "reference" / "result.json").read_text())["score"] == 10.0
