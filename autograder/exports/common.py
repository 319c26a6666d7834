"""What the LMS exports share: the grade to send, rows in id order, the CSV writer."""
from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path
from typing import Iterable, Mapping

from autograder.inputs.roster import Student
from autograder.types import GradeResult

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet reads a cell starting with one of these as a formula (CSV injection)."""
GRADER_FAILURES = ("sandbox",)
"""Error kinds that mean the grader failed, not the student: no grade is sent for them."""


def spreadsheet_safe(value: object) -> str:
    """A CSV cell a spreadsheet shows as text: a leading ``'`` before anything that would start a formula
    (a file name such as ``=HYPERLINK(...).ipynb`` is a student's choice). Numbers are left alone."""
    text = str(value)
    if text.startswith(FORMULA_START):
        try:
            float(text)
        except ValueError:
            return "'" + text
    return text


def grade_value(result: GradeResult) -> str:
    """The grade as the LMS should receive it: the contract's score, or empty (leave the LMS's grade
    alone) when the grader itself could not run the submission."""
    if result.status == "error" and result.error is not None and result.error.kind in GRADER_FAILURES:
        return ""
    return f"{result.score:g}"


def with_students(results: list[GradeResult], students: Mapping[str, Student]) -> list[tuple[GradeResult, Student]]:
    return [(r, students.get(r.id) or Student()) for r in sorted(results, key=lambda r: r.id)]


def write_csv(path: Path, rows: Iterable[Iterable[str]]) -> None:
    """Write atomically: a reader never sees half a file, and a killed run leaves the old one."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
