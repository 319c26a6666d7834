"""Gradebook exports: Canvas's import columns and Moodle's grading worksheet columns."""
from __future__ import annotations

import csv

from autograder.exports import CANVAS_FILE, MOODLE_FILE, write_lms_exports
from autograder.exports.canvas import CANVAS_COLUMNS
from autograder.exports.moodle import MOODLE_COLUMNS, moodle_rows
from autograder.inputs.roster import Student
from tests.bulk.results import errored, graded

STUDENTS = {
    "doejane_1234": Student(name="Doe, Jane", canvas_user_id="1234", sis_user_id="A001", login_id="jdoe",
                            section="S1", email="jane@uni.es"),
    "jose-nunez_102": Student(name="José Núñez", moodle_participant_id="102", email="jose@uni.es"),
}


def read(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def results():
    return [graded("doejane_1234"), graded("jose-nunez_102", failing=("dropout", "trains")),
            errored("roto"), errored("caido", kind="sandbox")]


def test_canvas_gradebook_columns_and_rows(tmp_path):
    write_lms_exports(results(), STUDENTS, tmp_path, "Regularización L2 y Dropout")
    rows = read(tmp_path / CANVAS_FILE)
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Regularización L2 y Dropout"]
    assert tuple(rows[0][:5]) == CANVAS_COLUMNS
    assert rows[1] == ["Points Possible", "", "", "", "", "10"]
    body = {r[0]: r for r in rows[2:]}
    assert body["Doe, Jane"] == ["Doe, Jane", "1234", "A001", "jdoe", "S1", "10"]
    assert body["José Núñez"][5] == "7"
    assert body["roto"][1:] == ["", "", "", "", "0"]     # no student known: the id stands in for the name
    assert body["caido"][5] == ""                        # the grader failed: leave Canvas's grade alone
    assert len(rows) == 2 + 4


def test_moodle_worksheet_columns_and_rows(tmp_path):
    write_lms_exports(results(), STUDENTS, tmp_path, "L2")
    rows = read(tmp_path / MOODLE_FILE)
    assert rows[0] == ["Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade",
                       "Grade can be changed", "Last modified (submission)", "Last modified (grade)",
                       "Feedback comments"]
    assert tuple(rows[0]) == MOODLE_COLUMNS
    body = {r[1]: dict(zip(rows[0], r)) for r in rows[1:]}
    jose = body["José Núñez"]
    assert jose["Identifier"] == "Participant 102" and jose["Email address"] == "jose@uni.es"
    assert jose["Grade"] == "7" and jose["Maximum Grade"] == "10"
    assert "<p>Nota: 7/10</p>" in jose["Feedback comments"]
    assert "Dropout (no superada): mensaje de dropout pista para dropout" in jose["Feedback comments"]
    assert body["Doe, Jane"]["Identifier"] == ""  # a Canvas student has no Moodle participant id
    assert body["caido"]["Grade"] == ""


def test_moodle_timestamp_is_iso_with_offset():
    rows = moodle_rows([graded("a")], {}, now=0)
    assert rows[1][MOODLE_COLUMNS.index("Last modified (grade)")] == "1970-01-01T00:00:00+00:00"


def test_feedback_is_escaped_html():
    from dataclasses import replace
    result = graded("a", failing=("dropout",))
    checks = tuple(replace(c, message="usa <Dropout> & l2") if c.id == "dropout" else c for c in result.checks)
    comment = moodle_rows([replace(result, checks=checks)], {})[1][-1]
    assert "usa &lt;Dropout&gt; &amp; l2" in comment and "<Dropout>" not in comment
