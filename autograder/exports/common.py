"""What the LMS exports share: the grade to send, rows in id order, the CSV writer."""
from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path
from typing import Iterable, Mapping

from autograder.inputs.roster import Student
from autograder.types import GradeResult

GRADER_FAILURES = ("sandbox",)
"""Error kinds that mean the grader failed, not the student: no grade is sent for them."""


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
            csv.writer(fh).writerows(rows)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
