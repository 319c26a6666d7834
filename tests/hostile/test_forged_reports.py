"""Forged reports on the results channel are refused: the whole report made up, one field of the real
report changed, and layers claimed on real lines of real code. One real CLI run (TensorFlow, sandbox)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import SOLUTIONS, read_results, run_cli

FORGED = Path(__file__).resolve().parent / "forged"
ATTACKS = ("forge_whole_report", "forge_one_field", "forge_real_line")


@pytest.fixture(scope="module")
def forged_run(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("forged-corpus")
    for name in ATTACKS:
        shutil.copy(FORGED / f"{name}.py", corpus / f"{name}.py")
    shutil.copy(SOLUTIONS / "reference.py", corpus / "zz_reference.py")  # graded after the attacks
    out = tmp_path_factory.mktemp("forged-out")
    proc = run_cli("grade", str(corpus), "--out", str(out), "--jobs", "2", "--lang", "en")
    return proc, out, read_results(out)


@pytest.mark.slow
@pytest.mark.parametrize("attack, reason", [("forge_whole_report", "constructs no"),
                                             ("forge_one_field", "kernel_regularizer"),
                                             ("forge_real_line", "constructs no Dropout")])
def test_a_forged_report_is_refused(forged_run, attack, reason):
    proc, out, results = forged_run
    result = results[attack]
    assert result["status"] == "error", (attack, result["score"], proc.stderr[-2000:])
    assert result["error"]["kind"] == "report_mismatch"
    assert result["score"] == 0.0
    assert reason in result["error"]["detail"]
    # the student reads a neutral sentence, never what the cross-check found
    report = (out / attack / "report.md").read_text(encoding="utf-8")
    assert "instructor will review it" in report and result["error"]["detail"] not in report


@pytest.mark.slow
def test_the_next_submission_is_graded_normally(forged_run):
    proc, out, results = forged_run
    assert results["zz_reference"]["status"] == "graded" and results["zz_reference"]["score"] == 10.0
    rows = (out / "grades.csv").read_text().splitlines()
    assert len(rows) == 1 + len(ATTACKS) + 1
    assert all(json.loads((out / name / "result.json").read_text())["error"]["kind"] == "report_mismatch"
               for name in ATTACKS)
