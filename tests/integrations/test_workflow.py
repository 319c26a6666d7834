"""The template's workflow, run as GitHub Actions would run its ``run:`` steps, on pushed student repositories.

Steps that ``uses:`` an action are GitHub's (checkout, setup-python, upload-artifact): the repository copy
stands in for checkout, and the grading reporter is replayed from its documented behaviour. The
``pip install`` step is replaced by this checkout's own install (the virtualenv's ``bin`` on PATH).
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import jsonschema
import nbformat
import pytest
import yaml

from autograder.integrations.classroom import decode_result
from tests.integrations.conftest import DEFECT_LINE, TEMPLATE, load_schema, student_repo

WORKFLOW = TEMPLATE / ".github" / "workflows" / "grade.yml"
NOTEBOOK = "tarea_l2_dropout.ipynb"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def load_workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def job() -> dict:
    [the_job] = load_workflow()["jobs"].values()
    return the_job


def read_outputs(path: Path) -> dict[str, str]:
    """The step outputs file as the runner parses it (``name=value`` and ``name<<DELIM`` blocks)."""
    outputs, lines = {}, path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        if "<<" in lines[i] and "=" not in lines[i].split("<<")[0]:
            name, delimiter = lines[i].split("<<", 1)
            end = lines.index(delimiter, i + 1)
            outputs[name] = "\n".join(lines[i + 1:end])
            i = end + 1
        else:
            name, _, value = lines[i].partition("=")
            outputs[name] = value
            i += 1
    return outputs


def run_workflow(repo: Path, tmp: Path) -> dict:
    """Run the job's ``run:`` steps in order, like the runner: bash -eo pipefail, shared env files."""
    workflow, the_job = load_workflow(), job()
    summary, output = tmp / "step_summary.md", tmp / "github_output"
    summary.touch()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    env.update({str(k): str(v) for k, v in (workflow.get("env") or {}).items()})
    env.update({str(k): str(v) for k, v in (the_job.get("env") or {}).items()})
    env.update(GITHUB_ACTIONS="true", CI="true", GITHUB_WORKSPACE=str(repo), GITHUB_STEP_SUMMARY=str(summary),
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    steps = {}
    for step in the_job["steps"]:
        if "uses" in step:
            continue
        command = step["run"]
        if step.get("id") == "install":
            assert "pip install" in command and "./.autograder" in command
            continue  # the local install: this virtualenv already has the grader
        assert "${{" not in command, "run commands take values from env, so they run the same here"
        output.write_text("", encoding="utf-8")
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", command], cwd=repo,
                              env=dict(env, GITHUB_OUTPUT=str(output), **{str(k): str(v) for k, v in
                                                                           (step.get("env") or {}).items()}),
                              capture_output=True, text=True, timeout=600)
        steps[step["id"]] = {"proc": proc, "outputs": read_outputs(output)}
    return {"steps": steps, "summary": summary.read_text(encoding="utf-8")}


def replay_reporter(steps: dict) -> dict:
    """What classroom-resources/autograding-grading-reporter does: <RUNNER>_RESULTS, base64 JSON, points."""
    [reporter] = [s for s in job()["steps"] if "autograding-grading-reporter" in s.get("uses", "")]
    assert reporter.get("if") == "always()", "the points must be sent when the grade step fails too"
    runners = [r.strip() for r in reporter["with"]["runners"].split(",")]
    documents = []
    for runner in runners:
        expression = reporter["env"][f"{runner.upper()}_RESULTS"]
        step_id, output_name = EXPRESSION.fullmatch(expression).group(1).split(".")[1::2]
        documents.append(decode_result(steps[step_id]["outputs"][output_name]))
    return {"documents": documents, "total": sum(t["score"] for d in documents for t in d["tests"]),
            "max": sum(d["max_score"] for d in documents)}


def annotations(stdout: str) -> list[tuple[dict, str]]:
    found = []
    for line in stdout.splitlines():
        if line.startswith("::error "):
            props, _, message = line[len("::error "):].partition("::")
            found.append(({k: unquote(v) for k, v in (p.split("=", 1) for p in props.split(","))}, unquote(message)))
    return found


def test_workflow_is_what_classroom_expects():
    workflow, the_job = load_workflow(), job()
    assert workflow["name"] == "Autograding Tests"
    assert workflow["permissions"] == {"checks": "write", "actions": "read", "contents": "read"}
    triggers = workflow.get("on", workflow.get(True))
    assert "push" in triggers
    uses = [s.get("uses", "") for s in the_job["steps"]]
    assert any(u.startswith("actions/setup-python@") for u in uses)
    setup = next(s for s in the_job["steps"] if s.get("uses", "").startswith("actions/setup-python@"))
    assert setup["with"]["cache"] == "pip" and setup["with"]["cache-dependency-path"]
    assert workflow["env"]["NOTEBOOK"] == NOTEBOOK and (TEMPLATE / NOTEBOOK).is_file()


def test_the_workflow_installs_the_locked_grader_and_the_students_environment():
    [install] = [s for s in job()["steps"] if s.get("id") == "install"]
    lines = [line.strip() for line in install["run"].splitlines() if line.strip()]
    assert lines[0] == 'python -m pip install -c .autograder/constraints.txt -e "./.autograder[grader]"'
    assert lines[1].startswith("python -m autograder.environment > ")
    listed = lines[1].split("> ", 1)[1]
    assert lines[2] == f"python -m pip install -c .autograder/constraints.txt -r {listed}"
    setup = next(s for s in job()["steps"] if s.get("uses", "").startswith("actions/setup-python@"))
    assert setup["with"]["cache-dependency-path"] == ".autograder/constraints.txt"  # the cache follows the lock


def test_starter_notebook_is_not_a_solution():
    nb = nbformat.read(str(TEMPLATE / NOTEBOOK), as_version=4)
    nbformat.validate(nb)
    # The code that runs: comments (where the TODOs describe what to write) left out.
    code = "\n".join(line for c in nb.cells if c.cell_type == "code" for line in c.source.splitlines()
                     if not line.lstrip().startswith("#"))
    assert "Dropout(" not in code and "kernel_regularizer=" not in code
    assert "model.compile(" not in code and "model.fit(" not in code
    tagged = {t for c in nb.cells for t in c.metadata.get("tags", [])}
    assert tagged == {"tarea-modelo", "tarea-compilar", "tarea-entrenar"}
    assert all("TODO" in c.source for c in nb.cells if c.metadata.get("tags"))


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The workflow on three pushes: the untouched starter, a solution missing one L2, a full solution."""
    from concurrent.futures import ThreadPoolExecutor

    def push(variant: str):
        tmp = tmp_path_factory.mktemp(variant)
        repo = student_repo(tmp / "repo", variant)
        return variant, (repo, run_workflow(repo, tmp))

    # Three independent runners, as three pushes would get; most of each run is starting TensorFlow.
    with ThreadPoolExecutor(max_workers=3) as pool:
        return dict(pool.map(push, ("starter", "no_l2", "solution")))


@pytest.mark.slow
def test_a_solution_missing_one_l2(runs):
    repo, run = runs["no_l2"]
    grade = run["steps"]["autograder"]["proc"]
    assert grade.returncode == 1, grade.stderr[-2000:]
    report = (repo / "informe" / "tarea_l2_dropout" / "report.md").read_text(encoding="utf-8")
    assert report.strip() in run["summary"]
    [(props, message)] = annotations(grade.stdout)
    assert props["file"] == NOTEBOOK and props["title"].startswith("Regularización L2")
    raw_line = (repo / NOTEBOOK).read_text(encoding="utf-8").splitlines()[int(props["line"]) - 1]
    assert DEFECT_LINE.strip() in raw_line
    nb = nbformat.read(str(repo / NOTEBOOK), as_version=4)
    model_cell = next(i for i, c in enumerate(nb.cells, start=1) if "tarea-modelo" in c.metadata.get("tags", []))
    assert message.startswith(f"Celda {model_cell}, línea 5: ")
    reporter = replay_reporter(run["steps"])
    schema = load_schema("classroom-result.schema.json")
    for document in reporter["documents"]:
        jsonschema.validate(document, schema)
    assert (reporter["total"], reporter["max"]) == (8, 10)
    [document] = reporter["documents"]
    assert document["status"] == "fail"
    l2 = next(t for t in document["tests"] if "l2_regularization" in t["name"])
    assert (l2["status"], l2["filename"], l2["line_no"]) == ("fail", NOTEBOOK, int(props["line"]))
    assert (repo / "informe" / "junit.xml").is_file()


@pytest.mark.slow
def test_a_full_solution_passes_everything(runs):
    repo, run = runs["solution"]
    grade = run["steps"]["autograder"]["proc"]
    assert grade.returncode == 0, grade.stdout[-3000:] + grade.stderr[-2000:]
    assert annotations(grade.stdout) == []
    reporter = replay_reporter(run["steps"])
    assert (reporter["total"], reporter["max"]) == (10, 10) and reporter["documents"][0]["status"] == "pass"
    folder = repo / "informe" / "tarea_l2_dropout"
    assert (folder / "report.md").read_text(encoding="utf-8").strip() in run["summary"]
    # The notebook's own autograder.check() cell ran during grading without an error or a model of its own.
    result = json.loads((folder / "result.json").read_text(encoding="utf-8"))
    assert result["student_errors"] == [] and result["model"]["selected_by"] == "fit"


@pytest.mark.slow
def test_the_starter_runs_and_scores_low(runs):
    repo, run = runs["starter"]
    grade = run["steps"]["autograder"]["proc"]
    assert grade.returncode == 1
    reporter = replay_reporter(run["steps"])
    assert reporter["total"] <= 3 and reporter["documents"][0]["status"] == "fail"
    failing = {props["title"].split(" (")[0] for props, _ in annotations(grade.stdout)}
    assert {"Dos capas ocultas", "Regularización L2", "Dropout", "Compilación"} <= failing
    assert all(props["file"] == NOTEBOOK and props.get("line") for props, _ in annotations(grade.stdout))
