"""Canvas gradebook import CSV (Grades > Import).

Columns, as Canvas's own gradebook export has them: ``Student`` (name, ``Last, First``), ``ID`` (Canvas
user id, what Canvas matches on first), ``SIS User ID``, ``SIS Login ID``, ``Section``, then one column per
assignment; a ``Points Possible`` row under the header gives the assignment's maximum. A column whose title
is not an existing assignment's (Canvas's export writes ``Name (assignment id)``) makes a new assignment.
"""
from __future__ import annotations

from pathlib import Path
from typing import Mapping

from autograder.exports.common import grade_value, with_students, write_csv
from autograder.inputs.roster import Student
from autograder.types import GradeResult

CANVAS_FILE = "canvas-gradebook.csv"
CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")


def canvas_rows(results: list[GradeResult], students: Mapping[str, Student], assignment_title: str) -> list[list[str]]:
    """Header, ``Points Possible`` row, then one row per submission in id order."""
    max_score = max((r.max_score for r in results), default=0.0)
    rows = [[*CANVAS_COLUMNS, assignment_title], ["Points Possible", "", "", "", "", f"{max_score:g}"]]
    for result, student in with_students(results, students):
        rows.append([student.name or result.id, student.canvas_user_id, student.sis_user_id, student.login_id,
                     student.section, grade_value(result)])
    return rows


def write_canvas_csv(results: list[GradeResult], students: Mapping[str, Student], path: Path,
                     assignment_title: str) -> None:
    write_csv(path, canvas_rows(results, students, assignment_title))
