"""The report's review: the final grade a reviewer set, beside the automatic result it never rewrites.

``review`` is ``result.json``'s ``review`` object (contract, "Review and final grades"): plain data, so the
report, the desk and a reader of the file agree. Nothing here when no reviewer changed the grade.
"""
from __future__ import annotations

from typing import Any, Mapping

from autograder.i18n import check_title, translate
from autograder.types import GradeResult


def _points(value: Any) -> str:
    try:
        return f"{float(value):g}"
    except (TypeError, ValueError):
        return "?"


def _signed(value: Any) -> str:
    try:
        return f"{float(value):+g}"
    except (TypeError, ValueError):
        return "?"


def has_changes(review: Mapping[str, Any] | None) -> bool:
    """Whether a reviewer's overrides or adjustments apply to this content (a stale review's do not)."""
    return isinstance(review, Mapping) and bool(review.get("overrides") or review.get("adjustments"))


def final_score(result: GradeResult, review: Mapping[str, Any] | None) -> float:
    """The score the report shows: the reviewed one when a review changed it, else the automatic one."""
    if not has_changes(review):
        return result.score
    try:
        return float(review["score"])
    except (KeyError, TypeError, ValueError):
        return result.score


def review_view(result: GradeResult, review: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The review section's sentences, or None when the grade is the automatic one."""
    if not has_changes(review):
        return None
    lang = result.lang
    checks = {c.id: c for c in result.checks}
    overrides = []
    for o in review.get("overrides") or []:
        check = checks.get(str(o.get("check")))
        if check is None:
            continue
        line = translate("release.override_line", lang, {
            "check": check_title(check, lang), "points": _points(o.get("points")),
            "max_points": _points(check.max_points), "auto": _points(check.points)})
        overrides.append({"id": check.id, "line": line, "comment": str(o.get("comment") or "")})
    adjustments = [translate("release.adjustment_line", lang, {"points": _signed(a.get("points")),
                                                               "reason": str(a.get("reason") or "")})
                   for a in review.get("adjustments") or []]
    max_score = _points(result.max_score)
    return {
        "title": translate("report.review.title", lang),
        "lead": translate("report.review.lead", lang),
        "final": translate("release.final", lang, {"score": _points(final_score(result, review)),
                                                   "max_score": max_score}),
        "auto": translate("release.auto", lang, {"score": _points(result.score), "max_score": max_score}),
        "overrides_title": translate("release.overrides", lang),
        "overrides": overrides,
        "adjustments_title": translate("release.adjustments", lang),
        "adjustments": adjustments,
        "overridden": {o["id"] for o in overrides},
        "reviewed_label": translate("report.review.check_label", lang),
    }
