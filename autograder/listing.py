"""``autograder grade --list``: the rows a run would grade (one per student), each file chosen and why; runs nothing."""
from __future__ import annotations

from pathlib import Path

import click

from autograder.assignment import Assignment
from autograder.i18n import translate
from autograder.inputs import ClassInputs, read_inputs
from autograder.types import Submission


def row_of(sub: Submission, inputs: ClassInputs, lang: str) -> dict[str, str]:
    """One submission as the list shows it: id, student, graded file, why, its modules, files left, problem."""
    student = inputs.students.get(sub.id)
    choice = sub.entry
    why = ""
    if choice is not None:
        why = translate(f"entry.why.{choice.reason}", lang, {"pattern": choice.pattern})
    elif sub.load_error is None:
        why = translate("entry.why.file", lang)
    problem = ""
    if sub.load_error is not None:
        problem = translate(f"error.{sub.load_error.kind}", lang, {"detail": sub.load_error.detail})
    return {
        "id": sub.id,
        "student": student.name if student is not None else "",
        "entry": sub.filename if sub.load_error is None or sub.filename else "",
        "why": why,
        "with": ", ".join(choice.modules) if choice is not None else "",
        "left": ", ".join(choice.left) if choice is not None else "",
        "source": sub.source,
        "problem": problem,
    }


def list_rows(paths: list[Path], roster: Path | None, assignment: Assignment, lang: str) -> int:
    """Print the rows (a ``rich`` table) and return the exit code: 0, or 2 when nothing was found."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from autograder.inputs.roster import RosterError

    try:
        inputs = read_inputs([Path(p) for p in paths], roster, assignment.entry_rules())
    except RosterError as exc:
        raise click.UsageError(str(exc))
    terminal = Console()
    # On a terminal the table fits its width; piped or captured, rows stay whole (one line each) for grep.
    console = Console(highlight=False, width=terminal.width if terminal.is_terminal else 100_000)
    for problem in inputs.problems:
        click.echo(f"autograder: {problem}", err=True)
    rows = [row_of(sub, inputs, lang) for sub in inputs.submissions]
    columns = ("id", "student", "entry", "why", "with", "left", "source", "problem")
    shown = [c for c in columns if c in ("id", "entry", "source") or any(r[c] for r in rows)]
    table = Table(title=translate("list.title", lang, {"count": len(rows)}), show_lines=False)
    for column in shown:
        table.add_column(translate(f"list.{column}", lang), overflow="fold")
    for row in rows:
        # Student content (ids, file names) is text, never rich markup.
        table.add_row(*(Text(row[c]) for c in shown), style="red" if row["problem"] else None)
    console.print(table)
    if not rows:
        click.echo("autograder: no submissions (.ipynb, .py or folders) found in the given paths", err=True)
        return 2
    return 0
