"""``autograder.check()`` from inside a notebook: executed for real through nbclient and an IPython kernel."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import types
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from autograder.integrations.notebook_check import grading_in_progress

DATA_CELL = """from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
X, y = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42, stratify=y)
X_train = StandardScaler().fit(X_train).transform(X_train)
input_dim = X_train.shape[1]"""

MODEL_CELL = """from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Input, Dense, Dropout
from tensorflow.keras.regularizers import l2
model = Sequential([
    Input(shape=(input_dim,)),
    Dense(64, activation='relu', kernel_regularizer=l2(0.01)),
    Dropout(0.5),
    Dense(64, activation='relu', kernel_regularizer=l2(0.01)),
    Dense(1, activation='sigmoid'),
])
model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])
history = model.fit(X_train, y_train, epochs=2, verbose=0, validation_split=0.2)"""

SNAPSHOT_CELL = """import random
import numpy as np
weights_before = [w.copy() for w in model.get_weights()]
np_state, py_state = np.random.get_state()[1].copy(), random.getstate()"""

UNTOUCHED_CELL = """assert all((a == b).all() for a, b in zip(weights_before, model.get_weights()))
assert (np.random.get_state()[1] == np_state).all() and random.getstate() == py_state
print("MODEL UNTOUCHED")"""


VERSIONS_CELL = "import keras, tensorflow as tf\nprint('KERAS', keras.__version__)\nprint('TENSORFLOW', tf.__version__)"


def keras_under_test() -> str:
    """The Keras these tests mean to exercise: test_oldest_keras.py's, else the installed one."""
    import importlib.metadata

    return os.environ.get("AUTOGRADER_KERAS_UNDER_TEST") or importlib.metadata.version("keras")


def installed_tensorflow() -> str:
    """The version of the TensorFlow distribution installed (tensorflow-cpu on x86-64 grader machines)."""
    import importlib.metadata

    for dist in ("tensorflow-cpu", "tensorflow"):
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            continue
    raise AssertionError("no TensorFlow installed")


def test_import_is_cheap():
    code = ("import sys, autograder; heavy = {'tensorflow', 'keras', 'jinja2', 'numpy'} & set(sys.modules); "
            "assert not heavy, heavy; assert callable(autograder.check)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_check_does_nothing_inside_the_grading_sandbox(monkeypatch, capsys):
    def fit(self, *args, **kwargs):
        pass

    fit.__module__ = "ag_hooks"  # what the sandbox's hooks are
    fake = types.ModuleType("keras")
    fake.Model = type("Model", (), {"fit": fit})
    monkeypatch.setitem(sys.modules, "keras", fake)
    assert grading_in_progress()
    import autograder

    assert autograder.check() is None
    assert "se omite durante la corrección oficial" in capsys.readouterr().out
    fake.Model.fit.__module__ = "keras.src.trainers.trainer"
    assert not grading_in_progress()


def outputs_text(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        for mime in ("text/html", "text/plain"):
            parts.append(output.get("data", {}).get(mime, ""))
    return "\n".join(parts)


@pytest.mark.slow
def test_check_shows_the_feedback_inline(tmp_path, monkeypatch):
    from nbclient import NotebookClient

    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
    nb = new_notebook(cells=[
        new_code_cell(DATA_CELL), new_code_cell(MODEL_CELL), new_code_cell(SNAPSHOT_CELL),
        new_code_cell("import autograder\nautograder.check()"),
        new_code_cell(UNTOUCHED_CELL),
        new_code_cell("autograder.check(model, lang='en', train=False)"),
        new_code_cell(VERSIONS_CELL),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    spanish, untouched, english = outputs_text(nb.cells[3]), outputs_text(nb.cells[4]), outputs_text(nb.cells[5])
    # The Keras under test (the oldest one admitted, in test_oldest_keras.py's run) is the kernel's.
    versions = outputs_text(nb.cells[6])
    assert f"KERAS {keras_under_test()}\n" in versions and f"TENSORFLOW {installed_tensorflow()}\n" in versions
    # The second hidden layer has no Dropout after it: 8 of 10, and the report says where and what to change.
    assert "Comprobación orientativa dentro de tu cuaderno: 8 / 10" in spanish
    assert "La nota oficial es la de la corrección aislada" in spanish
    assert "dense_1" in spanish and "Dropout(0.5)" in spanish and "<iframe" in spanish
    assert re.search(r"corrector (lo|el modelo) entrenó|entrenó el modelo", spanish) and "5 épocas" in spanish  # on a clone
    assert "MODEL UNTOUCHED" in untouched
    assert "Practice check inside your notebook: 7 / 10" in english
    assert "Training skipped in the kernel" in english


GRADER_URL = "git+https://github.com/tu-organizacion/autograder"
"""The course's grader repository in the starter's check cell (a placeholder the instructor replaces)."""


def check_cell(nb) -> int:
    [index] = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "autograder.check(model)" in c.source]
    return index


def test_the_starter_installs_the_checker_with_one_quiet_pip_line():
    from tests.integrations.conftest import TEMPLATE

    nb = nbformat.read(str(TEMPLATE / "tarea_l2_dropout.ipynb"), as_version=4)
    source = nb.cells[check_cell(nb)].source
    pip_lines = [line.strip() for line in source.splitlines() if "pip install" in line]
    assert pip_lines == [f'%pip install -q "autograder @ {GRADER_URL}"'], pip_lines
    assert source.index("find_spec(\"autograder\") is None") < source.index("%pip install")
    assert source.rstrip().endswith("autograder.check(model)")


@pytest.mark.slow
def test_the_starter_notebook_installs_the_checker_and_shows_the_report(tmp_path, monkeypatch):
    """The starter, filled in, run through nbclient in a kernel without the grader, as in Colab.

    The kernel's virtualenv sees the main one's packages (TensorFlow, Keras, IPython) but not the grader; the
    check cell's pip line installs it from a wheel of this checkout (standing in for the course's repository).
    """
    import html

    from nbclient import NotebookClient

    from tests.integrations.conftest import student_repo
    from tests.integrations.installs import checkout_wheel, installed, make_venv, run

    if os.environ.get("AUTOGRADER_KERAS_UNDER_TEST"):
        pytest.skip("runs once, on the pinned Keras (the oldest Keras runs the check's other tests)")
    wheel = checkout_wheel()
    venv = tmp_path / "kernel-venv"
    python = make_venv(venv, reuse_main="path")
    probe = run([python, "-c", "import importlib.util as u; print(u.find_spec('autograder'), u.find_spec('keras') is not None)"],
                cwd=tmp_path)
    assert probe.stdout.split() == ["None", "True"], probe.stdout + probe.stderr
    kernels = tmp_path / "jupyter" / "kernels" / "colab-like"
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Colab-like", "language": "python", "env": {"TF_CPP_MIN_LOG_LEVEL": "3"}}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))

    repo = student_repo(tmp_path / "repo", "solution")
    nb = nbformat.read(str(repo / "tarea_l2_dropout.ipynb"), as_version=4)
    index = check_cell(nb)
    assert nb.cells[index].source.count(GRADER_URL) == 1
    nb.cells[index].source = nb.cells[index].source.replace(GRADER_URL, wheel.as_uri())
    for cell in nb.cells:  # the student's own training: a few epochs are enough here
        cell.source = cell.source.replace("epochs=50", "epochs=5")
    NotebookClient(nb, timeout=600, kernel_name="colab-like", resources={"metadata": {"path": str(repo)}}).execute()

    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors
    report = html.unescape(outputs_text(nb.cells[index]))
    assert "Comprobación orientativa dentro de tu cuaderno: 10 / 10" in report  # Spanish, as the notebook
    assert "<iframe" in report and 'id="architecture"' in report and "dense_1" in report
    assert "5 épocas" in report  # the trains check ran the grader's brief training
    # pip added the grader and nothing else: TensorFlow, Keras and NumPy are still the environment's own.
    added = set(installed(venv)) - {"pip", "setuptools"}
    assert added == {"autograder"}, added
    timing = nb.cells[index].metadata.get("execution", {})
    started, ended = (timing.get(k) for k in ("iopub.execute_input", "shell.execute_reply"))
    if started and ended:
        from datetime import datetime

        seconds = (datetime.fromisoformat(ended.replace("Z", "+00:00"))
                   - datetime.fromisoformat(started.replace("Z", "+00:00"))).total_seconds()
        print(f"check cell (pip install + check): {seconds:.1f} s")
