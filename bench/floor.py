"""Goal 2 of issue 12: one submission graded by a warm worker vs the floor, in the same run.

  warm    ``grade_submission`` by a started SandboxWorker (one submission after a warm-up one): the run in
          a forked child, the checks, the grader's training and the insight in a second child
  floor   a bare Python process that has already imported TensorFlow (with the sandbox's environment:
          same thread counts and TensorFlow flags) doing the same work, timed after its import:
          the student's cells with the assignment's data predefined and their ``fit`` capped the way the
          sandbox caps it (``fit_epochs_cap`` epochs of 2 batches, 1 validation batch, eagerly), then
          the very trainer requests the worker was sent (the grader's brief training and the insight),
          through the same ``ag_trainer.train``

The two alternate, --runs times each, per submission; medians and the ratio are printed (goal <= 1.3x),
with the warm path split into its two children and the floor into its two parts.

Usage: .venv/bin/python bench/floor.py [--runs 5] [--threads 1] [SUBMISSION ...]
"""
from __future__ import annotations

import argparse
import base64
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INNER = ROOT / "autograder" / "sandbox" / "inner"
GOAL = 1.3
DEFAULT_SUBMISSIONS = ["solutions/reference_notebook.ipynb", "solutions/variants/functional_api.py",
                       "solutions/variants/missing_dropout.py"]


# -- the floor: a bare process (``--child``), after ``import tensorflow`` -----------------------------
def capped_fit(keras, cap: int) -> None:
    """Cap ``Model.fit`` as the sandbox's hooks do (ag_hooks.install), recording nothing."""
    original = keras.Model.fit

    def fit(self, x=None, y=None, *args, **kwargs):
        epochs = int(kwargs.get("epochs", args[1] if len(args) > 1 else 1))  # args: batch_size, epochs, ...
        initial = int(kwargs.get("initial_epoch", 0) or 0)
        capped = initial + max(0, min(epochs - initial, cap))
        if len(args) > 1:
            args = (args[0], capped) + args[2:]
        else:
            kwargs["epochs"] = capped
        kwargs.setdefault("steps_per_epoch", 2)
        if kwargs.get("validation_split") or kwargs.get("validation_data") is not None:
            kwargs.setdefault("validation_steps", 1)
        self.run_eagerly = True
        return original(self, x, y, *args, **kwargs)

    keras.Model.fit = fit


def floor_child(spec_path: Path, trainer_only: bool = False) -> None:
    """Import TensorFlow (not timed), then do the submission's work and print the times as JSON
    (``trainer_only``: the trainer requests alone, in a process where TensorFlow has run nothing yet)."""
    import numpy as np

    import keras
    import tensorflow  # noqa: F401

    sys.path.insert(0, str(INNER))
    import ag_trainer

    spec = json.loads(spec_path.read_text())
    with np.load(io.BytesIO(base64.b64decode(spec["data"])), allow_pickle=False) as npz:
        data = {key: npz[key] for key in npz.files}
    data["input_dim"] = int(data["input_dim"])
    capped_fit(keras, spec["fit_epochs_cap"])
    namespace = {"__name__": "__main__", **data}
    os.chdir(tempfile.mkdtemp(prefix="floor-"))
    started = time.perf_counter()
    for number, source in enumerate([] if trainer_only else spec["cells"]):
        try:
            exec(compile(source, f"<cell {number}>", "exec"), namespace)
        except Exception:  # as the sandbox does: go on after a failing cell
            pass
    student = time.perf_counter() - started
    for request in spec["train_requests"]:
        ag_trainer.train(request)
    trainer = time.perf_counter() - started - student
    print(json.dumps({"student": student, "trainer": trainer, "total": student + trainer}))


# -- the warm worker, and the comparison ----------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("submissions", nargs="*", default=DEFAULT_SUBMISSIONS)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1, help="TensorFlow threads (a --jobs 2 batch on 2 cores: 1)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--trainer-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        floor_child(args.child, args.trainer_only)
        return

    sys.path.insert(0, str(ROOT))
    from autograder.assignment import load_assignment
    from autograder.grading import build_job, grade_submission
    from autograder.loading import load_submission
    from autograder.sandbox.worker import SandboxWorker, preimport_modules, sandbox_env

    assignment = load_assignment()
    work = Path(tempfile.mkdtemp(prefix="bench-floor-"))
    env = dict(sandbox_env(args.threads, preimport_modules(assignment.run)), PYTHONPATH="")
    print(f"runs: {args.runs}; TensorFlow threads: {args.threads}; cores: {os.cpu_count()}; "
          f"load average at start: {' '.join(f'{v:.1f}' for v in os.getloadavg())}", flush=True)
    summary = []
    with SandboxWorker(threads=args.threads, preimport=preimport_modules(assignment.run)) as worker:
        sent: list[tuple[str, dict, float]] = []
        original_run, original_train = worker.run, worker.train

        def run(job, limits):
            begun = time.perf_counter()
            try:
                return original_run(job, limits)
            finally:
                sent.append(("run", job, time.perf_counter() - begun))

        def train(request, limits):
            begun = time.perf_counter()
            try:
                return original_train(request, limits)
            finally:
                sent.append(("train", request, time.perf_counter() - begun))

        worker.run, worker.train = run, train
        for path in args.submissions:
            sub = load_submission(ROOT / path)
            sent.clear()
            grade_submission(sub, assignment, worker)  # warm-up: the worker's first job pays one-off costs
            requests = [r for kind, r, _ in sent if kind == "train"]
            job = build_job(sub, assignment)
            spec_path = work / f"{sub.id}.json"
            spec_path.write_text(json.dumps({"cells": [c["source"] for c in job["cells"]], "data": job["data"],
                                             "fit_epochs_cap": assignment.limits().fit_epochs_cap,
                                             "train_requests": requests}))
            warm, run_s, train_s, floor, student, trainer, alone = [], [], [], [], [], [], []
            for _ in range(args.runs):
                sent.clear()
                begun = time.perf_counter()
                result = grade_submission(sub, assignment, worker)
                warm.append(time.perf_counter() - begun)
                run_s.append(sum(t for kind, _, t in sent if kind == "run"))
                train_s.append(sum(t for kind, _, t in sent if kind == "train"))
                proc = subprocess.run([sys.executable, "-I", __file__, "--child", str(spec_path)], env=env,
                                      capture_output=True, text=True)
                if proc.returncode != 0:
                    raise SystemExit(f"floor process failed:\n{proc.stderr[-3000:]}")
                times = json.loads(proc.stdout.strip().splitlines()[-1])
                floor.append(times["total"])
                student.append(times["student"])
                trainer.append(times["trainer"])
                proc = subprocess.run([sys.executable, "-I", __file__, "--child", str(spec_path), "--trainer-only"],
                                      env=env, capture_output=True, text=True)
                if proc.returncode != 0:
                    raise SystemExit(f"floor process failed:\n{proc.stderr[-3000:]}")
                alone.append(json.loads(proc.stdout.strip().splitlines()[-1])["trainer"])
            med = statistics.median
            ratio = med(warm) / med(floor)
            summary.append((sub.id, med(warm), med(floor), ratio))
            print(f"{sub.id}: score {result.score:g}/{result.max_score:g}; trainer requests: {len(requests)} "
                  f"(insight: {'yes' if any(r.get('insight') for r in requests) else 'no'})")
            print(f"  warm worker  median {med(warm):.2f} s  (run child {med(run_s):.2f} s, training child "
                  f"{med(train_s):.2f} s, the rest {med(warm) - med(run_s) - med(train_s):.2f} s)   "
                  f"all: {', '.join(f'{v:.2f}' for v in warm)}")
            print(f"  floor        median {med(floor):.2f} s  (student cells {med(student):.2f} s, trainer "
                  f"{med(trainer):.2f} s)   all: {', '.join(f'{v:.2f}' for v in floor)}")
            print(f"  breakdown: the trainer requests alone in a fresh bare process (TensorFlow has run nothing "
                  f"there yet, as in the worker's second child) take {med(alone):.2f} s vs {med(trainer):.2f} s after "
                  f"the student's cells in the same process: {med(alone) - med(trainer):+.2f} s is the second "
                  f"child's fresh TensorFlow runtime")
            print(f"  warm / floor: {ratio:.2f}x", flush=True)
    overall = statistics.median(r for *_, r in summary)
    print(f"median warm / floor over {len(summary)} submissions: {overall:.2f}x "
          f"(goal <= {GOAL}x: {'met' if overall <= GOAL else 'NOT met'}); "
          f"load average at end: {' '.join(f'{v:.1f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
