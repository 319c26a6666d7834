"""The grading pipeline for one submission: run it sandboxed, read its model, check, train, score."""
from __future__ import annotations

import io
import math
import posixpath
import re
import time
from dataclasses import replace
from typing import Protocol

import numpy as np

from autograder import __version__
from autograder.assignment import Assignment
from autograder.checks import Finding, run_checks, training_wanted
from autograder.checks.architecture import output_dense, output_kind
from autograder.checks.base import Evidence
from autograder.checks.compiled import loss_family
from autograder.crosscheck import cross_check, instructor_sentence
from autograder import insight as insight_mod
from autograder.insight_techniques import ACCURACY_MONITORS, NotComparable, stopping_callback, stopping_rule
from autograder.i18n import catalog, translate
from autograder.diagnosis import diagnose_run
from autograder.spec import extract_model_spec, ignored_magics, keras2_notes
from autograder.types import (
    CheckResult,
    ErrorInfo,
    ExecutionArtifact,
    GradeResult,
    Insight,
    ModelSpec,
    RunLimits,
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
        # A folder's program in a sub-folder runs from there (as Jupyter runs a notebook, and ``python dir/x.py``
        # puts ``dir`` first on sys.path); the folder's top stays on sys.path too.
        "entry_dir": posixpath.dirname(sub.filename) if sub.files else "",
        "data": assignment.data_b64,
        "keras_datasets": str(assignment.keras_datasets) if assignment.keras_datasets else None,
        "fit_sample": insight_mod.sample_settings(assignment.insight),
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


def cell_outputs(text: str, starts: tuple[tuple[int, int], ...]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The printed output cleaned, and where each cell's part of it starts (each part cleaned on its own, so the
    offsets stay true). ``starts``: (cell, offset in ``text``) as the sandbox marked them."""
    if not starts:
        return clean_output(text), ()
    parts, cells = [clean_output(text[:starts[0][1]])], []
    for number, (cell, at) in enumerate(starts):
        end = starts[number + 1][1] if number + 1 < len(starts) else len(text)
        cells.append((cell, sum(len(part) for part in parts)))
        parts.append(clean_output(text[at:end]))
    return "".join(parts), tuple(cells)


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


def rebuild_config(spec: ModelSpec, assignment: Assignment) -> dict:
    """What the trainer rebuilds the model from; an unknown input width is the assignment's data's."""
    rebuild = dict(spec.rebuild or {})
    shape = rebuild.get("input_shape")
    if not shape or any(d is None for d in shape[1:]):
        rebuild["input_shape"] = [None, default_input_dim(assignment)]
    return rebuild


def train_model(sandbox: Sandbox, spec: ModelSpec, assignment: Assignment) -> TrainingResult:
    """The grader's brief training of a model rebuilt from plain data, in a sandboxed child."""
    return train_and_measure(sandbox, spec, assignment)[0]


def train_and_measure(sandbox: Sandbox, spec: ModelSpec, assignment: Assignment,
                      insight: dict | None = None) -> tuple[TrainingResult, dict | None]:
    """The brief training and, when ``insight`` is the trainer's insight request, the regularization
    insight in the same child (one fork, TensorFlow warm). Returns the training and the insight's raw reply."""
    rebuild = rebuild_config(spec, assignment)
    settings = dict(assignment.training)
    epochs = int(settings.get("epochs", 5))
    custom = sorted({layer.class_name for layer in spec.layers if not layer.builtin})
    if custom:
        return TrainingResult(epochs=epochs, error=f"custom layers cannot be rebuilt safely: {', '.join(custom)}"), \
            {"error": ", ".join(custom), "custom_layers": True}
    request = {"rebuild": rebuild, "task": training_task(spec), "settings": settings}
    limits = assignment.training_limits()
    if insight is not None:
        request["insight"] = insight
        extra = float(insight.get("settings", {}).get("timeout_s", 30))
        limits = replace(limits, timeout_s=limits.timeout_s + extra + 5, cpu_s=limits.cpu_s + int(2 * extra) + 10)
    try:
        reply = sandbox.train(request, limits)
    except Exception as exc:  # the worker died: say so, keep grading the rest
        return TrainingResult(epochs=epochs, error=f"{type(exc).__name__}: {exc}"), None
    if reply.get("error"):
        return TrainingResult(epochs=epochs, error=str(reply["error"])[:800]), None

    def floats(values):
        out = []
        for v in values or []:
            try:
                out.append(float(v))
            except (TypeError, ValueError):
                out.append(math.nan)
        return tuple(out)

    def count(key: str, default: int = 0) -> int:
        value = reply.get(key)
        return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0 \
            else default

    return TrainingResult(epochs=count("epochs", epochs), loss=floats(reply.get("loss")),
                          val_loss=floats(reply.get("val_loss")), elapsed_s=float(reply.get("elapsed_s", 0.0) or 0.0),
                          samples=count("samples"), weights=count("weights"), sized=reply.get("sized") is True,
                          planned_epochs=count("planned_epochs"), planned_samples=count("planned_samples"),
                          budget=float(count("budget"))), reply.get("insight")


def default_sample(assignment: Assignment) -> dict[str, str]:
    """The assignment's X_train/y_train as the trainer reads a sample (base64 ``.npy``)."""
    import base64

    with np.load(io.BytesIO(assignment.data), allow_pickle=False) as npz:
        arrays = {"x": npz["X_train"], "y": npz["y_train"]}
    out = {}
    for part, array in arrays.items():
        buffer = io.BytesIO()
        np.save(buffer, array, allow_pickle=False)
        out[part] = base64.b64encode(buffer.getvalue()).decode("ascii")
    return out


def train_with_insight(sandbox: Sandbox, spec: ModelSpec, artifact: ExecutionArtifact,
                       assignment: Assignment) -> tuple[TrainingResult, Insight | None]:
    """The grader's training, plus the regularization insight when the assignment has it on."""
    if insight_mod.sample_settings(assignment.insight) is None:
        return train_and_measure(sandbox, spec, assignment)[0], None
    rebuild = rebuild_config(spec, assignment)
    sample = artifact.fit_samples.get(str(spec.index)) if spec.index is not None else None
    compare = insight_mod.compare_of(assignment.insight)
    try:
        request, removed, data = insight_mod.insight_request(rebuild, assignment.insight, sample,
                                                             default_sample(assignment), spec)
    except NotComparable as exc:  # the technique sits in a Functional model: no twin to build
        return train_and_measure(sandbox, spec, assignment)[0], insight_mod.skipped(
            "functional", str(exc), compare=compare)
    if compare != "regularization" and not removed:  # nothing to take away: nothing to train twice
        return train_and_measure(sandbox, spec, assignment)[0], insight_mod.nothing_to_compare(compare, spec)
    rule = None
    if compare == "early_stopping":
        rule = stopping_rule(stopping_callback(spec))
        monitor, task = rule["monitor"], training_task(spec)
        if monitor in ACCURACY_MONITORS and not logs_metric(spec, monitor):
            # Keras logs val_<name> only for a compiled metric of that name: the callback never stops this training
            return train_and_measure(sandbox, spec, assignment)[0], insight_mod.skipped(
                "monitor_not_logged", monitor, removed, compare=compare)
        if monitor in ACCURACY_MONITORS and task != "regression":
            request["accuracy"] = task  # the trainer measures Keras' accuracy on the validation rows
        elif monitor not in ("val_loss", "loss"):  # losses and classification accuracy are measured
            return train_and_measure(sandbox, spec, assignment)[0], insight_mod.skipped(
                "monitor", monitor, removed, compare=compare)
    training, reply = train_and_measure(sandbox, spec, assignment, request)
    if isinstance(reply, dict) and reply.get("custom_layers"):
        return training, insight_mod.skipped("custom_layers", str(reply.get("error")), removed, compare=compare)
    if reply is None:
        return training, insight_mod.skipped("failed", training.error, removed, compare=compare)
    if isinstance(reply, dict) and reply.get("no_data"):
        return training, insight_mod.skipped("no_data", str(reply.get("error")), removed,
                                             insight_mod.insight_facts(reply.get("facts")), compare)
    return training, insight_mod.insight_from_reply(reply, removed, data, compare, rule)


def logs_metric(spec: ModelSpec, monitor: str) -> bool:
    """Whether the model's ``fit`` logs ``monitor``: the losses always, ``val_<name>`` for a compiled metric ``name``
    (``metrics=['accuracy']`` logs ``val_accuracy``, ``metrics=['acc']`` logs ``val_acc``)."""
    name = monitor[len("val_"):] if monitor.startswith("val_") else monitor
    return name == "loss" or (spec.compile is not None and name in spec.compile.metrics)


def localize(findings: dict[str, Finding], assignment: Assignment, lang: str) -> tuple[CheckResult, ...]:
    results = []
    for check in assignment.checks:
        f = findings[check.id]
        max_points = float(check.points)
        hint = translate(f.hint, lang, f.params) if f.hint and f.status != "pass" else None
        results.append(CheckResult(id=check.id, status=f.status, points=max_points if f.status == "pass" else 0.0,
                                   max_points=max_points, message=translate(f.message, lang, f.params), hint=hint,
                                   kind=check.kind, rules=dict(check.params), title=check_title(check, lang)))
    return tuple(results)


def check_title(check, lang: str) -> str:
    """The title its ``[[check]]`` table gives; else empty when the catalog has ``check.<id>`` (the reports
    read it there, in their own language), else its kind's title."""
    if check.title.get(lang):
        return check.title[lang]
    return "" if f"check.{check.id}" in catalog(lang) else translate(f"check_kind.{check.kind}", lang)


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


def entry_sentence(raw: str, lang: str) -> str:
    """The report's sentence for a folder's ``entry:<json>`` note: which file counted, why, what it ran
    with, which files were left (see ``loading.entry_note``)."""
    import json

    try:
        note = json.loads(raw)
        left = ", ".join(f"'{name}'" for name in note.get("left", []))
        if note.get("more"):
            left += translate("note.entry.more", lang, {"more": note["more"]})
        modules = ", ".join(f"'{name}'" for name in note.get("modules", []))
        return translate("note.entry", lang, {
            "entry": note["entry"],
            "why": translate(f"entry.why.{note['reason']}", lang, {"pattern": note.get("pattern", "")}),
            "modules": translate("note.entry.modules", lang, {"modules": modules}) if modules else "",
            "left": translate("note.entry.left", lang, {"left": left}) if left else ""})
    except (ValueError, KeyError, TypeError, AttributeError):
        return raw


def localized_notes(notes: tuple[str, ...], lang: str) -> tuple[str, ...]:
    out = []
    for note in notes:
        kind, _, rest = note.partition(":")
        if kind == "entry":
            out.append(entry_sentence(rest, lang))
        elif kind == "chosen_file":
            chosen, _, others = rest.partition(":")
            out.append(translate("note.chosen_file", lang, {"chosen": chosen, "others": others}))
        elif kind in ("notebook_invalid", "renamed_id"):
            out.append(translate(f"note.{kind}", lang, {"detail": rest, "id": rest}))
        else:
            out.append(note)
    return tuple(out)


def error_result(sub: Submission, assignment: Assignment, lang: str, kind: str, params: dict,
                 started: float, **extra) -> GradeResult:
    """A result row for a submission that could not be read or run: score 0, every check listed."""
    if "timeout" in params and "limit" not in params:  # callers that give only the wall-clock limit
        params = dict(params, limit=translate("error.why.wall", lang, params))
    message = translate(f"error.{kind}", lang, params)
    findings = {c.id: Finding("skipped", "skipped.dependency", {"depends": "model_built"})
                for c in assignment.checks}
    findings["model_built"] = Finding("error", f"error.{kind}", params)
    return GradeResult(
        id=sub.id, assignment=assignment.id, source=sub.source, sha256=sub.sha256, status="error",
        error=ErrorInfo(kind=kind, message=message), score=0.0, max_score=assignment.max_score,
        checks=localize(findings, assignment, lang), model=None, training=None, lang=lang,
        elapsed_s=round(time.monotonic() - started, 3), notes=localized_notes(sub.notes, lang),
        grader_version=__version__, filename=sub.filename, **extra)


def empty_result(sub: Submission, assignment: Assignment, lang: str, started: float) -> GradeResult:
    """A submission with no code is graded, not an error: there is no model (decided), the rest is skipped."""
    findings = run_checks(Evidence(model=None), assignment.checks)
    findings["model_built"] = Finding("fail", "model_built.no_code", hint="model_built.hint_no_code")
    return GradeResult(
        id=sub.id, assignment=assignment.id, source=sub.source, sha256=sub.sha256, status="graded", error=None,
        score=0.0, max_score=assignment.max_score, checks=localize(findings, assignment, lang), model=None,
        training=None, lang=lang, elapsed_s=round(time.monotonic() - started, 3),
        notes=localized_notes(sub.notes, lang), grader_version=__version__, filename=sub.filename)


def grade_submission(sub: Submission, assignment: Assignment, sandbox: Sandbox, lang: str | None = None,
                     timeout_s: float | None = None) -> GradeResult:
    """Submission in, GradeResult out. Never raises for anything the submission does."""
    started = time.monotonic()
    lang = lang or assignment.lang
    limits = assignment.limits(timeout_s)
    if sub.load_error is not None:
        return error_result(sub, assignment, lang, sub.load_error.kind, {"detail": sub.load_error.detail}, started)
    if not sub.cells:
        return empty_result(sub, assignment, lang, started)
    try:
        artifact = sandbox.run(build_job(sub, assignment), limits)
    except Exception as exc:
        return error_result(sub, assignment, lang, "sandbox", {"detail": f"{type(exc).__name__}: {exc}"}, started,
                            isolation=getattr(sandbox, "isolation", "none"))
    spec = extract_model_spec(artifact)
    diagnosis = diagnose_run(artifact)
    errors = diagnosis.errors
    outcome = artifact.outcome if artifact.outcome in LIMIT_OUTCOMES else None
    if outcome is None and spec is None and any(e.type in MEMORY_ERRORS for e in errors):
        outcome = "memory_limit"
    params = limit_params(assignment, limits, artifact.message, lang)
    run_extra = dict(isolation=artifact.isolation, student_errors=errors, environment=diagnosis.environment,
                     keras2=keras2_notes(artifact), output_dropped_bytes=artifact.output_dropped_bytes)
    run_extra["output"], run_extra["output_cells"] = cell_outputs(artifact.output, artifact.output_cells)
    if spec is None and outcome is not None:
        return error_result(sub, assignment, lang, outcome, params, started, **run_extra)
    mismatch = cross_check(sub, spec, artifact.state)
    if mismatch is not None:  # the report contradicts the code that ran: written by the submission itself
        refused = error_result(sub, assignment, lang, "report_mismatch", {}, started, **run_extra)
        return replace(refused, error=replace(refused.error, detail=instructor_sentence(mismatch, lang)))
    evidence = Evidence(model=spec)
    findings = run_checks(evidence, assignment.checks, only=lambda c: not c.needs_training)
    training = insight = None
    if training_wanted(findings, assignment.checks):
        training, insight = train_with_insight(sandbox, spec, artifact, assignment)
    elif spec is not None and insight_mod.sample_settings(assignment.insight) is not None:
        insight = insight_mod.skipped("not_trained", compare=insight_mod.compare_of(assignment.insight))
    findings = run_checks(replace(evidence, training=training), assignment.checks, done=findings)
    checks = localize(findings, assignment, lang)
    return GradeResult(
        id=sub.id, assignment=assignment.id, source=sub.source, sha256=sub.sha256, status="graded", error=None,
        score=float(sum(c.points for c in checks)), max_score=assignment.max_score, checks=checks, model=spec,
        training=training, lang=lang, elapsed_s=round(time.monotonic() - started, 3),
        cut_short=translate(f"cut_short.{outcome}", lang, params) if outcome else None,
        notes=localized_notes(sub.notes, lang), ignored=ignored_magics(artifact),
        grader_version=__version__, filename=sub.filename, insight=insight, **run_extra)
