"""What the regularization insight costs per submission: the same submissions graded with and without it,
in turns, by one warm worker (so both see the same machine load).

    .venv/bin/python bench/insight_cost.py [--runs 5] [--assignment batch-norm]

The insight shares the grader's training child (no extra fork, TensorFlow already imported) and steps the
model and its twin together in one traced function (full-batch epochs, both validation losses in the same
graph call). Per submission it measures ``grade_submission`` end to end, and reports the insight's own
time inside the child. Submissions: the reference solution (trained on the predefined data) and a variant
without regularization (no twin: one model trained); for the unit's other assignments (``--assignment``),
their course example (and, for data-augmentation, whose course example's ImageDataGenerator is replayed, also a
model with ``Random*`` layers). Prints medians and the ratio with / without.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from autograder.assignment import load_assignment  # noqa: E402
from autograder.grading import grade_submission  # noqa: E402
from autograder.loading import load_submission  # noqa: E402
from autograder.sandbox.worker import SandboxWorker  # noqa: E402

UNIT = REPO / "tests" / "fixtures" / "unit"
SUBMISSIONS = {
    "l2-dropout": (("reference", REPO / "solutions" / "reference.py"),
                   ("no_regularization", REPO / "tests" / "fixtures" / "step4" / "no_regularization.py")),
    "early-stopping": (("course_example", UNIT / "early-stopping" / "course_example.py"),),
    "batch-norm": (("course_example", UNIT / "batch-norm" / "course_example.py"),),
    "data-augmentation": (("course_example", UNIT / "data-augmentation" / "course_example.py"),
                          ("random_layers", UNIT / "data-augmentation" / "random_layers.py")),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="measured runs per setting (after one warm-up)")
    parser.add_argument("--assignment", default="l2-dropout", choices=sorted(SUBMISSIONS))
    args = parser.parse_args()
    on = load_assignment(args.assignment)
    off = replace(on, insight=dict(on.insight, enabled=False))
    subs = [(name, load_submission(path, name)) for name, path in SUBMISSIONS[args.assignment]]
    worker = SandboxWorker(threads=1)
    worker.start()
    times = {(name, setting): [] for name, _ in subs for setting in ("with", "without")}
    inside = {name: [] for name, _ in subs}
    verdicts = {}
    try:
        for round_ in range(args.runs + 1):  # round 0 warms the worker up
            for name, sub in subs:
                order = (("with", on), ("without", off)) if round_ % 2 == 0 else (("without", off), ("with", on))
                for setting, assignment in order:
                    started = time.perf_counter()
                    result = grade_submission(sub, assignment, worker, lang="en")
                    took = time.perf_counter() - started
                    if (result.insight is None) != (setting == "without"):
                        raise SystemExit(f"{name} {setting}: insight {result.insight!r}")
                    if round_:
                        times[(name, setting)].append(took)
                        if result.insight is not None:
                            inside[name].append(result.insight.elapsed_s)
                            verdicts[name] = (result.insight.verdict, result.insight.model.gap if result.insight.model
                                              else None, result.insight.twin.gap if result.insight.twin else None)
    finally:
        worker.close()
    budget = on.insight
    print(f"{args.assignment}: insight compares {budget.get('compare', 'regularization')}; budget: {budget.get('epochs')} epochs, batch_size {budget.get('batch_size')} (0 = full batch); "
          f"runs per setting: {args.runs} (after one warm-up), in turns, one warm worker ({worker.isolation})")
    print(f"{'submission':20}{'without (s)':>12}{'with (s)':>10}{'ratio':>8}{'insight in child (s)':>22}  verdict")
    for name, _ in subs:
        without = statistics.median(times[(name, "without")])
        with_ = statistics.median(times[(name, "with")])
        verdict, gap, twin_gap = verdicts[name]
        gaps = verdict + ("" if gap is None else f" (gap {gap:.3f}" + (f", twin {twin_gap:.3f})"
                                                                        if twin_gap is not None else ")"))
        print(f"{name:20}{without:12.2f}{with_:10.2f}{with_ / without:8.2f}{statistics.median(inside[name]):22.2f}"
              f"  {gaps}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
