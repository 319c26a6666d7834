"""Printing is never fatal (the zygote's supervisor on plain forked children, no TensorFlow): output past
the kept amount is counted and dropped, the pipe is drained so the child never blocks, and the run goes on."""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_supervise import LIMITS, report, run_child  # noqa: E402


def test_a_child_that_prints_50_mb_then_reports_completes_with_what_it_built():
    def body(out, ch):
        chunk = b"#" * (1 << 20)
        for _ in range(50):
            os.write(out, chunk)
        report(ch, final="completed", model="built")

    started = time.monotonic()
    reply = run_child(body, {"output_limit_bytes": 4 * 2**20})  # an old-style hard limit is ignored
    assert (reply["outcome"], reply["detail"]) == ("completed", "")
    assert reply["state"]["model"] == "built"
    assert len(reply["output"]) == LIMITS["output_bytes"]
    assert reply["output_dropped_bytes"] == 50 * 2**20 - LIMITS["output_bytes"]
    assert time.monotonic() - started < 8


def test_the_kept_output_is_the_first_bytes_printed_across_stdout_and_stderr():
    def body(out, ch):
        os.write(out, b"first line\n")
        os.write(out, b"z" * 5000)
        report(ch, final="completed")

    reply = run_child(body)
    assert reply["output"].startswith("first line\n") and len(reply["output"]) == LIMITS["output_bytes"]
    assert reply["output_dropped_bytes"] == 11 + 5000 - LIMITS["output_bytes"]


def test_a_child_that_writes_after_its_final_report_is_not_blocked():
    def body(out, ch):
        report(ch, final="completed")
        for _ in range(20):
            os.write(out, b"x" * 65536)  # would block forever if nobody read the pipe

    reply = run_child(body, {"timeout_s": 10})
    assert reply["outcome"] == "completed"
