"""The grading pipeline for one submission: run it sandboxed, read its model, check, train, score."""
from __future__ import annotations

import io
import math
import re
import time
from dataclasses import replace
from typing import Protocol

import numpy as np

from autograder import __version__
from autograder.assignment import Assignment
from autograder.checks import CHECKS, Finding, run_checks, training_wanted
from autograder.checks.architecture import output_dense, output_kind
from autograder.checks.base import Evidence
from autograder.checks.compiled import loss_family
from autograder.i18n import translate
from autograder.spec import extract_model_spec, ignored_magics, student_errors
from autograder.types import (
    CheckResult,
    ErrorInfo,
    ExecutionArtifact,
    GradeResult,
    ModelSpec,
    RunLimits,
    StudentError,
    Submission,
    TrainingResult,
)

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
LIMIT_OUTCOMES = ("timeout", "memory_limit", "output_limit", "disk_limit", "crash", "exited")
MEMORY_ERRORS = ("MemoryError", "ResourceExhaustedError")  # Python's, and TensorFlow's allocation failure


class Sandbox(Protocol):
    """What the pipeline needs from a worker (local warm worker, or a remote one)."""

    isolation: str

    def run(self, job: dict, limits: RunLimits) -> ExecutionArtifact: ...

    def train(self, request: dict, limits: RunLimits) -> dict: ...


def build_job(sub: Submission, assignment: Assignment) -> dict:
    """The JSON job the sandbox runs: code units, the folder's files, the default data."""
    import base64

    return {
        "id": sub.id,
        "kind": sub.kind,
        "filename": sub.filename,
        "cells": [{"index": c.index, "source": c.source} for c in sub.cells],
        "files": [[path, base64.b64encode(data).decode("ascii")] for path, data in sub.files],
        "data": assignment.data_b64,
    }


def clean_output(text: str) -> str:
    """Printed output as a person would have seen it: no colour codes, progress bars collapsed."""
    text = ANSI.sub("", text).replace("\x08", "")
    lines = []
    for line in text.split("\n"):
        if "\r" in line:
            parts = [p for p in line.split("\r") if p.strip()]
            line = parts[-1] if parts else ""
        lines.append(line)
    return "\n".join(lines)


def default_input_dim(assignment: Assignment) -> int:
    with np.load(io.BytesIO(assignment.data), allow_pickle=False) as npz:
        return int(npz["input_dim"]) if "input_dim" in npz.files else int(npz["X_train"].shape[1])


def training_task(spec: ModelSpec) -> str:
    """What kind of target the grader's data needs: binary, categorical, sparse or regression."""
    output = output_kind(output_dense(spec))
    family = loss_family(spec.compile.loss if spec.compile else None)
    name = (spec.compile.loss or "").lower() if spec.compile else ""
    if output == "softmax" or family == "categorical":
        return "sparse" if "sparse" in name else "categorical"
    if output == "sigmoid" or (family == "binary"):
        return "binary"
    return "regression"


def train_model(sandbox: Sandbox, spec: ModelSpec, assignment: Assignment) -> TrainingResult:
    """The grader's brief training of a model rebuilt from plain data, in a sandboxed child."""
    rebuild = dict(spec.rebuild or {})
    shape = rebuild.get("input_shape")
    if not shape or any(d is None for d in shape[1:]):
        rebuild["input_shape"] = [None, default_input_dim(assignment)]
    settings = dict(assignment.training)
    epochs = int(settings.get("epochs", 5))
    custom = sorted({layer.class_name for layer in spec.layers if not layer.builtin})
    if custom:
        return TrainingResult(epochs=epochs, error=f"custom layers cannot be rebuilt safely: {', '.join(custom)}")
    try:
        reply = sandbox.train({"rebuild": rebuild, "task": training_task(spec), "settings": settings},
                              assignment.training_limits())
    except Exception as exc:  # the worker died: say so, keep grading the rest
        return TrainingResult(epochs=epochs, error=f"{type(exc).__name__}: {exc}")
    if reply.get("error"):
        return TrainingResult(epochs=epochs, error=str(reply["error"])[:800])

    def floats(values):
        out = []
        for v in values or []:
            try:
                out.append(float(v))
            except (TypeError, ValueError):
                out.append(math.nan)
        return tuple(out)

    return TrainingResult(epochs=epochs, loss=floats(reply.get("loss")), val_loss=floats(reply.get("val_loss")),
                          elapsed_s=float(reply.get("elapsed_s", 0.0) or 0.0))


def localize(findings: dict[str, Finding], assignment: Assignment, lang: str) -> tuple[CheckResult, ...]:
    results = []
    for check in CHECKS:
        f = findings[check.id]
        max_points = float(assignment.points.get(check.id, 0.0))
        hint = translate(f.hint, lang, f.params) if f.hint and f.status != "pass" else None
        results.append(CheckResult(id=check.id, status=f.status, points=max_points if f.status == "pass" else 0.0,
                                   max_points=max_points, message=translate(f.message, lang, f.params), hint=hint))
    return tuple(results)


def limit_params(assignment: Assignment, limits: RunLimits, detail: str, lang: str = "es") -> dict:
    """Values for the limit messages; ``detail`` is the sandbox's code for how the run ended
    (``wall``, ``cpu``, ``signal:SIGSEGV``, ``exit:3``, ``channel_closed`` ...), put into words."""
    params = {"timeout": f"{limits.timeout_s:g}", "cpu": limits.cpu_s, "memory": limits.memory_mb,
              "output": max(1, limits.output_limit_bytes // 2**20), "disk": limits.disk_mb,
              "files": limits.max_files}
    kind, _, value = (detail or "").partition(":")
    params["limit"] = translate("error.why.cpu" if kind == "cpu" else "error.why.wall", lang, params)
    if kind == "signal":
        params["detail"] = translate("error.why.signal", lang, {"signal": value})
    elif kind == "exit":
        params["detail"] = translate("error.why.exit", lang, {"code": value})
    elif kind in ("channel_closed", "report_too_large"):
        params["detail"] = translate(f"error.why.{kind}", lang)
    else:
        params["detail"] = detail
    return params


def localized_notes(notes: tuple[str, ...], lang: str) -> tuple[str, ...]:
    out = []
    for note in notes:
        kind, _, rest = note.partition(":")
        if kind == "chosen_file":
            chosen, _, others = rest.partition(":")
            out.append(translate("note.chosen_file", lang, {"chosen": chosen, "others": others}))
        elif kind in ("notebook_invalid", "renamed_id"):
            out.append(translate(f"note.{kind}", lang, {"detail": rest, "id": rest}))
        else:
            out.append(note)
    return tuple(out)


NETWORK_HINTS = ("URLError", "ConnectionError", "gaierror", "HTTPError", "name resolution", "Network is unreachable",
                 "Connection refused", ".keras/datasets")


def advice_notes(errors: tuple[StudentError, ...], lang: str) -> tuple[str, ...]:
    """Explain the usual reasons a notebook that ran at home fails in the grader (offline, no Colab, no file)."""
    notes: list[str] = []
    for e in errors:
        text = f"{e.type}: {e.message}"
        if "google.colab" in text:
            key, detail = "note.colab", ""
        elif any(h in text for h in NETWORK_HINTS):
            key, detail = "note.offline", text[:160]
        elif e.type == "FileNotFoundError":
            match = re.search(r"'([^']+)'", e.message)
            key, detail = "note.missing_file", match.group(1) if match else e.message[:120]
        else:
            continue
        note = translate(key, lang, {"detail": detail})
        if note not in notes:
            notes.append(note)
    return tuple(notes[:5])


def error_result(sub: Submission, assignment: Assignment, lang: str, kind: str, params: dict,
                 started: float, **extra) -> GradeResult:
    """A result row for a submission that could not be read or run: score 0, every check listed."""
    if "timeout" in params and "limit" not in params:  # callers that give only the wall-clock limit
        params = dict(params, limit=translate("error.why.wall", lang, params))
    message = translate(f"error.{kind}", lang, params)
    findings = {c.id: Finding("skipped", "skipped.dependency", {"depends": "model_built"}) for c in CHECKS}
    findings["model_built"] = Finding("error", f"error.{kind}", params)
    return GradeResult(
        id=sub.id, assignment=assignment.id, source=sub.source, sha256=sub.sha256, status="error",
        error=ErrorInfo(kind=kind, message=message), score=0.0, max_score=assignment.max_score,
        checks=localize(findings, assignment, lang), model=None, training=None, lang=lang,
        elapsed_s=round(time.monotonic() - started, 3), notes=localized_notes(sub.notes, lang),
        grader_version=__version__, filename=sub.filename, **extra)


def grade_submission(sub: Submission, assignment: Assignment, sandbox: Sandbox, lang: str | None = None,
                     timeout_s: float | None = None) -> GradeResult:
    """Submission in, GradeResult out. Never raises for anything the submission does."""
    started = time.monotonic()
    lang = lang or assignment.lang
    limits = assignment.limits(timeout_s)
    if sub.load_error is not None:
        return error_result(sub, assignment, lang, sub.load_error.kind, {"detail": sub.load_error.detail}, started)
    try:
        artifact = sandbox.run(build_job(sub, assignment), limits)
    except Exception as exc:
        return error_result(sub, assignment, lang, "sandbox", {"detail": f"{type(exc).__name__}: {exc}"}, started,
                            isolation=getattr(sandbox, "isolation", "none"))
    spec = extract_model_spec(artifact)
    errors = student_errors(artifact)
    outcome = artifact.outcome if artifact.outcome in LIMIT_OUTCOMES else None
    if outcome is None and spec is None and any(e.type in MEMORY_ERRORS for e in errors):
        outcome = "memory_limit"
    params = limit_params(assignment, limits, artifact.message, lang)
    run_extra = dict(isolation=artifact.isolation, student_errors=errors, output=clean_output(artifact.output),
                     output_dropped_bytes=artifact.output_dropped_bytes)
    advice = advice_notes(errors, lang)
    if spec is None and outcome is not None:
        return error_result(sub, assignment, lang, outcome, params, started, **run_extra)
    evidence = Evidence(model=spec, rules=assignment.rules)
    findings = run_checks(evidence, only=lambda c: not c.needs_training)
    training = None
    if training_wanted(findings):
        training = train_model(sandbox, spec, assignment)
    findings = run_checks(replace(evidence, training=training), done=findings)
    checks = localize(findings, assignment, lang)
    return GradeResult(
        id=sub.id, assignment=assignment.id, source=sub.source, sha256=sub.sha256, status="graded", error=None,
        score=float(sum(c.points for c in checks)), max_score=assignment.max_score, checks=checks, model=spec,
        training=training, lang=lang, elapsed_s=round(time.monotonic() - started, 3),
        cut_short=translate(f"cut_short.{outcome}", lang, params) if outcome else None,
        notes=localized_notes(sub.notes, lang) + advice, ignored=ignored_magics(artifact),
        grader_version=__version__, filename=sub.filename, **run_extra)
