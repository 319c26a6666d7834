"""How a batch shows its progress: on a terminal, a live bar with counts and the time left (rich);
elsewhere (CI logs, pipes), one plain line per submission as it is graded."""
from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, \
    TimeElapsedColumn, TimeRemainingColumn

from autograder.render.terminal import print_line
from autograder.types import GradeResult


def passed(result: GradeResult) -> bool:
    return result.status == "graded" and all(c.status == "pass" for c in result.checks)


class LineProgress:
    """One line per graded submission; stored results are counted, not listed."""

    def __init__(self, console: Console):
        self.console = console

    def planned(self, total: int, cached: int) -> None:
        if cached:
            self.console.print(f"{total} submissions: {cached} unchanged (results reused), "
                               f"{total - cached} to grade", highlight=False)

    def finished(self, result: GradeResult, cached: bool) -> None:
        if not cached:
            print_line(result, self.console)

    def __enter__(self) -> "LineProgress":
        return self

    def __exit__(self, *exc) -> None:
        pass


class BarProgress(LineProgress):
    """A live bar (graded / to grade; all checks passed ✔, some failed ✘, could not be graded ⚠; elapsed;
    time left) with each result printed above it."""

    def __init__(self, console: Console):
        super().__init__(console)
        self.bar = Progress(SpinnerColumn(), TextColumn("[bold]grading[/]"), BarColumn(bar_width=24),
                            MofNCompleteColumn(), TextColumn("{task.fields[tally]}"), TimeElapsedColumn(),
                            TextColumn("ETA"), TimeRemainingColumn(), console=console, transient=False)
        self.task = None
        self.counts = {"pass": 0, "fail": 0, "error": 0}

    def planned(self, total: int, cached: int) -> None:
        super().planned(total, cached)
        self.task = self.bar.add_task("grading", total=total - cached, tally=self._tally())

    def _tally(self) -> str:
        return (f"[green]✔ {self.counts['pass']}[/] [red]✘ {self.counts['fail']}[/] "
                f"[yellow]⚠ {self.counts['error']}[/]")

    def finished(self, result: GradeResult, cached: bool) -> None:
        if cached or self.task is None:
            return
        kind = "pass" if passed(result) else ("error" if result.status == "error" else "fail")
        self.counts[kind] += 1
        print_line(result, self.bar.console)
        self.bar.update(self.task, advance=1, tally=self._tally())

    def __enter__(self) -> "BarProgress":
        self.bar.start()
        return self

    def __exit__(self, *exc) -> None:
        self.bar.stop()


def progress_for(console: Console) -> LineProgress:
    """A bar on a terminal, plain lines anywhere else."""
    return BarProgress(console) if console.is_terminal else LineProgress(console)
