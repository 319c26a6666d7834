"""Where a batch writes its reports: one separate process at the lowest CPU priority, so that rendering
(Jinja, the SVG charts, JSON) takes only the CPU the sandbox workers leave idle and never holds the grader's
GIL while a worker thread waits on its sandbox. The same functions, the same files: a process that cannot
start, dies or cannot take a value costs only speed (the call runs here instead), never a report.

This module imports only the standard library at the top: the child imports it before it lowers its
priority, and the heavy modules (Jinja, the views) only after.
"""
from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any, Callable

NICENESS = 19
"""The child's niceness: it runs when a core would otherwise be idle (and on a quiet machine at full speed)."""


def _exit_with(parent: int) -> None:
    """A grader killed outright (SIGKILL, the OOM killer) leaves no one to shut the pool down: go too."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def _start_child() -> None:
    threading.Thread(target=_exit_with, args=(os.getppid(),), daemon=True, name="parent-watch").start()
    try:
        os.nice(NICENESS)
    except OSError:  # not permitted here: render at normal priority
        pass
    import autograder.batch  # noqa: F401  (what the calls need, imported once at low priority)
    from autograder.render import environment

    for autoescape in (True, False):  # compile every template now, not while the first result waits
        env = environment(autoescape)
        for name in env.list_templates(filter_func=lambda n: n.endswith(".j2")):
            if name.endswith(".html.j2") == autoescape:
                env.get_template(name)


def _call(fn: Callable[..., Any], args: tuple[Any, ...]) -> tuple[bool, Any]:
    """Runs in the child: what ``fn`` returned or raised, told apart from a failure of the process itself."""
    try:
        return True, fn(*args)
    except Exception as exc:
        return False, exc


class Renderer:
    """``call(fn, *args)`` runs ``fn`` in the render process and returns or raises what it did there; when
    the process is not there (``apart=False``, no start, a crash, an unpicklable value) it runs here."""

    def __init__(self, apart: bool = True):
        self.pool: Executor | None = None
        self.lock = threading.Lock()
        if apart:
            try:
                self.pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                                initializer=_start_child)
                self.pool.submit(int)  # start the child now, while the workers import TensorFlow
            except Exception as exc:
                self._give_up(exc)

    def call(self, fn: Callable[..., Any], *args: Any) -> Any:
        pool = self.pool
        if pool is not None:
            try:
                ok, value = pool.submit(_call, fn, args).result()
            except Exception as exc:  # the process, not fn: broken pool, pickling, shut down
                self._give_up(exc)
            else:
                if ok:
                    return value
                raise value
        return fn(*args)

    def _give_up(self, exc: BaseException) -> None:
        with self.lock:
            pool, self.pool = self.pool, None
        if pool is not None:
            print(f"autograder: rendering in this process instead ({type(exc).__name__}: {exc})",
                  file=sys.stderr, flush=True)
            pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True)
            self.pool = None
