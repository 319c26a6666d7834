"""grades.csv: one row per submission, the contract's columns then one column per check id."""
from __future__ import annotations

import csv
from pathlib import Path

from autograder.exports.common import spreadsheet_safe
from autograder.types import GradeResult

FIXED_COLUMNS = ("id", "score", "max_score", "status")


def result_check_ids(results: list[GradeResult]) -> tuple[str, ...]:
    """The check ids of a run's results, in the assignment's order (the order its results list them)."""
    ids: dict[str, None] = {}
    for r in results:
        ids.update((c.id, None) for c in r.checks)
    return tuple(ids)


def grade_columns(results: list[GradeResult]) -> tuple[str, ...]:
    """The contract's columns, then one per check id of the assignment."""
    return FIXED_COLUMNS + result_check_ids(results)


def grade_rows(results: list[GradeResult]) -> list[dict[str, object]]:
    rows = []
    check_ids = result_check_ids(results)
    for r in sorted(results, key=lambda r: r.id):
        row: dict[str, object] = {"id": r.id, "score": f"{r.score:g}", "max_score": f"{r.max_score:g}", "status": r.status}
        points = {c.id: c.points for c in r.checks}
        for check_id in check_ids:
            row[check_id] = f"{points.get(check_id, 0.0):g}"
        rows.append(row)
    return rows


def write_grades_csv(results: list[GradeResult], path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=grade_columns(results))
        writer.writeheader()
        writer.writerows({key: spreadsheet_safe(value) for key, value in row.items()} for row in grade_rows(results))
