"""Moodle offline grading worksheet (assignment > View all submissions > "Upload grading worksheet").

Columns as Moodle's "Download grading worksheet" writes them (English language pack). Moodle's importer
reads ``Identifier`` (``Participant <id>``, the number in the "Download all submissions" folder names),
``Grade``, ``Last modified (grade)`` (a grade changed in Moodle after this time is not overwritten) and
the feedback plugins' columns (``Feedback comments``); the other columns are for people.
"""
from __future__ import annotations

import html
import time
from pathlib import Path
from typing import Mapping

from autograder.exports.common import grade_value, with_students, write_csv
from autograder.i18n import translate
from autograder.inputs.roster import Student
from autograder.types import GradeResult

MOODLE_FILE = "moodle-grading-worksheet.csv"
MOODLE_COLUMNS = ("Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade",
                  "Grade can be changed", "Last modified (submission)", "Last modified (grade)", "Feedback comments")


def feedback_comment(result: GradeResult) -> str:
    """Short HTML feedback in the report's language: the score, then each check that did not pass."""
    lang = result.lang
    parts = [f"{translate('ui.score', lang)}: {result.score:g}/{result.max_score:g}"]
    if result.error is not None:
        parts.append(result.error.message)
    for check in result.checks:
        if check.status == "pass" or (result.error is not None and check.status == "skipped"):
            continue
        line = f"{translate('check.' + check.id, lang)} ({translate('ui.status.' + check.status, lang)}): {check.message}"
        parts.append(line + (f" {check.hint}" if check.hint else ""))
    return "".join(f"<p>{html.escape(p)}</p>" for p in parts)


def moodle_rows(results: list[GradeResult], students: Mapping[str, Student], now: float | None = None) -> list[list[str]]:
    """Header, then one row per submission in id order."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() if now is None else now))
    rows = [list(MOODLE_COLUMNS)]
    for result, student in with_students(results, students):
        participant = f"Participant {student.moodle_participant_id}" if student.moodle_participant_id else ""
        rows.append([participant, student.name or result.id, student.email, "Submitted for grading",
                     grade_value(result), f"{result.max_score:g}", "Yes", "", stamp, feedback_comment(result)])
    return rows


def write_moodle_csv(results: list[GradeResult], students: Mapping[str, Student], path: Path) -> None:
    write_csv(path, moodle_rows(results, students))
