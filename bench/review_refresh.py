"""What one review change costs on a big class: a store change, then ``refresh_outputs`` rewriting the run's
files (grades.csv, summaries, gradebooks, one result.json), on N hand-built results (no TensorFlow).

    .venv/bin/python bench/review_refresh.py [--n 2000] [--changes 5]

A long-running caller (the desk) passes a ``cache`` dict so unchanged results are not read again; both
are measured. Prints the median seconds of each step, and each as a share of writing the run's files once without reviews
(``write_run_outputs``, the baseline measured in the same run).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder.render import write_run_outputs, write_submission_outputs  # noqa: E402
from autograder.review.outputs import refresh_outputs  # noqa: E402
from autograder.review.store import ReviewStore  # noqa: E402
from tests.bulk.results import graded  # noqa: E402


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--changes", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        results = [replace(graded(f"s{i:05d}", failing=("dropout",) if i % 3 else ()), sha256=f"{i:064x}")
                   for i in range(args.n)]
        for r in results:
            write_submission_outputs(r, out)
        baseline = statistics.median(timed(lambda: write_run_outputs(results, out)) for _ in range(3))
        with ReviewStore.in_folder(out) as store:
            store.record_current((r.id, r.sha256, r.max_score, {c.id: c.max_points for c in r.checks}, None)
                                 for r in results)
            change, refresh, cached, read = [], [], [], []
            cache: dict = {}
            refresh_outputs(out, cache=cache)  # a desk's first refresh fills its cache
            for k in range(args.changes):
                sid = results[k * 7].id
                change.append(timed(lambda: store.set_override(sid, None, "dropout", 1, "bench", "bench")))
                refresh.append(timed(lambda: refresh_outputs(out, ids=[sid])))
                cached.append(timed(lambda: refresh_outputs(out, ids=[sid], cache=cache)))
                read.append(timed(lambda: store.reviews()))
    for name, values in (("store change", change), ("all reviews read", read), ("refresh_outputs", refresh),
                         ("... with a cache", cached)):
        median = statistics.median(values)
        print(f"{name:18s} {median:8.3f} s   {median / baseline:6.2f}x the run files' write")
    print(f"{'baseline':18s} {baseline:8.3f} s   (write_run_outputs, {args.n} results)")


if __name__ == "__main__":
    main()
