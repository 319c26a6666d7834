"""Gradebook exports for learning management systems, written next to ``grades.csv``.

- ``canvas-gradebook.csv``: Canvas's gradebook import format (Grades > Import).
- ``moodle-grading-worksheet.csv``: Moodle's offline grading worksheet (assignment > "Upload grading worksheet").

Each is one renderer over GradeResult values and the students the inputs named; neither reads files.
"""
from __future__ import annotations

from pathlib import Path
from typing import Mapping

from autograder.exports.canvas import CANVAS_FILE, write_canvas_csv
from autograder.exports.common import grade_value
from autograder.exports.moodle import MOODLE_FILE, write_moodle_csv
from autograder.inputs.roster import Student
from autograder.types import GradeResult

__all__ = ["CANVAS_FILE", "MOODLE_FILE", "grade_value", "write_canvas_csv", "write_moodle_csv", "write_lms_exports"]


def write_lms_exports(results: list[GradeResult], students: Mapping[str, Student], out_dir: Path,
                      assignment_title: str) -> list[Path]:
    """Write both gradebook files into ``out_dir``; returns their paths."""
    canvas, moodle = Path(out_dir) / CANVAS_FILE, Path(out_dir) / MOODLE_FILE
    write_canvas_csv(results, students, canvas, assignment_title)
    write_moodle_csv(results, students, moodle)
    return [canvas, moodle]
