"""The terminal summary: a compact table (coloured on a terminal, plain text in CI logs)."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table

from autograder.i18n import translate
from autograder.types import GradeResult

STYLE = {"pass": "green", "fail": "red", "error": "yellow", "skipped": "dim"}
ICON = {"pass": "✔", "fail": "✘", "error": "?", "skipped": "–"}


def print_result(result: GradeResult, console: Console) -> None:
    """One submission in detail: each check with its status and message."""
    lang = result.lang
    table = Table(title=f"{result.id}: {result.score:g}/{result.max_score:g}", show_lines=False, expand=False)
    table.add_column(translate("ui.check", lang))
    table.add_column(translate("ui.status", lang))
    table.add_column(translate("ui.points", lang), justify="right")
    table.add_column(translate("ui.message", lang), overflow="fold")
    for c in result.checks:
        table.add_row(c.id, f"[{STYLE[c.status]}]{ICON[c.status]} {translate('ui.status.' + c.status, lang)}[/]",
                      f"{c.points:g}/{c.max_points:g}", c.message + (f"\n→ {c.hint}" if c.hint else ""))
    if result.error:
        console.print(f"[yellow]{translate('ui.error', lang)}:[/] {result.error.message}")
    console.print(table)


def print_line(result: GradeResult, console: Console) -> None:
    """One line per submission, for batches."""
    ok = result.status == "graded" and all(c.status == "pass" for c in result.checks)
    style = "green" if ok else ("yellow" if result.status == "error" else "red")
    failing = ", ".join(c.id for c in result.checks if c.status != "pass")
    extra = f" ({result.error.kind})" if result.error else (f" [{failing}]" if failing else "")
    console.print(f"[{style}]{result.score:>4g}/{result.max_score:g}[/] {result.id}{extra}", highlight=False)
