"""A big mixed batch: 200 submissions (correct, wrong, hostile, forged, corrupt) in one ``autograder grade
--jobs 2`` run, SIGKILL of the grader mid-batch, then a rerun.

    .venv/bin/python bench/big_batch.py [--n 200] [--jobs 2] [--kill-after 0.4] [--timeout 30] [--keep]

Shows: every submission graded exactly once (the results store), 0 processes and 0 files left behind,
and the grader's memory over the batch (RSS of the grader process and of its worker trees, sampled
every half second). Prints a summary; exits 1 when a promise is broken.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.hostile.hostile_cases import CASES, Context, expand  # noqa: E402

# Hostile cases that finish fast (no memory bombs, no 30 s sleeps): the batch measures the grader, not them.
HOSTILE = ("forge_channel", "fake_results", "close_std_fds", "sys_exit", "os_exit", "kill_parent",
           "monkeypatch_builtins", "stdin_read", "deep_recursion", "segfault", "notebook_bad_json", "notebook_v3",
           "read_grader", "kill_all", "chmod_lock", "detached_sleepers")
CORRUPT = {
    "bad_json.ipynb": b'{"cells": [{"cell_type": "code", "source": "import os"',
    "wrong_shape.ipynb": b'{"cells": "not a list", "nbformat": 4}',
    "nul_bytes.py": b"import os\x00\x00\x00\n",
    "binary.ipynb": bytes(range(256)) * 8,
    "empty.py": b"",
    "latin1.py": "x = 'año'\n".encode("latin-1"),
    "deep.ipynb": b'{"cells": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "syntax_error.py": b"model = Sequential([\n",
}


def build_corpus(folder: Path, n: int, token: str) -> dict[str, str]:
    """``n`` submissions in ``folder``; returns id -> category."""
    folder.mkdir(parents=True)
    ctx = Context(token=token, tcp_port=9, udp_port=9, out_dir=folder.parent / "out", corpus_dir=folder,
                  secret="SECRET-bench")
    kinds: dict[str, str] = {}

    def put(name: str, data: bytes, kind: str) -> None:
        (folder / name).write_bytes(data)
        kinds[Path(name).stem] = kind

    hostile = [c for c in CASES if c.name in HOSTILE]
    for number, case in enumerate(hostile, start=1):
        name = f"h{number:02d}_{case.name}{Path(case.filename).suffix}"
        data = expand(case.source, ctx, Path(name).stem).encode() if isinstance(case.source, str) \
            else case.source(ctx)
        put(name, data, "hostile")
    for path in sorted((ROOT / "tests" / "hostile" / "forged").glob("*.py")):
        put(path.name, path.read_bytes(), "forged")
    for name, data in CORRUPT.items():
        put(f"c_{name}", data, "corrupt")
    wrong = sorted((ROOT / "solutions" / "variants").glob("*.py"))
    correct = [ROOT / "solutions" / "reference.py", ROOT / "solutions" / "reference_notebook.ipynb",
               *sorted((ROOT / "tests" / "crosscheck" / "honest").glob("*.py")),
               *sorted((ROOT / "tests" / "crosscheck" / "honest").glob("*.ipynb"))]
    number = 0
    while len(kinds) < n:  # the rest: honest work, about one wrong for every two correct
        pool, kind = (wrong, "wrong") if number % 3 == 2 else (correct, "correct")
        source = pool[number % len(pool)]
        put(f"s{number:03d}_{source.stem}{source.suffix}", source.read_bytes(), kind)
        number += 1
    return kinds


def tree_rss(proc: psutil.Process) -> tuple[int, int]:
    """(RSS of the process, RSS of all its descendants), in bytes; 0 for what is gone."""
    try:
        own = proc.memory_info().rss
        children = proc.children(recursive=True)
    except psutil.Error:
        return 0, 0
    total = 0
    for child in children:
        try:
            total += child.memory_info().rss
        except psutil.Error:
            pass
    return own, total


class Sampler(threading.Thread):
    """Samples the grader's RSS and its workers' every ``period`` seconds, and every descendant seen."""

    def __init__(self, proc: subprocess.Popen, period: float = 0.5):
        super().__init__(daemon=True)
        self.proc = psutil.Process(proc.pid)
        self.period = period
        self.samples: list[tuple[float, int, int]] = []
        self.descendants: set[int] = set()
        self.stop = threading.Event()

    def run(self) -> None:
        started = time.monotonic()
        while not self.stop.is_set():
            own, workers = tree_rss(self.proc)
            try:
                self.descendants.update(p.pid for p in self.proc.children(recursive=True))
            except psutil.Error:
                pass
            if own:
                self.samples.append((time.monotonic() - started, own, workers))
            self.stop.wait(self.period)


def stored(out: Path) -> tuple[int, int, Counter]:
    """(rows, distinct ids, statuses) in the results store."""
    try:
        with sqlite3.connect(out / "results.sqlite", timeout=2) as db:
            rows = db.execute("SELECT submission_id, status FROM results").fetchall()
    except sqlite3.Error:
        return 0, 0, Counter()
    return len(rows), len({r[0] for r in rows}), Counter(r[1] for r in rows)


def frozen_grader(base: Path) -> dict[str, str]:
    """A copy of the grading code for both runs: the store keys results by the digest of that code, so an
    edit in the working tree between the two runs would otherwise make the rerun grade everything again."""
    shutil.copytree(ROOT / "autograder", base / "code" / "autograder",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "assignments", base / "code" / "assignments")  # found beside the package
    return dict(os.environ, PYTHONPATH=str(base / "code"))


def grade(corpus: Path, out: Path, jobs: int, timeout: float, kill_at: int | None, env: dict[str, str]) -> dict:
    """One grader run; SIGKILL once ``kill_at`` results are stored (None: run to the end)."""
    cmd = [sys.executable, "-m", "autograder", "grade", str(corpus), "--out", str(out),
           "--jobs", str(jobs), "--timeout", str(timeout)]
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=out.parent, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sampler = Sampler(proc)
    sampler.start()
    killed = False
    while proc.poll() is None:
        if kill_at is not None and stored(out)[0] >= kill_at:
            os.kill(proc.pid, signal.SIGKILL)
            killed = True
            break
        time.sleep(0.2)
    proc.wait()
    wall = time.monotonic() - started
    sampler.stop.set()
    sampler.join()
    time.sleep(3)  # workers die with their parent: give them a moment
    alive = [pid for pid in sampler.descendants if psutil.pid_exists(pid)
             and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]
    return {"wall_s": wall, "killed": killed, "exit": proc.returncode, "samples": sampler.samples,
            "left_processes": alive, "stored": stored(out)}


def memory_line(samples: list[tuple[float, int, int]]) -> str:
    if not samples:
        return "no samples"
    mb = lambda b: b / 2**20  # noqa: E731
    thirds = [samples[: len(samples) // 3 or 1], samples[len(samples) // 3: 2 * len(samples) // 3 or 1],
              samples[2 * len(samples) // 3:]]
    grader = [max(mb(s[1]) for s in part) if part else 0 for part in thirds]
    return (f"grader RSS max per third {grader[0]:.0f} / {grader[1]:.0f} / {grader[2]:.0f} MB, "
            f"peak {max(mb(s[1]) for s in samples):.0f} MB; worker trees peak {max(mb(s[2]) for s in samples):.0f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=30, help="per-submission wall-clock limit (s)")
    parser.add_argument("--kill-after", type=float, default=0.4, help="SIGKILL once this share is stored")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    base = Path(tempfile.mkdtemp(prefix="big-batch-"))
    token = "bb" + os.urandom(4).hex()
    tmp_before = set(os.listdir(tempfile.gettempdir()))
    corpus, out = base / "corpus", base / "out"
    kinds = build_corpus(corpus, args.n, token)
    print(f"corpus: {len(kinds)} submissions {dict(Counter(kinds.values()))} in {corpus}", flush=True)

    env = frozen_grader(base)
    first = grade(corpus, out, args.jobs, args.timeout, kill_at=max(1, int(args.kill_after * len(kinds))), env=env)
    print(f"run 1: SIGKILL={first['killed']} after {first['wall_s']:.1f} s with {first['stored'][0]} stored; "
          f"processes left: {len(first['left_processes'])}; {memory_line(first['samples'])}", flush=True)
    second = grade(corpus, out, args.jobs, args.timeout, kill_at=None, env=env)
    rows, distinct, statuses = second["stored"]
    print(f"run 2: exit {second['exit']} after {second['wall_s']:.1f} s; processes left: "
          f"{len(second['left_processes'])}; {memory_line(second['samples'])}", flush=True)

    results = {p.parent.name: json.loads(p.read_text()) for p in out.glob("*/result.json")}
    by_kind: dict[str, Counter] = {}
    for sub_id, kind in kinds.items():
        r = results.get(sub_id)
        key = "missing" if r is None else (r["status"] if r["status"] == "graded" else f"error:{r['error']['kind']}")
        by_kind.setdefault(kind, Counter())[key] += 1
    with sqlite3.connect(out / "results.sqlite") as db:
        runs = db.execute("SELECT submissions, cached, graded FROM runs ORDER BY started_at").fetchall()
    # Only what this grader makes (its workers' folders) or the corpus plants (the token): other users of
    # /tmp on a shared machine are not ours to count.
    tmp_left = sorted(n for n in set(os.listdir(tempfile.gettempdir())) - tmp_before - {base.name}
                      if (n.startswith("autograder-") and not n.startswith("autograder-wheel-")) or token in n)
    planted = [str(p) for p in Path(tempfile.gettempdir()).rglob(f"*{token}*")][:10]
    false_alarms = [s for s, k in kinds.items() if k in ("correct", "wrong") and results.get(s, {}).get("error")
                    and results[s]["error"]["kind"] == "report_mismatch"]
    forged_caught = sum(1 for s, k in kinds.items() if k == "forged" and results.get(s, {}).get("error")
                        and results[s]["error"]["kind"] == "report_mismatch")
    print(f"store: {rows} rows, {distinct} distinct ids for {len(kinds)} submissions; runs (submissions, cached, "
          f"graded): {runs}")
    print("results by category: " + "; ".join(f"{k}: {dict(v)}" for k, v in sorted(by_kind.items())))
    print(f"forged reports refused: {forged_caught}/{sum(1 for k in kinds.values() if k == 'forged')}; "
          f"report_mismatch on honest work: {len(false_alarms)} {false_alarms}")
    print(f"left behind: processes {len(first['left_processes']) + len(second['left_processes'])}, "
          f"temp entries {len(tmp_left)} {tmp_left[:5]}, planted files {len(planted)}")
    print(f"wall: run 1 {first['wall_s']:.1f} s (killed) + run 2 {second['wall_s']:.1f} s")
    ok = (rows == distinct == len(kinds) and not false_alarms and not tmp_left and not planted
          and not first["left_processes"] and not second["left_processes"] and first["killed"])
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    print("OK" if ok else "BROKEN PROMISE", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
