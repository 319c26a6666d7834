"""grades.csv: one row per submission, the contract's columns then one column per check id."""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, Mapping

from autograder.atomic import write_text_atomic

from autograder.exports.common import spreadsheet_safe
from autograder.types import GradeResult

FIXED_COLUMNS = ("id", "score", "max_score", "status")
REVIEW_COLUMNS = ("auto_score", "review")
"""``score`` and the check columns are final (after review); ``auto_score`` the automatic score,
``review`` the review state (``none``, ``reviewed``, ``stale``)."""


def result_check_ids(results: list[GradeResult]) -> tuple[str, ...]:
    """The check ids of a run's results, in the assignment's order (the order its results list them)."""
    ids: dict[str, None] = {}
    for r in results:
        ids.update((c.id, None) for c in r.checks)
    return tuple(ids)


def grade_columns(results: list[GradeResult]) -> tuple[str, ...]:
    """The contract's columns, one per check id of the assignment, then the review's two."""
    return FIXED_COLUMNS + result_check_ids(results) + REVIEW_COLUMNS


def grade_rows(results: list[GradeResult], finals: Mapping[str, Any] | None = None) -> list[dict[str, object]]:
    """``results`` as the exports show them (final score and points, ``autograder.review.final_view``);
    ``finals``: id -> FinalGrade, for the automatic score and the review state (absent: not reviewed)."""
    rows = []
    check_ids = result_check_ids(results)
    for r in sorted(results, key=lambda r: r.id):
        row: dict[str, object] = {"id": r.id, "score": f"{r.score:g}", "max_score": f"{r.max_score:g}", "status": r.status}
        points = {c.id: c.points for c in r.checks}
        for check_id in check_ids:
            row[check_id] = f"{points.get(check_id, 0.0):g}"
        final = (finals or {}).get(r.id)
        row["auto_score"] = f"{final.auto_score if final else r.score:g}"
        row["review"] = final.state if final else "none"
        rows.append(row)
    return rows


def write_grades_csv(results: list[GradeResult], path: Path, finals: Mapping[str, Any] | None = None) -> None:
    """Written atomically (a reader never sees half a file)."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=grade_columns(results))
    writer.writeheader()
    writer.writerows({key: spreadsheet_safe(value) for key, value in row.items()} for row in grade_rows(results, finals))
    write_text_atomic(Path(path), buffer.getvalue())
