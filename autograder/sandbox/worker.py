"""The grader's handle on one warm, sandboxed worker process (the zygote).

The worker imports TensorFlow once; each job is run by a fresh child it forks, with limits,
in its own working folder, as an unprivileged user when the grader runs as root.
Only JSON crosses this boundary.
"""
from __future__ import annotations

import json
import os
import random
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from typing import Any

from autograder.sandbox import bwrap, leaks
from autograder.spec import StateVersionError, accept_state
from autograder.types import ExecutionArtifact, RunLimits

STARTUP_TIMEOUT_S = 180.0
PREIMPORT: tuple[str, ...] = ("pandas", "sklearn", "matplotlib.pyplot")
"""Loaded by the worker after TensorFlow when the assignment's ``[run] preimport`` does not say otherwise:
what most submissions import, so each forked job finds it loaded. With Keras 3 these cost almost nothing
more (Keras itself imports scikit-learn, pandas and matplotlib); ``bench/cold_check.py`` prints the split."""
MODULE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
SANDBOX_UIDS = range(1_600_000, 1_700_000)
"""Jobs run as a uid of this range when the grader is root: one per worker, so that
RLIMIT_NPROC and the stray-process sweep (kill -1 as that uid) never reach another worker."""


class WorkerError(RuntimeError):
    """The worker died or stopped answering; the message says what happened."""


def preimport_modules(run_section: dict[str, Any] | None) -> tuple[str, ...]:
    """The modules a worker loads after TensorFlow: ``[run] preimport`` (a list of module names), else
    PREIMPORT. Raises ValueError for anything that is not a dotted module name."""
    raw = (run_section or {}).get("preimport", PREIMPORT)
    if isinstance(raw, str) or not isinstance(raw, (list, tuple)):
        raise ValueError(f"[run] preimport must be a list of module names, not {raw!r}")
    names = []
    for name in raw:
        if not isinstance(name, str) or not MODULE_NAME.match(name):
            raise ValueError(f"[run] preimport: {name!r} is not a module name")
        if name not in names:
            names.append(name)
    return tuple(names)


def sandbox_env(threads: int, preimport: tuple[str, ...] = PREIMPORT) -> dict[str, str]:
    """A small, explicit environment: nothing of the grader's leaks in."""
    env = {
        "PATH": os.path.dirname(sys.executable) + ":/usr/local/bin:/usr/bin:/bin",
        "HOME": "/tmp",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1",
        "MPLBACKEND": "Agg",
        "KERAS_BACKEND": "tensorflow",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "TF_ENABLE_ONEDNN_OPTS": "0",
        "TF_NUM_INTRAOP_THREADS": str(threads),
        "TF_NUM_INTEROP_THREADS": "1",
        "OMP_NUM_THREADS": str(threads),
        "OPENBLAS_NUM_THREADS": str(threads),
        "MKL_NUM_THREADS": str(threads),
        "AG_PREIMPORT": ",".join(preimport),
    }
    for key in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        if key in os.environ:  # set on some machines for correctness; keep them
            env[key] = os.environ[key]
    return env


def resolve_isolation(requested: str) -> str:
    """``auto`` picks bwrap when it works here, else the process sandbox (limits, plus Landlock
    where the kernel has it)."""
    if requested == "auto":
        return "bwrap" if bwrap.bwrap_path() else "process"
    if requested == "bwrap" and not bwrap.bwrap_path():
        raise WorkerError("bubblewrap (bwrap) was requested but cannot run on this machine")
    return requested


def pick_sandbox_uid() -> int:
    """A uid no process uses now, from SANDBOX_UIDS."""
    busy = set()
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        try:
            busy.add(os.stat(f"/proc/{entry}").st_uid)
        except (OSError, ValueError):
            continue
    while True:
        uid = random.choice(SANDBOX_UIDS)
        if uid not in busy:
            return uid


class SandboxWorker:
    """Start with ``start()`` (or ``launch()`` now and ``start()`` later: TensorFlow loads meanwhile);
    then ``run()`` and ``train()`` jobs one at a time; ``close()``."""

    def __init__(self, isolation: str = "auto", threads: int = 1, log_path: str | None = None,
                 preimport: tuple[str, ...] = PREIMPORT):
        self.requested = isolation
        try:
            self.isolation = resolve_isolation(isolation)
            self.isolation_error: str | None = None
        except WorkerError as exc:  # reported by start(), where callers expect failures
            self.isolation, self.isolation_error = "none", str(exc)
        self.threads = threads
        self.preimport = tuple(preimport)
        self.sandbox_uid = pick_sandbox_uid()
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None
        self.buffer = b""
        self.info: dict[str, Any] = {}
        self.tempdir: str | None = None
        self.datasets_dir: str | None = None
        """The instructor's Keras datasets folder jobs may read (set by a job's ``keras_datasets``)."""

    # -- lifecycle -----------------------------------------------------------------------
    def launch(self) -> None:
        """Start the worker process and return at once; ``start()`` then waits until it is ready.
        Never raises: a failure to launch is reported by ``start()``."""
        if self.proc is None and not self.isolation_error:
            try:
                self._launch()
            except WorkerError:
                self.close()

    def start(self) -> dict[str, Any]:
        """Wait until the worker (launched now, unless ``launch()`` did it) is ready; its ready message."""
        if self.isolation_error:
            raise WorkerError(self.isolation_error)
        if self.info and self.proc is not None:
            return self.info
        try:
            if self.proc is None:
                self._launch()
            return self._wait_ready()
        except WorkerError:
            if self.requested != "auto" or self.isolation != "bwrap":
                raise
            # bwrap passed its probe but cannot run the worker here: fall back, and say so.
            self.close()
            self.isolation = "process"
            self._launch()
            return self._wait_ready()

    def _launch(self) -> None:
        env = sandbox_env(self.threads, self.preimport)
        env.update({"AG_ISOLATION": self.isolation, "AG_SANDBOX_UID": str(self.sandbox_uid)})
        if self.isolation == "bwrap":
            cmd = bwrap.bwrap_command(sys.executable, datasets_dir=self.datasets_dir)
        else:
            self.tempdir = tempfile.mkdtemp(prefix="autograder-")
            os.chmod(self.tempdir, 0o711)
            cmd = bwrap.process_command(sys.executable, os.path.join(self.tempdir, "ag"))
            env["AG_READ_PATHS"] = os.pathsep.join(bwrap.readable_roots() + [self.datasets_dir] * bool(self.datasets_dir))
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        try:
            self.proc = subprocess.Popen(
                cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                env=env, start_new_session=True, cwd=self.tempdir or "/",
            )
        except OSError as exc:
            raise WorkerError(f"the sandbox could not be started: {exc}") from exc
        finally:
            if log is not subprocess.DEVNULL:
                log.close()
        self.buffer = b""
        self.info = {}

    def _wait_ready(self) -> dict[str, Any]:
        ready = self._read_message(STARTUP_TIMEOUT_S)
        if ready.get("type") != "ready":
            raise WorkerError(f"the sandbox did not start: {ready}")
        self.info = ready
        return ready

    def close(self) -> None:
        proc, self.proc = self.proc, None
        ready, self.info = bool(self.info), {}
        if proc is not None:
            try:  # a worker still loading TensorFlow reads no request: it is killed at once
                if ready and proc.poll() is None and proc.stdin:
                    proc.stdin.write(b'{"op": "exit"}\n')
                    proc.stdin.flush()
                    proc.wait(timeout=2)
            except (OSError, subprocess.TimeoutExpired, ValueError):
                pass
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass
            proc.wait()
            for stream in (proc.stdin, proc.stdout):
                try:
                    stream.close()
                except Exception:
                    pass
        if self.tempdir:
            shutil.rmtree(self.tempdir, ignore_errors=True)
            self.tempdir = None

    def restart(self) -> None:
        self.close()
        self.start()

    def __enter__(self) -> "SandboxWorker":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- protocol ------------------------------------------------------------------------
    def _read_message(self, timeout: float) -> dict[str, Any]:
        assert self.proc is not None and self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WorkerError("the sandbox stopped answering")
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                code = self.proc.poll()
                raise WorkerError(f"the sandbox exited unexpectedly (code {code})")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return json.loads(line)

    def request(self, message: dict[str, Any], timeout: float) -> dict[str, Any]:
        """Send one request; on any failure the worker is restarted and WorkerError raised."""
        if self.proc is None:
            self.start()
        try:
            assert self.proc is not None and self.proc.stdin is not None
            self.proc.stdin.write((json.dumps(message) + "\n").encode("utf-8"))
            self.proc.stdin.flush()
            reply = self._read_message(timeout)
        except (OSError, ValueError, WorkerError) as exc:
            self.restart()
            raise WorkerError(str(exc)) from exc
        if reply.get("type") == "error":
            raise WorkerError(reply.get("message", "unknown error in the sandbox"))
        return reply

    # -- jobs ----------------------------------------------------------------------------
    def workroot(self) -> str:
        """Where this worker's jobs run (their folders are ``<workroot>/job-N``)."""
        if self.isolation == "bwrap" or not self.tempdir:
            return bwrap.WORKROOT
        return os.path.join(self.tempdir, "ag")

    def serve_datasets(self, job: dict[str, Any]) -> dict[str, Any]:
        """The job with ``keras_datasets`` as the sandbox sees that folder; a worker started without it
        (or with another one) is restarted with it bound in read-only."""
        folder = job.get("keras_datasets")
        if not folder:
            return job
        host = os.path.realpath(str(folder))
        if host != self.datasets_dir:
            self.datasets_dir = host
            if self.proc is not None:
                self.restart()
        return dict(job, keras_datasets=bwrap.DATASETS_MOUNT if self.isolation == "bwrap" else host)

    def run(self, job: dict[str, Any], limits: RunLimits) -> ExecutionArtifact:
        job = dict(self.serve_datasets(job), limits=limits.to_job())
        job.setdefault("soft_deadline_s", max(1.0, limits.timeout_s - min(5.0, limits.timeout_s * 0.1)))
        job.setdefault("fit_epochs_cap", limits.fit_epochs_cap)
        reply = self.request({"op": "run", "job": job}, timeout=limits.timeout_s + 60)
        try:  # the schema, validated once, where the state enters; the runner's names and paths scrubbed first
            state = accept_state(leaks.scrub_tree(reply.get("state"), self.workroot()))
        except StateVersionError as exc:
            raise WorkerError(str(exc)) from None
        return ExecutionArtifact(
            outcome=str(reply.get("outcome", "crash")),
            state=state,
            output=leaks.scrub(str(reply.get("output", "")), self.workroot()),
            output_dropped_bytes=int(reply.get("output_dropped_bytes", 0) or 0),
            elapsed_s=float(reply.get("elapsed_s", 0.0) or 0.0),
            isolation=self.isolation,
            message=str(reply.get("detail", "")),
            fit_samples=reply["fit_samples"] if isinstance(reply.get("fit_samples"), dict) else {},
            output_cells=output_cells(reply.get("output_cells")),
        )

    def train(self, request: dict[str, Any], limits: RunLimits) -> dict[str, Any]:
        request = dict(request, limits=limits.to_job())
        reply = self.request({"op": "train", "request": request}, timeout=limits.timeout_s + 60)
        state = leaks.scrub_tree(reply.get("state"), self.workroot()) if isinstance(reply.get("state"), dict) else {}
        if reply.get("outcome") != "completed" and state.get("partial") and isinstance(state.get("loss"), list):
            return state  # the brief training finished before the insight was cut: ``trains`` keeps its result
        if reply.get("outcome") != "completed" and not state.get("error"):
            state = dict(state, error=f"the training run ended with {reply.get('outcome')} ({reply.get('detail')})")
        return state


def output_cells(raw: Any) -> tuple[tuple[int, int], ...]:
    """The supervisor's ``[[cell, offset]]`` list, checked (offsets never decrease)."""
    if not isinstance(raw, list):
        return ()
    cells: list[tuple[int, int]] = []
    for item in raw[:5000]:
        if (isinstance(item, list) and len(item) == 2 and all(isinstance(v, int) and not isinstance(v, bool) and v >= 0
                                                              for v in item)
                and (not cells or item[1] >= cells[-1][1])):
            cells.append((item[0], item[1]))
    return tuple(cells)
