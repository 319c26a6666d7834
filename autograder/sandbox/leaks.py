"""Take the grader's own names and paths out of what a sandboxed run sends back (errors, printed output, notes),
so that nothing a student reads names the runner's modules (``ag_hooks``), classes (``StandIn``) or folders
(``/opt/autograder-runner``, the job's ``/tmp/ag/job-3``). Job paths become what the student's code would call
them: relative to the folder it ran in (``/tmp/ag/results`` is ``../results``)."""
from __future__ import annotations

import functools
import re
from typing import Any

from autograder.sandbox import bwrap

STANDIN_CLASS = re.compile(r"\bag_standins\.(StandIn(?:Module|Base)?)\b|\bStandIn(?:Module|Base)?\b")
MAX_DEPTH = 12


@functools.lru_cache(maxsize=None)
def runner_modules() -> tuple[str, ...]:
    """The runner's module names (``ag_hooks``, ``ag_execute`` ...), from its folder."""
    return tuple(sorted(p.stem for p in bwrap.INNER_DIR.glob("ag_*.py")))


@functools.lru_cache(maxsize=None)
def patterns(workroot: str) -> tuple[tuple[re.Pattern[str], Any], ...]:
    root = re.escape(workroot.rstrip("/"))
    # The grader's Python installation (``/work/.venv/lib/python3.11/site-packages/keras/...`` in a warning):
    # shown from ``site-packages/`` on, as a student's own installation would show it.
    installs = "|".join(re.escape(r.rstrip("/")) for r in sorted(bwrap.python_roots(), key=len, reverse=True))
    runner_dirs = "|".join(re.escape(d) for d in (bwrap.RUNNER_MOUNT, str(bwrap.INNER_DIR)))
    modules = "|".join(re.escape(m) for m in runner_modules())
    return (
        (re.compile(rf"(?:{installs})/(?:lib/python[\d.]+/)?(?=site-packages/)"), ""),
        (re.compile(rf"(?:{runner_dirs})/(?:{modules})\.py"), "<grader>"),
        (re.compile(rf"(?:{runner_dirs})\b"), "<grader>"),
        (re.compile(rf"{root}/job-\d+/"), ""),
        (re.compile(rf"{root}/job-\d+\b"), "."),
        (re.compile(rf"{root}/"), "../"),
        (re.compile(rf"{root}\b"), ".."),
        (STANDIN_CLASS, "stand-in"),
        (re.compile(rf"\b(?:{modules})\b"), "grader"),
    )


def scrub(text: str, workroot: str = bwrap.WORKROOT) -> str:
    """``text`` without the runner's module names, classes and folders (job paths made relative)."""
    if not text:
        return text
    for pattern, replacement in patterns(workroot):
        text = pattern.sub(replacement, text)
    return text


def scrub_tree(value: Any, workroot: str = bwrap.WORKROOT, depth: int = 0) -> Any:
    """Every string in a JSON value (dicts, lists) scrubbed; keys kept."""
    if isinstance(value, str):
        return scrub(value, workroot)
    if depth >= MAX_DEPTH:
        return value
    if isinstance(value, dict):
        return {k: scrub_tree(v, workroot, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_tree(v, workroot, depth + 1) for v in value]
    return value
