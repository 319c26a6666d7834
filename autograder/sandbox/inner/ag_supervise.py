"""Watch one job's child from the zygote: wall clock, printed output, total memory and disk use of
all its processes; then end it and every process it left behind, and say how it ended.

How a job ended is a short code in ``detail`` that the grader turns into words:
``wall``, ``cpu``, ``memory``, ``disk``, ``files``, ``report_too_large``,
``channel_closed``, ``signal:NAME``, ``exit:N``.

Printing is never fatal: output past the kept amount is counted and dropped, and the pipe is read
to the end so the child never blocks on it; only the wall clock stops a run that prints forever.
"""
from __future__ import annotations

import json
import os
import select
import signal
import time

from ag_limits import cpu_seconds, proc_entries, real_uid_of

MAX_REPORT_LINE = 32 * 1024 * 1024
RUNNER_FAILED = 70  # the zygote's exit code for a child whose runner raised
CHANNEL_LOST = 71  # ag_execute's exit code when its report channel was closed under it
MEMORY_POLL_S = 0.5
DISK_POLL_S = 1.0
MAX_FILES = 20000  # used only when the grader sends no "max_files" (RunLimits.max_files is the source)
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
MAX_MARKS = 5000
MEMORY_HINTS = ("bad_alloc", "Resource exhausted", "ResourceExhaustedError", "MemoryError",
                "Cannot allocate memory", "OOM when allocating")


def all_pids():
    return [int(entry) for entry in proc_entries()]


def parent_of(pid):
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return int(fh.read().rsplit(b")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def descendants(root):
    children = {}
    for pid in all_pids():
        children.setdefault(parent_of(pid), []).append(pid)
    found, todo = [], list(children.get(root, []))
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _rss_kb(pid):
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            return int(fh.read().split()[1]) * PAGE_KB
    except (OSError, ValueError, IndexError):
        return 0


def _pss_kb(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            for line in fh:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return _rss_kb(pid)


class MemoryGauge:
    """Is the resident memory of a job's processes over budget? The RSS sum is cheap but counts the
    pages a fork still shares with its parent once per process; when it is over budget the fair
    share (PSS) is summed instead, largest processes first, stopping once over. PSS walks page
    tables, so it is measured at most every 4x what it last cost (and at least every 2 s)."""

    def __init__(self):
        self.next_pss = 0.0

    def over(self, pids, budget_kb):
        sizes = sorted(((_rss_kb(pid), pid) for pid in pids), reverse=True)
        total = sum(size for size, _ in sizes)
        if total <= budget_kb or len(sizes) < 2:
            return total > budget_kb
        started = time.monotonic()
        if started < self.next_pss:
            return False
        pss = 0
        for _, pid in sizes:
            pss += _pss_kb(pid)
            if pss > budget_kb:
                return True
        self.next_pss = time.monotonic() + min(2.0, 4 * (time.monotonic() - started))
        return False


class OutputMarks:
    """Cuts the runner's cell marks (``\\x1eAGCELL:<job nonce>:<cell>\\x1e``, written to the output pipe before
    each cell runs) out of the printed output and remembers where each cell's output starts. The zygote draws the
    nonce per job; a submission that finds and prints it can only misplace its own output in the desk's view."""

    def __init__(self, nonce):
        self.prefix = b"\x1eAGCELL:" + nonce.encode("ascii") + b":" if nonce else b""
        self.carry = b""
        self.seen = 0  # bytes of output (marks left out) passed on so far
        self.starts = []  # (cell, byte offset in the output)

    def feed(self, data):
        """``data`` without the marks in it (a mark split across two reads is held back until complete).
        Linear in the data, however many separator bytes a submission prints."""
        if not self.prefix:
            return data
        data, self.carry = self.carry + data, b""
        out = bytearray()
        size, longest = len(data), len(self.prefix) + 11
        pos = 0
        while pos < size:
            at = data.find(b"\x1e", pos)
            if at < 0:
                out += data[pos:]
                break
            out += data[pos:at]
            head = data[at:at + longest + 1]
            end = head.find(b"\x1e", 1)
            if end < 0 and len(head) <= longest and (head.startswith(self.prefix) or self.prefix.startswith(head)):
                self.carry = data[at:]  # perhaps a mark cut by the read: wait for the rest
                break
            cell = head[len(self.prefix):end] if end > 0 and head.startswith(self.prefix) else b""
            if cell.isdigit():
                if len(self.starts) < MAX_MARKS:
                    self.starts.append((int(cell), self.seen + len(out)))
                pos = at + end + 1
            else:  # a separator byte of the submission's own output
                out += b"\x1e"
                pos = at + 1
        self.seen += len(out)
        return bytes(out)

    def finish(self):
        """What was held back at the end (a mark never completed is plain output)."""
        rest, self.carry = self.carry, b""
        self.seen += len(rest)
        return rest

    def cells(self, kept):
        """``[[cell, character offset in the kept output as decoded]]``."""
        return [[cell, len(bytes(kept[:min(offset, len(kept))]).decode("utf-8", "replace"))]
                for cell, offset in self.starts]


def disk_usage(folder, max_files=MAX_FILES):
    """(bytes, entries) under ``folder``, counting stops after ``max_files`` entries."""
    used, entries, todo = 0, 0, [folder]
    while todo and entries <= max_files:
        try:
            with os.scandir(todo.pop()) as it:
                for entry in it:
                    entries += 1
                    try:
                        st = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    used += st.st_blocks * 512
                    if entry.is_dir(follow_symlinks=False):
                        todo.append(entry.path)
        except OSError:
            continue
    return used, entries


class Supervisor:
    """Supervises the jobs of one zygote. ``run_as``: the uid jobs run as; ``owns_uid``: that uid
    is the sandbox's own (so every process with it belongs to the job)."""

    def __init__(self, run_as, owns_uid):
        self.run_as = run_as
        self.owns_uid = owns_uid

    def job_pids(self):
        if self.owns_uid:
            return [pid for pid in all_pids() if real_uid_of(pid) == self.run_as]
        return descendants(os.getpid())

    def supervise(self, pid, out_r, ch_r, limits, started, workdir):
        """Read the child's output and reports until it ends or breaks a limit. Returns the reply."""
        deadline = started + float(limits.get("timeout_s", 120))
        keep = int(limits.get("output_bytes", 65536))
        memory_budget_kb = int(limits.get("memory_mb", 6144)) * 1024
        disk_budget = int(limits.get("disk_mb", 512)) * 1024 * 1024
        max_files = int(limits.get("max_files", MAX_FILES))
        kept, total, channel, last_line = bytearray(), 0, bytearray(), None
        marks = OutputMarks(limits.get("output_mark"))
        open_fds = {out_r, ch_r}
        status = rusage = exited_at = channel_closed_at = None
        stop = None  # (outcome, detail) when the supervisor ends the job
        next_memory = next_disk = time.monotonic()
        gauge = MemoryGauge()
        while stop is None:
            if status is None:
                done, st, ru = os.wait4(pid, os.WNOHANG)
                if done:
                    status, rusage, exited_at = st, ru, time.monotonic()
            now = time.monotonic()
            if status is not None and (not open_fds or now - exited_at > 0.3):
                break  # a detached grandchild may hold the pipes open; it is killed below
            if now >= deadline:
                stop = ("timeout", "wall")
                break
            if now >= next_memory:
                next_memory = now + MEMORY_POLL_S
                if gauge.over(self.job_pids(), memory_budget_kb):
                    stop = ("memory_limit", "memory")
                    break
            if now >= next_disk:
                next_disk = now + DISK_POLL_S
                used, entries = disk_usage(workdir, max_files)
                if used > disk_budget or entries > max_files:
                    stop = ("disk_limit", "disk" if used > disk_budget else "files")
                    break
            wait = min(0.05 if status is not None else MEMORY_POLL_S, max(0.0, deadline - now))
            ready = select.select(list(open_fds), [], [], wait)[0] if open_fds else time.sleep(wait) or []
            for fd in ready:
                try:
                    data = os.read(fd, 1 << 16)
                except OSError:
                    data = b""
                if not data:
                    if fd == out_r:
                        rest = marks.finish()
                        total += len(rest)
                        if len(kept) < keep:
                            kept += rest[: keep - len(kept)]
                    open_fds.discard(fd)
                    if fd == ch_r and status is None:
                        status, rusage = wait_briefly(pid, 0.2)
                        if status is None:  # still running without its report channel
                            channel_closed_at = time.monotonic()
                        else:
                            exited_at = time.monotonic()
                    continue
                if fd == out_r:
                    data = marks.feed(data)
                    total += len(data)
                    if len(kept) < keep:
                        kept += data[: keep - len(kept)]
                else:
                    if b"\n" in data:  # a line ended: keep the last complete one, start the next
                        head, _, rest = data.rpartition(b"\n")
                        channel += head
                        last_line = bytes(channel).rsplit(b"\n", 1)[-1]
                        channel = bytearray(rest)
                    else:
                        channel += data
                    if len(channel) > MAX_REPORT_LINE:
                        stop = ("crash", "report_too_large")
        elapsed = time.monotonic() - started
        if status is None:
            for kill in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
                try:
                    kill()
                except OSError:
                    pass
            _, status, rusage = os.wait4(pid, 0)
        self.kill_strays()
        for fd in (out_r, ch_r):
            try:
                os.close(fd)
            except OSError:
                pass
        state = parse_report(last_line)
        text = bytes(kept).decode("utf-8", "replace")
        if stop is None:
            stop = self.classify(status, rusage, state, text, limits, channel_closed_at)
        return {"outcome": stop[0], "detail": stop[1], "state": state, "output": text,
                "output_dropped_bytes": max(0, total - len(kept)), "elapsed_s": elapsed,
                "output_cells": marks.cells(kept)}

    @staticmethod
    def classify(status, rusage, state, text, limits, channel_closed_at):
        """(outcome, detail) for a child that ended by itself."""
        final = state.get("final") if isinstance(state, dict) else None
        if final == "soft_timeout":
            return "timeout", "wall"
        if final in ("completed", "trained"):
            return "completed", ""
        cpu_used = (rusage.ru_utime + rusage.ru_stime) if rusage is not None else 0.0
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            if sig == signal.SIGXCPU or (sig == signal.SIGKILL and cpu_used >= cpu_seconds(limits) - 1):
                return "timeout", "cpu"
            if any(hint in text for hint in MEMORY_HINTS):
                return "memory_limit", "memory"
            try:
                name = signal.Signals(sig).name
            except ValueError:
                name = str(sig)
            return "crash", f"signal:{name}"
        code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1
        if channel_closed_at is not None or code == CHANNEL_LOST:
            return "crash", "channel_closed"
        if code != 0 and any(hint in text for hint in MEMORY_HINTS):
            return "memory_limit", "memory"
        # Student exceptions are caught by the runner: only the runner failing exits with 70.
        return ("crash" if code == RUNNER_FAILED else "exited"), f"exit:{code}"

    def kill_strays(self):
        """Kill every process a job left behind: all of the sandbox user's, and all our orphans."""
        if self.owns_uid:
            pid = os.fork()
            if pid == 0:
                try:
                    os.setgroups([])
                    os.setresgid(self.run_as, self.run_as, self.run_as)
                    os.setresuid(self.run_as, self.run_as, self.run_as)
                    os.kill(-1, signal.SIGKILL)  # every process of this uid the kernel lets us see
                finally:
                    os._exit(0)
            os.waitpid(pid, 0)
        for _ in range(100):
            strays = descendants(os.getpid())
            if not strays:
                break
            for stray in strays:
                try:
                    os.kill(stray, signal.SIGKILL)
                except OSError:
                    pass
            reap_children()
            time.sleep(0.01)
        reap_children()


def wait_briefly(pid, seconds):
    """(status, rusage) if ``pid`` ends within ``seconds``, else (None, None)."""
    until = time.monotonic() + seconds
    while True:
        done, status, rusage = os.wait4(pid, os.WNOHANG)
        if done:
            return status, rusage
        if time.monotonic() >= until:
            return None, None
        time.sleep(0.01)


def reap_children():
    while True:
        try:
            done, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if not done:
            return


def parse_report(line):
    """The child's last complete report line as a dict, or None (a broken line is ignored)."""
    if not line:
        return None
    try:
        state = json.loads(line)
    except (ValueError, RecursionError):
        return None
    return state if isinstance(state, dict) else None
