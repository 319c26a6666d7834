"""Start the first warm worker before anything else, so that TensorFlow loads while the grader reads
its inputs (a cold ``autograder grade`` of one notebook is then about one TensorFlow import long).

Kept free of the grader's heavy modules (grading, rendering, inputs): the CLI imports this first.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from autograder.sandbox.worker import PREIMPORT, SandboxWorker

SUBMISSION_SUFFIXES = (".ipynb", ".py")


def with_datasets(worker: SandboxWorker, datasets_dir: str | Path | None) -> SandboxWorker:
    """``worker``, to be started with the Keras datasets folder bound in (read-only) when there is one."""
    if datasets_dir:
        worker.datasets_dir = os.path.realpath(str(datasets_dir))
    return worker


def worker_count(requested: int, pending: int) -> int:
    """Workers for ``pending`` submissions: ``requested`` (0: one per core), never more than there are."""
    cores = os.cpu_count() or 1
    wanted = requested if requested > 0 else cores
    return max(1, min(wanted, pending))


def threads_per_worker(workers: int) -> int:
    """TensorFlow threads each worker gets: the cores shared among the workers."""
    return max(1, (os.cpu_count() or 1) // max(1, workers))


def expected_submissions(paths: Sequence[Path]) -> int | None:
    """How many submissions ``paths`` hold when that is known without reading them: one per notebook or
    script named directly; None when a folder or an archive is given (it may hold many)."""
    if paths and all(Path(p).is_file() and Path(p).suffix.lower() in SUBMISSION_SUFFIXES for p in paths):
        return len(paths)
    return None


def launch_first_worker(paths: Sequence[Path], jobs: int, isolation: str,
                        preimport: tuple[str, ...] = PREIMPORT, datasets_dir: str | Path | None = None) -> SandboxWorker:
    """A worker launched now (its process starts loading TensorFlow; nothing waits for it), with the
    threads it would get once the submissions are counted (guessed as a full class for a folder), and
    the assignment's Keras datasets folder bound in (so the first job need not restart it)."""
    expected = expected_submissions(paths)
    workers = worker_count(jobs, expected if expected is not None else 1 << 20)
    worker = SandboxWorker(isolation=isolation, threads=threads_per_worker(workers), preimport=preimport)
    with_datasets(worker, datasets_dir)
    worker.launch()
    return worker
