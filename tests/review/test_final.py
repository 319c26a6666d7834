"""final_grade: the contract's formula, checked on generated results and reviews (Hypothesis)."""
from __future__ import annotations

import math
from dataclasses import replace

from hypothesis import given, settings, strategies as st

from autograder.review.final import Adjustment, Override, Review, final_grade, final_view, review_document
from autograder.types import CheckResult, GradeResult

MAXIMA = {"model_built": 1.0, "hidden_layers": 2.0, "l2_regularization": 2.0, "dropout": 2.0, "output_layer": 1.0,
          "compiled": 1.0, "trains": 1.0}
points = st.floats(min_value=0, max_value=1, allow_nan=False).map(lambda x: round(x, 2))


@st.composite
def results(draw):
    checks = tuple(CheckResult(c, "pass", round(draw(points) * top, 2), top, "m") for c, top in MAXIMA.items())
    return GradeResult(id="s", assignment="a", source="s.py", sha256="0" * 64, status="graded", error=None,
                       score=math.fsum(c.points for c in checks), max_score=10.0, checks=checks, model=None,
                       training=None, lang="es", elapsed_s=0.0)


@st.composite
def reviews(draw):
    chosen = draw(st.lists(st.sampled_from(sorted(MAXIMA)), unique=True))
    overrides = tuple(Override(c, round(draw(points) * MAXIMA[c], 2), "", "p", "t") for c in chosen)
    adjust = draw(st.lists(st.floats(min_value=-15, max_value=15, allow_nan=False).map(lambda x: round(x, 2)),
                           max_size=3))
    adjustments = tuple(Adjustment(i, a, "r", "p", "t") for i, a in enumerate(adjust))
    return Review("s", "0" * 64, "reviewed", overrides, adjustments)


@settings(max_examples=300, deadline=None)
@given(results(), reviews())
def test_final_is_the_sum_of_final_check_points_and_adjustments_clamped(result, review):
    final = final_grade(result, review)
    overridden = {o.check_id: o.points for o in review.overrides}
    expected_points = {c.id: overridden.get(c.id, c.points) for c in result.checks}
    assert final.check_points == expected_points
    raw = math.fsum(expected_points.values()) + math.fsum(a.points for a in review.adjustments)
    assert math.isclose(final.score, min(max(raw, 0.0), 10.0), abs_tol=1e-6)
    assert 0.0 <= final.score <= final.max_score == 10.0
    assert final.auto_score == result.score and final.state == "reviewed"


@settings(max_examples=200, deadline=None)
@given(results())
def test_no_review_is_exactly_the_automatic_grade(result):
    for review in (None, Review("s", "0" * 64)):
        final = final_grade(result, review)
        assert final.score == result.score and final.state == "none"
        assert final.check_points == {c.id: c.points for c in result.checks}
        assert final_view(result, final) is result


@settings(max_examples=200, deadline=None)
@given(results(), reviews(), st.sampled_from(sorted(MAXIMA)), points, points)
def test_more_points_for_a_check_never_lowers_the_final_grade(result, review, check, a, b):
    low, high = sorted((a * MAXIMA[check], b * MAXIMA[check]))
    others = tuple(o for o in review.overrides if o.check_id != check)
    grade = [final_grade(result, replace(review, overrides=others + (Override(check, p, "", "p", "t"),))).score
             for p in (low, high)]
    assert grade[0] <= grade[1] + 1e-9


@settings(max_examples=200, deadline=None)
@given(results(), reviews())
def test_the_view_and_the_document_carry_the_final_grade(result, review):
    final = final_grade(result, review)
    view = final_view(result, final)
    assert view.score == final.score and {c.id: c.points for c in view.checks} == final.check_points
    assert [c.status for c in view.checks] == [c.status for c in result.checks]  # verdicts stay automatic
    doc = review_document(review, final)
    assert doc["score"] == final.score and len(doc["overrides"]) == len(review.overrides)
    assert all(set(a) == {"points", "reason", "by", "at"} for a in doc["adjustments"])


def test_out_of_range_override_points_are_bounded_and_unknown_checks_ignored():
    result = GradeResult(id="s", assignment="a", source="s.py", sha256="0", status="graded", error=None, score=3.0,
                         max_score=10.0, checks=(CheckResult("dropout", "fail", 0.0, 2.0, "m"),
                                                 CheckResult("trains", "pass", 1.0, 1.0, "m")),
                         model=None, training=None, lang="es", elapsed_s=0.0)
    review = Review("s", "0", "reviewed", (Override("dropout", 9, "", "p", "t"), Override("ghost", 5, "", "p", "t")))
    assert final_grade(result, review).check_points == {"dropout": 2.0, "trains": 1.0}
    assert final_grade(result, replace(review, adjustments=(Adjustment(1, -50, "r", "p", "t"),))).score == 0.0
    assert final_grade(result, Review("s", "0", "reviewed", (), (Adjustment(1, 0.1, "r", "p", "t"),
                                                                 Adjustment(2, 0.2, "r", "p", "t")))).score == 3.3
