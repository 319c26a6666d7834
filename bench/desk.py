"""The review desk on a class of 2,000 submissions: how fast the class list and a submission page answer.

    .venv/bin/python bench/desk.py [--n 2000] [--repeat 15] [--keep]

Builds an output folder as a grade run leaves it (result.json and reports written by the project's own
renderer, cells.json, grades.csv, similarity.json with leads, some reviews in results.sqlite), starts
`autograder review` on it as a user would, and times requests over HTTP (the first one, cold, then the
median and slowest of --repeat warm ones). Also times one change (an override: the review store, then
every file of the run rewritten). Prints a table; exits 1 when a page's median is over 300 ms.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder.review.store import ReviewStore  # noqa: E402
from autograder.types import EnvironmentIssue  # noqa: E402
from tests.bulk.results import CHECK_POINTS, graded  # noqa: E402
from tests.desk.helpers import make_out, submission  # noqa: E402

BUDGET_MS = 300.0
CHECKS = tuple(CHECK_POINTS)


def build(out: Path, n: int) -> None:
    results, subs, pairs = [], {}, []
    for i in range(n):
        sid = f"student{i:04d}"
        failing = tuple(c for k, c in enumerate(CHECKS) if (i >> k) % 7 == 1)
        result = replace(graded(sid, failing=failing), sha256=f"{i:064x}", output=f"Epoch 1/2\nloss: 0.{i}\n" * 20)
        if i % 50 == 0:
            result = replace(result, environment=(EnvironmentIssue("missing_module", "wandb"),))
        results.append(result)
        subs[sid] = submission(sid)
        if i % 40 == 1:
            pairs.append({"a": sid, "b": f"student{i - 1:04d}", "code": 0.7 + (i % 7) / 30, "jaccard": 0.5,
                          "shared": 30, "same_architecture": True, "shared_lines_a": [[2, 1]], "shared_lines_b": []})
    make_out(out, results=results, subs=subs, pairs=pairs)
    with ReviewStore.in_folder(out) as store:
        for i in range(0, n, 10):
            store.set_override(f"student{i:04d}", None, "dropout", 1, "bench", by="bench")


def timed(client: httpx.Client, path: str, repeat: int) -> tuple[float, float, float]:
    """(cold ms, warm median ms, warm max ms)."""
    def once() -> float:
        started = time.perf_counter()
        answer = client.get(path)
        elapsed = (time.perf_counter() - started) * 1000
        assert answer.status_code == 200, (path, answer.status_code, answer.text[:200])
        return elapsed
    cold = once()
    warm = [once() for _ in range(repeat)]
    return cold, statistics.median(warm), max(warm)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="desk-bench-"))
    out = folder / "out"
    started = time.perf_counter()
    build(out, args.n)
    print(f"built {args.n} submissions in {time.perf_counter() - started:.1f} s ({out})")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    server = subprocess.Popen([sys.executable, "-m", "autograder", "review", str(out), "--reviewer", "bench"],
                              stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    failed = False
    try:
        url = server.stdout.readline().strip().split(": ", 1)[1]
        base, token = url.split("/?token=")
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60) as client:
            pages = [("class list, page 1 (HTML)", "/class"), ("class list (JSON)", "/class.json"),
                     ("filtered: failing dropout, by final score", "/class?failing=dropout&sort=-score"),
                     ("filtered: needs a look", "/class?look=yes"),
                     ("submission page (HTML)", "/s/student1001?failing=dropout"),
                     ("submission page (JSON)", "/s/student1001.json")]
            print(f"{'page':45} {'cold ms':>9} {'median ms':>10} {'max ms':>8}")
            for label, path in pages:
                cold, median, worst = timed(client, path, args.repeat)
                over = median > BUDGET_MS
                failed |= over
                print(f"{label:45} {cold:9.1f} {median:10.1f} {worst:8.1f}{'  OVER BUDGET' if over else ''}")
            twin = client.get("/s/student0007.json").json()
            started = time.perf_counter()
            answer = client.post("/s/student0007/override", headers={"Accept": "application/json"},
                                 data={"version": twin["review"]["version"], "sha256": twin["sha256"],
                                       "check": "trains", "points": "0.5", "comment": "bench"})
            change_ms = (time.perf_counter() - started) * 1000
            assert answer.status_code == 200, answer.text
            print(f"{'one override (store + every file rewritten)':45} {change_ms:9.1f}")
    finally:
        server.terminate()
        server.wait(timeout=10)
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"budget: {BUDGET_MS:.0f} ms per page (median of warm requests): {'FAILED' if failed else 'met'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
