"""Command line: ``autograder grade PATH... --out DIR``."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console

from autograder import __version__
from autograder.assignment import DEFAULT_ASSIGNMENT, load_assignment
from autograder.batch import BatchOptions, grade_batch, load_all
from autograder.render.terminal import print_line, print_result
from autograder.types import GradeResult


def exit_code(results: list[GradeResult]) -> int:
    """0 when every submission passed every check, else 1 (the contract's codes)."""
    all_pass = all(r.status == "graded" and all(c.status == "pass" for c in r.checks) for r in results)
    return 0 if results and all_pass else 1


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="autograder")
def main() -> None:
    """Grade Keras L2 + Dropout submissions safely."""


@main.command()
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, file_okay=True, dir_okay=True, path_type=Path))
@click.option("--out", "out_dir", default="reports", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Folder for the result files.")
@click.option("--assignment", default=DEFAULT_ASSIGNMENT, show_default=True, help="Assignment name or folder.")
@click.option("--lang", type=click.Choice(["es", "en"]), default=None, help="Report language (default: the assignment's).")
@click.option("--timeout", type=click.FloatRange(min=1), default=None, help="Wall-clock limit per submission, seconds.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, show_default=True,
              help="Parallel workers (0: one per core).")
@click.option("--isolation", type=click.Choice(["auto", "bwrap", "process"]), default="auto", show_default=True,
              help="bwrap: namespaces + limits; process: limits only; auto: bwrap when it works here.")
def grade(paths, out_dir, assignment, lang, timeout, jobs, isolation) -> None:
    """Grade every submission found in PATHS (files, or folders of submissions)."""
    try:
        task = load_assignment(assignment)
    except (OSError, KeyError, ValueError) as exc:
        raise click.UsageError(f"cannot load assignment {assignment!r}: {exc}")
    console = Console(stderr=False, highlight=False)
    subs = load_all(list(paths))
    if not subs:
        raise click.UsageError("no submissions (.ipynb, .py or folders) found in the given paths")
    options = BatchOptions(out_dir=out_dir, lang=lang, timeout_s=timeout, jobs=jobs, isolation=isolation)
    single = len(subs) == 1
    results = grade_batch(subs, task, options, on_result=None if single else (lambda r: print_line(r, console)))
    if single:
        print_result(results[0], console)
    console.print(f"{len(results)} → {out_dir}/", highlight=False)
    sys.exit(exit_code(results))


if __name__ == "__main__":
    main()
