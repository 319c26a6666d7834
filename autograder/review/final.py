"""The final grade: the automatic result with a reviewer's overrides and adjustments (pure, no I/O).

Contract, "Review and final grades": ``final score = sum of final check points + adjustments``, clamped to
``[0, max_score]``. ``final_grade`` is the one function every export calls; ``final_view`` gives the
GradeResult the exports render (score and check points final, everything else automatic).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from autograder.types import GradeResult

ReviewState = Literal["none", "reviewed", "stale"]
AdjustmentKind = Literal["manual", "late"]
STATES = ("none", "reviewed", "stale")
POLICY = "policy"
"""The ``by`` of adjustments the assignment's late policy made (not a person)."""


@dataclass(frozen=True)
class Override:
    """A reviewer's points for one check, replacing the automatic points."""

    check_id: str
    points: float
    comment: str
    by: str
    at: str
    """When, ISO 8601 in UTC (``2026-12-05T15:30:00+00:00``)."""


@dataclass(frozen=True)
class Adjustment:
    """Signed points added to the whole submission (late work, academic integrity, extra credit)."""

    id: int
    points: float
    reason: str
    by: str
    at: str
    kind: AdjustmentKind = "manual"
    """``late``: made by the assignment's ``[policy]`` (``by`` is ``policy``); removing it sticks."""


@dataclass(frozen=True)
class Comment:
    """Feedback for the student from a reviewer (released with the report)."""

    id: int
    text: str
    by: str
    at: str


@dataclass(frozen=True)
class Review:
    """What reviewers decided about one submission's content (``sha256``)."""

    submission_id: str
    sha256: str
    state: ReviewState = "none"
    """``none``: nobody reviewed this content; ``reviewed``; ``stale``: an earlier content was reviewed and
    its overrides wait (in ``previous``) until a reviewer confirms or clears them."""
    overrides: tuple[Override, ...] = ()
    """Applied to this content."""
    adjustments: tuple[Adjustment, ...] = ()
    """Applied to this content (removed ones are not here; the audit log keeps them)."""
    comments: tuple[Comment, ...] = ()
    version: int = 0
    """Bumped by every change to the submission's review (optimistic concurrency)."""
    previous: "Review | None" = None
    """For a stale review: the earlier content's review, not applied."""


@dataclass(frozen=True)
class FinalGrade:
    """The grade after review, as every export shows it."""

    score: float
    max_score: float
    auto_score: float
    check_points: dict[str, float] = field(default_factory=dict)
    """Check id -> final points, in the result's check order."""
    state: ReviewState = "none"


def _tidy(value: float) -> float:
    """Float noise off sums (0.1 + 0.2), so 7.3 shows as 7.3."""
    return round(value, 6) + 0.0


def final_grade(result: GradeResult, review: Review | None) -> FinalGrade:
    """The final grade of ``result`` under ``review`` (None: no review). Overrides of checks the result
    does not list are ignored, override points are bounded by the check's ``max_points``."""
    review = review or Review(result.id, result.sha256)
    points = {c.id: c.points for c in result.checks}
    maxima = {c.id: c.max_points for c in result.checks}
    for override in review.overrides:
        if override.check_id in points:
            points[override.check_id] = min(max(float(override.points), 0.0), maxima[override.check_id])
    if review.overrides:
        base = math.fsum(points.values())
    else:
        base = result.score  # exactly the automatic score when nothing was overridden
    total = base + math.fsum(a.points for a in review.adjustments)
    score = min(max(total, 0.0), result.max_score)
    if review.overrides or review.adjustments:
        score = _tidy(score)
    return FinalGrade(score=score, max_score=result.max_score, auto_score=result.score, check_points=points,
                      state=review.state)


def final_view(result: GradeResult, final: FinalGrade) -> GradeResult:
    """``result`` as the exports show it: the final score and check points; status and messages automatic."""
    if final.score == result.score and all(final.check_points.get(c.id, c.points) == c.points for c in result.checks):
        return result
    checks = tuple(replace(c, points=final.check_points.get(c.id, c.points)) for c in result.checks)
    return replace(result, score=final.score, checks=checks)


def review_document(review: Review | None, final: FinalGrade) -> dict[str, Any]:
    """``result.json``'s ``review`` object exactly as the contract spells it."""
    overrides = review.overrides if review else ()
    adjustments = review.adjustments if review else ()
    return {
        "state": final.state,
        "score": final.score,
        "overrides": [{"check": o.check_id, "points": o.points, "comment": o.comment, "by": o.by, "at": o.at}
                      for o in overrides],
        "adjustments": [{"points": a.points, "reason": a.reason, "by": a.by, "at": a.at} for a in adjustments],
    }


def review_from_document(result: GradeResult, document: Any) -> Review | None:
    """The Review a ``result.json``'s ``review`` object describes (for tools that only have the file, such as
    ``gradescope-results``); None when there is none or it does not parse."""
    if not isinstance(document, dict) or document.get("state") not in STATES:
        return None
    try:
        overrides = tuple(Override(str(o["check"]), float(o["points"]), str(o.get("comment", "")), str(o.get("by", "")),
                                   str(o.get("at", ""))) for o in document.get("overrides") or [])
        adjustments = tuple(Adjustment(i, float(a["points"]), str(a.get("reason", "")), str(a.get("by", "")),
                                       str(a.get("at", ""))) for i, a in enumerate(document.get("adjustments") or []))
    except (KeyError, TypeError, ValueError):
        return None
    return Review(result.id, result.sha256, document["state"], overrides, adjustments)
