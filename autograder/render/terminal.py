"""The terminal summary: a compact table (coloured on a terminal, plain text in CI logs and pipes).

Student text is always passed as ``Text`` values, never as console markup, so brackets in a
message or an id are printed as they are.
"""
from __future__ import annotations

import os
import sys
from typing import TextIO

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from autograder.i18n import translate
from autograder.render.environment_view import KIND_LABEL
from autograder.types import GradeResult

STYLE = {"pass": "green", "fail": "red", "error": "yellow", "skipped": "dim"}
ICON = {"pass": "✔", "fail": "✘", "error": "?", "skipped": "–"}
PLAIN_WIDTH = 120
"""Line width when the output is not a terminal (CI logs wrap badly at rich's default of 80)."""


def make_console(file: TextIO | None = None) -> Console:
    """A console that colours only a real terminal: a pipe or a CI log gets plain text, no escape codes.

    ``NO_COLOR`` turns colour off on a terminal too; ``FORCE_COLOR`` is not honoured for pipes.
    """
    stream = file if file is not None else sys.stdout
    tty = bool(getattr(stream, "isatty", lambda: False)())
    colour = tty and not os.environ.get("NO_COLOR")
    return Console(file=stream, force_terminal=tty, no_color=not colour, color_system="auto" if colour else None,
                   highlight=False, emoji=False, width=None if tty else PLAIN_WIDTH, soft_wrap=False)


def _overall(result: GradeResult) -> str:
    if result.status == "error":
        return "error"
    return "pass" if all(c.status == "pass" for c in result.checks) else "fail"


def check_table(result: GradeResult) -> Table:
    """The checks of one submission: status (icon and word), points, message and the hint."""
    lang = result.lang
    title = Text(f"{result.id}: ")
    title.append(f"{result.score:g}/{result.max_score:g}", style=f"bold {STYLE[_overall(result)]}")
    table = Table(title=title, box=box.SIMPLE_HEAD, show_lines=False, expand=False, pad_edge=False)
    table.add_column(translate("ui.check", lang), no_wrap=True)
    table.add_column(translate("ui.status", lang), no_wrap=True)
    table.add_column(translate("ui.points", lang), justify="right", no_wrap=True)
    table.add_column(translate("ui.message", lang), overflow="fold")
    for c in result.checks:
        status = Text(f"{ICON[c.status]} {translate('ui.status.' + c.status, lang)}", style=STYLE[c.status])
        message = Text(c.message)
        if c.hint:
            message.append(f"\n→ {c.hint}", style="cyan")
        table.add_row(Text(c.id), status, Text(f"{c.points:g}/{c.max_points:g}"), message)
    return table


def print_result(result: GradeResult, console: Console) -> None:
    """One submission in detail: the error (if it could not run) and each check with its status."""
    if result.error:
        line = Text(f"{translate('ui.error', result.lang)}: ", style="yellow")
        line.append(result.error.message)
        console.print(line)
    console.print(check_table(result))
    if result.environment:  # what the grading environment lacked, apart from the student's own errors
        line = Text(f"{translate('env.title', result.lang)}: ", style="yellow")
        line.append(", ".join(f"{i.subject or '?'} ({translate(KIND_LABEL[i.kind], result.lang)})"
                              for i in result.environment if i.kind in KIND_LABEL))
        console.print(line)


def print_line(result: GradeResult, console: Console) -> None:
    """One line per submission, for batches: score, id and the checks that did not pass."""
    failing = ", ".join(c.id for c in result.checks if c.status != "pass")
    line = Text(f"{result.score:>4g}/{result.max_score:g}", style=STYLE[_overall(result)])
    line.append(f" {result.id}")
    if result.error:
        line.append(f" ({result.error.kind})", style="yellow")
    elif failing:
        line.append(f" [{failing}]", style="red")
    console.print(line)
