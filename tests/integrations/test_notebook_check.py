"""``autograder.check()`` from inside a notebook: executed for real through nbclient and an IPython kernel."""
from __future__ import annotations

import os
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
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    spanish, untouched, english = outputs_text(nb.cells[3]), outputs_text(nb.cells[4]), outputs_text(nb.cells[5])
    # The second hidden layer has no Dropout after it: 8 of 10, and the report says where and what to change.
    assert "Comprobación orientativa dentro de tu cuaderno: 8 / 10" in spanish
    assert "La nota oficial es la de la corrección aislada" in spanish
    assert "dense_1" in spanish and "Dropout(0.5)" in spanish and "<iframe" in spanish
    assert "El corrector entrenó el modelo 5 épocas" in spanish  # the trains check ran, on a clone
    assert "MODEL UNTOUCHED" in untouched
    assert "Practice check inside your notebook: 7 / 10" in english
    assert "Training skipped in the kernel" in english
