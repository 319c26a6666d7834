"""View models for the report's "your training (step 4)" and "does your regularization help?" sections.

Every sentence is translated and every number formatted here; the templates only place them.
"""
from __future__ import annotations

import math
from typing import Any

from autograder.checks.trains import fit_name
from autograder.i18n import translate
from autograder.insight import message
from autograder.render.chart import line_chart
from autograder.types import FitCall, GradeResult, Insight

SERIES_STYLE = {
    # greyscale-safe: each series differs by dash pattern and marker shape, not by colour alone
    "model_train": {"stroke": "#1f5fa8", "dash": "", "width": "2.5", "shape": "circle", "fill": "#1f5fa8"},
    "model_val": {"stroke": "#1f5fa8", "dash": "8 4", "width": "2.5", "shape": "square", "fill": "#1f5fa8"},
    "twin_train": {"stroke": "#a84f00", "dash": "2 3", "width": "2", "shape": "triangle", "fill": "#ffffff"},
    "twin_val": {"stroke": "#a84f00", "dash": "10 3 2 3", "width": "2", "shape": "diamond", "fill": "#ffffff"},
}
MARKERS_PER_SERIES = 8



def validation_asked(fit: FitCall, lang: str) -> str:
    """How the submission's ``fit`` asked to validate, as code (``validation_split=0.2``), or "none"."""
    if fit.validation_split:
        return f"validation_split={fit.validation_split:g}"
    if fit.has_validation_data:
        return "validation_data"
    return translate("ui.none", lang)

def marker_points(shape: str, x: float, y: float, r: float = 4.0) -> str:
    """An SVG polygon's points for a marker of this shape centred on (x, y)."""
    if shape == "square":
        pts = [(x - r, y - r), (x + r, y - r), (x + r, y + r), (x - r, y + r)]
    elif shape == "triangle":
        pts = [(x, y - r - 1), (x + r + 1, y + r), (x - r - 1, y + r)]
    elif shape == "diamond":
        pts = [(x, y - r - 1), (x + r + 1, y), (x, y + r + 1), (x - r - 1, y)]
    else:  # an octagon reads as a circle at this size
        pts = [(x + r * math.cos(a * math.pi / 4), y + r * math.sin(a * math.pi / 4)) for a in range(8)]
    return " ".join(f"{px:.1f},{py:.1f}" for px, py in pts)


def series_label(insight: Insight, side: str, part: str, lang: str) -> str:
    """A curve's legend: the model's are the same for every technique; the twin's name what it lacks."""
    if side == "twin" and insight.compare != "regularization":
        return translate(f"insight.{insight.compare}.series_{part}", lang)
    return translate(f"insight.series.{side}_{part}", lang)


def insight_chart(insight: Insight, lang: str) -> dict[str, Any] | None:
    """Geometry of the four curves (two when the model had nothing to remove), with sparse markers."""
    sides = [("model", insight.model), ("twin", insight.twin)]
    series = []
    for side, curves in sides:
        if curves is None:
            continue
        series.append((f"{side}_train", series_label(insight, side, "train", lang), curves.loss))
        series.append((f"{side}_val", series_label(insight, side, "val", lang), curves.val_loss))
    desc = "; ".join(f"{label}: {_fmt(values[0]) if values else '?'} → {_fmt(values[-1]) if values else '?'}"
                     for _, label, values in series)
    title = translate("ui.insight_chart" if insight.compare == "regularization" else f"insight.{insight.compare}.chart",
                      lang)
    chart = line_chart(series, title, translate("ui.epoch", lang), desc)
    if chart is None:
        return None
    out = []
    for offset, s in enumerate(chart.series):
        style = SERIES_STYLE[s.css]
        step = max(1, len(s.markers) // MARKERS_PER_SERIES)
        # staggered so that markers of curves lying on top of each other stay visible
        chosen = [m for i, m in enumerate(s.markers) if (i + offset * step // 4) % step == 0]
        out.append({"label": s.label, "segments": list(s.segments), **style,
                    "markers": [{"points": marker_points(style["shape"], m.x, m.y), "label": m.label}
                                for m in chosen],
                    "legend_marker": marker_points(style["shape"], 17, 6, 3.5)})
    return {"width": chart.width, "height": chart.height, "left": chart.left, "right": chart.right,
            "top": chart.top, "bottom": chart.bottom, "x_ticks": chart.x_ticks, "y_ticks": chart.y_ticks,
            "tick_text_x": chart.tick_text_x, "tick_text_y": chart.tick_text_y, "label_x": chart.label_x,
            "label_y": chart.label_y, "x_label": chart.x_label, "title": chart.title, "desc": chart.desc,
            "series": out}


def _fmt(value: float | None) -> str:
    return "NaN" if value is None or not math.isfinite(value) else f"{value:.3f}"


def shape_text(value: Any) -> str:
    """``(30,)``, ``(28, 28)``, ``(None, 784)``: a shape as Python writes it; a number as itself."""
    if not isinstance(value, tuple):
        return str(value)
    return "(" + ", ".join("None" if d is None else str(d) for d in value) + ("," if len(value) == 1 else "") + ")"


def facts_text(facts: tuple[tuple[str, Any], ...], lang: str) -> str:
    """The insight's skip facts (``insight.facts.rows`` ...) in the report's language."""
    values = {k: shape_text(v) for k, v in facts}
    if "units" in values:
        values["last"] = str(int(values["units"]) - 1)
    return translate(f"insight.facts.{values.get('why')}", lang, values)


def insight_view(result: GradeResult) -> dict[str, Any] | None:
    """The insight section: the honest sentence, how it was measured, the chart and the gaps."""
    insight, lang = result.insight, result.lang
    if insight is None:
        return None
    key, params = message(insight)
    if insight.facts:  # why it was skipped, as data: worded here, in the report's language
        params["error"] = facts_text(insight.facts, lang)
    other = insight.compare != "regularization"
    if other:  # the technique's name, in the report's language
        params["technique"] = translate(f"insight.technique.{insight.compare}", lang)
    view: dict[str, Any] = {"verdict": insight.verdict, "sentence": translate(key, lang, params),
                            "title": translate(f"insight.{insight.compare}.title" if other else "ui.insight_title",
                                               lang),
                            "setup": "", "removed": "", "chart": None, "gaps": [], "sparklines": []}
    if insight.model is None:
        return view
    batch = translate("insight.batch.full" if not insight.batch_size else "insight.batch.mini", lang,
                      {"batch_size": insight.batch_size})
    view["setup"] = translate(f"insight.{insight.compare}.setup" if other else "insight.setup", lang, {
        "epochs": insight.epochs, "batch": batch, "train": insight.train_samples, "val": insight.val_samples,
        "data": translate(f"insight.data.{insight.data or 'assignment'}", lang),
        "watched": dict(insight.measures).get("watched", "val_loss")})
    if insight.removed and insight.compare != "early_stopping":  # early stopping has no twin: its settings are in the sentence
        view["removed"] = translate("insight.removed", lang, {"removed": "; ".join(insight.removed)})
    view["chart"] = insight_chart(insight, lang)
    if insight.compare in ("batch_norm", "early_stopping"):
        view["gaps"], view["gaps_title"] = measure_rows(insight, lang), translate("insight.figures", lang)
    else:
        view["gaps_title"] = translate("ui.insight_gap", lang)
        view["gaps"] = [{"label": translate("ui.insight_model", lang), "value": _fmt(insight.model.gap)}]
    if insight.twin is not None and insight.compare in ("regularization", "augmentation"):
        twin_label = "ui.insight_twin" if insight.compare == "regularization" else "insight.augmentation.gap_twin"
        view["gaps"].append({"label": translate(twin_label, lang), "value": _fmt(insight.twin.gap)})
        if insight.reduction is not None:
            view["gaps"].append({"label": translate("ui.insight_reduction", lang), "value": _fmt(insight.reduction)})
    from autograder.render.view import sparkline  # here: view.py imports this module

    for side, curves in (("model", insight.model), ("twin", insight.twin)):
        if curves is not None:
            view["sparklines"].append({"label": series_label(insight, side, "val", lang),
                                       "line": sparkline(_every(curves.val_loss, 60))})
    return view


MEASURE_ROWS = {
    "batch_norm": ("epochs_model", "epochs_twin", "val_model", "val_twin"),
    "early_stopping": ("stopped_epoch", "val_kept", "val_end", "best_val"),
}
"""The figures table of the techniques measured otherwise than by the gap, in order (catalog keys
``insight.<compare>.<row>``); batch normalization's validation rows read ``val_loss``/``twin_val_loss``."""
MEASURE_OF_ROW = {"val_model": "val_loss", "val_twin": "twin_val_loss"}


def measure_rows(insight: Insight, lang: str) -> list[dict[str, str]]:
    """The technique's figures as label/value rows (losses with three decimals; an epoch as a number,
    "-" when early stopping never stopped)."""
    measures = dict(insight.measures)
    values = {k: (f"{v:.3g}" if k == "target_loss" else _fmt(v)) if isinstance(v, float) else str(v)
              for k, v in measures.items()}
    rows = []
    for row in MEASURE_ROWS.get(insight.compare, ()):
        value = measures.get(MEASURE_OF_ROW.get(row, row))
        if value is None:
            continue
        shown = _fmt(value) if isinstance(value, float) else ("-" if row == "stopped_epoch" and not value else str(value))
        rows.append({"label": translate(f"insight.{insight.compare}.{row}", lang, values), "value": shown})
    return rows


def _every(values: tuple[float, ...], count: int) -> tuple[float, ...]:
    """At most ``count`` evenly spaced values (the last one kept), for a one-line sparkline."""
    if len(values) <= count:
        return values
    step = len(values) / count
    picked = [values[int(i * step)] for i in range(count - 1)] + [values[-1]]
    return tuple(picked)


def _shape(features: tuple[int | None, ...] | None) -> str:
    if not features:
        return "?"
    return "×".join("?" if d is None else str(d) for d in features)


def student_fit_view(result: GradeResult) -> dict[str, Any] | None:
    """The student's own training of the graded model: what its fit received and asked for, what ran."""
    model, lang = result.model, result.lang
    if model is None:
        return None
    fits = model.fit_calls
    if not fits:
        return {"lines": [translate("student_fit.none", lang)], "error": ""}
    fit = fits[-1]
    data = fit.data
    name = fit_name(model)
    where = {"name": name, "where": fit.location}
    lines = []
    if data is not None and data.samples is not None:
        key = "student_fit.received_dataset" if data.dataset else "student_fit.received"
        lines.append(translate(key, lang, {**where, "samples": data.samples, "features": _shape(data.features),
                                           "dataset": data.dataset or ""}))
    else:
        lines.append(translate("student_fit.received_unknown", lang, where))
    if data is not None and data.source in ("predefined", "own"):
        lines.append(translate(f"student_fit.source.{data.source}", lang))
    validation = validation_asked(fit, lang)
    last = next((v for v in reversed(fit.loss) if math.isfinite(v)), None)
    lines.append(translate("student_fit.asked", lang, {
        "epochs": "?" if fit.epochs_requested is None else fit.epochs_requested,
        "batch_size": translate("ui.default", lang) if fit.batch_size is None else fit.batch_size,
        "validation": validation, "run": "?" if fit.epochs_run is None else fit.epochs_run,
        "loss": translate("student_fit.loss", lang, {"loss": f"{last:.4f}"}) if last is not None else ""}))
    if len(fits) > 1:
        lines.append(translate("student_fit.more", lang, {"count": len(fits)}))
    error = ""
    if fit.error:
        error = translate("student_fit.failed" if fit.called else "student_fit.not_called", lang, {"error": fit.error})
    return {"lines": lines, "error": error}


REDUCTION_BINS = ((-math.inf, 0.0, "< 0"), (0.0, 0.025, "0 – 0.025"), (0.025, 0.05, "0.025 – 0.05"),
                  (0.05, 0.1, "0.05 – 0.1"), (0.1, math.inf, "≥ 0.1"))


def class_insight(results: list[GradeResult], lang: str) -> dict[str, Any] | None:
    """The class summary's insight: how many models' regularization reduced the gap, and by how much."""
    insights = [r.insight for r in results if r.insight is not None]
    if not insights:
        return None
    compare = next((i.compare for i in insights if i.compare != "regularization"), "regularization")
    if compare != "regularization":
        return class_technique(insights, compare, lang)
    counts = {v: sum(1 for i in insights if i.verdict == v)
              for v in ("reduced", "not_reduced", "no_overfit", "no_regularization", "skipped")}
    measured = len(insights) - counts["skipped"]
    reductions = [i.reduction for i in insights if i.reduction is not None and i.twin is not None]
    rows = []
    for low, high, label in REDUCTION_BINS:
        count = sum(1 for v in reductions if low <= v < high)
        rows.append({"label": label, "count": count, "bar": "█" * count})
    return {"sentence": translate("summary.insight_counts", lang, {"measured": measured, **counts}),
            "rows": rows if reductions else []}


CLASS_VERDICTS = {
    "batch_norm": ("faster", "slower", "same_speed"),
    "early_stopping": ("helped", "no_gain", "not_stopped"),
    "augmentation": ("reduced", "not_reduced", "no_overfit"),
}


def class_technique(insights: list[Insight], compare: str, lang: str) -> dict[str, Any]:
    """The class summary's insight for the unit's other techniques: how many models each verdict had."""
    counts = {v: sum(1 for i in insights if i.verdict == v) for v in (*CLASS_VERDICTS[compare], "no_technique",
                                                                         "skipped")}
    measured = len(insights) - counts["skipped"] - counts["no_technique"]
    return {"title": translate(f"summary.insight_title_{compare}", lang),
            "sentence": translate(f"summary.insight_counts_{compare}", lang, {"measured": measured, **counts}),
            "rows": []}
