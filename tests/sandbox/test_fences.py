"""The fences a job's child puts up before student code runs: the seccomp filter (both isolation
levels) and Landlock (the process fallback). Each is tried in a forked child; no TensorFlow."""
from __future__ import annotations

import ctypes
import errno
import os
import platform
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

INNER = Path(__file__).resolve().parents[2] / "autograder" / "sandbox" / "inner"
REPO = INNER.parents[2]
sys.path.insert(0, str(INNER))

import ag_landlock  # noqa: E402
import ag_seccomp  # noqa: E402
from autograder.sandbox import bwrap  # noqa: E402


def in_child(setup, probe):
    """Run ``setup()`` then ``probe()`` in a forked child; return what ``probe`` returned (as repr)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(r)
            setup()
            result = repr(probe())
        except BaseException as exc:  # the probe's own outcome, reported to the parent
            result = f"raised {type(exc).__name__}: {exc}"
        os.write(w, result.encode())
        os._exit(0)
    os.close(w)
    data = b""
    while chunk := os.read(r, 65536):
        data += chunk
    os.waitpid(pid, 0)
    return data.decode()


def errno_of(call):
    try:
        call()
    except OSError as exc:
        return exc.errno
    return 0


libc = ctypes.CDLL(None, use_errno=True)


def _unshare_user():
    if libc.unshare(0x10000000) != 0:
        raise OSError(ctypes.get_errno(), "unshare")


needs_seccomp = pytest.mark.skipif(ag_seccomp.program(platform.machine()) is None,
                                   reason=f"no seccomp filter for {platform.machine()}")


@needs_seccomp
def test_seccomp_refuses_new_namespaces_ptrace_and_io_uring_but_not_threads_forks_or_subprocesses():
    def probe():
        t = threading.Thread(target=lambda: None)
        t.start()
        t.join()
        pid = os.fork()
        if pid == 0:
            os._exit(5)
        forked = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        echoed = subprocess.run(["echo", "ok"], capture_output=True, text=True).stdout.strip()
        return {
            "unshare": errno_of(_unshare_user),
            "ptrace": libc.ptrace(0, 0, 0, 0) == -1 and ctypes.get_errno(),
            "io_uring": libc.syscall(425, 4, None) == -1 and ctypes.get_errno(),
            "fork": forked, "subprocess": echoed,
            "unshare_cmd": subprocess.run(["unshare", "-Ur", "true"], capture_output=True).returncode,
        }

    result = eval(in_child(ag_seccomp.install, probe))
    assert result["unshare"] == errno.EPERM
    assert result["ptrace"] == errno.EPERM
    assert result["io_uring"] == errno.EPERM
    assert result["unshare_cmd"] != 0
    assert (result["fork"], result["subprocess"]) == (5, "ok")


needs_landlock = pytest.mark.skipif(ag_landlock.abi_version() < 1, reason="this kernel has no Landlock")


@needs_landlock
def test_landlock_lets_a_job_read_the_system_and_write_only_its_folder(tmp_path):
    job = tmp_path / "job"
    job.mkdir()
    outside = tmp_path / "outside.txt"
    outside.write_text("grader's")

    def setup():
        ag_landlock.restrict(bwrap.readable_roots() + ["/proc", "/dev"], [str(job), "/dev/null"])

    def probe():
        (job / "mine.txt").write_text("ok")
        return {
            "own": (job / "mine.txt").read_text(),
            "system": len(Path("/etc/hostname").read_text()) >= 0,
            "read_outside": errno_of(outside.read_text),
            "write_outside": errno_of(lambda: (tmp_path / "planted").write_text("x")),
            "repo": errno_of(lambda: (REPO / "pyproject.toml").read_text()),
            "tmp": errno_of(lambda: open("/tmp/ag-landlock-probe", "w")),
            "devnull": errno_of(lambda: open("/dev/null", "w").write("x")),
        }

    result = eval(in_child(setup, probe))
    assert result["own"] == "ok" and result["system"] and result["devnull"] == 0
    assert result["read_outside"] == errno.EACCES
    assert result["write_outside"] == errno.EACCES
    assert result["repo"] == errno.EACCES
    assert result["tmp"] == errno.EACCES
    assert not (tmp_path / "planted").exists()


@pytest.mark.skipif(ag_landlock.abi_version() < 4, reason="Landlock ABI < 4: no TCP rules")
def test_landlock_refuses_tcp_connections():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]

    def probe():
        return errno_of(lambda: socket.create_connection(("127.0.0.1", port), timeout=2))

    try:
        assert in_child(lambda: ag_landlock.restrict(["/usr"], ["/dev/null"]), probe) == str(errno.EACCES)
        server.settimeout(0.2)
        with pytest.raises(socket.timeout):
            server.accept()
    finally:
        server.close()


@pytest.mark.skipif(ag_landlock.abi_version() < 6, reason="Landlock ABI < 6: signals are not scoped")
def test_landlock_keeps_a_job_from_signalling_the_grader():
    parent = os.getpid()
    result = in_child(lambda: ag_landlock.restrict(["/usr"], ["/dev/null"]),
                      lambda: errno_of(lambda: os.kill(parent, signal.SIGTERM)))
    assert result == str(errno.EPERM)


@needs_seccomp
def test_without_bwraps_namespaces_seccomp_refuses_sockets_udp_and_unix_included():
    def probe():
        made = [errno_of(lambda: socket.socket(family, kind).close())
                for family, kind in ((socket.AF_INET, socket.SOCK_DGRAM), (socket.AF_INET, socket.SOCK_STREAM),
                                     (socket.AF_INET6, socket.SOCK_DGRAM), (socket.AF_UNIX, socket.SOCK_STREAM))]
        return made + [errno_of(lambda: [s.close() for s in socket.socketpair()])]

    result = eval(in_child(lambda: ag_seccomp.install(block_sockets=True), probe))
    assert result == [errno.EACCES] * 4 + [0]
    assert eval(in_child(ag_seccomp.install, probe)) == [0] * 5  # under bwrap its namespaces fence them
