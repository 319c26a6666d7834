"""GradeResult values built by hand (no TensorFlow): a full one, a failing one, error rows."""
from __future__ import annotations

import math
import time

from autograder.assignment import load_assignment
from autograder.grading import error_result
from autograder.types import (CheckResult, CompileSpec, ErrorInfo, FitCall, GradeResult, LayerSpec, ModelSpec,
                              RegularizerSpec, SourceLocation, StudentError, Submission, TrainingResult)

CHECK_POINTS = {"model_built": 1, "hidden_layers": 2, "l2_regularization": 2, "dropout": 2, "output_layer": 1,
                "compiled": 1, "trains": 1}


def graded(sub_id: str, failing: tuple[str, ...] = (), lang: str = "es") -> GradeResult:
    checks = tuple(CheckResult(id=c, status="fail" if c in failing else "pass",
                               points=0.0 if c in failing else float(p), max_points=float(p),
                               message=f"mensaje de {c}", hint=f"pista para {c}" if c in failing else None)
                   for c, p in CHECK_POINTS.items())
    layers = (LayerSpec("Dense", "dense", units=64, activation="relu", kernel_regularizer=RegularizerSpec("L2", l2=0.01),
                        created_at=SourceLocation(cell=2, line=7)),
              LayerSpec("Dropout", "dropout", rate=0.5),
              LayerSpec("Dense", "dense_1", units=1, activation="sigmoid",
                        bias_regularizer=RegularizerSpec("L1L2", l1=0.1, l2=0.2), builtin=False))
    model = ModelSpec(kind="sequential", class_name="Sequential", name="sequential", selected_by="fit", layers=layers,
                      input_shape=(None, 30), compile=CompileSpec("Adam", "binary_crossentropy", metrics=("accuracy",),
                                                                   location=SourceLocation(cell=3, line=1)),
                      fit_calls=(FitCall(epochs_requested=50, epochs_run=2, validation_split=0.2,
                                         loss=(0.9, math.nan)),), models_seen=2)
    return GradeResult(
        id=sub_id, assignment="l2-dropout", source=f"entregas/{sub_id}.ipynb", sha256="ab" * 32, status="graded",
        error=None, score=float(sum(c.points for c in checks)), max_score=10.0, checks=checks, model=model,
        training=TrainingResult(epochs=5, loss=(0.8, 0.6, 0.5), val_loss=(0.9, 0.7, math.nan), elapsed_s=1.25),
        lang=lang, elapsed_s=3.5, isolation="bwrap", cut_short=None,
        student_errors=(StudentError("NameError", "name 'x' is not defined", SourceLocation(cell=4, line=2),
                                     ("celda 4, línea 2, en <module>: print(x)",)),),
        output="Epoch 1/2\nloss: 0.9\n", output_dropped_bytes=12, notes=("una nota",), ignored=("%matplotlib inline",),
        grader_version="0.1.0", filename=f"{sub_id}.ipynb")


def errored(sub_id: str, kind: str = "corrupt_notebook") -> GradeResult:
    sub = Submission(id=sub_id, source=f"entregas/{sub_id}.ipynb", kind="unknown", sha256="cd" * 32)
    return error_result(sub, load_assignment(), "es", kind, {"detail": "x"}, time.monotonic())


def with_error(result: GradeResult, kind: str) -> GradeResult:
    from dataclasses import replace
    return replace(result, status="error", error=ErrorInfo(kind=kind, message="m"))
