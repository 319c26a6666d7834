"""Grading through a Dask cluster of 2 worker processes on 127.0.0.1: same verdicts as a local run,
and a worker killed mid-grading loses nothing and records nothing twice."""
import os
import shutil
import signal
import threading
import time
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")

from autograder.assignment import load_assignment  # noqa: E402
from autograder.batch import BatchOptions, grade_batch  # noqa: E402
from autograder.loading import load_submission  # noqa: E402
from autograder.store import ResultStore  # noqa: E402
from tests.conftest import ROOT, SOLUTIONS, read_results, run_cli  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, silence_logs=40) as local:
        yield local


def verdicts(results):
    return {sid: (r["score"], [c["status"] for c in r["checks"]]) for sid, r in results.items()}


CLUSTER_CLASS = ["reference.py", "reference_notebook.ipynb", "variants/functional_api.py", "variants/missing_dropout.py",
                 "variants/not_compiled.py", "variants/no_model.py"]
"""Passing, failing and model-less submissions, a script and a notebook: a part of solutions/, since every
one costs a sandboxed run and the local run of all of solutions/ is already there to compare with."""


def test_cluster_run_matches_local_run(cluster, graded_solutions, tmp_path):
    _, _, local = graded_solutions
    folder, out = tmp_path / "class", tmp_path / "out"
    folder.mkdir()
    for name in CLUSTER_CLASS:
        shutil.copy(SOLUTIONS / name, folder / Path(name).name)
    proc = run_cli("grade", str(folder), "--out", str(out), "--scheduler", cluster.scheduler_address)
    assert proc.returncode == 1, proc.stderr[-2000:]
    remote = read_results(out)
    assert sorted(remote) == sorted(Path(name).stem for name in CLUSTER_CLASS)
    assert verdicts(remote) == {sid: v for sid, v in verdicts(local).items() if sid in remote}
    assert {r["isolation"] for r in remote.values()} == {r["isolation"] for r in local.values()}


def test_killed_worker_loses_nothing_and_counts_nothing_twice(cluster, tmp_path):
    slow = tmp_path / "subs"
    slow.mkdir()
    reference = (SOLUTIONS / "reference.py").read_text()
    for i in range(6):  # each takes a few seconds, so a worker is surely busy when it is killed
        (slow / f"alumno{i}.py").write_text(reference + f"\nimport time\ntime.sleep(3)  # {i}\n")
    subs = [load_submission(p) for p in sorted(slow.iterdir())]
    out = tmp_path / "out"
    options = BatchOptions(out_dir=out, scheduler=cluster.scheduler_address)
    done = {}
    runner = threading.Thread(target=lambda: done.setdefault("results", grade_batch(subs, load_assignment(), options)))
    client = distributed.Client(cluster.scheduler_address, set_as_default=False)
    try:
        runner.start()
        deadline = time.monotonic() + 180
        victim = None
        while victim is None and time.monotonic() < deadline:
            busy = [addr for addr, keys in client.processing().items() if any(str(k).startswith("grade-") for k in keys)]
            if busy:
                victim = client.run(os.getpid, workers=[busy[0]])[busy[0]]
            time.sleep(0.2)
        assert victim is not None, "no worker ever started grading"
        time.sleep(1.0)  # inside the job now
        os.kill(victim, signal.SIGKILL)
        runner.join(timeout=600)
    finally:
        client.close()
    results = done["results"]
    assert sorted(r.id for r in results) == [f"alumno{i}" for i in range(6)]
    assert all(r.score == 10.0 for r in results), [(r.id, r.score, r.error) for r in results]
    with ResultStore.in_folder(out) as store:
        for i in range(6):
            assert len(store.history(f"alumno{i}")) == 1
    assert len(list(out.glob("*/result.json"))) == 6
