"""Prepare a GradeResult for the templates: every label translated, every number formatted.

Templates stay nearly logic-free; all decisions about wording and formatting are made here.
"""
from __future__ import annotations

import math
from typing import Any

from autograder.i18n import catalog, format_location, translate
from autograder.types import GradeResult, LayerSpec

STATUS_ICON = {"pass": "✔", "fail": "✘", "error": "?", "skipped": "–"}
MAX_OUTPUT_CHARS = 20000


def _num(value: float | None) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "NaN"
    return f"{value:.4f}"


def _reg(layer: LayerSpec) -> str:
    reg = layer.kernel_regularizer
    if reg is None:
        return ""
    parts = [f"l1={reg.l1:g}"] if reg.l1 else []
    if reg.l2 or not reg.l1:
        parts.append(f"l2={reg.l2:g}")
    return f"{reg.class_name}({', '.join(parts)})"


def layer_rows(result: GradeResult, lang: str) -> list[dict[str, str]]:
    if result.model is None:
        return []
    rows = []
    for layer in result.model.layers:
        rows.append({
            "name": layer.name,
            "class_name": layer.class_name + ("" if layer.builtin else " *"),
            "units": "" if layer.units is None else str(layer.units),
            "activation": layer.activation or "",
            "regularizer": _reg(layer),
            "rate": "" if layer.rate is None else f"{layer.rate:g}",
            "created_at": format_location(layer.created_at, lang).strip(" ()"),
        })
    return rows


def report_view(result: GradeResult) -> dict[str, Any]:
    """Everything report.md / report.html show, as strings and simple lists."""
    lang = result.lang
    ui = {k[3:]: v for k, v in catalog(lang).items() if k.startswith("ui.")}
    checks = [{
        "id": c.id,
        "title": translate(f"check.{c.id}", lang),
        "status": c.status,
        "status_label": ui[f"status.{c.status}"],
        "icon": STATUS_ICON[c.status],
        "points": f"{c.points:g}/{c.max_points:g}",
        "message": c.message,
        "hint": c.hint or "",
    } for c in result.checks]
    training = None
    if result.training is not None and result.training.loss:
        t = result.training
        training = {"rows": [{"epoch": i + 1, "loss": _num(l), "val_loss": _num(t.val_loss[i]) if i < len(t.val_loss) else ""}
                             for i, l in enumerate(t.loss)]}
    fits = []
    if result.model is not None:
        for f in result.model.fit_calls:
            fits.append(translate("ui.fit_line", lang, {"requested": f.epochs_requested if f.epochs_requested is not None else "?",
                                                        "run": f.epochs_run if f.epochs_run is not None else "?"}))
    errors = [{
        "type": e.type,
        "message": e.message,
        "where": format_location(e.location, lang).strip(" ()"),
        "traceback": list(e.traceback),
    } for e in result.student_errors]
    output = result.output
    if len(output) > MAX_OUTPUT_CHARS:
        output = output[:MAX_OUTPUT_CHARS]
    return {
        "ui": ui,
        "lang": lang,
        "id": result.id,
        "source": result.source,
        "status": result.status,
        "status_label": ui[f"result.{result.status}"],
        "score": f"{result.score:g}",
        "max_score": f"{result.max_score:g}",
        "percent": int(round(100 * result.score / result.max_score)) if result.max_score else 0,
        "error": result.error.message if result.error else "",
        "cut_short": result.cut_short or "",
        "checks": checks,
        "layers": layer_rows(result, lang),
        "training": training,
        "fits": fits,
        "errors": errors,
        "notes": list(result.notes),
        "ignored": list(result.ignored),
        "output": output.strip("\n"),
        "dropped": translate("ui.dropped", lang, {"bytes": result.output_dropped_bytes}) if result.output_dropped_bytes else "",
        "sha256": result.sha256,
        "isolation": result.isolation,
        "elapsed": f"{result.elapsed_s:.1f} s",
        "version": result.grader_version,
    }
