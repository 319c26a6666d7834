"""GitHub Classroom's autograding result: what a grader step hands the Classroom grading reporter.

The reporter (``classroom-resources/autograding-grading-reporter``) reads the step output ``result``
through the environment variable ``<STEP ID>_RESULTS``: base64 of a JSON document with ``version``,
``status``, ``max_score`` and ``tests``. Classroom's points are the sum of the tests' ``score`` out of
``max_score``, so every check becomes one test scored with its own points: the contract's weights.
"""
from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any, Sequence

from autograder.checks.base import CheckSpec
from autograder.integrations.feedback import check_feedback, located_checks
from autograder.types import GradeResult

TEST_STATUS = {"pass": "pass", "fail": "fail", "error": "error", "skipped": "fail"}


def overall_status(results: list[GradeResult]) -> str:
    """``error`` when a submission could not be run or a check could not be decided; else pass/fail."""
    if not results or any(r.status == "error" or any(c.status == "error" for c in r.checks) for r in results):
        return "error"
    return "pass" if all(c.status == "pass" for r in results for c in r.checks) else "fail"


def classroom_result(results: list[GradeResult], rules: Sequence[CheckSpec], root: Path | None = None) -> dict[str, Any]:
    """The Classroom document for the graded submissions (usually one per repository)."""
    tests = []
    several = len(results) > 1
    maps: dict = {}
    for result in results:
        for item in located_checks(result, rules, root, maps):
            name = f"{item.title} ({item.check.id})"
            test: dict[str, Any] = {
                "name": f"{result.id}: {name}" if several else name,
                "status": TEST_STATUS[item.check.status],
                "score": item.check.points,
                "message": check_feedback(item),
                "test_code": f"autograder check {item.check.id}",
                "filename": item.where.path,
            }
            if item.where.line is not None:
                test["line_no"] = item.where.line
            tests.append(test)
    return {
        "version": 1,
        "status": overall_status(results),
        "max_score": sum(r.max_score for r in results),
        "tests": tests,
    }


def encode_result(document: dict[str, Any]) -> str:
    """Base64 of the compact UTF-8 JSON, on one line (as a step output must be)."""
    raw = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(raw).decode("ascii")


def decode_result(encoded: str) -> dict[str, Any]:
    """The inverse of ``encode_result`` (what the reporter does with the step output)."""
    return json.loads(base64.b64decode(encoded).decode("utf-8"))
