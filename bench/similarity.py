"""Similarity step: time vs class size (50, 200, 500 submissions; 1000 with --large).

The class is synthetic but built like a real one: each student's notebook takes cells from the labelled set's
honest solutions (tests/similarity/labelled/: data loading, model, compile/fit, plots, in several styles),
changes their values, adds comments and code of their own; one student in ten hands in a renamed,
reordered copy of another's. Everything the grader does for similarity is timed: normalizing every
notebook, fingerprints, the inverted index, pairs, clusters, published flags and the side-by-side passages.

    .venv/bin/python bench/similarity.py [--large]
"""
from __future__ import annotations

import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder.assignment import load_assignment  # noqa: E402
from autograder.loading import load_submission  # noqa: E402
from autograder.similarity.run import class_similarity  # noqa: E402
from autograder.types import SourceCell, Submission  # noqa: E402

LABELLED = ROOT / "tests" / "similarity" / "labelled"
NAMES = ["datos", "red", "modelo", "hist", "perdida", "capa", "valores", "resultado", "xs", "ys", "tmp", "aux"]
FUNCS = ["np.mean", "np.std", "np.max", "len", "sorted", "np.round", "abs", "sum"]


def cell_pool() -> list[str]:
    """Cells of the honest originals (scripts split at blank lines)."""
    pool = []
    for path in sorted(LABELLED.glob("o*")):
        sub = load_submission(path)
        for cell in sub.cells:
            chunks = re.split(r"\n\s*\n(?=\S)", cell.source) if path.suffix == ".py" else [cell.source]
            pool += [c for c in chunks if c.strip()]
    return pool


def own_code(rng: random.Random, count: int = 0) -> str:
    """A few statements of a student's own, from a small grammar (loops, prints, arithmetic on arrays)."""
    lines = []
    for _ in range(count or rng.randrange(2, 7)):
        a, b, c = rng.sample(NAMES, 3)
        form = rng.randrange(6)
        if form == 0:
            lines.append(f"{a} = {rng.choice(FUNCS)}({b}) {rng.choice('+-*/')} {rng.random():.3f}")
        elif form == 1:
            lines.append(f"for {c} in range({rng.randrange(2, 20)}):\n    print({c}, {a}[{c}] if {c} < len({a}) else None)")
        elif form == 2:
            lines.append(f"if {a} > {b}:\n    {c} = {a} - {b}\nelse:\n    {c} = [{b}, {a}]")
        elif form == 3:
            lines.append(f"print(f'{a}: {{{a}}}, {b}: {{{b}!r}}')")
        elif form == 4:
            lines.append(f"def {a}_{b}({c}, k={rng.randrange(9)}):\n    return [{c} * i for i in range(k)]")
        else:
            lines.append(f"{a}, {b} = {b}, {rng.choice(FUNCS)}({c}, axis={rng.randrange(2)})")
    return "\n".join(lines) + "\n"


def mutate(code: str, rng: random.Random) -> str:
    """What an honest student does to a common idiom: other values, a line left out, a statement of their
    own between two, a comment."""
    code = re.sub(r"\b\d+(\.\d+)?\b", lambda m: str(rng.randrange(1, 300)) if rng.random() < 0.5 else m.group(0), code)
    lines = []
    for line in code.splitlines():
        indent = line[:len(line) - len(line.lstrip())]
        if rng.random() < 0.2 and not line.rstrip().endswith((",", "(", "[", ":", "\\")) and line.strip():
            continue
        lines.append(line)
        if rng.random() < 0.25 and not line.rstrip().endswith((",", "(", "[", ":", "\\")) and line.strip() \
                and not indent:
            lines.append(own_code(rng, 1).rstrip("\n"))
    if rng.random() < 0.5:
        lines.insert(0, f"# {rng.choice(['paso', 'prueba', 'modelo', 'datos'])} {rng.randrange(100)}")
    return "\n".join(lines) + "\n"


def rename(code: str, rng: random.Random) -> str:
    for name in ("model", "history", "net", "x", "hist", "modelo", "red"):
        code = re.sub(rf"(?<![.\w]){name}\b", name + rng.choice(["_v2", "_mio", "2", "_final"]), code)
    return code


def synthetic_class(size: int, seed: int = 0) -> list[Submission]:
    rng = random.Random(seed)
    pool = cell_pool()
    subs: list[Submission] = []
    for n in range(size):
        if subs and rng.random() < 0.1:  # a copy of a classmate: renamed, cells reordered, a comment changed
            cells = [rename(c.source, rng) for c in rng.choice(subs).cells]
            rng.shuffle(cells)
        else:
            cells = [mutate(c, rng) for c in rng.sample(pool, rng.randrange(3, 7))] + [own_code(rng)]
        subs.append(Submission(id=f"s{n:04d}", source=f"s{n:04d}.ipynb", kind="notebook", sha256=str(n),
                               cells=tuple(SourceCell(i, c, c) for i, c in enumerate(cells, start=1))))
    return subs


def main() -> None:
    assignment = load_assignment()
    sizes = [50, 200, 500] + ([1000] if "--large" in sys.argv else [])
    print("| submissions | all pairs | pairs reported | clusters | published flags | wall (s) | CPU (s) |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for size in sizes:
        subs = synthetic_class(size)
        started, cpu = time.perf_counter(), time.process_time()
        report = class_similarity(subs, [], assignment.folder, assignment.similarity)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        flags = sum(m.flagged for m in report.published)
        print(f"| {size} | {size * (size - 1) // 2} | {len(report.pairs)} | {len(report.clusters)} | {flags} | {elapsed:.2f} | {cpu:.2f} |")


if __name__ == "__main__":
    main()
