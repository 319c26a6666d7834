"""GradeResult -> the contract's result.json document (plus a few documented extras)."""
from __future__ import annotations

import math
from typing import Any

from autograder.spec import error_to_dict, plain_location
from autograder.insight import insight_to_dict, student_training
from autograder.types import GradeResult, LayerSpec, RegularizerSpec, to_plain

SCHEMA = "autograder.result/1"


def _finite(values) -> list[float | None]:
    return [v if isinstance(v, float) and math.isfinite(v) else None for v in values]


def _regularizer(reg: RegularizerSpec | None) -> dict[str, Any] | None:
    if reg is None:
        return None
    out: dict[str, Any] = {"class_name": reg.class_name}
    if reg.l1:
        out["l1"] = reg.l1
    if reg.l2 or not reg.l1:
        out["l2"] = reg.l2
    return out


def layer_dict(layer: LayerSpec) -> dict[str, Any]:
    out: dict[str, Any] = {"class_name": layer.class_name, "name": layer.name}
    if layer.units is not None:
        out["units"] = layer.units
    if layer.activation is not None:
        out["activation"] = layer.activation
    if layer.kernel_regularizer is not None:
        out["kernel_regularizer"] = _regularizer(layer.kernel_regularizer)
    for key in ("bias_regularizer", "activity_regularizer"):
        if getattr(layer, key) is not None:
            out[key] = _regularizer(getattr(layer, key))
    if layer.rate is not None:
        out["rate"] = layer.rate
    if layer.options:
        out["options"] = dict(layer.options)
    if not layer.builtin:
        out["builtin"] = False
    if layer.created_at is not None:
        out["created_at"] = {k: v for k, v in to_plain(layer.created_at).items() if v is not None}
    return out


CHECK_KEYS = ("id", "status", "points", "max_points", "message", "hint")
"""A check's keys in result.json, as the contract shows them; its kind, parameters and title go in
``check_rules`` (what a result read back needs to draw the architecture as the assignment's rules say)."""


def result_to_dict(result: GradeResult) -> dict[str, Any]:
    model = None
    if result.model is not None:
        m = result.model
        model = {
            "layers": [layer_dict(layer) for layer in m.layers],
            "kind": m.kind,
            "class_name": m.class_name,
            "name": m.name,
            "selected_by": m.selected_by,
            "layer_order": m.layer_order,
            "input_shape": list(m.input_shape) if m.input_shape else None,
            "compile": to_plain(m.compile) if m.compile else None,
            "fit_calls": [dict(to_plain(f), loss=_finite(f.loss)) for f in m.fit_calls],
            "global_names": list(m.global_names),
        }
        if m.bases:  # what the drawing collapses into one block, read back with the result
            model["bases"] = [to_plain(b) for b in m.bases]
        if m.generators:  # what the drawing says of image generators, read back with the result
            model["generators"] = [to_plain(g) for g in m.generators]
    training = None
    if result.training is not None:
        t = result.training
        training = {"epochs": t.epochs, "loss": _finite(t.loss), "val_loss": _finite(t.val_loss)}
        if t.samples:  # how much was trained, and whether the model's cost made it brief
            training.update(samples=t.samples, weights=t.weights, sized=t.sized, planned_epochs=t.planned_epochs,
                            planned_samples=t.planned_samples, budget=t.budget)
        if t.error:
            training["error"] = t.error
    return {
        "schema": SCHEMA,
        "id": result.id,
        "assignment": result.assignment,
        "source": result.source,
        "sha256": result.sha256,
        "status": result.status,
        "error": to_plain(result.error),
        "score": result.score,
        "max_score": result.max_score,
        "checks": [{k: v for k, v in to_plain(c).items() if k in CHECK_KEYS} for c in result.checks],
        "check_rules": [{"id": c.id, "kind": c.kind, "rules": c.rules, "title": c.title} for c in result.checks],
        "model": model,
        "training": training,
        "student_training": student_training(result.model),
        "insight": insight_to_dict(result.insight) if result.insight is not None else None,
        "lang": result.lang,
        "elapsed_s": result.elapsed_s,
        "isolation": result.isolation,
        "cut_short": result.cut_short,
        "student_errors": [error_to_dict(e) for e in result.student_errors],
        "environment": [dict(to_plain(i), location=plain_location(i.location) or None) for i in result.environment],
        "keras2": [{"idiom": n.idiom, "modern": n.modern, "location": plain_location(n.location) or None}
                   for n in result.keras2],
        "notes": list(result.notes),
        "grader_version": result.grader_version,
    }
