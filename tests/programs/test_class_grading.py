"""One real CLI run over the whole class folder (2 jobs): one row per student, every correct split solution 10/10,
and the heavy CNN (~34 M weights) graded beside the others: ``trains`` passes, the report says how briefly it trained."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.programs.class_builder import CORRECT, ENTRIES, STUDENTS, build_class

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_whole_class_grades_one_row_per_student_split_programs_and_the_heavy_cnn_score_full(tmp_path):
    clase = build_class(tmp_path)
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    run = subprocess.run([sys.executable, "-m", "autograder", "grade", str(clase), "--out", str(out), "-j", "2",
                          "--roster", str(tmp_path / "classroom_roster.csv"), "--no-similarity"],
                         capture_output=True, text=True, env=env, timeout=900, cwd=ROOT)
    assert run.returncode == 1, run.stdout + run.stderr  # mia handed in no code: not every check passed
    rows = {row["id"]: row for row in csv.DictReader((out / "grades.csv").open(encoding="utf-8"))}
    assert sorted(rows) == sorted(STUDENTS)
    assert {sid: float(rows[sid]["score"]) for sid in CORRECT} == {sid: 10.0 for sid in CORRECT}
    mia = json.loads((out / "mia" / "result.json").read_text(encoding="utf-8"))
    assert mia["status"] == "error" and mia["error"]["kind"] == "no_code" and "informe.pdf" in mia["error"]["message"]
    for sid, entry in ENTRIES.items():
        result = json.loads((out / sid / "result.json").read_text(encoding="utf-8"))
        assert result["status"] == "graded" and not result.get("student_errors"), (sid, result.get("student_errors"))
        assert not result.get("environment"), (sid, result.get("environment"))  # the style file, the modules: there
    report = (out / "carla" / "report.md").read_text(encoding="utf-8")  # the assignment's language: Spanish
    assert "Se evaluó 'main.py'" in report and "'helpers.py'" in report
    fer = (out / "fer" / "report.md").read_text(encoding="utf-8")
    assert "'final.ipynb'" in fer and "No se evaluó: 'draft.ipynb'" in fer
    nora = json.loads((out / "nora" / "result.json").read_text(encoding="utf-8"))
    trains = next(c for c in nora["checks"] if c["id"] == "trains")
    assert trains["status"] == "pass", trains
    training = nora["training"]
    assert training["sized"] is True and training["weights"] > 30_000_000
    assert (training["epochs"], training["samples"]) == (2, 64) and training["loss"][-1] < training["loss"][0]
    assert nora["insight"]["verdict"] == "skipped" and nora["insight"]["reason"] == "too_large"
    report = (out / "nora" / "report.md").read_text(encoding="utf-8")
    assert "este entrenamiento fue breve" in report and "2 épocas con 64 muestras" in report
    small = json.loads((out / "ana" / "result.json").read_text(encoding="utf-8"))["training"]
    assert small["sized"] is False and (small["epochs"], small["samples"]) == (5, 512)
