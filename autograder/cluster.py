"""Grade on a Dask cluster: each Dask worker keeps warm sandboxes; submissions go out, results come back.

The job a Dask worker runs is the same sandboxed per-submission job as a local run
(``grade_submission`` with a warm ``SandboxWorker``). Dask reschedules the tasks of a worker that
dies on another worker; the caller's ``finish`` is called once per submission, from one thread,
so the results store records each exactly once.
Dask is an optional extra (``pip install autograder[dask]``); nothing imports this module otherwise.
"""
from __future__ import annotations

import queue
import threading
import time
from typing import Callable

from autograder.assignment import Assignment
from autograder.grading import error_result, grade_submission
from autograder.sandbox.worker import SandboxWorker
from autograder.types import GradeResult, Submission

PLUGIN_NAME = "autograder-sandboxes"


try:
    import distributed
except ImportError as exc:  # the CLI turns this into a usage error
    raise ImportError("grading on a Dask cluster needs the dask extra: pip install 'autograder[dask]'") from exc


class SandboxPool(distributed.WorkerPlugin):
    """Lends each running task a warm SandboxWorker of its own Dask worker; closes them at teardown."""

    name = PLUGIN_NAME

    def __init__(self, isolation: str = "auto", threads: int = 1) -> None:
        self.isolation = isolation
        self.threads = threads

    def setup(self, worker) -> None:
        # State lives on the worker side only (this object is pickled to get there); sandboxes start lazily.
        self.idle: queue.SimpleQueue[SandboxWorker] = queue.SimpleQueue()
        self.started: list[SandboxWorker] = []
        self.lock = threading.Lock()

    def acquire(self) -> SandboxWorker:
        try:
            return self.idle.get_nowait()
        except queue.Empty:
            sandbox = SandboxWorker(isolation=self.isolation, threads=self.threads)
            with self.lock:
                self.started.append(sandbox)
            return sandbox

    def release(self, sandbox: SandboxWorker) -> None:
        self.idle.put(sandbox)

    def teardown(self, worker) -> None:
        with self.lock:
            for sandbox in self.started:
                sandbox.close()
            self.started.clear()


def grade_on_worker(sub: Submission, assignment: Assignment, lang: str | None, timeout_s: float | None) -> GradeResult:
    """The task each Dask worker runs: one submission, in a warm sandbox of that worker."""
    pool = distributed.get_worker().plugins[PLUGIN_NAME]
    sandbox = pool.acquire()
    started = time.monotonic()
    try:
        return grade_submission(sub, assignment, sandbox, lang=lang, timeout_s=timeout_s)
    except Exception as exc:  # a grader bug costs one row, not the batch
        return error_result(sub, assignment, lang or assignment.lang, "sandbox",
                            {"detail": f"{type(exc).__name__}: {exc}"}, started)
    finally:
        pool.release(sandbox)


def start_on_cluster(scheduler: str, subs: list[Submission], assignment: Assignment, lang: str | None,
                     timeout_s: float | None, isolation: str, finish: Callable[[GradeResult], None],
                     connect_timeout_s: float = 30.0) -> list[threading.Thread]:
    """Send every submission to the cluster at ``scheduler``; ``finish`` each result as it arrives.

    Returns the thread that collects results (join it to wait for the batch).
    """
    client = distributed.Client(scheduler, timeout=connect_timeout_s, set_as_default=False)
    client.register_plugin(SandboxPool(isolation, threads=1), name=PLUGIN_NAME)
    shared = client.scatter(assignment, broadcast=True)
    futures = {
        client.submit(grade_on_worker, sub, shared, lang, timeout_s, pure=False, retries=1,
                      key=f"grade-{sub.id}-{sub.sha256[:12]}-{time.monotonic_ns()}"): sub
        for sub in subs
    }

    def collect() -> None:
        try:
            for future in distributed.as_completed(list(futures), loop=client.loop):
                sub = futures[future]
                try:
                    result = future.result()
                except Exception as exc:  # every worker that tried it died, or the cluster went away
                    result = error_result(sub, assignment, lang or assignment.lang, "sandbox",
                                          {"detail": f"Dask: {type(exc).__name__}: {exc}"}, time.monotonic())
                finish(result)
        finally:
            client.close()

    thread = threading.Thread(target=collect, name="dask-collector", daemon=True)
    thread.start()
    return [thread]
