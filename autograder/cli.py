"""Command line: ``autograder grade PATH... --out DIR``."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from autograder import __version__
from autograder.assignment import DEFAULT_ASSIGNMENT, load_assignment
from autograder.assignments_command import assignments
from autograder.integrations.commands import after_grading, min_score_exit_code, with_grade_options
from autograder.integrations.commands import export, gradescope_results_command
from autograder.review.commands import override_command, release_command
from autograder.types import GradeResult

# The grading modules (batch, rendering, inputs) are imported inside ``grade``, after the first worker
# has been launched: they load while it loads TensorFlow (bench/cold_check.py measures the difference).


def exit_code(results: list[GradeResult]) -> int:
    """0 when every submission passed every check, else 1 (the contract's codes)."""
    all_pass = all(r.status == "graded" and all(c.status == "pass" for c in r.checks) for r in results)
    return 0 if results and all_pass else 1


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="autograder")
def main() -> None:
    """Grade Keras L2 + Dropout submissions safely."""


LIMIT_OPTIONS = (
    # option, [run] key in assignment.toml, type, help
    ("--memory-mb", "memory_mb", click.IntRange(min=256), "Memory limit (address space per process, MB)."),
    ("--cpu-s", "cpu_s", click.IntRange(min=1), "CPU-time limit per process, seconds."),
    ("--nproc", "nproc", click.IntRange(min=16), "Processes + threads a submission may run."),
    ("--fsize-mb", "fsize_mb", click.IntRange(min=1), "Largest file a submission may write, MB."),
    ("--nofile", "nofile", click.IntRange(min=32), "Open files a submission may hold."),
    ("--output-kept-kb", "output_kept_kb", click.IntRange(min=1), "Printed output kept for the report, KB."),
    ("--output-limit-mb", "output_limit_mb", click.IntRange(min=1), "Printing more than this stops the run, MB."),
)


def limit_options(command):
    """The sandbox limits as options; each overrides the assignment's [run] setting."""
    for flag, key, kind, text in reversed(LIMIT_OPTIONS):
        command = click.option(flag, key, type=kind, default=None, help=text + " Default: the assignment's.")(command)
    return command


@main.command()
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, file_okay=True, dir_okay=True, path_type=Path))
@click.option("--out", "out_dir", default="reports", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Folder for the result files.")
@click.option("--assignment", default=DEFAULT_ASSIGNMENT, show_default=True, help="Assignment name or folder.")
@click.option("--lang", type=click.Choice(["es", "en"]), default=None, help="Report language (default: the assignment's).")
@click.option("--timeout", type=click.FloatRange(min=1), default=None, help="Wall-clock limit per submission, seconds.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0,
              help="Parallel workers, each keeping TensorFlow loaded (default, or 0: one per core).")
@click.option("--isolation", type=click.Choice(["auto", "bwrap", "process"]), default="auto", show_default=True,
              help="bwrap: namespaces + limits; process: limits (+ Landlock where the kernel has it); "
                   "auto: bwrap when it works here.")
@click.option("--force", is_flag=True, default=False,
              help="Grade every submission again (by default a result stored in OUT/results.sqlite is reused "
                   "when the submission, the assignment and the grader are unchanged).")
@click.option("--roster", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="CSV of the class (your list, Canvas's gradebook export or Moodle's grading worksheet): "
                   "adds names, emails and LMS ids to the results and the gradebook exports.")
@click.option("--scheduler", default=None, metavar="tcp://HOST:8786",
              help="Grade on this Dask cluster instead of local workers (needs the dask extra).")
@click.option("--no-insight", "no_insight", is_flag=True, default=False,
              help="Do not train the unregularized twin of each model (the 'does the regularization help?' "
                   "feedback; it never changes a score).")
@click.option("--no-similarity", "no_similarity", is_flag=True, default=False,
              help="Do not write similarity.html/.md/.json (pairs of similar submissions, the published solution).")
@click.option("--datasets", "datasets", default=None, metavar="DIR",
              type=click.Path(exists=True, file_okay=False, dir_okay=True, path_type=Path),
              help="Folder laid out like ~/.keras/datasets (mnist.npz, imdb.npz ...), served read-only so "
                   "keras.datasets.*.load_data() works offline. Default: the assignment's [data] keras_datasets.")
@click.option("--entry", "entry", default=None, metavar="GLOB",
              help="In each student's folder, grade the file matching GLOB (a name or a path inside the folder), "
                   "wherever the documented order would put it.")
@click.option("--list", "list_only", is_flag=True, default=False,
              help="Print the rows that would be graded (one per student), each file chosen and why; run nothing.")
@limit_options
@with_grade_options
def grade(paths, out_dir, assignment, lang, timeout, jobs, isolation, force, roster, scheduler, github, junit_path,
          min_score, datasets=None, no_similarity=False, no_insight=False, entry=None, list_only=False,
          **limits) -> None:
    """Grade every submission found in PATHS: notebooks, scripts, folders of them, zip archives, and
    Canvas or Moodle bulk downloads (folder or zip)."""
    from autograder.sandbox.startup import launch_first_worker
    from autograder.sandbox.worker import preimport_modules

    try:
        task = load_assignment(assignment).with_run_overrides(**limits).with_datasets(datasets)
        preimport = preimport_modules(task.run)
        from autograder.review.late import parse_policy

        parse_policy(task.policy)
    except (OSError, KeyError, ValueError) as exc:
        raise click.UsageError(f"cannot load assignment {assignment!r}: {exc}")
    task = task.with_entry(entry)
    if list_only:
        from autograder.listing import list_rows

        sys.exit(list_rows(list(paths), roster, task, lang or task.lang))
    # TensorFlow loads in the first worker from here on, while the grading modules load and the inputs are read.
    first = None if scheduler else launch_first_worker(list(paths), jobs, isolation, preimport, task.keras_datasets)
    if first is not None:  # the batch closes it when done; this covers a usage error before that
        click.get_current_context().call_on_close(first.close)
    from rich.console import Console

    from autograder.batch import BatchOptions, grade_batch, load_class
    from autograder.inputs.roster import RosterError
    from autograder.progress import progress_for
    from autograder.render.terminal import print_result

    console = Console(stderr=False, highlight=False)
    try:
        inputs = load_class(list(paths), roster, task.entry_rules())
    except RosterError as exc:
        raise click.UsageError(str(exc))
    for problem in inputs.problems:
        click.echo(f"autograder: {problem}", err=True)
    subs = list(inputs.submissions)
    if not subs:
        raise click.UsageError("no submissions (.ipynb, .py or folders) found in the given paths")
    if scheduler:
        try:
            import autograder.cluster  # noqa: F401
        except ImportError as exc:
            raise click.UsageError(str(exc))
    options = BatchOptions(out_dir=out_dir, lang=lang, timeout_s=timeout, jobs=jobs, isolation=isolation,
                           force=force, scheduler=scheduler, similarity=not no_similarity, insight=not no_insight)
    single = len(subs) == 1
    with progress_for(console) as progress:
        results = grade_batch(subs, task, options, progress=None if single else progress, students=inputs.students,
                              launched=first)
    if single:
        print_result(results[0], console)
    console.print(f"{len(results)} → {out_dir}/", highlight=False)
    if inputs.unmatched:
        names = ", ".join(e.student.name or e.student.email or f"row {e.row}" for e in inputs.unmatched[:10])
        more = f" (+{len(inputs.unmatched) - 10})" if len(inputs.unmatched) > 10 else ""
        console.print(f"{len(inputs.unmatched)} students in the roster have no submission: {names}{more}",
                      highlight=False)
    from autograder.review.outputs import apply_reviews, record_run_outputs

    after_grading(apply_reviews(out_dir, results), task, github, junit_path)  # the final grades (reviews, late work)
    record_run_outputs(out_dir, junit_path)
    sys.exit(exit_code(results) if min_score is None else min_score_exit_code(results, min_score))


@main.command()
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; the default answers this machine only.")
@click.option("--port", default=0, type=click.IntRange(0, 65535), help="Port (default: any free one).")
@click.option("--reviewer", "reviewers", multiple=True, metavar="NAME",
              help="A reviewer (repeatable): each gets a URL with a secret token. Default: you (the OS user).")
def review(out_dir, host, port, reviewers) -> None:
    """Serve the review desk for the results in OUT_DIR: one URL per reviewer is printed."""
    if not any(out_dir.glob("*/result.json")):
        raise click.UsageError(f"{out_dir} holds no results (run autograder grade ... --out {out_dir} first)")
    from autograder.desk import serve

    try:
        serve(out_dir, host, port, tuple(reviewers), echo=click.echo)
    except (OSError, ValueError) as exc:
        raise click.UsageError(str(exc))


main.add_command(export)
main.add_command(gradescope_results_command)
main.add_command(assignments)
main.add_command(override_command)
main.add_command(release_command)


if __name__ == "__main__":
    main()
