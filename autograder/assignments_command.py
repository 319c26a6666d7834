"""``autograder assignments``: what is installed (name, title, checks with points), each file validated."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from autograder.assignment import ASSIGNMENTS_DIR, Assignment, load_assignment
from autograder.checks.vocabulary import VOCABULARY


def installed_names(folder: Path = ASSIGNMENTS_DIR) -> list[str]:
    """The assignment folders (those holding an ``assignment.toml``), by name."""
    return sorted(p.parent.name for p in folder.glob("*/assignment.toml"))


def _value(value) -> str:
    return ",".join(str(v) for v in value) if isinstance(value, (list, tuple)) else f"{value:g}" \
        if isinstance(value, float) else str(value)


def describe(task: Assignment) -> list[str]:
    """Lines for one assignment: its name, title and points, then a line per check (id, kind, points, parameters)."""
    lines = [f"{task.id}  {task.title}  ({task.max_score:g} points, {len(task.checks)} checks, lang {task.lang})"]
    width = max(len(c.id) for c in task.checks)
    kind_width = max(len(c.kind) for c in task.checks)
    for c in task.checks:
        params = " ".join(f"{k}={_value(v)}" for k, v in c.params.items())
        lines.append(f"  {c.id:<{width}}  {c.kind:<{kind_width}}  {c.points:>4g}  {params}".rstrip())
    return lines


@click.command("assignments")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--kinds", is_flag=True, default=False, help="List the check kinds an assignment.toml may use.")
def assignments(paths: tuple[Path, ...], kinds: bool) -> None:
    """List the installed assignments (or the assignment folders/files in PATHS), validating each file.

    Exit 0 when every file is valid, 2 when one is malformed (the error names the file, the [[check]]
    table and key, and what was expected)."""
    if kinds:
        for kind in VOCABULARY.values():
            params = ", ".join(kind.params) or "-"
            training = "  (needs the grader's training)" if kind.needs_training else ""
            click.echo(f"{kind.name}: {kind.summary}. Parameters: {params}.{training}")
        return
    targets = list(paths) or installed_names()
    if not targets:
        raise click.UsageError(f"no assignments installed in {ASSIGNMENTS_DIR}")
    broken = 0
    for target in targets:
        try:
            task = load_assignment(target)
        except (OSError, KeyError, ValueError) as exc:
            broken += 1
            click.echo(f"autograder: cannot load assignment {str(target)!r}: {exc}", err=True)
            continue
        click.echo("\n".join(describe(task)))
    sys.exit(2 if broken else 0)
