"""Per-submission cost of grading through Dask vs the local warm workers, side by side in one run.

Both paths grade the same N submissions with 2 workers (2 local warm workers; a 2-process local
Dask cluster on 127.0.0.1). Each path runs twice: the first batch pays start-up (TensorFlow import in
the sandboxes), the second (``force``, same workers for Dask; fresh local workers) shows the steady state.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from distributed import LocalCluster  # noqa: E402

from autograder.assignment import load_assignment  # noqa: E402
from autograder.batch import BatchOptions, grade_batch  # noqa: E402
from autograder.loading import load_submission  # noqa: E402


def corpus(n: int, folder: Path) -> list:
    names = ["reference.py", "variants/no_l2.py", "variants/missing_dropout.py", "variants/functional_api.py"]
    for i in range(n):
        src = ROOT / "solutions" / names[i % len(names)]
        (folder / f"s{i:03d}.py").write_text(src.read_text() + f"\n# copia {i}\n")
    return [load_submission(p) for p in sorted(folder.glob("*.py"))]


def timed_batch(subs, options) -> float:
    start = time.perf_counter()
    results = grade_batch(subs, load_assignment(), options)
    assert len(results) == len(subs) and all(r.status == "graded" for r in results)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=16)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-dask-"))
    (work / "subs").mkdir()
    subs = corpus(args.n, work / "subs")
    rows = []
    for label in ("first", "second"):
        out = work / f"local-{label}"
        rows.append(("local", label, timed_batch(subs, BatchOptions(out_dir=out, jobs=2, store=False))))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, silence_logs=40) as cluster:
        for label in ("first", "second"):
            out = work / f"dask-{label}"
            rows.append(("dask", label, timed_batch(subs, BatchOptions(out_dir=out, store=False,
                                                                      scheduler=cluster.scheduler_address))))
    shutil.rmtree(work, ignore_errors=True)
    print(f"{args.n} submissions, 2 workers per path")
    print(f"{'path':<6} {'batch':<7} {'wall s':>8} {'s/submission':>13}")
    for path, label, wall in rows:
        print(f"{path:<6} {label:<7} {wall:>8.1f} {wall / args.n:>13.2f}")
    local2 = rows[1][2] / args.n
    dask2 = rows[3][2] / args.n
    print(f"steady-state Dask overhead per submission: {dask2 - local2:+.2f} s ({dask2 / local2:.2f}x local)")


if __name__ == "__main__":
    main()
