"""Grade the hostile corpus as one real batch, then judge what was recorded and what was left.

Used by tests/hostile/test_hostile_batch.py and bench/hostile_table.py. Each attack is followed in
the batch by a copy of the reference solution, which must still get full marks.
"""
from __future__ import annotations

import multiprocessing.resource_tracker
import os
import re
import socket
import sys
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from hostile_cases import (  # noqa: E402
    CASES, FULL_MARKS, REPO, Case, attack_id, new_context, ref_id, write_corpus,
)

# The listener the network attack tries to reach ------------------------------------------------
@dataclass
class Listener:
    """A TCP and a UDP socket on 127.0.0.1 that record anything reaching them."""

    tcp: socket.socket = field(default_factory=lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM))
    udp: socket.socket = field(default_factory=lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
    reached: list[str] = field(default_factory=list)
    closed: threading.Event = field(default_factory=threading.Event)

    def start(self) -> "Listener":
        self.tcp.bind(("127.0.0.1", 0))
        self.tcp.listen(16)
        self.tcp.settimeout(0.2)
        self.udp.bind(("127.0.0.1", 0))
        self.udp.settimeout(0.2)
        threading.Thread(target=self._serve, daemon=True).start()
        return self

    @property
    def ports(self) -> tuple[int, int]:
        return self.tcp.getsockname()[1], self.udp.getsockname()[1]

    def _serve(self) -> None:
        while not self.closed.is_set():
            try:
                conn, peer = self.tcp.accept()
                self.reached.append(f"tcp from {peer}")
                conn.close()
            except (socket.timeout, OSError):
                pass
            try:
                data, peer = self.udp.recvfrom(4096)
                self.reached.append(f"udp from {peer}: {data[:40]!r}")
            except (socket.timeout, OSError):
                pass

    def close(self) -> None:
        self.closed.set()
        time.sleep(0.5)
        self.tcp.close()
        self.udp.close()


# Leftovers -----------------------------------------------------------------------------------
def processes_with(token: str, uids: set[int]) -> list[str]:
    """Processes carrying the token in their name or command line, or running as a sandbox uid."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            comm = Path(f"/proc/{entry}/comm").read_text().strip()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        uid = int(re.search(r"^Uid:\s+(\d+)", status, re.M).group(1))
        if token in comm or token in cmdline or uid in uids:
            found.append(f"{entry} uid={uid} {comm}: {cmdline[:120]}")
    return found


def _all_pids() -> list[int]:
    return [int(e) for e in os.listdir("/proc") if e.isdigit()]


def new_descendants(before: set[int]) -> list[str]:
    """Processes started since ``before`` that descend from this one (the grader): none may remain."""
    parents = {}
    for pid in _all_pids():
        try:
            parents[pid] = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    me, found = os.getpid(), []
    for pid in parents:
        if pid in before or pid == me:
            continue
        ancestor, seen = parents.get(pid), 0
        while ancestor and ancestor != me and seen < 64:
            ancestor, seen = parents.get(ancestor), seen + 1
        if ancestor == me:
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue  # gone meanwhile
            found.append(f"{pid} (a new descendant of the grader: {cmdline[:160]})")
    return found


def files_with(token: str, roots: list[Path], max_depth: int = 4, skip_content_under: Path | None = None) -> list[str]:
    """Files whose name carries the token, or small result-like files whose content does, under
    ``roots`` (the grader's own reports quote what a submission printed: their content is skipped)."""
    found = []
    for root in roots:
        if not root.exists():
            continue
        base_depth = len(root.parts)
        for folder, dirs, names in os.walk(root):
            depth = len(Path(folder).parts) - base_depth
            dirs[:] = [d for d in dirs if depth < max_depth and d not in (".venv", ".git", "node_modules")
                       and not (Path(folder) / d).is_symlink()]
            for name in names:
                path = Path(folder) / name
                if token in name:
                    found.append(str(path))
                    continue
                if skip_content_under is not None and skip_content_under in path.parents:
                    continue
                if name in ("result.json", "grades.csv", "report.md") or name.startswith("fake-"):
                    try:
                        if path.stat().st_size < 100_000 and token in path.read_text(errors="replace"):
                            found.append(str(path))
                    except OSError:
                        pass
    return found


# Running and judging -------------------------------------------------------------------------
@dataclass
class Row:
    """One attack and the reference graded after it, as recorded."""

    number: int
    case: Case
    result: object
    reference: object
    problems: list[str]


def cut_short_kind(message: str | None, lang: str) -> str | None:
    """Which ``cut_short.<kind>`` sentence ``message`` is (result.json keeps only the sentence)."""
    if not message:
        return None
    from autograder.i18n import catalog

    for key, template in catalog(lang).items():
        if key.startswith("cut_short."):
            pattern = re.escape(template)
            pattern = re.sub(r"\\\{[a-z_]+\\\}", ".*?", pattern)
            if re.fullmatch(pattern, message, re.S):
                return key.split(".", 1)[1]
    return "?"


def judge(case: Case, result, lang: str, fenced: bool) -> list[str]:
    """What is wrong with what the grader recorded for this attack (empty when all is as expected)."""
    problems = []
    if result is None:
        return ["no result"]
    if result.status != case.status:
        problems.append(f"status {result.status}, expected {case.status}")
    if case.status == "error":
        kind = result.error.kind if result.error else None
        if kind != case.kind:
            problems.append(f"error kind {kind}, expected {case.kind}")
    else:
        kind = cut_short_kind(result.cut_short, lang)
        if kind != case.kind:
            problems.append(f"cut short: {kind}, expected {case.kind}")
    if abs(result.score - case.score) > 1e-9 and (fenced or not case.needs_fence):
        problems.append(f"score {result.score}, expected {case.score}")
    output = result.output or ""
    for text in case.output_must_contain:
        if text not in output:
            problems.append(f"output lacks {text!r}")
    errors = " ".join(f"{e.type}: {e.message}" for e in result.student_errors)
    for text in case.errors_must_contain:
        if text not in errors:
            problems.append(f"student errors lack {text!r}")
    if fenced or not case.needs_fence:
        for marker in ("LEAK", "NET-OK"):
            if marker in output:
                problems.append(f"{marker} in output: " + output[output.index(marker):][:120])
    if len(output.encode()) > 70 * 1024:
        problems.append(f"output kept is {len(output.encode())} bytes")
    return problems


RUN_OVERRIDES = {"nproc": 256, "memory_mb": 3072}
"""The batch's limits besides its timeout: the assignment's, lowered so that the bombs meet them well
within the timeout on a small shared machine (a fork of a TensorFlow process costs ~25 ms; touching
6 GB takes seconds). The reference solution needs far less; tests/sandbox covers the defaults."""


def run_corpus(base: Path, isolation: str, cases: tuple[Case, ...] | None = None, timeout_s: float = 20,
               jobs: int = 2, lang: str = "en") -> dict:
    """Write the corpus under ``base``, grade it as one batch, and return everything observed."""
    from autograder.assignment import load_assignment
    from autograder.batch import BatchOptions, grade_batch
    from autograder.loading import load_submission
    from autograder.sandbox import worker as worker_module

    cases = tuple(c for c in (cases or CASES) if isolation in c.modes)
    ctx = new_context(base)
    listener = Listener().start()
    ctx = replace(ctx, tcp_port=listener.ports[0], udp_port=listener.ports[1])
    paths = write_corpus(ctx, cases)

    uids: set[int] = set()
    tempdirs: list[str] = []
    pick, mkdtemp = worker_module.pick_sandbox_uid, worker_module.tempfile.mkdtemp

    def recording_pick_uid() -> int:
        uid = pick()
        uids.add(uid)
        return uid

    def recording_mkdtemp(*args, **kwargs) -> str:
        path = mkdtemp(*args, **kwargs)
        tempdirs.append(path)
        return path

    # The stdlib's resource tracker is the grader's own, started once per process on the first use of
    # multiprocessing and kept until exit: start it now so that only processes the batch leaves count.
    multiprocessing.resource_tracker.ensure_running()
    pids_before = set(_all_pids())
    os.environ["AG_HOSTILE_SECRET"] = ctx.secret
    worker_module.pick_sandbox_uid = recording_pick_uid
    worker_module.tempfile.mkdtemp = recording_mkdtemp
    finished_at: dict[str, float] = {}
    started = time.monotonic()
    try:
        subs = [load_submission(p, p.stem) for p in paths]
        assignment = load_assignment().with_run_overrides(**RUN_OVERRIDES)
        results = grade_batch(subs, assignment, BatchOptions(
            out_dir=ctx.out_dir, lang=lang, timeout_s=timeout_s, jobs=jobs, isolation=isolation, force=True),
            on_result=lambda r: finished_at.__setitem__(r.id, time.monotonic() - started))
    finally:
        worker_module.pick_sandbox_uid = pick
        worker_module.tempfile.mkdtemp = mkdtemp
        os.environ.pop("AG_HOSTILE_SECRET", None)
        listener.close()
    elapsed = time.monotonic() - started
    time.sleep(0.5)
    by_id = {r.id: r for r in results}
    fenced = isolation == "bwrap" or _landlock_abi() >= 4
    rows = []
    for number, case in enumerate(cases, start=1):
        result = by_id.get(attack_id(number, case))
        reference = by_id.get(ref_id(number))
        problems = judge(case, result, lang, fenced)
        if reference is None or reference.score != FULL_MARKS:
            problems.append(f"the reference after it got {getattr(reference, 'score', None)}")
        rows.append(Row(number, case, result, reference, problems))
    roots = [Path("/tmp"), Path("/var/tmp"), Path("/dev/shm"), REPO, Path.home()]
    planted = files_with(ctx.token, roots, skip_content_under=ctx.out_dir) + \
        files_with(ctx.token, [Path("/")], max_depth=0)
    return {
        "isolation": isolation, "ctx": ctx, "rows": rows, "results": results, "elapsed_s": elapsed,
        "limits": assignment.limits(timeout_s),
        "fenced": fenced, "listener_reached": list(listener.reached),
        "stray_processes": processes_with(ctx.token, uids) + new_descendants(pids_before),
        "planted_files": sorted(set(planted)),
        "leftover_tempdirs": [d for d in tempdirs if os.path.exists(d)],
        "unexpected_out_dirs": sorted({p.name for p in ctx.out_dir.iterdir() if p.is_dir()} - {s.id for s in subs}),
    }


def _landlock_abi() -> int:
    import sys

    sys.path.insert(0, str(REPO / "autograder" / "sandbox" / "inner"))
    try:
        import ag_landlock

        return ag_landlock.abi_version()
    finally:
        sys.path.pop(0)


def evidence(row: Row, width: int = 70) -> str:
    """A short quote of what shows the attack was stopped: the line it printed that the case looks
    for, the student error it got, or why the run ended."""
    r = row.result
    if r is None:
        return ""
    text = ""
    lines = (r.output or "").splitlines()
    wanted = [line for line in lines for key in row.case.output_must_contain + ("refused", "denied", "not permitted", "wrote") if key in line]
    if wanted:
        text = wanted[0]
    elif r.student_errors:
        text = f"{r.student_errors[0].type}: {r.student_errors[0].message}"
    elif r.error is not None:
        text = r.error.message.split(" before ")[0]
    elif r.cut_short:
        text = r.cut_short.split(";")[0]
    text = " ".join(text.replace("|", "/").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def markdown_table(run: dict) -> str:
    """The table for the issue: attack, what was recorded, time, and the reference after it."""
    limits = run["limits"]
    lines = [f"Isolation: **{run['isolation']}**, {len(run['rows'])} attacks, batch wall time "
             f"{run['elapsed_s']:.0f} s. Limits: {limits.timeout_s:g} s wall, {limits.cpu_s} s CPU, "
             f"{limits.memory_mb} MB, {limits.nproc} processes, {limits.fsize_mb} MB per file, "
             f"{limits.nofile} files open, {limits.output_limit_bytes // 2**20} MB printed.", "",
             "| # | attack | recorded: status / kind / score | time (s) | evidence | reference after it | as expected |",
             "|---|---|---|---|---|---|---|"]
    for row in run["rows"]:
        r, ref = row.result, row.reference
        if r is None:
            recorded = "missing"
        else:
            kind = r.error.kind if r.error else (cut_short_kind(r.cut_short, r.lang) or "—")
            if r.error is None and kind != "—":
                kind = f"cut short: {kind}"
            recorded = f"{r.status} / {kind} / {r.score:g}"
        elapsed = f"{r.elapsed_s:.1f}" if r is not None else "—"
        after = f"{ref.score:g}/{ref.max_score:g}" if ref is not None else "missing"
        ok = "yes" if not row.problems else "NO: " + "; ".join(row.problems)
        lines.append(f"| {row.number} | {row.case.attack} | {recorded} | {elapsed} | {evidence(row)} | {after} | {ok} |")
    lines += ["", f"- processes left running: {len(run['stray_processes'])}",
              f"- files planted outside the run's temporary folders: {len(run['planted_files'])}",
              f"- run temporary folders left behind: {len(run['leftover_tempdirs'])}",
              f"- connections/datagrams that reached the listener: {len(run['listener_reached'])}",
              f"- folders in the output folder that are not a submission's: {len(run['unexpected_out_dirs'])}"]
    return "\n".join(lines)
