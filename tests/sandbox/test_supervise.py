"""The zygote's supervisor on plain forked children (no TensorFlow, no root needed): output cap,
limits, how a run ended, and the sweep of processes left behind."""
from __future__ import annotations

import faulthandler
import json
import os
import signal
import sys
import time
from pathlib import Path

import pytest

INNER = Path(__file__).resolve().parents[2] / "autograder" / "sandbox" / "inner"
sys.path.insert(0, str(INNER))

import ag_limits  # noqa: E402
import ag_supervise  # noqa: E402
from ag_supervise import Supervisor  # noqa: E402
from autograder.types import RunLimits  # noqa: E402

LIMITS = {"timeout_s": 10, "output_bytes": 1000, "output_limit_bytes": 200_000, "memory_mb": 6144, "fsize_mb": 64}


def run_child(body, limits=None, workdir=None):
    """Supervise a child running ``body(out_fd, channel_fd)`` the way the zygote does, on the path
    used without root (the job's processes are the zygote's descendants). A forked stand-in for
    the zygote (a child subreaper) does it, so this test process keeps its own state."""
    reply_r, reply_w = os.pipe()
    zygote = os.fork()
    if zygote == 0:
        try:
            ag_limits.prctl(ag_limits.PR_SET_CHILD_SUBREAPER, 1)
            out_r, out_w = os.pipe()
            ch_r, ch_w = os.pipe()
            started = time.monotonic()
            pid = os.fork()
            if pid == 0:
                code = 0
                try:
                    faulthandler.disable()  # pytest's handler would print a trace for the signals sent
                    os.setsid()
                    os.close(out_r)
                    os.close(ch_r)
                    body(out_w, ch_w)
                except BaseException:
                    code = 1
                os._exit(code)
            os.close(out_w)
            os.close(ch_w)
            supervisor = Supervisor(os.getuid(), owns_uid=False)
            reply = supervisor.supervise(pid, out_r, ch_r, dict(LIMITS, **(limits or {})), started,
                                         str(workdir or "/nonexistent"))
            os.write(reply_w, json.dumps(reply).encode())
        finally:
            os._exit(0)
    os.close(reply_w)
    data = b""
    while chunk := os.read(reply_r, 1 << 16):
        data += chunk
    os.close(reply_r)
    os.waitpid(zygote, 0)
    return json.loads(data)


def report(fd, **state):
    os.write(fd, (json.dumps({"type": "state", **state}) + "\n").encode())


def test_a_completed_run_returns_its_last_report_and_keeps_only_the_first_bytes_printed():
    def body(out, ch):
        os.write(out, b"x" * 5000)
        report(ch, final=None, step=1)
        report(ch, final="completed", step=2)

    reply = run_child(body)
    assert reply["outcome"] == "completed"
    assert reply["state"]["step"] == 2
    assert len(reply["output"]) == 1000
    assert reply["output_dropped_bytes"] == 4000


def test_printing_past_the_old_hard_limit_is_not_fatal_only_the_wall_clock_stops_it():
    def body(out, ch):
        report(ch, final=None, model="built")
        while True:
            os.write(out, b"y" * 65536)

    reply = run_child(body, {"timeout_s": 2})
    assert (reply["outcome"], reply["detail"]) == ("timeout", "wall")
    assert reply["output_dropped_bytes"] > LIMITS["output_limit_bytes"]
    assert reply["state"]["model"] == "built"


def test_the_wall_clock_limit_ends_a_hung_child_and_what_it_reported_stands():
    def body(out, ch):
        report(ch, final=None, model="built")
        time.sleep(60)

    started = time.monotonic()
    reply = run_child(body, {"timeout_s": 1})
    assert time.monotonic() - started < 5
    assert (reply["outcome"], reply["detail"]) == ("timeout", "wall")
    assert reply["state"]["model"] == "built"


@pytest.mark.parametrize("sig, detail", [(signal.SIGSEGV, "signal:SIGSEGV"), (signal.SIGABRT, "signal:SIGABRT")])
def test_a_child_killed_by_a_signal_is_a_crash_with_the_signal_named(sig, detail):
    reply = run_child(lambda out, ch: os.kill(os.getpid(), sig))
    assert (reply["outcome"], reply["detail"]) == ("crash", detail)


def test_the_cpu_limit_signal_is_a_timeout():
    reply = run_child(lambda out, ch: os.kill(os.getpid(), signal.SIGXCPU))
    assert (reply["outcome"], reply["detail"]) == ("timeout", "cpu")


def test_an_exit_without_a_final_report_is_exited_with_its_code():
    reply = run_child(lambda out, ch: os._exit(3))
    assert (reply["outcome"], reply["detail"]) == ("exited", "exit:3")


def test_closing_the_report_channel_and_going_on_is_reported_as_such():
    def body(out, ch):
        os.close(ch)
        time.sleep(0.5)

    reply = run_child(body)
    assert (reply["outcome"], reply["detail"]) == ("crash", "channel_closed")


def test_a_report_larger_than_a_pipe_read_arrives_whole():
    def body(out, ch):
        report(ch, final=None, blob="a" * 10)
        line = (json.dumps({"type": "state", "final": "completed", "blob": "b" * 300_000}) + "\n").encode()
        view = memoryview(line)
        while view:
            view = view[os.write(ch, view):]

    reply = run_child(body)
    assert reply["outcome"] == "completed" and len(reply["state"]["blob"]) == 300_000


def test_a_broken_or_deeply_nested_report_line_is_ignored():
    def body(out, ch):
        os.write(ch, b"[" * 100000 + b"\n")
        os.write(ch, b"{not json\n")

    reply = run_child(body)
    assert reply["state"] is None


def test_detached_grandchildren_holding_the_pipes_are_killed():
    marker = f"ag-test-{os.getpid()}-{time.time_ns()}"

    def body(out, ch):
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(60)", marker])
            os._exit(0)
        report(ch, final="completed")

    started = time.monotonic()
    reply = run_child(body)
    assert reply["outcome"] == "completed"
    assert time.monotonic() - started < 5
    time.sleep(0.2)
    assert not [p for p in ag_supervise.all_pids() if marker in _cmdline(p)]


def test_writing_past_the_disk_budget_stops_the_run(tmp_path):
    def body(out, ch):
        for n in range(100):
            (tmp_path / f"f{n}").write_bytes(b"z" * 2**20)
        time.sleep(30)

    budget = RunLimits(fsize_mb=4).to_job()  # as the grader sends it: disk_mb = 8 x 4 MB
    reply = run_child(body, {"fsize_mb": 4, "disk_mb": budget["disk_mb"]}, workdir=tmp_path)
    assert budget["disk_mb"] == 32
    assert (reply["outcome"], reply["detail"]) == ("disk_limit", "disk")


def test_too_many_files_stops_the_run(tmp_path, monkeypatch):
    monkeypatch.setattr(ag_supervise, "MAX_FILES", 300)

    def body(out, ch):
        for n in range(1000):
            (tmp_path / f"f{n}").touch()
        time.sleep(30)

    reply = run_child(body, workdir=tmp_path)
    assert (reply["outcome"], reply["detail"]) == ("disk_limit", "files")


def test_memory_of_all_the_jobs_processes_counts_together():
    def body(out, ch):
        for _ in range(4):
            if os.fork() == 0:
                hog = b"m" * (120 * 2**20)  # noqa: F841
                time.sleep(30)
                os._exit(0)
        time.sleep(30)

    started = time.monotonic()
    reply = run_child(body, {"memory_mb": 300})  # no single process passes 300 MB; together they do
    assert (reply["outcome"], reply["detail"]) == ("memory_limit", "memory")
    assert time.monotonic() - started < 8


def test_disk_usage_counts_bytes_and_entries(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "b").write_bytes(b"q" * 100_000)
    used, entries = ag_supervise.disk_usage(str(tmp_path))
    assert used >= 100_000 and entries == 2


def _cmdline(pid):
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""
