"""grades.csv: one row per submission, the contract's columns then one column per check id."""
from __future__ import annotations

import csv
from pathlib import Path

from autograder.checks import CHECK_IDS
from autograder.exports.common import spreadsheet_safe
from autograder.types import GradeResult

COLUMNS = ("id", "score", "max_score", "status") + CHECK_IDS


def grade_rows(results: list[GradeResult]) -> list[dict[str, object]]:
    rows = []
    for r in sorted(results, key=lambda r: r.id):
        row: dict[str, object] = {"id": r.id, "score": f"{r.score:g}", "max_score": f"{r.max_score:g}", "status": r.status}
        points = {c.id: c.points for c in r.checks}
        for check_id in CHECK_IDS:
            row[check_id] = f"{points.get(check_id, 0.0):g}"
        rows.append(row)
    return rows


def write_grades_csv(results: list[GradeResult], path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows({key: spreadsheet_safe(value) for key, value in row.items()} for row in grade_rows(results))
