"""The labelled set (tests/similarity/labelled/): precision and recall of the pair finder at the default
threshold and the published-solution flag's accuracy, as `python -m tests.similarity.evaluate` prints them."""
from __future__ import annotations

import pytest

from .evaluate import evaluate, labelled_report


@pytest.fixture(scope="module")
def evaluation():
    report, labels = labelled_report()
    return report, labels, evaluate(report, labels)


def test_the_set_has_every_kind_of_variant(evaluation):
    _, labels, result = evaluation
    assert len(result.ids) >= 20 and len(result.true_pairs) >= 10
    assert set(labels["variants"]) <= result.ids and set(labels["published"]) <= result.ids


def test_pair_finder_precision_and_recall(evaluation):
    report, _, result = evaluation
    assert report.settings.threshold == 0.5
    assert result.recall == 1.0, sorted(map(sorted, result.true_pairs - result.found_pairs))
    assert result.precision == 1.0, sorted(map(sorted, result.found_pairs - result.true_pairs))


def test_copies_of_one_notebook_form_a_cluster(evaluation):
    report, _, _ = evaluation
    assert [c.members for c in report.clusters] == [("c1a_renamed", "c1b_comments", "c1c_reordered", "o1_ana")]


def test_published_flag_on_copies_only(evaluation):
    _, _, result = evaluation
    assert result.published_found == result.published_expected
    assert result.published_accuracy == 1.0
