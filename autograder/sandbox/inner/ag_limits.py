"""Resource limits and privileges for a job's child process (runs inside the sandbox, before
any student code): rlimits, the parent-death signal, and the switch to the sandbox user."""
from __future__ import annotations

import ctypes
import os
import resource
import signal

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36
MB = 1024 * 1024

_libc = ctypes.CDLL(None, use_errno=True)


def prctl(option, value):
    """Linux's prctl; a no-op returning -1 where there is none (macOS runs with rlimits only)."""
    if not hasattr(_libc, "prctl"):
        return -1
    return _libc.prctl(option, ctypes.c_ulong(value), 0, 0, 0)


def proc_entries():
    """Process ids in /proc (empty without a /proc, as on macOS)."""
    try:
        return [entry for entry in os.listdir("/proc") if entry.isdigit()]
    except OSError:
        return []


def real_uid_of(pid):
    """The real uid of a process (from /proc, readable even for non-dumpable processes), or None."""
    try:
        with open(f"/proc/{pid}/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"Uid:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def tasks_of_uid(uid):
    """Threads (kernel tasks) whose real uid is ``uid``: what RLIMIT_NPROC counts."""
    count = 0
    for entry in proc_entries():
        try:
            with open(f"/proc/{entry}/status", "rb") as fh:
                owner = threads = None
                for line in fh:
                    if line.startswith(b"Uid:"):
                        owner = int(line.split()[1])
                    elif line.startswith(b"Threads:"):
                        threads = int(line.split()[1])
                        break
        except (OSError, ValueError, IndexError):
            continue
        if owner == uid:
            count += threads or 1
    return count


def cpu_seconds(limits):
    """The CPU-time limit: explicit, or twice the wall-clock limit plus 10 s."""
    timeout = float(limits.get("timeout_s", 120))
    return int(limits.get("cpu_s") or 2 * timeout + 10)


def apply_rlimits(limits, run_as_uid):
    """Set every rlimit of the job. RLIMIT_NPROC counts all tasks of the real uid on the machine,
    so the allowance is added to what that uid already runs (nothing, for a fresh sandbox user)."""
    nproc = tasks_of_uid(run_as_uid) + int(limits.get("nproc", 512))
    settings = [
        (resource.RLIMIT_AS, int(limits.get("memory_mb", 6144)) * MB),
        (resource.RLIMIT_CPU, cpu_seconds(limits)),
        (resource.RLIMIT_FSIZE, int(limits.get("fsize_mb", 64)) * MB),
        (resource.RLIMIT_NOFILE, int(limits.get("nofile", 256))),
        (resource.RLIMIT_CORE, 0),
        (resource.RLIMIT_NPROC, nproc),
        (resource.RLIMIT_MEMLOCK, 0),
        (resource.RLIMIT_MSGQUEUE, 0),
    ]
    for which, value in settings:
        try:
            soft, hard = resource.getrlimit(which)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)  # without privileges a hard limit can only go down
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            pass


def become(uid):
    """Drop root for good: no supplementary groups, real/effective/saved ids all ``uid``."""
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    if os.getuid() != uid or os.geteuid() != uid:
        raise OSError("could not switch to the sandbox user")


def die_with_parent(parent_pid):
    """SIGKILL this process when its parent dies. Set after the uid switch, which clears it."""
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:
        os._exit(0)
