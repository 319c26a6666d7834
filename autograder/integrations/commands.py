"""The CLI's integration options and commands: ``grade --github/--junit/--min-score``,
``export gradescope`` and ``gradescope-results``. ``autograder.cli`` wires them in."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Mapping

import click

from autograder.assignment import DEFAULT_ASSIGNMENT, Assignment, load_assignment
from autograder.integrations.gradescope import VISIBILITIES
from autograder.types import GradeResult

grade_options = [
    click.option("--github/--no-github", "github", default=None,
                 help="GitHub Actions output: annotations, job summary, Classroom result "
                      "(default: on when GITHUB_ACTIONS=true)."),
    click.option("--junit", "junit_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
                 help="Also write a JUnit XML report (one testcase per check) to this file."),
    click.option("--min-score", type=float, default=None,
                 help="Exit 0 when every submission scores at least this much (instead of needing every check)."),
]


def with_grade_options(command):
    """Decorate ``grade`` with the integration options (in the order they show in --help)."""
    for option in reversed(grade_options):
        command = option(command)
    return command


def min_score_exit_code(results: list[GradeResult], min_score: float) -> int:
    """0 when there are results and every submission's score reaches ``min_score``, else 1."""
    return 0 if results and all(r.score >= min_score - 1e-9 for r in results) else 1


def after_grading(results: list[GradeResult], task: Assignment, github: bool | None, junit_path: Path | None,
                  env: Mapping[str, str] | None = None) -> None:
    """Write what the integration options asked for, once every submission was graded."""
    env = os.environ if env is None else env
    if junit_path is not None:
        from autograder.integrations.junit import write_junit

        write_junit(results, task.rules, junit_path, root=Path.cwd())
    from autograder.integrations.github import in_github_actions, report_to_github

    if github or (github is None and in_github_actions(env)):
        sys.stdout.flush()
        report_to_github(results, task.rules, env)
        sys.stdout.flush()


def _assignment_or_usage_error(name: str) -> Assignment:
    try:
        return load_assignment(name)
    except (OSError, KeyError, ValueError) as exc:
        raise click.UsageError(f"cannot load assignment {name!r}: {exc}")


@click.group()
def export() -> None:
    """Package the grader for another platform."""


@export.command("gradescope")
@click.argument("out_zip", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--assignment", default=DEFAULT_ASSIGNMENT, show_default=True, help="Assignment name or folder.")
@click.option("--lang", type=click.Choice(["es", "en"]), default=None, help="Report language (default: the assignment's).")
@click.option("--timeout", type=click.FloatRange(min=1), default=None, help="Wall-clock limit per submission, seconds.")
@click.option("--visibility", type=click.Choice(VISIBILITIES), default="visible", show_default=True,
              help="When students see the tests.")
@click.option("--stdout-visibility", type=click.Choice(VISIBILITIES), default="hidden", show_default=True,
              help="When students see the grader's log.")
def export_gradescope(out_zip: Path, assignment: str, lang: str | None, timeout: float | None, visibility: str,
                      stdout_visibility: str) -> None:
    """Write a Gradescope autograder bundle (setup.sh, run_autograder, the grader) to OUT_ZIP."""
    from autograder.integrations.gradescope_bundle import BundleOptions, build_bundle

    task = _assignment_or_usage_error(assignment)
    try:
        names = build_bundle(out_zip, task, BundleOptions(lang=lang, timeout_s=timeout, visibility=visibility,
                                                          stdout_visibility=stdout_visibility))
    except (OSError, ValueError) as exc:
        raise click.ClickException(str(exc))
    click.echo(f"{out_zip}: {len(names)} files (setup.sh, run_autograder, grader source, assignment {task.id})")


@click.command("gradescope-results")
@click.argument("result_path", type=click.Path(path_type=Path))
@click.argument("out_json", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--assignment", default=DEFAULT_ASSIGNMENT, show_default=True, help="Assignment name or folder.")
@click.option("--visibility", type=click.Choice(VISIBILITIES), default="visible", show_default=True)
@click.option("--stdout-visibility", type=click.Choice(VISIBILITIES), default="hidden", show_default=True)
def gradescope_results_command(result_path: Path, out_json: Path, assignment: str, visibility: str,
                               stdout_visibility: str) -> None:
    """Convert RESULT_PATH (a result.json, or a --out folder with one) into Gradescope's results.json.

    Always writes OUT_JSON: when there is no result, a score of 0 with the reason (and exit status 1).
    """
    from autograder.integrations.gradescope import failure_results, gradescope_results, write_results
    from autograder.integrations.result_file import load_result

    rules: tuple = ()
    lang = "es"
    try:
        task = load_assignment(assignment)
        rules, lang = task.rules, task.lang
    except (OSError, KeyError, ValueError) as exc:
        click.echo(f"warning: cannot load assignment {assignment!r} ({exc}); locations may be missing", err=True)
    try:
        result = load_result(result_path)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        write_results(failure_results(str(exc), lang), out_json)
        click.echo(f"{out_json}: no result ({exc})", err=True)
        sys.exit(1)
    from autograder.review.outputs import with_file_review

    result = with_file_review(result, result_path)  # the final grade when the result.json was reviewed
    write_results(gradescope_results(result, rules, visibility, stdout_visibility), out_json)
    click.echo(f"{out_json}: {result.id} {result.score:g}/{result.max_score:g}")
