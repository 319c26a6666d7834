"""Speed of grading one notebook vs executing it the way nbgrader/Otter do (nbconvert --execute).

Prints medians over --runs repetitions, all measured in this one run:
  nbconvert   jupyter nbconvert --to notebook --execute (data cell prepended, as those graders inject it)
  cold        autograder grade NOTEBOOK (a fresh process: sandbox start + TensorFlow import + grading)
  warm        one submission graded by an already started worker (what a batch pays per submission)
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder.assignment import load_assignment  # noqa: E402
from autograder.grading import grade_submission  # noqa: E402
from autograder.loading import load_submission  # noqa: E402
from autograder.sandbox.worker import SandboxWorker  # noqa: E402

DATA_CELL = """import numpy as np
_d = np.load({path!r})
input_dim = int(_d["input_dim"]); X_train, y_train, X_test, y_test = _d["X_train"], _d["y_train"], _d["X_test"], _d["y_test"]
"""


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebook", default=str(ROOT / "solutions" / "reference_notebook.ipynb"))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    assignment = load_assignment()
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    nb = nbformat.read(args.notebook, as_version=4)
    nb.cells.insert(0, new_code_cell(DATA_CELL.format(path=str(assignment.folder / "data.npz"))))
    baseline_nb = work / "with_data.ipynb"
    nbformat.write(nb, str(baseline_nb))
    bindir = Path(sys.executable).parent

    rows = {"nbconvert": [], "cold": [], "warm": []}
    for i in range(args.runs):
        rows["nbconvert"].append(timed([str(bindir / "jupyter"), "nbconvert", "--to", "notebook", "--execute",
                                        "--output", str(work / f"executed-{i}.ipynb"), str(baseline_nb)]))
        rows["cold"].append(timed([str(bindir / "autograder"), "grade", args.notebook, "--out", str(work / f"out-{i}")]))
    sub = load_submission(Path(args.notebook))
    with SandboxWorker(threads=2) as worker:
        grade_submission(sub, assignment, worker)  # first job pays one-off costs; a batch pays them once
        for _ in range(args.runs):
            start = time.perf_counter()
            result = grade_submission(sub, assignment, worker)
            rows["warm"].append(time.perf_counter() - start)
            assert result.score == result.max_score, result
    base = statistics.median(rows["nbconvert"])
    print(f"notebook: {args.notebook}  runs: {args.runs}  isolation: {worker.isolation}")
    print(f"{'path':<10} {'median s':>9} {'ratio vs nbconvert':>19}   all runs")
    for name, values in rows.items():
        med = statistics.median(values)
        print(f"{name:<10} {med:>9.2f} {base / med:>18.2f}x   {', '.join(f'{v:.2f}' for v in values)}")


if __name__ == "__main__":
    main()
