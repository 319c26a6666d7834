"""The warm worker inside the sandbox: imports TensorFlow once, then forks a fresh, limited,
unprivileged child for every job (run a submission, or train a rebuilt model).

Protocol: one JSON object per line on the original stdin/stdout. Nothing a child prints
reaches that channel; each child reports on a pipe of its own, which this process reads.

Configuration comes from the environment the grader sets: ``AG_SANDBOX_UID`` (the uid jobs run
as when this process is root), ``AG_ISOLATION`` (``bwrap`` or ``process``) and, for ``process``,
``AG_READ_PATHS`` (what a job may read; Landlock fences it in when the kernel has it).
"""
from __future__ import annotations

import base64
import gc
import io
import json
import os
import shutil
import signal
import stat
import sys
import time
import traceback

# Run with ``python -I``, which leaves this folder off sys.path: the runner's modules live here.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import ag_landlock  # noqa: E402
import ag_limits  # noqa: E402
import ag_outputs  # noqa: E402
import ag_seccomp  # noqa: E402
from ag_supervise import RUNNER_FAILED, Supervisor  # noqa: E402

DEFAULT_SANDBOX_UID = 65534
MAX_FD = 65536


class Zygote:
    def __init__(self, workroot, sandbox_uid, isolation, read_paths):
        self.workroot = workroot
        self.isolation = isolation
        self.drop_uid = os.getuid() == 0
        self.run_as = sandbox_uid if self.drop_uid else os.getuid()
        self.read_paths = read_paths
        # Landlock where nothing else fences a job: the process fallback, and a bwrap sandbox without
        # root, whose jobs share the zygote's uid (it keeps them from signalling the zygote).
        self.landlock_abi = ag_landlock.abi_version() if isolation == "process" or not self.drop_uid else 0
        self.supervisor = Supervisor(self.run_as, owns_uid=self.drop_uid)
        self.jobs = 0
        self.pid = os.getpid()
        # Keep the protocol channel on private descriptors; children never see them.
        self.proto_in = os.dup(0)
        self.proto_out = os.dup(1)
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)
        os.dup2(2, 1)
        os.close(devnull)
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
    def enter_sandbox(self, limits, workdir, out_w, channel_fd):
        """In the forked child: descriptors, folder, limits, user, fences. Returns the channel fd."""
        os.setsid()
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(out_w, 1)
        os.dup2(out_w, 2)
        # The report channel sits at the highest descriptor allowed, out of the way of code
        # that closes or reuses the low ones; every other inherited descriptor is closed.
        high = min(int(limits.get("nofile", 256)), 1024) - 1
        os.dup2(channel_fd, high)
        os.closerange(3, high)
        os.closerange(high + 1, MAX_FD)
        os.chdir(workdir)
        os.environ.update({"HOME": workdir, "TMPDIR": workdir, "PWD": workdir,
                           "USER": "student", "LOGNAME": "student"})
        ag_limits.apply_rlimits(limits, self.run_as)
        if self.drop_uid:
            ag_limits.become(self.run_as)
        ag_limits.die_with_parent(self.pid)  # after the uid switch, which clears it
        if self.landlock_abi:
            readable = self.read_paths + ["/proc", "/dev"] if self.isolation == "process" else ["/"]
            ag_landlock.restrict(readable, [workdir, "/dev/null"])
        ag_seccomp.install(block_sockets=self.isolation != "bwrap")
        sys.path.insert(0, workdir)
        return high

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
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                target(self.enter_sandbox(limits, workdir, out_w, ch_w))
            except BaseException:
                try:
                    traceback.print_exc()
                except BaseException:
                    pass
                code = RUNNER_FAILED
            finally:
                try:
                    sys.stdout.flush()
                    sys.stderr.flush()
                except BaseException:
                    pass
                os._exit(code)
        os.close(out_w)
        os.close(ch_w)
        return self.supervisor.supervise(pid, out_r, ch_r, limits, started, workdir)

    # -- jobs ----------------------------------------------------------------------------
    def make_workdir(self, files):
        self.jobs += 1
        workdir = os.path.join(self.workroot, f"job-{self.jobs}")
        remove_tree(workdir)
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
                    os.lchown(os.path.join(root, name), self.run_as, self.run_as)
            os.chown(workdir, self.run_as, self.run_as)
        ag_outputs.prepare(self.workroot, self.run_as, self.drop_uid, self.isolation)
        return workdir

    def done_with(self, workdir):
        """Remove a job's folder and the outputs it wrote around it (``/content``, ``../results``)."""
        remove_tree(workdir)
        ag_outputs.clear(self.workroot, workdir, self.drop_uid, self.isolation)

    def run_job(self, job):
        import numpy as np
        import ag_evidence
        import ag_execute

        ag_evidence.application_homes()  # walked once here, reused by every child

        data = {}
        if job.get("data"):
            with np.load(io.BytesIO(base64.b64decode(job["data"])), allow_pickle=False) as npz:
                data = {key: npz[key] for key in npz.files}
            if "input_dim" in data:
                data["input_dim"] = int(data["input_dim"])
        workdir = self.make_workdir(job.get("files", []))
        mark = os.urandom(8).hex()  # the runner's cell marks in the output carry it (ag_supervise.OutputMarks)
        job = dict(job, output_mark=mark)
        try:
            result = self.spawn(lambda fd: ag_execute.main_child(job, data, fd), dict(job["limits"], output_mark=mark),
                                workdir)
            if job.get("fit_sample"):  # read while the folder exists; the bytes stay opaque here
                import ag_sample

                models = (result.get("state") or {}).get("models")
                result["fit_samples"] = ag_sample.read(workdir, list(models)[:8] if isinstance(models, dict) else [],
                                                       int(job["fit_sample"].get("max_bytes", 0)))
        finally:
            self.done_with(workdir)
        result["type"] = "run_result"
        return result

    def train_job(self, request):
        import ag_trainer

        def send(message):  # one line each; the last complete line is the reply
            view = memoryview((json.dumps(message) + "\n").encode("utf-8"))
            while view:
                view = view[os.write(fd_box[0], view):]

        fd_box = [None]

        def target(fd):
            fd_box[0] = fd
            try:
                message = ag_trainer.train(request, send)
                message["final"] = "trained"
            except Exception as exc:
                message = {"type": "train_result", "final": "trained",
                           "error": f"{type(exc).__name__}: {str(exc)[:800]}"}
            send(message)

        workdir = self.make_workdir([])
        try:
            result = self.spawn(target, request["limits"], workdir)
        finally:
            self.done_with(workdir)
        result["type"] = "train_result"
        return result

    def on_parent_death(self, *_):
        """The grader went away: end the current job and everything it started, remove the jobs'
        folders (and the grader's empty temporary folder around them), then leave."""
        try:
            self.supervisor.kill_strays()
            remove_tree(self.workroot)
            parent = os.path.dirname(self.workroot)
            if os.path.basename(parent).startswith("autograder-"):  # made for this worker alone
                os.rmdir(parent)
        except OSError:
            pass
        finally:
            os._exit(1)

    def serve(self):
        started = time.monotonic()
        # The cyclic collector paused while the modules load: TensorFlow's import allocates some 400,000
        # objects that all live on, and each automatic collection on the way walks the ones so far (a
        # fifth of the import's time). One collection afterwards leaves them in the oldest generation,
        # which the children's collections seldom walk.
        gc.disable()
        import keras
        import tensorflow as tf
        # What every job would otherwise import again: loaded once here, shared by the forked children.
        # (Importing a module runs no TensorFlow op, so forking stays safe.) Each one's cost is reported.
        startup = {"tensorflow": round(time.monotonic() - started, 3)}
        for name in os.environ.get("AG_PREIMPORT", "").split(","):
            if name.strip():
                begun = time.monotonic()
                try:
                    __import__(name.strip())
                except Exception:
                    pass
                startup[name.strip()] = round(time.monotonic() - begun, 3)
        begun = time.monotonic()
        gc.collect()
        gc.enable()
        collect_s = round(time.monotonic() - begun, 3)
        signal.signal(signal.SIGTERM, self.on_parent_death)
        ag_limits.prctl(ag_limits.PR_SET_PDEATHSIG, signal.SIGTERM)
        ag_limits.prctl(ag_limits.PR_SET_CHILD_SUBREAPER, 1)
        ag_limits.prctl(ag_limits.PR_SET_DUMPABLE, 0)
        self.supervisor.kill_strays()  # anything a killed predecessor with this uid left behind
        self.send({"type": "ready", "pid": os.getpid(), "uid": os.getuid(), "drop_uid": self.drop_uid,
                   "run_as": self.run_as, "isolation": self.isolation, "landlock_abi": self.landlock_abi,
                   "seccomp": ag_seccomp.program(os.uname().machine) is not None,
                   "keras": keras.__version__, "tensorflow": tf.__version__,
                   "python": sys.version.split()[0], "startup_s": time.monotonic() - started,
                   "startup": startup, "collect_s": collect_s})
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


def remove_tree(folder):
    """Remove a job's folder even where the job took its own permissions away."""
    def unlock(func, path, _exc):
        try:
            os.chmod(os.path.dirname(path), stat.S_IRWXU)
            os.chmod(path, stat.S_IRWXU)
            func(path)
        except OSError:
            pass

    if os.path.lexists(folder):
        shutil.rmtree(folder, onerror=unlock)


def main():
    workroot = sys.argv[1] if len(sys.argv) > 1 else "/tmp/ag"
    os.makedirs(workroot, mode=0o711, exist_ok=True)
    os.chmod(workroot, 0o711)
    uid = int(os.environ.get("AG_SANDBOX_UID") or DEFAULT_SANDBOX_UID)
    isolation = os.environ.get("AG_ISOLATION", "process")
    read_paths = [p for p in os.environ.get("AG_READ_PATHS", "").split(os.pathsep) if p]
    zygote = Zygote(workroot, uid, isolation, read_paths)
    zygote.serve()
    # Leave without the interpreter's clean-up: with TensorFlow loaded it takes ~1.4 s (measured), and
    # each job's folder is already gone. The grader waits for this exit after the last submission.
    try:
        zygote.supervisor.kill_strays()
        sys.stderr.flush()
    finally:
        os._exit(0)


if __name__ == "__main__":
    main()
