"""The review commands: ``autograder override OUT ID ...`` and ``autograder release OUT --to moodle|folder``.

Exit 0 on success; 2 with one clear sentence on a usage error (unknown id or check, points out of range).
"""
from __future__ import annotations

import getpass
import sys
from pathlib import Path

import click


def default_reviewer() -> str:
    """The OS user name (``--by`` when it is not given)."""
    try:
        return getpass.getuser()
    except Exception:  # no name for this uid (a container)
        return "unknown"


def usage_error(message: str) -> None:
    click.echo(f"autograder: {message}", err=True)
    sys.exit(2)


def _results_folder(out: Path) -> None:
    if not (out / "results.sqlite").is_file() and not (out / "grades.csv").is_file():
        usage_error(f"{out} holds no graded results (grade first: autograder grade PATH --out {out})")


@click.command("override")
@click.argument("out", type=click.Path(path_type=Path))
@click.argument("submission_id", metavar="ID")
@click.option("--check", "check_id", default=None, help="The check whose points to set (or to clear).")
@click.option("--points", default=None, help="The check's points, 0 to its maximum.")
@click.option("--comment", default=None, help="Why (shown to the student with the grade).")
@click.option("--adjust", default=None, metavar="POINTS", help="Signed points added to the whole submission.")
@click.option("--reason", default=None, help="Why the adjustment (late work, academic integrity, extra credit).")
@click.option("--clear", is_flag=True, default=False, help="Back to the automatic grade (with --check: that check).")
@click.option("--confirm", is_flag=True, default=False,
              help="Mark it reviewed; a stale review's overrides are carried over to the new content.")
@click.option("--by", default=None, help="Who makes the change (default: your user name).")
def override_command(out: Path, submission_id: str, check_id: str | None, points: str | None, comment: str | None,
                     adjust: str | None, reason: str | None, clear: bool, confirm: bool, by: str | None) -> None:
    """Change a submission's final grade in OUT: set a check's points, add an adjustment, clear or confirm
    its review. The automatic result is kept; OUT's grades.csv, gradebooks and summary are rewritten."""
    from autograder.review.outputs import refresh_outputs
    from autograder.review.store import ReviewError, ReviewStore

    modes = [name for name, on in (("--points", points is not None), ("--adjust", adjust is not None),
                                   ("--clear", clear), ("--confirm", confirm)) if on]
    if len(modes) != 1:
        usage_error("give exactly one of --check/--points, --adjust, --clear or --confirm"
                    + (f" (got {' and '.join(modes)})" if modes else ""))
    mode = modes[0]
    if mode == "--points" and (check_id is None or comment is None):
        usage_error("--points needs --check CHECK_ID and --comment TEXT")
    if mode == "--adjust" and reason is None:
        usage_error("--adjust needs --reason TEXT")
    if mode in ("--adjust", "--confirm") and (check_id or comment is not None):
        usage_error(f"{mode} takes no --check or --comment")
    if reason is not None and mode != "--adjust":
        usage_error("--reason goes with --adjust")
    _results_folder(out)
    by = by or default_reviewer()
    try:
        with ReviewStore.in_folder(out) as store:
            if mode == "--points":
                review = store.set_override(submission_id, None, check_id, points, comment, by)  # type: ignore[arg-type]
            elif mode == "--adjust":
                review = store.add_adjustment(submission_id, None, adjust, reason, by)  # type: ignore[arg-type]
            elif mode == "--clear":
                review = store.clear(submission_id, None, by, check_id=check_id)
            else:
                review = store.confirm(submission_id, None, by)
    except ReviewError as exc:
        usage_error(str(exc))
    finals = refresh_outputs(out, ids=[submission_id])
    final = finals.get(submission_id)
    if final is None:
        click.echo(f"{submission_id}: {review.state}")
        return
    click.echo(f"{submission_id}: final {final.score:g}/{final.max_score:g} (automatic {final.auto_score:g}), "
               f"{final.state}; {out}/grades.csv and the gradebooks rewritten")


@click.command("release")
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--to", "target", type=click.Choice(["moodle", "folder"]), required=True,
              help="moodle: a feedback-files zip and grading worksheet to upload; folder: one folder per student.")
@click.option("--reviewed-only", is_flag=True, default=False, help="Only submissions a reviewer has reviewed.")
@click.option("--dest", type=click.Path(path_type=Path), default=None,
              help="Where to write (default: OUT/release-moodle or OUT/release).")
def release_command(out: Path, target: str, reviewed_only: bool, dest: Path | None) -> None:
    """Write what students get back: their report and the reviewers' comments, with the final grade."""
    from autograder.review.release import ReleaseError, release

    _results_folder(out)
    try:
        written = release(out, target, reviewed_only=reviewed_only, dest=dest)
    except ReleaseError as exc:
        usage_error(str(exc))
    left_out = f" ({written.skipped} left out: not reviewed, or no Moodle participant id)" if written.skipped else ""
    click.echo(f"{written.count} students -> {written.path}{left_out}")

