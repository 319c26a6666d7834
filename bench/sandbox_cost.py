"""What the bubblewrap sandbox costs per submission, against the process fallback (same zygote,
same limits, no namespaces).

    .venv/bin/python bench/sandbox_cost.py [--runs 7]

Two warm workers are started (one per isolation level) and used in turns, so that both see the
same machine load. Per submission it measures the reference solution graded end to end (its run
plus the grader's own training: two sandboxed jobs), and a trivial job (``print``) that isolates
the fixed cost of a job: fork, limits, folder, supervision, stray sweep. Prints the medians and
the ratio bwrap / process, and each worker's start-up time (paid once per worker, not per
submission).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from autograder.assignment import load_assignment  # noqa: E402
from autograder.grading import grade_submission  # noqa: E402
from autograder.loading import load_submission  # noqa: E402
from autograder.sandbox.worker import SandboxWorker  # noqa: E402
from autograder.types import RunLimits  # noqa: E402

LEVELS = ("bwrap", "process")
TRIVIAL = {"id": "trivial", "kind": "script", "filename": "t.py", "cells": [{"index": 0, "source": "print('hi')"}],
           "files": [], "data": None}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="measured runs per level (after one warm-up)")
    args = parser.parse_args()
    assignment = load_assignment()
    reference = load_submission(REPO / "solutions" / "reference.py", "reference")
    workers, startup = {}, {}
    for level in LEVELS:
        workers[level] = SandboxWorker(isolation=level, threads=1)
        started = time.perf_counter()
        workers[level].start()
        startup[level] = time.perf_counter() - started
    graded = {level: [] for level in LEVELS}
    trivial = {level: [] for level in LEVELS}
    try:
        for round_ in range(args.runs + 1):  # round 0 warms each worker up (first graph trace)
            for level in LEVELS if round_ % 2 == 0 else reversed(LEVELS):
                started = time.perf_counter()
                result = grade_submission(reference, assignment, workers[level], lang="en")
                took = time.perf_counter() - started
                if result.score != result.max_score or result.isolation != level:
                    raise SystemExit(f"{level}: the reference got {result.score} under {result.isolation}")
                started = time.perf_counter()
                artifact = workers[level].run(TRIVIAL, RunLimits(timeout_s=30))
                took_trivial = time.perf_counter() - started
                if artifact.outcome != "completed":
                    raise SystemExit(f"{level}: trivial job ended with {artifact.outcome}")
                if round_:
                    graded[level].append(took)
                    trivial[level].append(took_trivial)
    finally:
        for worker in workers.values():
            worker.close()
    print(f"runs per level: {args.runs} (after one warm-up), measured in turns on the same machine")
    print(f"{'':34}{'bwrap':>10}{'process':>10}{'ratio':>8}")
    for label, values in (("reference, graded end to end (s)", graded), ("trivial job (s)", trivial)):
        b, p = statistics.median(values["bwrap"]), statistics.median(values["process"])
        print(f"{label:34}{b:10.3f}{p:10.3f}{b / p:8.2f}")
    print(f"{'worker start-up, once (s)':34}{startup['bwrap']:10.2f}{startup['process']:10.2f}"
          f"{startup['bwrap'] / startup['process']:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
