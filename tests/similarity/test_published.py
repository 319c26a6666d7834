"""The published-solution flag: copies with other names, comments or layout are flagged; own choices are not."""
from __future__ import annotations

import re
from pathlib import Path

from autograder.assignment import load_assignment
from autograder.similarity.analysis import analyze
from autograder.similarity.run import class_similarity

from .helpers import doc, submission

REFERENCE = (Path(__file__).resolve().parents[2] / "solutions" / "reference.py").read_text()
ASSIGNMENT = load_assignment()


def match(*cells: str):
    report = class_similarity([submission("s", *cells)], [], ASSIGNMENT.folder, ASSIGNMENT.similarity)
    return report.published[0]


def test_verbatim_is_flagged_with_every_line():
    m = match(REFERENCE)
    assert (m.flagged, m.closeness, m.matched, m.missing, m.extra_count) == (True, 1.0, m.total, (), 0)
    assert m.total == 6  # imports and the starter's own lines (Sequential([, the sigmoid output) are forced


def test_renamed_commented_and_split_into_cells_is_still_flagged():
    edited = "# mi solución\n" + re.sub(r"\bmodel\b", "red", REFERENCE).replace("Dropout(0.5),\n    Dense(1", "Dropout(0.5),  # otra\n    Dense(1")
    first, second = edited.split("red.compile")
    m = match(first, "red.compile" + second)
    assert m.flagged and m.closeness == 1.0


def test_a_changed_value_shows_which_line_differs():
    m = match(REFERENCE.replace("epochs=50", "epochs=100") + "print('listo')\n")
    assert m.flagged and m.matched == m.total - 1
    assert m.missing == ("model.fit(X_train, y_train, epochs=50, validation_split=0.2)",)
    assert [(e.line, e.text) for e in m.extra] == [(14, "model.fit(X_train, y_train, epochs=100, validation_split=0.2)"),
                                                  (15, "print('listo')")]


def test_own_hyperparameters_in_the_same_shape_are_not_flagged():
    own = (REFERENCE.replace("Dense(64", "Dense(128").replace("l2(0.01)", "l2(0.002)").replace("Dropout(0.5)", "Dropout(0.3)")
           .replace("epochs=50", "epochs=30"))
    m = match(own)
    assert not m.flagged and m.closeness < 0.5
    assert len(m.missing) == m.total - m.matched


def test_no_reference_means_no_flag():
    assert analyze([doc("s", REFERENCE)], {}, [], None).published == ()
