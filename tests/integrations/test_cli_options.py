"""``grade --min-score/--junit/--github`` through the real CLI, on an empty submission (graded without running it:
no TensorFlow; model_built fails, the other checks are skipped)."""
from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET

from autograder.integrations.classroom import decode_result
from autograder.integrations.commands import min_score_exit_code
from tests.conftest import ROOT


def grade(tmp_path, *options, env=None):
    (tmp_path / "vacia.py").write_text("", encoding="utf-8")
    base = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    return subprocess.run([sys.executable, "-m", "autograder", "grade", "vacia.py", "--out", "informe", *options],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path, env=dict(base, **(env or {})))


def test_min_score_sets_the_exit_status(tmp_path):
    assert grade(tmp_path).returncode == 1
    assert grade(tmp_path, "--min-score", "0").returncode == 0
    assert grade(tmp_path, "--min-score", "0.5").returncode == 1
    assert grade(tmp_path, "--min-score", "cero").returncode == 2


def test_min_score_needs_every_submission(perfect_result, notebook_result):
    _, six = notebook_result
    assert min_score_exit_code([perfect_result, six], 6) == 0
    assert min_score_exit_code([perfect_result, six], 6.5) == 1
    assert min_score_exit_code([], 0) == 1


def test_junit_file(tmp_path):
    proc = grade(tmp_path, "--junit", "informe/junit.xml")
    assert proc.returncode == 1
    suite = ET.parse(tmp_path / "informe" / "junit.xml").getroot().find("testsuite")
    assert suite.get("name") == "vacia" and suite.get("failures") == "1" and suite.get("skipped") == "6"


def test_github_mode_from_the_environment_or_the_flag(tmp_path):
    summary, output = tmp_path / "summary.md", tmp_path / "output"
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(output),
           "GITHUB_WORKSPACE": str(tmp_path)}
    proc = grade(tmp_path, env=env)
    [annotation] = [l for l in proc.stdout.splitlines() if l.startswith("::error ")]
    assert annotation.startswith("::error file=vacia.py,title=")
    assert (tmp_path / "informe" / "vacia" / "report.md").read_text(encoding="utf-8").strip() in summary.read_text()
    document = decode_result(output.read_text().strip().partition("=")[2])
    assert document["status"] == "fail" and document["max_score"] == 10
    summary.unlink()
    proc = grade(tmp_path, "--no-github", env=env)
    assert "::error" not in proc.stdout and not summary.exists()
    proc = grade(tmp_path, "--github", env={"GITHUB_WORKSPACE": str(tmp_path)})
    assert "::error file=vacia.py" in proc.stdout


def test_help_lists_the_integration_commands():
    proc = subprocess.run([sys.executable, "-m", "autograder", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert "export" in proc.stdout and "gradescope-results" in proc.stdout
