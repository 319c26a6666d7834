"""Grading a class: the grader's batch vs executing the notebooks the way notebook-based graders do.

In one run, on one corpus of --n notebooks built from solutions/ (mixed correct and wrong; each asks for
``fit(..., epochs=50)`` like the reference):

  floor       the grader's brief training alone, in warm workers (--jobs of them in parallel, as in the
              batch): the least a submission can cost, since every model is retrained briefly
  grader      ``autograder grade CORPUS --jobs J`` (fresh output folder: nothing reused), wall time,
              per-submission cost, and peak memory of each worker's process tree (RSS, and PSS, which
              counts pages shared by forked children once)
  nbconvert   ``jupyter nbconvert --to notebook --execute`` of every notebook, J at a time, with a first
              cell defining input_dim/X_train/y_train/X_test/y_test from the assignment's data.npz
              (what nbgrader / Otter-Grader do)

Usage: .venv/bin/python bench/bulk.py [--n 40] [--jobs 2] [--skip-nbconvert] [--keep] [--grader CMD]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder.assignment import load_assignment  # noqa: E402
from autograder.grading import grade_submission, train_model  # noqa: E402
from autograder.loading import load_submission  # noqa: E402
from autograder.sandbox.worker import SandboxWorker  # noqa: E402

SOLUTIONS = ROOT / "solutions"
SOURCES = ["reference_notebook.ipynb", "reference.py", "variants/functional_api.py", "variants/subclassed.py",
           "variants/one_hidden_layer.py", "variants/no_l2.py", "variants/missing_dropout.py",
           "variants/relu_output.py", "variants/wrong_loss.py", "variants/not_compiled.py",
           "variants/l1_instead_of_l2.py", "variants/dropout_rate_zero.py", "variants/three_hidden_layers.py",
           "variants/linear_hidden.py", "variants/l2_on_bias.py", "variants/exploding_lr.py", "variants/no_model.py"]
DATA_CELL = """import numpy as np
_d = np.load({path!r})
input_dim = int(_d["input_dim"]); X_train, y_train, X_test, y_test = _d["X_train"], _d["y_train"], _d["X_test"], _d["y_test"]
"""


# -- corpus -------------------------------------------------------------------------------------
def code_cells(source: Path) -> list[str]:
    """A script as notebook cells (one per blank-line separated block), or a notebook's code cells."""
    if source.suffix == ".ipynb":
        nb = nbformat.read(str(source), as_version=4)
        return [c.source for c in nb.cells if c.cell_type == "code"]
    blocks = re.split(r"\n\s*\n", source.read_text(encoding="utf-8").strip())
    return [b for b in blocks if b.strip()]


def build_corpus(n: int, folder: Path, baseline: Path, data: Path) -> list[str]:
    """n notebooks in ``folder`` (as students hand them in) and the same in ``baseline`` with a data cell."""
    folder.mkdir(parents=True)
    baseline.mkdir(parents=True)
    kinds = []
    for i in range(n):
        source = SOLUTIONS / SOURCES[i % len(SOURCES)]
        cells = [re.sub(r"epochs=\d+", "epochs=50", c) for c in code_cells(source)]
        cells[0] = f"# alumno {i + 1:02d}\n" + cells[0]
        nb = new_notebook(cells=[new_markdown_cell(f"# Entrega {i + 1:02d}")] + [new_code_cell(c) for c in cells])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        name = f"student-{i + 1:02d}.ipynb"
        nbformat.write(nb, str(folder / name))
        nb.cells.insert(0, new_code_cell(DATA_CELL.format(path=str(data))))
        nbformat.write(nb, str(baseline / name))
        kinds.append(source.stem)
    return kinds


# -- memory of process trees -------------------------------------------------------------------
def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                ppid = int(fh.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    return children


def _tree(pid: int, children: dict[int, list[int]]) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def _memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in kB; zeros when it is gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            fields = dict(line.split(":", 1) for line in fh if ":" in line)
        return int(fields["Rss"].split()[0]), int(fields["Pss"].split()[0])
    except (OSError, KeyError, ValueError):
        return 0, 0


class TreeSampler(threading.Thread):
    """Samples, every ``interval`` s, the memory of each process tree under ``root``'s direct children
    (each is one worker: bwrap, the warm zygote and its job children) and of ``root`` itself."""

    def __init__(self, root: int, interval: float = 0.25):
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.peaks: dict[int, tuple[int, int]] = {}
        self.root_peak = 0
        self.stop_event = threading.Event()

    def run(self) -> None:
        while not self.stop_event.is_set():
            children = _children_map()
            self.root_peak = max(self.root_peak, _memory_kb(self.root)[0])
            for child in children.get(self.root, []):
                rss = pss = 0
                for pid in _tree(child, children):
                    r, p = _memory_kb(pid)
                    rss, pss = rss + r, pss + p
                old = self.peaks.get(child, (0, 0))
                self.peaks[child] = (max(old[0], rss), max(old[1], pss))
            self.stop_event.wait(self.interval)


# -- the three measurements ----------------------------------------------------------------------
def measure_floor(jobs: int, runs: int) -> list[float]:
    """Wall time of the grader's brief training of the reference model, in ``jobs`` warm workers at once."""
    assignment = load_assignment()
    sub = load_submission(SOLUTIONS / "reference_notebook.ipynb")
    threads_each = max(1, (os.cpu_count() or 1) // jobs)
    times: list[float] = []
    lock = threading.Lock()

    def one_worker() -> None:
        with SandboxWorker(threads=threads_each) as worker:
            spec = grade_submission(sub, assignment, worker).model
            train_model(worker, spec, assignment)  # warm-up: the first job pays one-off costs
            for _ in range(runs):
                started = time.perf_counter()
                result = train_model(worker, spec, assignment)
                elapsed = time.perf_counter() - started
                assert result.error is None, result.error
                with lock:
                    times.append(elapsed)

    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(lambda _: one_worker(), range(jobs)))
    return times


def measure_grader(corpus: Path, out: Path, jobs: int, grader: list[str]) -> dict:
    cmd = [*grader, "grade", str(corpus), "--out", str(out), "--jobs", str(jobs), "--force"]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - started
    sampler.stop_event.set()
    sampler.join()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"grader failed ({proc.returncode}):\n{stderr[-3000:]}")
    results = [json.loads(p.read_text()) for p in out.glob("*/result.json")]
    return {"wall": wall, "results": results, "peaks": sampler.peaks, "root_peak": sampler.root_peak}


def measure_nbconvert(baseline: Path, jobs: int) -> tuple[float, list[float], int]:
    jupyter = str(Path(sys.executable).parent / "jupyter")
    executed = baseline / "executed"
    executed.mkdir()
    notebooks = sorted(baseline.glob("*.ipynb"))

    def run(nb: Path) -> tuple[float, int]:
        started = time.perf_counter()
        proc = subprocess.run([jupyter, "nbconvert", "--to", "notebook", "--execute", "--allow-errors",
                               "--ExecutePreprocessor.timeout=900", "--output-dir", str(executed), str(nb)],
                              capture_output=True, text=True)
        return time.perf_counter() - started, proc.returncode

    started = time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:
        runs = list(pool.map(run, notebooks))
    wall = time.perf_counter() - started
    return wall, [t for t, _ in runs], sum(1 for _, code in runs if code != 0)


def load_average() -> str:
    return " ".join(f"{v:.1f}" for v in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40, help="notebooks in the corpus")
    parser.add_argument("--jobs", type=int, default=2, help="parallel workers / parallel nbconvert runs")
    parser.add_argument("--floor-runs", type=int, default=5, help="timed brief trainings per worker")
    parser.add_argument("--skip-nbconvert", action="store_true", help="measure the grader only")
    parser.add_argument("--keep", action="store_true", help="keep the corpus and outputs")
    parser.add_argument("--grader", default=str(Path(sys.executable).parent / "autograder"),
                        help="command that runs the grader's CLI (to compare two builds)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-bulk-"))
    assignment = load_assignment()
    kinds = build_corpus(args.n, work / "corpus", work / "baseline", assignment.folder / "data.npz")
    print(f"corpus: {args.n} notebooks ({len(set(kinds))} kinds) in {work}; jobs: {args.jobs}; "
          f"cores: {os.cpu_count()}; load average at start: {load_average()}", flush=True)

    # The floor is measured just before and just after the grader, so that both see the same machine.
    floor = measure_floor(args.jobs, args.floor_runs)
    print(f"floor (before): median {statistics.median(floor):.2f} s", flush=True)
    graded = measure_grader(work / "corpus", work / "out", args.jobs, shlex.split(args.grader))
    after = measure_floor(args.jobs, args.floor_runs)
    print(f"floor (after): median {statistics.median(after):.2f} s", flush=True)
    floor += after
    floor_s = statistics.median(floor)
    print(f"floor: brief training of the reference model in {args.jobs} warm workers at once, median "
          f"{floor_s:.2f} s ({', '.join(f'{t:.2f}' for t in sorted(floor))})", flush=True)

    n_results = len(graded["results"])
    elapsed = [r["elapsed_s"] for r in graded["results"]]
    per_sub = statistics.mean(elapsed)
    throughput_cost = graded["wall"] * args.jobs / max(1, n_results)
    print(f"grader: {n_results} results in {graded['wall']:.1f} s wall "
          f"({graded['wall'] / max(1, n_results):.2f} s per submission for the class)", flush=True)
    print(f"  per-submission cost (run + brief training, in a worker): mean {per_sub:.2f} s, "
          f"median {statistics.median(elapsed):.2f} s = {per_sub / floor_s:.2f}x the floor", flush=True)
    trained = [r["elapsed_s"] for r in graded["results"] if r.get("training")]
    if trained:
        print(f"  of the {len(trained)} retrained by the grader: mean {statistics.mean(trained):.2f} s "
              f"= {statistics.mean(trained) / floor_s:.2f}x the floor", flush=True)
    print(f"  worker-time per submission incl. start-up and tail (wall x jobs / n): {throughput_cost:.2f} s "
          f"= {throughput_cost / floor_s:.2f}x the floor", flush=True)
    workers = [(pid, peak) for pid, peak in sorted(graded["peaks"].items()) if peak[0] >= 50 * 1024]  # not probes
    for number, (pid, (rss, pss)) in enumerate(workers, start=1):
        print(f"  worker {number} (pid {pid}): peak RSS of its process tree {rss / 1024:.0f} MB "
              f"(PSS {pss / 1024:.0f} MB)")
    print(f"  grader process itself: peak RSS {graded['root_peak'] / 1024:.0f} MB", flush=True)

    if not args.skip_nbconvert:
        wall, each, failed = measure_nbconvert(work / "baseline", args.jobs)
        print(f"nbconvert --execute, {args.jobs} at a time: {wall:.1f} s wall "
              f"(median {statistics.median(each):.1f} s per notebook; {failed} exited non-zero)")
        print(f"speed-up: {wall / graded['wall']:.1f}x (nbconvert wall / grader wall)")
    print(f"load average at end: {load_average()}")
    if not args.keep:
        import shutil

        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
