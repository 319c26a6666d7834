"""Fixtures for the integrations: a real notebook on disk and a GradeResult for it, built without TensorFlow.

The result goes through the real checks and message catalog (``run_checks`` + ``localize``); only the
sandbox is left out, by describing the notebook's model by hand, with the cells and lines where each
layer was created.
"""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder.assignment import load_assignment
from autograder.checks import run_checks
from autograder.checks.base import Evidence
from autograder.grading import localize
from autograder.types import (
    CompileSpec,
    FitCall,
    GradeResult,
    LayerSpec,
    ModelSpec,
    RegularizerSpec,
    SourceLocation,
    TrainingResult,
)

SCHEMAS = Path(__file__).parent / "schemas"
TEMPLATE = Path(__file__).resolve().parents[2] / "assignments" / "l2-dropout" / "template"

MODEL_CELL = """model = Sequential([
    Input(shape=(input_dim,)),
    Dense(64, activation='relu', kernel_regularizer=l2(0.01)),
    Dropout(0.5),
    Dense(64, activation='relu'),
    Dropout(0.0),
    Dense(1, activation='sigmoid'),
])"""
"""Cell 3 of the fixture notebook: the second hidden layer has no L2 and its Dropout has rate 0."""


def load_schema(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def assignment():
    return load_assignment("l2-dropout")


def write_notebook(path: Path) -> Path:
    nb = new_notebook(cells=[
        new_markdown_cell("# Regularización (señal: ñ, á)"),
        new_code_cell("from tensorflow.keras.models import Sequential\nfrom tensorflow.keras.layers import Input, Dense, Dropout\n"
                      "from tensorflow.keras.regularizers import l2"),
        new_code_cell(MODEL_CELL),
        new_code_cell("model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])\n"
                      "history = model.fit(X_train, y_train, epochs=50, validation_split=0.2)"),
    ])
    nbformat.write(nb, str(path))
    return path


def located(class_name, name, line, **fields) -> LayerSpec:
    return LayerSpec(class_name, name, created_at=SourceLocation(cell=3, line=line), **fields)


def defective_spec() -> ModelSpec:
    l2 = RegularizerSpec("L2", l2=0.01)
    layers = (
        located("Dense", "dense", 3, units=64, activation="relu", kernel_regularizer=l2),
        located("Dropout", "dropout", 4, rate=0.5),
        located("Dense", "dense_1", 5, units=64, activation="relu"),
        located("Dropout", "dropout_1", 6, rate=0.0),
        located("Dense", "dense_2", 7, units=1, activation="sigmoid"),
    )
    return ModelSpec(kind="sequential", class_name="Sequential", name="sequential", selected_by="fit",
                     layers=layers, input_shape=(None, 30),
                     compile=CompileSpec(optimizer="Adam", loss="binary_crossentropy", metrics=("accuracy",),
                                         location=SourceLocation(cell=4, line=1)),
                     # selected by ``fit``: step 4 was done (issue 11's ``trains`` needs the call)
                     fit_calls=(FitCall(epochs_requested=50, epochs_run=2, validation_split=0.2,
                                        location=SourceLocation(cell=5, line=1)),))


def grade_spec(spec: ModelSpec | None, assignment, source: str, training: TrainingResult | None = None,
               lang: str = "es", **extra) -> GradeResult:
    """A GradeResult as the pipeline makes it, from a hand-made ModelSpec."""
    evidence = Evidence(model=spec, training=training)
    checks = localize(run_checks(evidence, assignment.checks), assignment, lang)
    return GradeResult(id=Path(source).stem, assignment=assignment.id, source=source, sha256="ab" * 32,
                       status="graded", error=None, score=float(sum(c.points for c in checks)),
                       max_score=assignment.max_score, checks=checks, model=spec, training=training, lang=lang,
                       elapsed_s=3.2, isolation="bwrap", grader_version="test", filename=Path(source).name, **extra)


@pytest.fixture
def notebook_result(tmp_path, assignment, monkeypatch):
    """(repository folder, GradeResult) for ``alumna.ipynb``: 6/10, l2_regularization and dropout fail."""
    write_notebook(tmp_path / "alumna.ipynb")
    monkeypatch.chdir(tmp_path)
    training = TrainingResult(epochs=5, loss=(0.9, 0.8, 0.7, 0.6, 0.5), val_loss=(0.9, 0.8, 0.7, 0.65, 0.6))
    return tmp_path, grade_spec(defective_spec(), assignment, "alumna.ipynb", training)


@pytest.fixture
def perfect_result(tmp_path, assignment):
    spec = defective_spec()
    fixed = list(spec.layers)
    fixed[2] = replace(fixed[2], kernel_regularizer=RegularizerSpec("L2", l2=0.01))
    fixed[3] = replace(fixed[3], rate=0.5)
    training = TrainingResult(epochs=5, loss=(0.9, 0.8, 0.7, 0.6, 0.5))
    return grade_spec(replace(spec, layers=tuple(fixed)), assignment, "perfecta.ipynb", training)


SOLUTION_CELLS = {
    "tarea-modelo": """model = Sequential([
    Input(shape=(input_dim,)),
    Dense(64, activation='relu', kernel_regularizer=l2(0.01)),
    Dropout(0.5),
    Dense(64, activation='relu', kernel_regularizer=l2(0.01)),
    Dropout(0.5),
    Dense(1, activation='sigmoid'),
])
model.summary()""",
    "tarea-compilar": "model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])",
    "tarea-entrenar": "history = model.fit(X_train, y_train, epochs=50, validation_split=0.2)",
}
DEFECT_LINE = "    Dense(64, activation='relu'),"
"""The solution's second hidden layer without its L2 regularizer (line 5 of the model cell)."""


def student_repo(dest: Path, variant: str) -> Path:
    """A copy of the template repository as a student would push it.

    ``starter``: untouched; ``solution``: the TODO cells filled in; ``no_l2``: the solution without the
    second hidden layer's L2.
    """
    import shutil

    shutil.copytree(TEMPLATE, dest)
    if variant == "starter":
        return dest
    path = dest / "tarea_l2_dropout.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        for tag in cell.metadata.get("tags", []):
            if tag in SOLUTION_CELLS:
                cell.source = SOLUTION_CELLS[tag]
                if variant == "no_l2" and tag == "tarea-modelo":
                    lines = cell.source.splitlines()
                    lines[4] = DEFECT_LINE
                    cell.source = "\n".join(lines)
    nbformat.write(nb, str(path))
    return dest
