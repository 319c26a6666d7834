"""Gradescope's ``results.json``: the document an autograder's ``run_autograder`` leaves in
``/autograder/results/``, in the schema of Gradescope's autograder specification.

Every check is one test (its points as ``score`` out of ``max_score``, ``status`` passed/failed, the
message and hint as Markdown ``output``); the top-level ``output`` summarises the run.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Sequence

from autograder.checks.base import CheckSpec
from autograder.diagnosis import own_errors
from autograder.integrations.feedback import check_feedback, located_checks, where_text
from autograder.integrations.messages import say
from autograder.types import GradeResult

MAX_OUTPUT_CHARS = 8000
VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")


def _summary(result: GradeResult) -> str:
    """Top-level Markdown: score, why the run failed or stopped, the student's own errors, notes."""
    lang = result.lang
    lines = [f"**{say('score_line', lang, score=f'{result.score:g}', max_score=f'{result.max_score:g}')}**"]
    if result.error:
        lines += ["", say("run_error", lang, message=result.error.message)]
    if result.cut_short:
        lines += ["", say("cut_short", lang, reason=result.cut_short)]
    own = [error for error, _ in own_errors(result.student_errors)]  # not the environment's, not their followers
    if own:
        lines += ["", say("student_errors", lang)]
        for err in own[:10]:
            where = ""
            if err.location is not None and err.location.line is not None:
                where = (say("cell_line", lang, cell=err.location.cell, line=err.location.line)
                         if err.location.cell is not None else
                         say("file_line", lang, file=err.location.file or "?", line=err.location.line)) + ": "
            lines.append(f"- {where}`{err.type}`: {err.message}")
    if result.notes:
        lines += ["", say("notes", lang)] + [f"- {note}" for note in result.notes]
    text = "\n".join(lines)
    return text if len(text) <= MAX_OUTPUT_CHARS else text[: MAX_OUTPUT_CHARS - 3] + "..."


def gradescope_results(result: GradeResult, rules: Sequence[CheckSpec], visibility: str = "visible",
                       stdout_visibility: str = "hidden") -> dict[str, Any]:
    """The results.json document for one graded submission."""
    if visibility not in VISIBILITIES or stdout_visibility not in VISIBILITIES:
        raise ValueError(f"visibility must be one of {', '.join(VISIBILITIES)}")
    tests = []
    for number, item in enumerate(located_checks(result, rules), start=1):
        check = item.check
        output = check_feedback(item, with_where=False)
        place = where_text(item.where, result.lang)
        if place and check.status != "pass":
            output = f"{place}: {output}"
        tests.append({
            "name": f"{item.title} ({check.id})",
            "number": str(number),
            "score": check.points,
            "max_score": check.max_points,
            "status": "passed" if check.status == "pass" else "failed",
            "output": output.replace("\n", "\n\n"),
            "output_format": "md",
            "tags": [check.id, check.status],
            "visibility": visibility,
        })
    elapsed = result.elapsed_s if math.isfinite(result.elapsed_s) else 0.0
    return {
        "score": result.score,
        "execution_time": max(0, round(elapsed)),
        "output": _summary(result),
        "output_format": "md",
        "visibility": visibility,
        "stdout_visibility": stdout_visibility,
        "tests": tests,
        "extra_data": {"id": result.id, "assignment": result.assignment, "status": result.status,
                       "sha256": result.sha256, "grader_version": result.grader_version},
    }


def failure_results(detail: str, lang: str = "es") -> dict[str, Any]:
    """The results.json to write when grading produced no result at all: score 0 and the reason."""
    return {"score": 0.0, "execution_time": 0, "output": say("no_result", lang, detail=detail),
            "output_format": "text", "visibility": "visible", "stdout_visibility": "hidden", "tests": []}


def write_results(document: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
