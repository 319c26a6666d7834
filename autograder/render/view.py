"""Prepare a GradeResult for the report templates: every label translated, every number formatted.

Templates stay nearly logic-free; all decisions about wording and formatting are made here.
"""
from __future__ import annotations

import math
from typing import Any

from autograder.i18n import catalog, check_title, format_location, translate
from autograder.render.arch_view import ARCH_KINDS, architecture_blocks, model_caption
from autograder.render.chart import line_chart
from autograder.render.insight_view import insight_view, student_fit_view, validation_asked
from autograder.render.environment_view import environment_view, errors_view
from autograder.render.filters import fence, split_hint
from autograder.render.review_view import final_score, review_view
from autograder.types import FitCall, GradeResult, SourceLocation

STATUS_ICON = {"pass": "✔", "fail": "✘", "error": "?", "skipped": "–"}
BANNER_ICON = {"pass": "✔", "fail": "✘", "error": "⚠"}
OUTPUT_HEAD_LINES = 80
OUTPUT_TAIL_LINES = 40
OUTPUT_MAX_LINE = 400


def ui_labels(lang: str) -> dict[str, str]:
    """The catalog's ``ui.*`` entries without their prefix (``ui.score`` -> ``score``)."""
    return {k[3:]: v for k, v in catalog(lang).items() if k.startswith("ui.")}


def number(value: float | None) -> str:
    """A loss value with four decimals; NaN for anything not finite."""
    if value is None or not math.isfinite(value):
        return "NaN"
    return f"{value:.4f}"


def location_text(loc: SourceLocation | None, lang: str) -> str:
    """``celda 3, línea 5`` (or ``script.py, línea 5``); empty when unknown."""
    return format_location(loc, lang).strip(" ()")


def banner_view(result: GradeResult, lang: str, score: float | None = None) -> dict[str, Any]:
    """The score banner: the score (``score``: the reviewed one, when a reviewer changed it), a tone
    (pass/fail/error) shown by icon and words as well as colour."""
    score = result.score if score is None else score
    not_passed = [c for c in result.checks if c.status != "pass"]
    if result.status == "error":
        tone, headline = "error", result.error.message if result.error else translate("ui.result.error", lang)
    elif not_passed:
        names = ", ".join(check_title(c, lang) for c in not_passed)
        tone = "fail"
        headline = translate("ui.banner.some_fail", lang, {"count": len(not_passed), "total": len(result.checks),
                                                            "names": names})
    else:
        tone, headline = "pass", translate("ui.banner.all_pass", lang)
    percent = min(100, max(0, int(round(100 * score / result.max_score)))) if result.max_score else 0
    return {"tone": tone, "icon": BANNER_ICON[tone], "headline": headline, "score": f"{score:g}",
            "max_score": f"{result.max_score:g}", "percent": percent,
            "status_label": translate(f"ui.result.{result.status}", lang), "cut_short": result.cut_short or ""}


def check_views(result: GradeResult, lang: str, review: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """One card per check: title, status in words and icon, points, message, and the hint split from its code line.
    ``review``: the review section (``review_view``); a check a reviewer graded shows the reviewer's points."""
    views = []
    overridden = {o["id"]: o for o in review["overrides"]} if review else {}
    for c in result.checks:
        lead, code = split_hint(c.hint or "")
        views.append({
            "id": c.id, "title": check_title(c, lang), "status": c.status,
            "status_label": translate(f"ui.status.{c.status}", lang), "icon": STATUS_ICON.get(c.status, "?"),
            "points": f"{c.points:g}/{c.max_points:g}", "message": c.message, "hint": c.hint or "",
            "reviewed": overridden[c.id]["line"] if c.id in overridden else "",
            "hint_lead": lead, "hint_code": code,
            "see_arch": c.status == "fail" and c.kind in ARCH_KINDS and result.model is not None,
        })
    return views


def training_view(result: GradeResult, lang: str) -> dict[str, Any] | None:
    """The grader's training: the chart's geometry, a row per epoch, and a note when there is nothing to draw."""
    t = result.training
    if t is None:
        return None
    rows = [{"epoch": i + 1, "loss": number(l), "val_loss": number(t.val_loss[i]) if i < len(t.val_loss) else ""}
            for i, l in enumerate(t.loss)]
    series = [("loss", translate("ui.loss", lang), t.loss)]
    if t.val_loss:
        series.append(("val-loss", translate("ui.val_loss", lang), t.val_loss))
    desc = "; ".join(f"{label}: {' → '.join(number(v) for v in values)}" for _, label, values in series)
    chart = line_chart(series, translate("ui.chart_title", lang), translate("ui.epoch", lang), desc)
    note = ""
    if t.error:
        note = translate("ui.training_error", lang, {"error": t.error})
    elif t.loss and chart is None:
        note = translate("ui.training_not_finite", lang)
    return {"chart": chart, "rows": rows, "note": note, "epochs": t.epochs,
            "intro": translate("ui.training_intro", lang, {"epochs": t.epochs}) + training_amount(t, lang),
            "sparkline": sparkline(t.loss)}


def training_amount(t: Any, lang: str) -> str:
    """How much the grader trained (samples, the model's weights), and why briefly when its cost cut it."""
    if not t.samples:
        return ""
    sep = "," if lang == "en" else "\u202f"
    params = {"epochs": t.epochs, "samples": t.samples, "weights": f"{t.weights:,}".replace(",", sep),
              "planned_epochs": t.planned_epochs, "planned_samples": t.planned_samples,
              "budget": f"{t.budget:.0e}".replace("e+0", "e").replace("e+", "e")}
    return " " + translate("training.amount.sized" if t.sized else "training.amount", lang, params)


def sparkline(values: tuple[float, ...]) -> str:
    """Losses as a line of block characters, for Markdown (which cannot show the SVG chart)."""
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return ""
    low, high = min(finite), max(finite)
    levels = "▁▂▃▄▅▆▇█"
    return "".join("·" if not math.isfinite(v) else levels[0 if high == low else int((v - low) / (high - low) * 7)]
                   for v in values)


def capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def fit_view(fit: FitCall, lang: str) -> dict[str, str]:
    """What the submission's own ``fit`` asked for and what ran while grading."""
    unknown = "?"
    validation = validation_asked(fit, lang)
    return {
        "requested": unknown if fit.epochs_requested is None else str(fit.epochs_requested),
        "run": unknown if fit.epochs_run is None else str(fit.epochs_run),
        "validation": validation,
        "batch_size": translate("ui.default", lang) if fit.batch_size is None else str(fit.batch_size),
        "error": fit.error or "",
        "sentence": capitalized(translate("ui.fit_failed" if fit.error else "ui.fit_line", lang, {
            "requested": unknown if fit.epochs_requested is None else fit.epochs_requested,
            "run": unknown if fit.epochs_run is None else fit.epochs_run})),
    }


def trim_output(text: str, lang: str) -> tuple[str, str]:
    """The printed output cut to its first and last lines (long lines shortened), and a note on what was cut."""
    lines = text.strip("\n").split("\n") if text.strip() else []
    lines = [l if len(l) <= OUTPUT_MAX_LINE else l[:OUTPUT_MAX_LINE] + " …" for l in lines]
    if len(lines) <= OUTPUT_HEAD_LINES + OUTPUT_TAIL_LINES:
        return "\n".join(lines), ""
    skipped = len(lines) - OUTPUT_HEAD_LINES - OUTPUT_TAIL_LINES
    marker = translate("ui.output_skipped", lang, {"lines": skipped})
    kept = lines[:OUTPUT_HEAD_LINES] + [f"… {marker} …"] + lines[-OUTPUT_TAIL_LINES:]
    return "\n".join(kept), marker


def output_view(result: GradeResult, lang: str) -> dict[str, str] | None:
    """The captured output, trimmed, with its fence for Markdown and a note on what was left out."""
    text, cut = trim_output(result.output, lang)
    if not text:
        return None
    notes = [n for n in (cut, translate("ui.dropped", lang, {"bytes": result.output_dropped_bytes})
                         if result.output_dropped_bytes else "") if n]
    return {"text": text, "fence": fence(text), "note": " ".join(notes),
            "lines": str(result.output.strip("\n").count("\n") + 1)}


def report_view(result: GradeResult, review: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything report.md / report.html show, as strings, simple lists and chart geometry. ``review``:
    result.json's ``review`` object; the banner then shows the final grade and a section says why."""
    lang = result.lang
    isolation = translate(f"ui.isolation.{result.isolation}", lang)
    reviewed = review_view(result, review)
    return {
        "ui": ui_labels(lang),
        "lang": lang,
        "id": result.id,
        "source": result.source,
        "banner": banner_view(result, lang, final_score(result, review)),
        "review": reviewed,
        "checks": check_views(result, lang, reviewed),
        "blocks": architecture_blocks(result),
        "model_caption": model_caption(result.model, lang),
        "training": training_view(result, lang),
        "fits": [fit_view(f, lang) for f in result.model.fit_calls] if result.model else [],
        "student_fit": student_fit_view(result),
        "insight": insight_view(result),
        "errors": errors_view(result),
        "environment": environment_view(result),
        "notes": list(result.notes),
        "ignored": list(result.ignored),
        "output": output_view(result, lang),
        "footer": {
            "version": result.grader_version or "?",
            "sha256": result.sha256,
            "sha256_short": result.sha256[:16],
            "isolation": result.isolation if isolation.startswith("ui.") else isolation,
            "elapsed": f"{result.elapsed_s:.1f} s",
            "assignment": result.assignment,
        },
    }
