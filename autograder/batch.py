"""Grade many submissions: load them, share them among warm sandboxed workers, write results."""
from __future__ import annotations

import os
import queue
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from autograder.assignment import Assignment
from autograder.grading import error_result, grade_submission
from autograder.loading import discover, load_submission, unique_ids
from autograder.render import write_run_outputs, write_submission_outputs
from autograder.sandbox.worker import SandboxWorker
from autograder.types import GradeResult, Submission


@dataclass(frozen=True)
class BatchOptions:
    out_dir: Path
    lang: str | None = None
    timeout_s: float | None = None
    jobs: int = 0
    """Parallel workers; 0 means one per core (never more than there are submissions)."""
    isolation: str = "auto"
    log_dir: Path | None = None


@dataclass
class BatchProgress:
    total: int
    done: int = 0
    results: list[GradeResult] = field(default_factory=list)


def load_all(paths: list[Path]) -> list[Submission]:
    found = discover(paths)
    subs = []
    for path, sub_id in zip(found, unique_ids(found)):
        sub = load_submission(path, sub_id)
        base = path.name if path.is_dir() else path.stem
        if sub_id != base:
            sub = replace(sub, notes=sub.notes + (f"renamed_id:{sub_id}",))
        subs.append(sub)
    return subs


def worker_count(requested: int, pending: int) -> int:
    cores = os.cpu_count() or 1
    wanted = requested if requested > 0 else cores
    return max(1, min(wanted, pending))


def grade_batch(subs: list[Submission], assignment: Assignment, options: BatchOptions,
                on_result: Callable[[GradeResult], None] | None = None) -> list[GradeResult]:
    """Grade every submission; each result is written as soon as it is ready. Never raises for bad input."""
    import time

    options.out_dir.mkdir(parents=True, exist_ok=True)
    results: list[GradeResult] = []
    lock = threading.Lock()

    def finish(result: GradeResult) -> None:
        write_submission_outputs(result, options.out_dir)
        with lock:
            results.append(result)
        if on_result:
            on_result(result)

    runnable = []
    for sub in subs:
        if sub.load_error is not None:
            finish(grade_submission(sub, assignment, sandbox=None, lang=options.lang))  # type: ignore[arg-type]
        else:
            runnable.append(sub)

    todo: queue.Queue[Submission] = queue.Queue()
    for sub in runnable:
        todo.put(sub)
    n_workers = worker_count(options.jobs, len(runnable)) if runnable else 0
    threads_each = max(1, (os.cpu_count() or 1) // max(1, n_workers))

    def work(number: int) -> None:
        log = str(options.log_dir / f"worker-{number}.log") if options.log_dir else None
        worker = SandboxWorker(isolation=options.isolation, threads=threads_each, log_path=log)
        try:
            worker.start()
        except Exception as exc:
            worker.close()
            # Without a sandbox nothing runs: every remaining submission gets an error row.
            while True:
                try:
                    sub = todo.get_nowait()
                except queue.Empty:
                    return
                finish(error_result(sub, assignment, options.lang or assignment.lang, "sandbox",
                                    {"detail": str(exc)}, time.monotonic()))
        try:
            while True:
                try:
                    sub = todo.get_nowait()
                except queue.Empty:
                    return
                finish(grade_submission(sub, assignment, worker, lang=options.lang, timeout_s=options.timeout_s))
        finally:
            worker.close()

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(n_workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    write_run_outputs(results, options.out_dir)
    return sorted(results, key=lambda r: r.id)
