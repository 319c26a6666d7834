"""Grading a class: the grader's batch vs executing the notebooks the way notebook-based graders do.

Goals 1 and 4 of issue 12. In one run, for each class (--class): ``standard`` is --n notebooks built from
solutions/ (correct and wrong; each asks for ``fit(..., epochs=50)`` like the reference); ``mixed`` is --n
built from solutions/, bench/mixed/ (own data, plots, failing, slow, Keras 2 style, corrupt) and
tests/cheats/ (correct, wrong, failing and slow submissions):

  floor       the grader's brief training alone, in warm workers (--jobs of them in parallel, as in the
              batch): the least a submission can cost, since every model is retrained briefly
  grader      ``autograder grade CORPUS --jobs J`` (fresh output folder: nothing reused), wall time,
              per-submission cost, and peak RSS of each worker's process tree (read from ``statm``,
              which costs the run next to nothing)
  nbconvert   ``jupyter nbconvert --to notebook --execute`` of every notebook, J at a time, with a first
              cell defining input_dim/X_train/y_train/X_test/y_test from the assignment's data.npz
              (what nbgrader / Otter-Grader do)
  machine     for the grader and nbconvert phases: the CPU time of the process tree and the share of the
              machine's time the hypervisor stole (a shared VM's steal moves wall times by +-15% from one
              minute to the next; the speed-up is also given in CPU time, which steal does not inflate)
  memory      peak RSS of the grader's whole process tree during the timed run, sampled every 0.25 s;
              with --pss-run (the default) a second, untimed grader run samples PSS too (which counts
              pages shared by forked children once; reading it slows the run it samples); then
              (--growth N) one warm worker grades N mixed submissions in a row and the RSS of its
              process tree is read after each (between jobs: bwrap + the zygote), 1st vs Nth

With --distinct no two notebooks share a model, so the batch's reuse of equal trainings (autograder/memo.py:
a class that kept the course's template trains it once) never applies. With --own-data every notebook first
makes data of its own (a scikit-learn dataset with its own rows and features, split and scaled), so inputs,
layer sizes and the insight's samples all differ from notebook to notebook (issue 24's class).

Usage: .venv/bin/python bench/bulk.py [--n 40] [--jobs 2] [--class standard|mixed|both] [--growth 40]
                                      [--floor-runs 0] [--no-pss-run] [--skip-nbconvert] [--keep] [--distinct]
                                      [--own-data] [--grader CMD]
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
from autograder.sandbox.worker import SandboxWorker, preimport_modules  # noqa: E402

SOLUTIONS = ROOT / "solutions"
MIXED = [f"../bench/mixed/{name}" for name in (
    "own_data_sklearn.py", "pandas_plots.py", "fit_name_error.py", "missing_csv_first.py", "slow_python_loop.py",
    "keras2_style.py", "syntax_error_then_model.py", "corrupt.ipynb")] + [
    f"../tests/cheats/{name}" for name in ("fake_dense.py", "patched_config.py", "spoofed_global.py")]
SOURCES = ["reference_notebook.ipynb", "reference.py", "variants/functional_api.py", "variants/subclassed.py",
           "variants/one_hidden_layer.py", "variants/no_l2.py", "variants/missing_dropout.py",
           "variants/relu_output.py", "variants/wrong_loss.py", "variants/not_compiled.py",
           "variants/l1_instead_of_l2.py", "variants/dropout_rate_zero.py", "variants/three_hidden_layers.py",
           "variants/linear_hidden.py", "variants/l2_on_bias.py", "variants/exploding_lr.py", "variants/no_model.py"]
OWN_DATA_CELL = """# Datos propios
import numpy as np
from sklearn.datasets import {maker}
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
{load}
X_train, X_test, y_train, y_test = train_test_split(X.astype('float32'), y.astype('float32'), test_size=0.2,
                                                    random_state={seed})
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
input_dim = X_train.shape[1]
print(X_train.shape, X_test.shape)
"""
"""What students who "choose their own dataset" write first (a scikit-learn dataset, split and scaled): the
pattern of public course notebooks (make_classification / make_moons / load_breast_cancer + train_test_split +
StandardScaler). Each notebook's rows, features and seed are its own."""
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


def class_sources(kind: str) -> list[str]:
    """The submissions a class is built from (paths under solutions/), in the order they repeat."""
    if kind == "standard":
        return SOURCES
    mixed, standard = list(MIXED), list(SOURCES)
    out = []  # interleaved, so that every slice of the class is mixed
    while mixed or standard:
        out += [x for x in (standard.pop(0) if standard else None, mixed.pop(0) if mixed else None) if x]
    return out


def distinct_units(cells: list[str], i: int) -> list[str]:
    """The first ``Dense(N`` of the code given ``N + i`` units (cells without one are left as they are)."""
    for number, cell in enumerate(cells):
        match = re.search(r"Dense\((\d+)", cell)
        if match:
            units = int(match.group(1)) + i
            cells = list(cells)
            cells[number] = cell[:match.start(1)] + str(units) + cell[match.end(1):]
            break
    return cells


def own_data_cell(i: int) -> str:
    """The i-th student's own data: one of three scikit-learn sources, with rows and features of its own."""
    maker = ("make_classification", "make_moons", "load_breast_cancer")[i % 3]
    load = {
        "make_classification": f"X, y = make_classification(n_samples={500 + 37 * i}, n_features={8 + (5 * i) % 33}, "
                               f"n_informative=4, random_state={i})",
        "make_moons": f"X, y = make_moons(n_samples={400 + 29 * i}, noise=0.25, random_state={i})\n"
                      f"X = np.hstack([X, np.random.default_rng({i}).normal(size=(len(X), {i % 7}))])",
        "load_breast_cancer": f"X, y = load_breast_cancer(return_X_y=True)\nX = X[:, :{12 + i % 19}]",
    }[maker]
    return OWN_DATA_CELL.format(maker=maker, load=load, seed=i)


def build_corpus(n: int, folder: Path, baseline: Path, data: Path, kind: str = "standard",
                 distinct: bool = False, own_data: bool = False) -> list[str]:
    """n notebooks in ``folder`` (as students hand them in) and the same in ``baseline`` with a data cell.
    ``distinct``: the i-th copy's first layer gets i more units, so that no two models are the same and
    the batch's reuse of equal trainings (autograder/memo.py) never applies. ``own_data``: each notebook
    first makes its own data (``own_data_cell``), in both folders, so the baseline needs no data cell."""
    folder.mkdir(parents=True)
    baseline.mkdir(parents=True)
    kinds = []
    sources = class_sources(kind)
    for i in range(n):
        source = (SOLUTIONS / sources[i % len(sources)]).resolve()
        name = f"student-{i + 1:02d}.ipynb"
        try:
            cells = [re.sub(r"epochs=\d+", "epochs=50", c) for c in code_cells(source)]
        except Exception:  # a corrupt notebook is handed in (and executed) as it is
            (folder / name).write_bytes(source.read_bytes())
            (baseline / name).write_bytes(source.read_bytes())
            kinds.append(source.stem)
            continue
        if distinct:
            cells = distinct_units(cells, i)
        if own_data:
            cells = [own_data_cell(i)] + cells
        cells[0] = f"# alumno {i + 1:02d}\n" + cells[0]
        nb = new_notebook(cells=[new_markdown_cell(f"# Entrega {i + 1:02d}")] + [new_code_cell(c) for c in cells])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, str(folder / name))
        if not own_data:
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


PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def _memory_kb(pid: int, pss: bool = True) -> tuple[int, int]:
    """(RSS, PSS) of one process in kB; zeros when it is gone. Without ``pss`` only RSS, from ``statm``
    (PSS is then 0): reading ``smaps_rollup`` walks the process's page tables under its memory-map lock,
    ~8 ms for a 630 MB zygote, which, sampled every 0.25 s over a batch's processes, costs the very run it
    measures about a fifth of a core and stalls its page faults."""
    try:
        if not pss:
            with open(f"/proc/{pid}/statm") as fh:
                return int(fh.read().split()[1]) * PAGE_KB, 0
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            fields = dict(line.split(":", 1) for line in fh if ":" in line)
        return int(fields["Rss"].split()[0]), int(fields["Pss"].split()[0])
    except (OSError, KeyError, ValueError, IndexError):
        return 0, 0


class TreeSampler(threading.Thread):
    """Samples, every ``interval`` s, the memory of each process tree under ``root``'s direct children
    (each is one worker: bwrap, the warm zygote and its job children) and of ``root`` itself."""

    def __init__(self, root: int, interval: float = 0.25, pss: bool = False):
        super().__init__(daemon=True)
        self.root, self.interval, self.pss = root, interval, pss
        self.peaks: dict[int, tuple[int, int]] = {}
        self.root_peak = 0
        self.tree_peak = (0, 0)
        """(RSS, PSS) in kB of the whole tree (the grader, its workers and their jobs) at its largest."""
        self.stop_event = threading.Event()

    def run(self) -> None:
        while not self.stop_event.is_set():
            children = _children_map()
            memory = {pid: _memory_kb(pid, self.pss) for pid in _tree(self.root, children)}
            self.root_peak = max(self.root_peak, memory.get(self.root, (0, 0))[0])
            whole = list(memory.values())
            self.tree_peak = (max(self.tree_peak[0], sum(r for r, _ in whole)),
                              max(self.tree_peak[1], sum(p for _, p in whole)))
            for child in children.get(self.root, []):
                rss = pss = 0
                for pid in _tree(child, children):
                    r, p = memory.get(pid, (0, 0))
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


def measure_grader(corpus: Path, out: Path, jobs: int, grader: list[str], pss: bool = False) -> dict:
    """One ``autograder grade`` run, its wall time and its memory; ``pss``: PSS sampled too (slower: for
    an untimed memory run)."""
    cmd = [*grader, "grade", str(corpus), "--out", str(out), "--jobs", str(jobs), "--force"]
    machine = Machine()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = TreeSampler(proc.pid, pss=pss)
    sampler.start()
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - started
    sampler.stop_event.set()
    sampler.join()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"grader failed ({proc.returncode}):\n{stderr[-3000:]}")
    results = [json.loads(p.read_text()) for p in out.glob("*/result.json")]
    return {"wall": wall, "results": results, "peaks": sampler.peaks, "root_peak": sampler.root_peak,
            "tree_peak": sampler.tree_peak, "machine": machine.done()}


def measure_nbconvert(baseline: Path, jobs: int) -> tuple[float, list[float], int, dict]:
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

    machine = Machine()
    started = time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:
        runs = list(pool.map(run, notebooks))
    wall = time.perf_counter() - started
    return wall, [t for t, _ in runs], sum(1 for _, code in runs if code != 0), machine.done()


class Machine:
    """What the machine gave one phase, from ``/proc/stat``: the CPU time all its cores spent busy (user,
    nice, system, irq; the bench's phases run alone on the machine, so this is the phase's own work, short-
    lived sandbox jobs included, which per-process accounting loses when a sandbox is killed) and the share
    of the machine's time the hypervisor stole. Steal changes from minute to minute on a shared VM and moves
    wall times of identical runs by +-15%; the CPU-time ratio does not count it."""

    def __init__(self):
        self.start = self._stat()

    @staticmethod
    def _stat() -> tuple[int, int, int]:
        try:
            f = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
        except (OSError, ValueError):
            return 0, 0, 0
        user, nice, system, idle, iowait, irq, softirq, steal = f + [0] * (8 - len(f))
        return user + nice + system + irq + softirq, sum(f), steal

    def done(self) -> dict:
        busy, total, steal = (b - a for a, b in zip(self.start, self._stat()))
        tick = os.sysconf("SC_CLK_TCK")
        return {"cpu": busy / tick, "steal": steal / total if total else 0.0}


def machine_line(m: dict) -> str:
    return f"{m['cpu']:.1f} s CPU (all cores, busy); hypervisor steal {100 * m['steal']:.0f}% of the machine's time"


def load_average() -> str:
    return " ".join(f"{v:.1f}" for v in os.getloadavg())


def tree_memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in kB of ``pid`` and all its descendants, now."""
    whole = [_memory_kb(p) for p in _tree(pid, _children_map())]
    return sum(r for r, _ in whole), sum(p for _, p in whole)


def measure_growth(corpus: Path, count: int) -> list[tuple[str, int, int]]:
    """One warm worker (as in a --jobs 2 batch: 1 TensorFlow thread) grades ``count`` submissions of
    ``corpus`` in a row; after each, (id, RSS, PSS) of its process tree (no job is alive then)."""
    assignment = load_assignment()
    subs = [load_submission(p) for p in sorted(corpus.glob("*.ipynb"))]
    rows = []
    with SandboxWorker(threads=1, preimport=preimport_modules(assignment.run)) as worker:
        assert worker.proc is not None
        for number in range(count):
            sub = subs[number % len(subs)]
            grade_submission(sub, assignment, worker)
            rss, pss = tree_memory_kb(worker.proc.pid)
            rows.append((sub.id, rss, pss))
    return rows


def report_grader(label: str, graded: dict, floor_s: float | None, jobs: int) -> None:
    n_results = len(graded["results"])
    elapsed = [r["elapsed_s"] for r in graded["results"]]
    statuses = {}
    for r in graded["results"]:
        statuses[r["status"]] = statuses.get(r["status"], 0) + 1
    print(f"grader ({label}): {n_results} results ({', '.join(f'{v} {k}' for k, v in sorted(statuses.items()))}) "
          f"in {graded['wall']:.1f} s wall ({graded['wall'] / max(1, n_results):.2f} s per submission for the class)",
          flush=True)
    per_sub = statistics.mean(elapsed) if elapsed else 0.0
    print(f"  per-submission time in a worker (run + checks + training + insight): mean {per_sub:.2f} s, "
          f"median {statistics.median(elapsed) if elapsed else 0:.2f} s, max {max(elapsed, default=0):.2f} s")
    throughput_cost = graded["wall"] * jobs / max(1, n_results)
    print(f"  worker-time per submission incl. start-up and tail (wall x jobs / n): {throughput_cost:.2f} s")
    print(f"  machine: {machine_line(graded['machine'])}")
    if floor_s:
        print(f"  = {per_sub / floor_s:.2f}x (per submission) and {throughput_cost / floor_s:.2f}x (incl. start-up) "
              f"the grader's brief training alone ({floor_s:.2f} s)")
    report_memory(graded)


def report_memory(graded: dict) -> None:
    """Peak memory of each worker's process tree, of the grader, and of the whole tree (PSS when sampled)."""
    pss_of = lambda kb: f" (PSS {kb / 1024:.0f} MB)" if kb else ""
    workers = [(pid, peak) for pid, peak in sorted(graded["peaks"].items()) if peak[0] >= 50 * 1024]  # not probes
    for number, (pid, (rss, pss)) in enumerate(workers, start=1):
        print(f"  worker {number} (pid {pid}): peak RSS of its process tree {rss / 1024:.0f} MB{pss_of(pss)}")
    print(f"  grader process itself: peak RSS {graded['root_peak'] / 1024:.0f} MB", flush=True)
    rss, pss = graded["tree_peak"]
    print(f"  whole process tree (grader + workers + jobs): peak RSS {rss / 1024:.0f} MB"
          + (f" (PSS {pss / 1024:.0f} MB: pages shared by forked children counted once)" if pss else ""), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40, help="notebooks in each class")
    parser.add_argument("--jobs", type=int, default=2, help="parallel workers / parallel nbconvert runs")
    parser.add_argument("--class", dest="classes", choices=["standard", "mixed", "both"], default="both")
    parser.add_argument("--growth", type=int, default=40,
                        help="submissions one worker grades in a row for the memory-growth figure (0: skip)")
    parser.add_argument("--floor-runs", type=int, default=0,
                        help="timed brief trainings per worker before/after the grader (0: skip; goal 2 is "
                             "bench/floor.py)")
    parser.add_argument("--pss-run", action=argparse.BooleanOptionalAction, default=True,
                        help="grade each class a second time, untimed, sampling PSS as well as RSS")
    parser.add_argument("--skip-nbconvert", action="store_true", help="measure the grader only")
    parser.add_argument("--keep", action="store_true", help="keep the corpus and outputs")
    parser.add_argument("--distinct", action="store_true",
                        help="no two notebooks share a model (the i-th copy's first layer gets i more units), so "
                             "the batch never reuses an equal training: the ratio for a class of all-different work")
    parser.add_argument("--own-data", action="store_true",
                        help="each notebook first makes its own data (a scikit-learn dataset of its own rows and "
                             "features, split and scaled), as students who choose their dataset do")
    parser.add_argument("--grader", default=str(Path(sys.executable).parent / "autograder"),
                        help="command that runs the grader's CLI (to compare two builds)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-bulk-"))
    assignment = load_assignment()
    classes = ["standard", "mixed"] if args.classes == "both" else [args.classes]
    print(f"classes: {', '.join(classes)}; {args.n} notebooks each; jobs: {args.jobs}; cores: {os.cpu_count()}; "
          f"in {work}; load average at start: {load_average()}", flush=True)
    ratios = {}
    for kind in classes:
        corpus, baseline = work / kind / "corpus", work / kind / "baseline"
        kinds = build_corpus(args.n, corpus, baseline, assignment.folder / "data.npz", kind, args.distinct,
                             args.own_data)
        print(f"\n== {kind} class: {args.n} notebooks of {len(set(kinds))} kinds"
              + (" (no two with the same model: --distinct)" if args.distinct else "")
              + (" (each on data of its own: --own-data)" if args.own_data else ""), flush=True)
        floor_s = None
        if args.floor_runs:  # measured just before and just after the grader, so that both see the same machine
            floor = measure_floor(args.jobs, args.floor_runs)
            graded = measure_grader(corpus, work / kind / "out", args.jobs, shlex.split(args.grader))
            floor += measure_floor(args.jobs, args.floor_runs)
            floor_s = statistics.median(floor)
        else:
            graded = measure_grader(corpus, work / kind / "out", args.jobs, shlex.split(args.grader))
        report_grader(kind, graded, floor_s, args.jobs)
        if args.pss_run:  # PSS costs the run it samples (see _memory_kb): a second run, for memory only
            memory = measure_grader(corpus, work / kind / "out-pss", args.jobs, shlex.split(args.grader), pss=True)
            print(f"  memory run (the same batch again, untimed: {memory['wall']:.1f} s with PSS sampled "
                  f"every 0.25 s):")
            report_memory(memory)
        if not args.skip_nbconvert:
            wall, each, failed, machine = measure_nbconvert(baseline, args.jobs)
            print(f"nbconvert --execute ({kind}), {args.jobs} at a time: {wall:.1f} s wall "
                  f"(median {statistics.median(each):.1f} s per notebook; {failed} exited non-zero)")
            print(f"  machine: {machine_line(machine)}")
            ratios[kind] = wall / graded["wall"]
            cpu_ratio = machine["cpu"] / graded["machine"]["cpu"] if graded["machine"]["cpu"] else 0.0
            print(f"speed-up ({kind}): {ratios[kind]:.1f}x (nbconvert wall / grader wall; goal >= 10x); "
                  f"{cpu_ratio:.1f}x in CPU time", flush=True)
    if args.growth:
        corpus = work / classes[-1] / "corpus"
        rows = measure_growth(corpus, args.growth)
        print(f"\n== memory of one warm worker over {len(rows)} submissions of the {classes[-1]} class in a row "
              f"(RSS of its process tree after each submission)")
        for number in sorted({1, 2, 10, 20, len(rows)}):
            if number <= len(rows):
                sub_id, rss, pss = rows[number - 1]
                print(f"  after submission {number:>3} ({sub_id}): RSS {rss / 1024:.0f} MB, PSS {pss / 1024:.0f} MB")
        first, last = rows[0][1], rows[-1][1]
        print(f"  growth from the 1st to the {len(rows)}th: {(last - first) / 1024:+.0f} MB RSS; "
              f"largest after any submission {max(r for _, r, _ in rows) / 1024:.0f} MB")
    if ratios:
        print("\nspeed-ups: " + ", ".join(f"{k} {v:.1f}x" for k, v in ratios.items()))
    print(f"load average at end: {load_average()}")
    if not args.keep:
        import shutil

        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
