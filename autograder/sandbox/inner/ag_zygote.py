"""The warm worker inside the sandbox: imports TensorFlow once, then forks a fresh, limited,
unprivileged child for every job (run a submission, or train a rebuilt model).

Protocol: one JSON object per line on the original stdin/stdout. Nothing a child prints
reaches that channel; each child reports on a pipe of its own, which this process reads.
"""
from __future__ import annotations

import base64
import ctypes
import io
import json
import os
import resource
import select
import shutil
import signal
import sys
import time
import traceback

NOBODY = 65534
PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36
MAX_CHANNEL_BYTES = 64 * 1024 * 1024

_libc = ctypes.CDLL(None, use_errno=True)


def prctl(option, value):
    return _libc.prctl(option, ctypes.c_ulong(value), 0, 0, 0)


class Zygote:
    def __init__(self, workroot):
        self.workroot = workroot
        self.drop_uid = os.getuid() == 0
        self.jobs = 0
        # Keep the protocol channel on private descriptors; children never see them.
        self.proto_in = os.dup(0)
        self.proto_out = os.dup(1)
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)
        os.dup2(2, 1)
        os.close(devnull)
        self.reader = io.open(self.proto_in, "rb", buffering=0)
        self.pending = b""

    # -- protocol --------------------------------------------------------------------
    def send(self, message):
        data = (json.dumps(message, default=str) + "\n").encode("utf-8")
        view = memoryview(data)
        while view:
            written = os.write(self.proto_out, view)
            view = view[written:]

    def receive(self):
        while b"\n" not in self.pending:
            chunk = os.read(self.proto_in, 1 << 20)
            if not chunk:
                return None
            self.pending += chunk
        line, self.pending = self.pending.split(b"\n", 1)
        return json.loads(line)

    # -- children ----------------------------------------------------------------------
    def apply_limits(self, limits):
        mb = 1024 * 1024
        timeout = float(limits.get("timeout_s", 120))
        cpu = int(limits.get("cpu_s") or 2 * timeout + 10)
        settings = [
            (resource.RLIMIT_AS, int(limits.get("memory_mb", 6144)) * mb),
            (resource.RLIMIT_CPU, cpu),
            (resource.RLIMIT_FSIZE, int(limits.get("fsize_mb", 64)) * mb),
            (resource.RLIMIT_NOFILE, int(limits.get("nofile", 256))),
            (resource.RLIMIT_CORE, 0),
        ]
        if self.drop_uid:
            settings.append((resource.RLIMIT_NPROC, int(limits.get("nproc", 512))))
        for which, value in settings:
            try:
                resource.setrlimit(which, (value, value))
            except (ValueError, OSError):
                pass

    def spawn(self, target, limits, workdir):
        """Fork a child that runs ``target(channel_fd)``; supervise it; return what it reported."""
        out_r, out_w = os.pipe()
        ch_r, ch_w = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        started = time.monotonic()
        pid = os.fork()
        if pid == 0:  # the child
            code = 0
            try:
                os.setsid()
                prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
                devnull = os.open(os.devnull, os.O_RDONLY)
                os.dup2(devnull, 0)
                os.dup2(out_w, 1)
                os.dup2(out_w, 2)
                for fd in (devnull, out_r, out_w, ch_r, self.proto_in, self.proto_out):
                    try:
                        os.close(fd)
                    except OSError:
                        pass
                os.chdir(workdir)
                os.environ.update({"HOME": workdir, "TMPDIR": workdir, "PWD": workdir})
                self.apply_limits(limits)
                if self.drop_uid:
                    os.setgroups([])
                    os.setgid(NOBODY)
                    os.setuid(NOBODY)
                sys.path.insert(0, workdir)
                target(ch_w)
            except BaseException:
                try:
                    traceback.print_exc()
                except BaseException:
                    pass
                code = 70
            finally:
                try:
                    sys.stdout.flush()
                    sys.stderr.flush()
                except BaseException:
                    pass
                os._exit(code)
        os.close(out_w)
        os.close(ch_w)
        return self.supervise(pid, out_r, ch_r, limits, started)

    def supervise(self, pid, out_r, ch_r, limits, started):
        timeout = float(limits.get("timeout_s", 120))
        keep = int(limits.get("output_bytes", 65536))
        hard = int(limits.get("output_limit_bytes", 32 * 1024 * 1024))
        deadline = started + timeout
        kept = bytearray()
        total = 0
        channel = bytearray()
        last_line = None
        outcome = None
        status = None
        open_fds = {out_r, ch_r}
        exited_at = None
        while True:
            if status is None:
                done, st = os.waitpid(pid, os.WNOHANG)
                if done:
                    status = st
                    exited_at = time.monotonic()
            now = time.monotonic()
            if status is not None and (not open_fds or now - exited_at > 0.3):
                break  # a detached grandchild may hold the pipes open; it is killed below
            if now >= deadline:
                outcome = "timeout"
                break
            wait = min(0.05 if status is not None else 0.5, max(0.0, deadline - now))
            ready, _, _ = select.select(list(open_fds), [], [], wait) if open_fds else ([], [], time.sleep(wait))
            for fd in ready:
                try:
                    data = os.read(fd, 1 << 16)
                except OSError:
                    data = b""
                if not data:
                    open_fds.discard(fd)
                    continue
                if fd == out_r:
                    total += len(data)
                    if len(kept) < keep:
                        kept += data[: keep - len(kept)]
                else:
                    channel += data
                    if b"\n" in channel:
                        head, _, channel = bytes(channel).rpartition(b"\n")
                        channel = bytearray(channel)
                        last_line = head.rsplit(b"\n", 1)[-1]
                    if len(channel) > MAX_CHANNEL_BYTES:
                        outcome = "crash"
                        break
            if outcome:
                break
            if total > hard:
                outcome = "output_limit"
                break
        elapsed = time.monotonic() - started
        if status is None:
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
            _, status = os.waitpid(pid, 0)
        self.kill_strays()
        for fd in (out_r, ch_r):
            try:
                os.close(fd)
            except OSError:
                pass
        state = None
        if last_line:
            try:
                state = json.loads(last_line)
            except ValueError:
                state = None
        detail = ""
        if os.WIFSIGNALED(status):
            detail = f"signal {signal.Signals(os.WTERMSIG(status)).name}"
        elif os.WIFEXITED(status):
            detail = f"exit code {os.WEXITSTATUS(status)}"
        if outcome is None:
            if isinstance(state, dict) and state.get("final") == "soft_timeout":
                outcome = "timeout"
            elif isinstance(state, dict) and state.get("final") in ("completed", "trained"):
                outcome = "completed"
            elif os.WIFSIGNALED(status) or (os.WIFEXITED(status) and os.WEXITSTATUS(status) != 0):
                outcome = "crash"
            else:
                outcome = "exited"
        text = bytes(kept).decode("utf-8", "replace")
        if outcome == "crash" and any(s in text for s in ("bad_alloc", "Resource exhausted", "MemoryError",
                                                           "Cannot allocate memory", "OOM")):
            outcome = "memory_limit"
        return {
            "outcome": outcome,
            "state": state,
            "output": text,
            "output_dropped_bytes": max(0, total - len(kept)),
            "elapsed_s": elapsed,
            "detail": detail,
        }

    def kill_strays(self):
        """Kill every process a job left behind: all of the sandbox user's, and all our orphans."""
        if self.drop_uid:
            pid = os.fork()
            if pid == 0:
                try:
                    os.setgroups([])
                    os.setgid(NOBODY)
                    os.setuid(NOBODY)
                    os.kill(-1, signal.SIGKILL)
                finally:
                    os._exit(0)
            os.waitpid(pid, 0)
        me = str(os.getpid())
        for _ in range(50):
            children = []
            for entry in os.listdir("/proc"):
                if not entry.isdigit():
                    continue
                try:
                    with open(f"/proc/{entry}/stat", "rb") as fh:
                        fields = fh.read().rsplit(b")", 1)[1].split()
                except OSError:
                    continue
                if fields[1].decode() == me:
                    children.append(int(entry))
            if not children:
                break
            for child in children:
                try:
                    os.kill(child, signal.SIGKILL)
                except OSError:
                    pass
            while True:
                try:
                    done, _ = os.waitpid(-1, os.WNOHANG)
                except ChildProcessError:
                    break
                if not done:
                    time.sleep(0.01)
                    break

    # -- jobs ----------------------------------------------------------------------------
    def make_workdir(self, files):
        self.jobs += 1
        workdir = os.path.join(self.workroot, f"job-{self.jobs}")
        shutil.rmtree(workdir, ignore_errors=True)
        os.makedirs(workdir, mode=0o700)
        for relpath, b64 in files:
            target = os.path.normpath(os.path.join(workdir, relpath))
            if not target.startswith(workdir + os.sep):
                continue
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as fh:
                fh.write(base64.b64decode(b64))
        if self.drop_uid:
            for root, dirs, names in os.walk(workdir):
                for name in dirs + names:
                    os.lchown(os.path.join(root, name), NOBODY, NOBODY)
            os.chown(workdir, NOBODY, NOBODY)
        return workdir

    def run_job(self, job):
        import numpy as np
        import ag_execute

        data = {}
        if job.get("data"):
            with np.load(io.BytesIO(base64.b64decode(job["data"])), allow_pickle=False) as npz:
                data = {key: npz[key] for key in npz.files}
            if "input_dim" in data:
                data["input_dim"] = int(data["input_dim"])
        workdir = self.make_workdir(job.get("files", []))
        try:
            result = self.spawn(lambda fd: ag_execute.main_child(job, data, fd), job["limits"], workdir)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        result["type"] = "run_result"
        return result

    def train_job(self, request):
        import ag_trainer

        def target(fd):
            try:
                message = ag_trainer.train(request)
                message["final"] = "trained"
            except Exception as exc:
                message = {"type": "train_result", "final": "trained",
                           "error": f"{type(exc).__name__}: {str(exc)[:800]}"}
            os.write(fd, (json.dumps(message) + "\n").encode("utf-8"))

        workdir = self.make_workdir([])
        try:
            result = self.spawn(target, request["limits"], workdir)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        result["type"] = "train_result"
        return result

    def serve(self):
        started = time.monotonic()
        import numpy  # noqa: F401
        import keras
        import tensorflow as tf
        for name in os.environ.get("AG_PREIMPORT", "").split(","):
            if name.strip():
                try:
                    __import__(name.strip())
                except Exception:
                    pass
        prctl(PR_SET_CHILD_SUBREAPER, 1)
        prctl(PR_SET_DUMPABLE, 0)
        self.send({"type": "ready", "pid": os.getpid(), "uid": os.getuid(), "drop_uid": self.drop_uid,
                   "keras": keras.__version__, "tensorflow": tf.__version__,
                   "python": sys.version.split()[0], "startup_s": time.monotonic() - started})
        while True:
            message = self.receive()
            if message is None or message.get("op") == "exit":
                return
            try:
                if message["op"] == "run":
                    reply = self.run_job(message["job"])
                elif message["op"] == "train":
                    reply = self.train_job(message["request"])
                elif message["op"] == "ping":
                    reply = {"type": "pong"}
                else:
                    reply = {"type": "error", "message": f"unknown op {message.get('op')!r}"}
            except Exception as exc:
                reply = {"type": "error", "message": f"{type(exc).__name__}: {exc}",
                         "traceback": traceback.format_exc()[-2000:]}
            self.send(reply)


def main():
    workroot = sys.argv[1] if len(sys.argv) > 1 else "/tmp/ag"
    os.makedirs(workroot, mode=0o711, exist_ok=True)
    os.chmod(workroot, 0o711)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    Zygote(workroot).serve()


if __name__ == "__main__":
    main()
