"""Helpers for the sandbox tests: run a snippet in a real worker and read back the facts it prints."""
from __future__ import annotations

import base64
import json
import os
from pathlib import Path

from autograder.types import RunLimits

REPO = Path(__file__).resolve().parents[2]
MARK = "FACTS:"


def run_snippet(worker, source: str, limits: RunLimits | None = None, files=()):
    """Run ``source`` as a script job; returns (artifact, facts printed with ``emit``)."""
    job = {"id": "probe", "kind": "script", "filename": "probe.py", "cells": [{"index": 0, "source": PRELUDE + source}],
           "files": list(files), "data": None}
    artifact = worker.run(job, limits or RunLimits(timeout_s=60))
    facts = {}
    for line in artifact.output.splitlines():
        if line.startswith(MARK):
            facts.update(json.loads(base64.b64decode(line[len(MARK):])))
    return artifact, facts


PRELUDE = f'''
import base64 as _base64, errno as _errno, json as _json, os as _os
def emit(**facts):  # base64: the grader scrubs its own paths from what a job prints, not from the probe's facts
    print({MARK!r} + _base64.b64encode(_json.dumps(facts, default=str).encode()).decode(), flush=True)
def err(call):
    try:
        call()
    except OSError as exc:
        return _errno.errorcode.get(exc.errno, exc.errno)
    return "allowed"
'''


def processes_with(text: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                comm = Path(f"/proc/{entry}/comm").read_text()
            except OSError:
                continue
            if text in cmdline or text in comm:
                found.append(int(entry))
    return found


def descendants(root: int) -> list[int]:
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parents[int(entry)] = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    found, todo = [], [root]
    while todo:
        parent = todo.pop()
        for pid, ppid in parents.items():
            if ppid == parent:
                found.append(pid)
                todo.append(pid)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
