"""The students' environment as data ([environment] requirements) and the Keras datasets folder option."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.assignment import ASSIGNMENTS_DIR, load_assignment
from autograder.environment import environment_requirements, main
from autograder.grading import build_job
from autograder.types import SourceCell, Submission
from tests.conftest import ROOT, run_cli

COLAB_CORE = {"numpy", "pandas", "matplotlib", "seaborn", "scikit-learn", "scipy"}


@pytest.fixture
def assignment_copy(tmp_path):
    """A copy of the default assignment's folder whose assignment.toml a test may change."""
    folder = tmp_path / "tarea"
    shutil.copytree(ASSIGNMENTS_DIR / "l2-dropout", folder, ignore=shutil.ignore_patterns("template"))
    return folder


def set_toml(folder: Path, old: str, new: str) -> None:
    path = folder / "assignment.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_default_assignment_declares_the_colab_libraries():
    requirements = environment_requirements()
    assert COLAB_CORE <= set(requirements)
    assert len(requirements) == len(set(requirements)) and len(requirements) <= 20  # modest
    assert not {"tensorflow", "keras", "tensorflow-cpu"} & set(requirements)  # the grader's own stack is not here
    assert environment_requirements(load_assignment()) == requirements == environment_requirements(ASSIGNMENTS_DIR / "l2-dropout")


def test_cli_prints_one_requirement_per_line(capsys):
    assert main([]) == 0
    assert capsys.readouterr().out.splitlines() == environment_requirements()
    assert main(["no-such-assignment"]) == 2
    proc = subprocess.run([sys.executable, "-m", "autograder.environment", "l2-dropout"], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0 and proc.stdout.splitlines() == environment_requirements()


@pytest.mark.parametrize("bad", ['"seaborn; sys_platform == \'linux\'"', '"-e ."', '"git+https://example.org/x"', "3"])
def test_only_plain_requirements_are_accepted(assignment_copy, bad):
    set_toml(assignment_copy, '    "seaborn",\n', f"    {bad},\n")
    with pytest.raises(ValueError):
        environment_requirements(assignment_copy)


def test_versions_and_extras_are_plain_requirements(assignment_copy):
    set_toml(assignment_copy, '    "seaborn",\n', '    "seaborn>=0.13,<0.14",\n    "dask[array]",\n')
    assert {"seaborn>=0.13,<0.14", "dask[array]"} <= set(environment_requirements(assignment_copy))


def test_datasets_folder_from_the_assignment_is_relative_to_it_and_reaches_the_job(assignment_copy):
    (assignment_copy / "datos_keras").mkdir()
    set_toml(assignment_copy, '# keras_datasets = "keras_datasets"', 'keras_datasets = "datos_keras"')
    task = load_assignment(assignment_copy)
    assert task.keras_datasets == (assignment_copy / "datos_keras").resolve()
    sub = Submission(id="a", source="a.py", kind="script", sha256="0", cells=(SourceCell(0, "x = 1"),))
    assert build_job(sub, task)["keras_datasets"] == str(task.keras_datasets)
    other = assignment_copy.parent / "otra"
    other.mkdir()
    assert task.with_datasets(other).keras_datasets == other.resolve()  # the CLI's --datasets overrides it
    assert task.with_datasets(other).fingerprint != task.fingerprint
    assert build_job(sub, load_assignment())["keras_datasets"] is None


def test_datasets_setting_must_be_a_folder(assignment_copy):
    set_toml(assignment_copy, '# keras_datasets = "keras_datasets"', 'keras_datasets = "data.npz"')
    with pytest.raises(ValueError, match="not a folder"):
        load_assignment(assignment_copy)
    with pytest.raises(ValueError):
        load_assignment().with_datasets(assignment_copy / "nowhere")


def test_datasets_option_is_validated_as_a_usage_error(tmp_path):
    script = tmp_path / "a.py"
    script.write_text("x = 1\n")
    proc = run_cli("grade", str(script), "--out", str(tmp_path / "out"), "--datasets", str(script))
    assert proc.returncode == 2 and "--datasets" in proc.stderr
    assert not (tmp_path / "out").exists()
