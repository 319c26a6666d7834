"""Grade a whole class: read the inputs, reuse stored results, share the rest among warm sandboxed
workers, and write every result the moment it is ready.

Stages: ``load_class`` (paths -> submissions + students) -> ``plan`` (stored result or to grade) ->
``grade_batch`` (one thread per worker, each owning a warm SandboxWorker; every job is a fresh, limited
child) -> outputs (``OUT/<id>/``, ``grades.csv``, summaries, LMS gradebooks).
"""
from __future__ import annotations

import json
import os
import queue
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Mapping, Protocol

from autograder.assignment import Assignment
from autograder.exports import write_lms_exports
from autograder.grading import error_result, grade_submission
from autograder.inputs import ClassInputs, Student, read_inputs
from autograder.memo import TrainingMemo
from autograder.program import EntryRules
from autograder.render import write_run_outputs, write_submission_outputs
from autograder.render_process import Renderer
from autograder.review.late import parse_policy
from autograder.review.outputs import RunReviews, output_lock
from autograder.sandbox.startup import threads_per_worker, with_datasets, worker_count
from autograder.sandbox.worker import SandboxWorker, preimport_modules
from autograder.store import ResultKey, ResultStore, grader_fingerprint, settings_fingerprint
from autograder.types import GradeResult, Submission

STAGING = ".staging"
CELLS_FILE = "cells.json"


@dataclass(frozen=True)
class BatchOptions:
    out_dir: Path
    lang: str | None = None
    timeout_s: float | None = None
    jobs: int = 0
    """Parallel workers; 0 means one per core (never more than there are submissions to grade)."""
    isolation: str = "auto"
    log_dir: Path | None = None
    force: bool = False
    """Grade every submission again, even those with a stored result."""
    store: bool = True
    """Keep results in ``OUT/results.sqlite`` and reuse them on the next run."""
    scheduler: str | None = None
    """A Dask scheduler address (``tcp://HOST:8786``): grade on that cluster instead of local workers."""
    similarity: bool = True
    """Write ``similarity.html/.md/.json`` (issue 15) beside the summary; ``--no-similarity`` turns it off."""
    insight: bool = True
    """Train each graded model's unregularized twin (the regularization insight); ``--no-insight`` turns it off."""
    render_apart: bool = True
    """Render the reports in a separate low-priority process when there are two or more to grade."""


class Progress(Protocol):
    """Told what the batch is doing (a progress bar, log lines, or nothing)."""

    def planned(self, total: int, cached: int) -> None: ...

    def finished(self, result: GradeResult, cached: bool) -> None: ...


@dataclass(frozen=True)
class Plan:
    """Which submissions have a stored result and which must be graded."""

    cached: tuple[GradeResult, ...]
    to_grade: tuple[Submission, ...]
    keys: Mapping[str, ResultKey]


def load_class(paths: list[Path], roster: Path | None = None, rules: EntryRules | None = None) -> ClassInputs:
    """Every submission in ``paths`` (files, folders, zips, Canvas/Moodle downloads) with its student;
    ``rules`` (``Assignment.entry_rules()``) decide which file of a student's folder is the program."""
    return read_inputs([Path(p) for p in paths], roster, rules)


def load_all(paths: list[Path]) -> list[Submission]:
    """Just the submissions found in ``paths``."""
    return list(load_class(paths).submissions)


def result_key(sub: Submission, assignment: Assignment, options: BatchOptions) -> ResultKey:
    return ResultKey(submission_id=sub.id, sha256=sub.sha256, assignment=assignment.fingerprint,
                     grader=grader_fingerprint(),
                     settings=settings_fingerprint(assignment, options.lang, options.timeout_s, options.isolation))


def plan(subs: list[Submission], assignment: Assignment, options: BatchOptions, store: ResultStore | None) -> Plan:
    """Split the submissions into stored results (shown under their current path) and ones to grade."""
    keys = {sub.id: result_key(sub, assignment, options) for sub in subs}
    cached, to_grade = [], []
    for sub in subs:
        hit = None if store is None or options.force or not sub.sha256 else store.get(keys[sub.id])
        if hit is not None:
            cached.append(replace(hit, source=sub.source))
        else:
            to_grade.append(sub)
    return Plan(cached=tuple(cached), to_grade=tuple(to_grade), keys=keys)


def write_cells(sub: Submission | None, result: GradeResult, out_dir: Path) -> None:
    """``OUT/<id>/cells.json``, for the review desk: the code as it ran (each cell as the student wrote it) and
    the printed output the run kept. Replaced atomically."""
    if sub is None:
        return
    cells = [{"index": cell.index, "code": cell.original or cell.source} for cell in sub.cells]
    document = {"filename": sub.filename, "kind": sub.kind, "cells": cells, "output": result.output,
                "output_dropped_bytes": result.output_dropped_bytes,
                "output_cells": [list(cell) for cell in result.output_cells]}
    target = out_dir / result.id
    target.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target, prefix=".cells-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as fh:
            json.dump(document, fh, ensure_ascii=False)
        os.replace(temporary, target / CELLS_FILE)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_outputs(result: GradeResult, out_dir: Path, review: dict | None = None) -> None:
    """``OUT/<id>/`` files, each replaced atomically, ``result.json`` last: when it is current, so are
    the reports beside it (a run killed half-way never leaves a current result.json by stale reports).
    ``review``: result.json's ``review`` object (the stored review and late policy applied)."""
    staging = Path(tempfile.mkdtemp(dir=out_dir / STAGING))
    try:
        written = write_submission_outputs(result, staging, review)
        target = out_dir / result.id
        target.mkdir(parents=True, exist_ok=True)
        for path in sorted(written.iterdir(), key=lambda p: (p.name == "result.json", p.name)):
            os.replace(path, target / path.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


class OutputWriter:
    """One thread that stores and renders each result while the workers go on to their next submission."""

    def __init__(self, finish: Callable[[GradeResult], None]):
        self.finish = finish
        self.todo: queue.Queue[GradeResult | None] = queue.Queue()
        self.thread = threading.Thread(target=self._drain, daemon=True, name="outputs")
        self.thread.start()

    def put(self, result: GradeResult) -> None:
        self.todo.put(result)

    def _drain(self) -> None:
        while (result := self.todo.get()) is not None:
            try:
                self.finish(result)
            except Exception as exc:  # finish() reports its own failures; never lose the rest
                _warn(f"could not write the outputs of {result.id}: {type(exc).__name__}: {exc}")

    def close(self) -> None:
        """Wait until every result handed over is stored and written."""
        self.todo.put(None)
        self.thread.join()


def open_store(out: Path) -> ResultStore | None:
    """The output folder's store; None (grade everything, keep nothing) when it cannot be opened."""
    try:
        return ResultStore.in_folder(out)
    except Exception as exc:  # e.g. a network file system without the locks SQLite's WAL mode needs
        _warn(f"results store unavailable, grading everything without it: {type(exc).__name__}: {exc}")
        return None


def _warn(message: str) -> None:
    print(f"autograder: {message}", file=sys.stderr, flush=True)


def grade_batch(subs: list[Submission], assignment: Assignment, options: BatchOptions,
                on_result: Callable[[GradeResult], None] | None = None, progress: Progress | None = None,
                students: Mapping[str, Student] | None = None,
                launched: SandboxWorker | None = None) -> list[GradeResult]:
    """Grade every submission not already in the store; write each result as soon as it is ready, then
    the run's files. Returns every result (stored ones included), by id. Never raises for bad input.
    ``launched``: a worker the caller launched early (``autograder.sandbox.startup``); used as the first
    worker, or closed when there is nothing for it to grade."""
    out = options.out_dir
    if not options.insight:  # the assignment carries it, so a Dask worker sees the same setting
        assignment = replace(assignment, insight=dict(assignment.insight, enabled=False))
    out.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(out / STAGING, ignore_errors=True)  # left by a killed run
    (out / STAGING).mkdir()
    store = open_store(out) if options.store else None
    work = plan(subs, assignment, options, store)
    run_id = store.start_run(len(subs), len(work.cached)) if store else ""
    if progress:
        progress.planned(len(subs), len(work.cached))
    results: list[GradeResult] = []
    lock = threading.Lock()
    runnable = [sub for sub in work.to_grade if sub.load_error is None]
    try:
        policy = parse_policy(assignment.policy)
    except ValueError as exc:  # the CLI refuses such an assignment; other callers grade without it
        _warn(str(exc))
        policy = None
    reviews = RunReviews(out, policy, students or {}, enabled=store is not None)
    by_id = {sub.id: sub for sub in subs}

    def finish(result: GradeResult, cached: bool = False) -> None:
        if not cached and store is not None:
            try:
                store.put(work.keys[result.id], result, run_id)  # the record first, then its files
            except Exception as exc:  # a full disk must not stop the other submissions
                _warn(f"could not store the result of {result.id}: {exc}")
        try:
            renderer.call(write_outputs, result, out, reviews.document(result))
            write_cells(by_id.get(result.id), result, out)
        except Exception as exc:
            _warn(f"could not write the reports of {result.id}: {type(exc).__name__}: {exc}")
        with lock:
            results.append(result)
            if on_result:
                on_result(result)
            if progress:
                progress.finished(result, cached)

    renderer = Renderer(apart=options.render_apart and len(runnable) >= 2)
    writer = OutputWriter(finish)
    if options.scheduler and runnable:
        from autograder.cluster import start_on_cluster  # the optional dask extra

        threads = start_on_cluster(options.scheduler, runnable, assignment, options.lang, options.timeout_s,
                                   options.isolation, writer.put)
    else:
        threads = start_workers(runnable, assignment, options, writer.put, launched)
        launched = None if runnable else launched
    if launched is not None:  # a cluster run, or nothing to grade here
        launched.close()
    for result in work.cached:  # re-rendered with today's renderers while the workers start
        finish(result, cached=True)
    for sub in work.to_grade:
        if sub.load_error is not None:
            finish(grade_submission(sub, assignment, sandbox=None, lang=options.lang))  # type: ignore[arg-type]
    for thread in threads:
        thread.join()
    writer.close()
    try:
        with output_lock(out):  # a reviewer's change meanwhile waits, then rewrites these files itself
            views, finals = reviews.close(results, work.keys, assignment.title, assignment.rules,
                                          assignment.folder)
            renderer.call(write_run_files, views, assignment, out, students or {}, finals)
            reviews.settle(out, results, finals)
        if options.similarity:
            renderer.call(write_similarity_files, subs, results, assignment, out, options.lang)
    finally:
        renderer.close()
    if store is not None:
        store.finish_run(run_id)
        store.close()
    shutil.rmtree(out / STAGING, ignore_errors=True)
    return sorted(results, key=lambda r: r.id)


def write_run_files(results: list[GradeResult], assignment: Assignment, out: Path,
                    students: Mapping[str, Student], finals: Mapping | None = None) -> None:
    """``grades.csv`` and the summaries, then the Canvas and Moodle gradebooks. ``results`` with their final
    grades (``autograder.review``); ``finals``: id -> FinalGrade for grades.csv's review columns."""
    try:
        write_run_outputs(results, out, finals=dict(finals) if finals else None)
    except Exception as exc:
        _warn(f"could not write the run's summary files: {type(exc).__name__}: {exc}")
        if not (out / "grades.csv").exists():
            raise
    write_lms_exports(results, students, out, assignment.title)


def write_similarity_files(subs: list[Submission], results: list[GradeResult], assignment: Assignment, out: Path,
                           lang: str | None) -> None:
    """``similarity.*`` from this run's Submission values (never from stored results); a failure costs only them."""
    from autograder.similarity.run import write_class_similarity

    try:
        write_class_similarity(subs, results, assignment.folder, assignment.similarity, out, lang)
    except Exception as exc:
        _warn(f"could not write the similarity report: {type(exc).__name__}: {exc}")


def start_workers(subs: list[Submission], assignment: Assignment, options: BatchOptions,
                  finish: Callable[[GradeResult], None], launched: SandboxWorker | None = None
                  ) -> list[threading.Thread]:
    """One thread per worker, each owning a warm sandboxed SandboxWorker, taking submissions from a queue;
    worker 0 is ``launched`` when given (already loading TensorFlow)."""
    if not subs:
        return []
    todo: queue.Queue[Submission] = queue.Queue()
    for sub in subs:
        todo.put(sub)
    n_workers = worker_count(options.jobs, len(subs))
    threads_each = threads_per_worker(n_workers)
    try:
        preimport = preimport_modules(assignment.run)
    except ValueError as exc:  # the CLI refuses such an assignment; other callers get the default
        _warn(str(exc))
        preimport = preimport_modules({})
    lang = options.lang or assignment.lang
    memo = TrainingMemo()  # equal training requests (a shared template architecture on shared data) train once

    def next_sub() -> Submission | None:
        try:
            return todo.get_nowait()
        except queue.Empty:
            return None

    def work(number: int) -> None:
        log = str(options.log_dir / f"worker-{number}.log") if options.log_dir else None
        if number == 0 and launched is not None:
            worker = launched
        else:
            worker = with_datasets(SandboxWorker(isolation=options.isolation, threads=threads_each, log_path=log,
                                                 preimport=preimport), assignment.keras_datasets)
        try:
            worker.start()
        except Exception as exc:
            worker.close()
            # Without a sandbox nothing runs: every remaining submission gets an error row (not stored).
            while (sub := next_sub()) is not None:
                finish(error_result(sub, assignment, lang, "sandbox", {"detail": str(exc)}, time.monotonic()))
            return
        try:
            while (sub := next_sub()) is not None:
                started = time.monotonic()
                try:
                    result = grade_submission(sub, assignment, memo.wrap(worker), lang=options.lang,
                                              timeout_s=options.timeout_s)
                except Exception as exc:  # a grader bug must cost one row, not the worker's queue
                    result = error_result(sub, assignment, lang, "sandbox",
                                          {"detail": f"{type(exc).__name__}: {exc}"}, started)
                finish(result)
        finally:
            worker.close()

    threads = [threading.Thread(target=work, args=(i,), daemon=True, name=f"worker-{i}") for i in range(n_workers)]
    for thread in threads:
        thread.start()
    return threads
