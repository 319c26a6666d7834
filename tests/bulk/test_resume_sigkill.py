"""Killing the grader with SIGKILL mid-batch loses no finished result and counts nothing twice."""
from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.bulk.conftest import ROOT, store_rows, store_runs
from tests.conftest import run_cli

SOURCES = {"ana": "solutions/reference.py", "bea": "solutions/variants/no_l2.py",
           "cai": "solutions/variants/missing_dropout.py"}


def stored_count(out) -> int:
    try:
        with sqlite3.connect(out / "results.sqlite", timeout=1) as db:
            return db.execute("SELECT COUNT(*) FROM results").fetchone()[0]
    except sqlite3.Error:
        return 0  # not created yet


@pytest.mark.slow
def test_sigkill_then_rerun_keeps_finished_results_and_grades_the_rest(tmp_path):
    folder, out = tmp_path / "clase", tmp_path / "out"
    folder.mkdir()
    for sub_id, source in SOURCES.items():
        (folder / f"{sub_id}.py").write_text((ROOT / source).read_text())
    args = ["grade", str(folder), "--out", str(out), "--jobs", "1"]
    proc = subprocess.Popen([sys.executable, "-m", "autograder", *args], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while stored_count(out) == 0:
        assert proc.poll() is None, "the grader ended before a result was stored"
        assert time.monotonic() < deadline, "no result was stored in time"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    finished = store_rows(out)
    assert 1 <= len(finished) < len(SOURCES), "the kill should land mid-batch"

    rerun = run_cli(*args)
    assert rerun.returncode == 1, rerun.stderr  # bea and cai miss a check
    rows = store_rows(out)
    assert sorted(r[0] for r in rows) == sorted(SOURCES)  # every submission stored exactly once
    assert all(row in rows for row in finished)  # finished ones untouched: same run, same time
    assert store_runs(out)[-1][1:] == (3, len(finished), 3 - len(finished))
    with open(out / "grades.csv", newline="", encoding="utf-8") as fh:
        scores = {row["id"]: float(row["score"]) for row in csv.DictReader(fh)}
    assert scores == {"ana": 10.0, "bea": 8.0, "cai": 8.0}
    for sub_id in SOURCES:
        assert json.loads((out / sub_id / "result.json").read_text())["id"] == sub_id
