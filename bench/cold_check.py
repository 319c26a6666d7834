"""Goal 3 of issue 12: one cold check of one notebook vs a bare TensorFlow import, in the same run.

  import      ``python -c "import tensorflow"`` (what a new user compares with: the least any check costs)
  cold        ``autograder grade NOTEBOOK --out FRESH`` (a new process: CLI start, sandbox start with its
              TensorFlow import, the run, the grader's training and the insight, the reports)

The two alternate, --runs times each; medians and their ratio are printed (goal: <= 1.5x). Then one cold
check runs inside this process with timestamps on its stages, to show where the time goes (a breakdown,
not the measurement: this process has already imported the grader).

Usage: .venv/bin/python bench/cold_check.py [--runs 5] [--notebook PATH] [--grader CMD]
"""
from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GOAL = 1.5


def timed(cmd: list[str]) -> float:
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    return elapsed


class Timeline:
    """Start and end times of the named stages of one in-process cold check."""

    def __init__(self) -> None:
        self.t0 = time.perf_counter()
        self.marks: list[tuple[str, float, float]] = []

    def wrap(self, owner, name: str, label: str) -> None:
        original = getattr(owner, name)

        def timed_call(*args, **kwargs):
            begun = time.perf_counter() - self.t0
            try:
                return original(*args, **kwargs)
            finally:
                self.marks.append((label, begun, time.perf_counter() - self.t0))

        setattr(owner, name, timed_call)


def breakdown(notebook: str, out: Path) -> None:
    """One cold check in this process, stage by stage (the grader's modules are imported first, timed)."""
    line = Timeline()
    cli_import = timed([sys.executable, "-c", "import autograder.cli"])
    bare_python = timed([sys.executable, "-c", "pass"])
    import autograder.cli as cli
    import autograder.batch as batch
    import autograder.sandbox.startup as startup
    import autograder.sandbox.worker as worker

    ready: dict = {}
    original_wait = worker.SandboxWorker._wait_ready

    def wait_ready(self):
        reply = original_wait(self)
        ready.update(reply)
        return reply

    worker.SandboxWorker._wait_ready = wait_ready
    line.wrap(startup, "launch_first_worker", "launch the first worker (Popen)")
    line.wrap(worker.SandboxWorker, "start", "wait until the worker is ready (TensorFlow loading)")
    line.wrap(batch, "load_class", "read the inputs")
    line.wrap(worker.SandboxWorker, "run", "run the submission (forked child)")
    line.wrap(worker.SandboxWorker, "train", "grader's training + insight (forked child)")
    line.wrap(batch, "write_outputs", "write result.json + reports")
    line.wrap(batch, "write_run_files", "grades.csv, summaries, LMS files")
    if hasattr(batch, "write_similarity_files"):
        line.wrap(batch, "write_similarity_files", "similarity files")
    line.wrap(worker.SandboxWorker, "close", "close the worker")
    started = line.t0 = time.perf_counter()
    try:
        cli.main(["grade", notebook, "--out", str(out)], standalone_mode=False)
    except SystemExit:
        pass
    total = time.perf_counter() - started
    print(f"\nbreakdown of one cold check in this process (total {total:.2f} s from the CLI's entry; stages "
          f"overlap; before it, a separate `python -c 'import autograder.cli'` took {cli_import:.2f} s, of which "
          f"{bare_python:.2f} s is Python's own start):")
    for label, begun, ended in sorted(line.marks, key=lambda m: m[1]):
        print(f"  {begun:7.2f} {ended:7.2f}  {label} ({ended - begun:.2f} s)")
    split = ready.get("startup") or {}
    if split:
        print("  inside the worker's start-up: " + ", ".join(f"{k} {v:.2f} s" for k, v in split.items())
              + f"; ready after {ready.get('startup_s', 0):.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebook", default=str(ROOT / "solutions" / "reference_notebook.ipynb"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--grader", default=str(Path(sys.executable).parent / "autograder"),
                        help="command that runs the grader's CLI (to compare two builds)")
    parser.add_argument("--no-breakdown", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-cold-"))
    grader = shlex.split(args.grader)
    rows: dict[str, list[float]] = {"import": [], "cold": []}
    print(f"notebook: {args.notebook}; runs: {args.runs}; cores: {os.cpu_count()}; "
          f"load average at start: {' '.join(f'{v:.1f}' for v in os.getloadavg())}", flush=True)
    for i in range(args.runs):
        rows["import"].append(timed([sys.executable, "-c", "import tensorflow"]))
        rows["cold"].append(timed([*grader, "grade", args.notebook, "--out", str(work / f"out-{i}")]))
        print(f"  run {i + 1}: import {rows['import'][-1]:.2f} s, cold check {rows['cold'][-1]:.2f} s "
              f"({rows['cold'][-1] / rows['import'][-1]:.2f}x)", flush=True)
    base = statistics.median(rows["import"])
    print(f"{'path':<8} {'median s':>9} {'x import':>9}   all runs")
    for name, values in rows.items():
        med = statistics.median(values)
        print(f"{name:<8} {med:>9.2f} {med / base:>8.2f}x   {', '.join(f'{v:.2f}' for v in values)}")
    ratio = statistics.median(rows["cold"]) / base
    print(f"cold check / bare import: {ratio:.2f}x (goal <= {GOAL}x: {'met' if ratio <= GOAL else 'NOT met'}); "
          f"load average at end: {' '.join(f'{v:.1f}' for v in os.getloadavg())}", flush=True)
    if not args.no_breakdown:
        breakdown(args.notebook, work / "out-breakdown")


if __name__ == "__main__":
    main()
