"""GitHub Actions: ``::error`` annotations on the offending lines, the report in the job summary, and
the Classroom result as the step output ``result``.

Annotations on a notebook name the ``.ipynb`` file and the line of its raw JSON text that holds the
code line (GitHub shows them there, in the file and in pull-request diffs); the message starts with
the cell and the line inside the cell, as Jupyter shows them.
"""
from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from autograder.checks.base import CheckSpec
from autograder.integrations.classroom import classroom_result, encode_result
from autograder.integrations.feedback import check_feedback, located_checks, points_text
from autograder.render import render_markdown
from autograder.types import GradeResult

FAILING = ("fail", "error")


def in_github_actions(env: Mapping[str, str]) -> bool:
    return env.get("GITHUB_ACTIONS") == "true"


def escape_data(text: str) -> str:
    """A workflow command's message: ``%``, CR and LF escaped (GitHub turns them back)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value: as data, plus ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation_commands(results: list[GradeResult], rules: Sequence[CheckSpec], root: Path | None = None) -> list[str]:
    """One ``::error`` command per check that failed (or could not be decided), in contract order."""
    commands = []
    maps: dict = {}
    for result in results:
        for item in located_checks(result, rules, root, maps):
            if item.check.status not in FAILING:
                continue
            props = {"file": item.where.path}
            if item.where.line is not None:
                props["line"] = str(item.where.line)
            props["title"] = f"{item.title} ({points_text(item.check, result.lang)})"
            head = ",".join(f"{key}={escape_property(value)}" for key, value in props.items())
            commands.append(f"::error {head}::{escape_data(check_feedback(item))}")
    return commands


def append_step_summary(results: list[GradeResult], path: Path) -> None:
    """Each submission's report.md, appended to the job summary file."""
    with open(path, "a", encoding="utf-8") as fh:
        for result in results:
            fh.write(render_markdown(result).rstrip("\n") + "\n\n")


def set_output(path: Path, name: str, value: str) -> None:
    """Append ``name`` to the step outputs file; multi-line values get a unique delimiter."""
    with open(path, "a", encoding="utf-8") as fh:
        if "\n" in value or "\r" in value:
            delimiter = f"ghadelimiter_{uuid.uuid4()}"
            fh.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
        else:
            fh.write(f"{name}={value}\n")


def report_to_github(results: list[GradeResult], rules: Sequence[CheckSpec], env: Mapping[str, str] | None = None,
                     write: Callable[[str], Any] | None = None) -> None:
    """Annotations on ``write`` (stdout by default), the summary and the ``result`` output from ``env``'s files.

    Paths in annotations are relative to ``GITHUB_WORKSPACE`` (the repository), else to the working folder.
    """
    env = os.environ if env is None else env
    write = write or sys.stdout.write
    root = Path(env.get("GITHUB_WORKSPACE") or os.getcwd())
    for command in annotation_commands(results, rules, root):
        write(command + "\n")
    if env.get("GITHUB_STEP_SUMMARY"):
        append_step_summary(results, Path(env["GITHUB_STEP_SUMMARY"]))
    if env.get("GITHUB_OUTPUT"):
        set_output(Path(env["GITHUB_OUTPUT"]), "result", encode_result(classroom_result(results, rules, root)))
