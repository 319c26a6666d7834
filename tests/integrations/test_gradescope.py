"""Gradescope: results.json valid against the schema from Gradescope's specification; the bundle's layout."""
from __future__ import annotations

import json
import re
import subprocess
import zipfile
from dataclasses import replace

import jsonschema
import pytest

from autograder.integrations.gradescope import failure_results, gradescope_results
from autograder.integrations.result_file import load_result, result_from_dict
from autograder.render.result_json import result_to_dict
from autograder.types import ErrorInfo
from tests.conftest import run_cli
from tests.integrations.conftest import load_schema


@pytest.fixture(scope="module")
def schema():
    schema = load_schema("gradescope-results.schema.json")
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def test_results_follow_the_schema_and_the_points(notebook_result, assignment, schema):
    _, result = notebook_result
    document = gradescope_results(result, assignment.rules)
    jsonschema.validate(document, schema)
    assert document["score"] == 6 and sum(t["max_score"] for t in document["tests"]) == 10
    assert sum(t["score"] for t in document["tests"]) == document["score"]
    tests = {t["name"]: t for t in document["tests"]}
    l2 = tests["Regularización L2 (l2_regularization)"]
    assert (l2["status"], l2["score"], l2["max_score"], l2["visibility"]) == ("failed", 0, 2, "visible")
    assert l2["output"].startswith("Celda 3, línea 5: ") and "Qué cambiar:" in l2["output"]
    assert tests["Dos capas ocultas (hidden_layers)"]["status"] == "passed"
    assert document["output"].startswith("**Nota: 6 / 10**")


def test_a_run_error_is_explained_in_the_output(notebook_result, assignment, schema):
    _, result = notebook_result
    broken = replace(result, status="error", error=ErrorInfo("timeout", "Se superó el límite de 120 s."),
                     score=0.0, model=None, elapsed_s=float("nan"))
    document = gradescope_results(broken, assignment.rules, visibility="after_published")
    jsonschema.validate(document, schema)
    assert "Se superó el límite de 120 s." in document["output"] and document["execution_time"] == 0
    assert {t["visibility"] for t in document["tests"]} == {"after_published"}
    with pytest.raises(ValueError):
        gradescope_results(result, assignment.rules, visibility="public")


def test_failure_document_is_valid(schema):
    document = failure_results("no result.json", "es")
    jsonschema.validate(document, schema)
    assert document["score"] == 0 and "no result.json" in document["output"]


def test_result_json_reads_back_into_the_same_result(notebook_result):
    _, result = notebook_result
    again = result_from_dict(json.loads(json.dumps(result_to_dict(result))))
    assert again.checks == result.checks and again.model.layers == result.model.layers
    assert again.model.compile.location == result.model.compile.location
    assert (again.score, again.status, again.training.loss) == (result.score, result.status, result.training.loss)
    with pytest.raises(ValueError):
        result_from_dict({"schema": "other"})


def test_cli_converts_an_out_folder(notebook_result, tmp_path, schema):
    _, result = notebook_result
    out = tmp_path / "out" / result.id
    out.mkdir(parents=True)
    (out / "result.json").write_text(json.dumps(result_to_dict(result)), encoding="utf-8")
    target = tmp_path / "results" / "results.json"
    proc = run_cli("gradescope-results", str(tmp_path / "out"), str(target))
    assert proc.returncode == 0, proc.stderr
    document = json.loads(target.read_text(encoding="utf-8"))
    jsonschema.validate(document, schema)
    assert document["score"] == 6 and load_result(out / "result.json").id == "alumna"


def test_cli_writes_a_zero_when_there_is_no_result(tmp_path, schema):
    target = tmp_path / "results.json"
    proc = run_cli("gradescope-results", str(tmp_path / "empty"), str(target))
    assert proc.returncode == 1
    document = json.loads(target.read_text(encoding="utf-8"))
    jsonschema.validate(document, schema)
    assert document["score"] == 0


def test_export_builds_a_bundle_with_the_entry_points_at_its_root(tmp_path):
    target = tmp_path / "gradescope.zip"
    proc = run_cli("export", "gradescope", str(target), "--timeout", "90", "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    with zipfile.ZipFile(target) as zf:
        names = zf.namelist()
        assert names[:2] == ["setup.sh", "run_autograder"]
        for name in names[:2]:
            assert zf.getinfo(name).external_attr >> 16 & 0o111, f"{name} is not executable"
        run = zf.read("run_autograder").decode()
        zf.extractall(tmp_path / "bundle")
    assert {"autograder/pyproject.toml", "autograder/constraints.txt", "autograder/autograder/cli.py",
            "autograder/assignments/l2-dropout/data.npz", "autograder/autograder/sandbox/inner/ag_describe.py"} <= set(names)
    assert not any("l2-dropout/template" in n or "__pycache__" in n for n in names)
    assert "grade /autograder/submission" in run and "--timeout 90 --lang en" not in run
    assert "--lang en --timeout 90" in run and "/autograder/results/results.json" in run
    for script in ("setup.sh", "run_autograder"):
        assert subprocess.run(["bash", "-n", str(tmp_path / "bundle" / script)]).returncode == 0
    # setup.sh installs the grader with TensorFlow at the locked versions, then the assignment's environment.
    installs = [line for line in (tmp_path / "bundle" / "setup.sh").read_text().splitlines() if "pip\" install" in line]
    assert [line.split("install -q ", 1)[1] for line in installs] == [
        "--upgrade pip", '-c "$SOURCE/constraints.txt" "$SOURCE[grader]"',
        '-c "$SOURCE/constraints.txt" -r /tmp/autograder-environment.txt']
    assert '-m autograder.environment "$assignment"' in (tmp_path / "bundle" / "setup.sh").read_text()


def test_export_rejects_an_unknown_assignment(tmp_path):
    proc = run_cli("export", "gradescope", str(tmp_path / "x.zip"), "--assignment", "nope")
    assert proc.returncode == 2 and "nope" in proc.stderr


@pytest.mark.slow
def test_run_autograder_grades_the_submission_folder(tmp_path, schema):
    """The bundle's run_autograder, with Gradescope's /autograder tree laid out under tmp_path.

    The grader it runs is this checkout's (the virtualenv stands in for what setup.sh installs); the
    assignment folder and the scripts are the bundle's.
    """
    import shutil
    import sys
    from pathlib import Path

    from tests.integrations.conftest import student_repo

    root = tmp_path / "autograder"
    bundle = tmp_path / "gradescope.zip"
    assert run_cli("export", "gradescope", str(bundle)).returncode == 0
    with zipfile.ZipFile(bundle) as zf:
        zf.extractall(root / "source")
    (root / "venv").symlink_to(Path(sys.executable).parent.parent)
    submission = root / "submission"
    submission.mkdir()
    repo = student_repo(tmp_path / "repo", "no_l2")
    shutil.copy(repo / "tarea_l2_dropout.ipynb", submission)
    script = root / "run_autograder"
    text = (root / "source" / "run_autograder").read_text()
    script.write_text(re.sub(r"(?<![\w.-])/autograder/", f"{root}/", text))  # absolute paths only
    proc = subprocess.run(["bash", str(script)], capture_output=True, text=True, timeout=600, cwd=root)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    document = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    jsonschema.validate(document, schema)
    assert document["score"] == 8 and document["extra_data"]["id"] == "submission"
    failed = [t for t in document["tests"] if t["status"] == "failed"]
    assert [t["name"] for t in failed] == ["Regularización L2 (l2_regularization)"]
    assert "dense_1" in failed[0]["output"] and failed[0]["output"].startswith("Celda ")
