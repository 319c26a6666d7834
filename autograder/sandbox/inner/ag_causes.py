"""When an error of the student's code is the grading environment's doing, seen on the live exception: a value
of a stood-in module reached the code that failed (``from src import load`` not handed in, then
``model.fit(load.data())``), or an output could not be written. Returns {"kind", "subject"} or None."""
from __future__ import annotations

import re

import ag_outputs
import ag_standins

STANDIN_REPR = re.compile(r"<stand-in ([A-Za-z_][\w.]*)")
STANDIN_CLASS = re.compile(r"\bStandIn(?:Module|Base)?\b")
MAX_FRAMES = 60
MAX_VALUES = 200


def module_of(value):
    """The stood-in module a stand-in value came from (``src.load`` for ``<stand-in src.load.data()>``)."""
    if isinstance(value, ag_standins.StandInModule):
        return value.__name__
    if isinstance(value, ag_standins.StandIn):
        return object.__getattribute__(value, "_ag_name")
    return None


def _values(value, depth=0):
    """A value and, one level down, the items of a list, tuple or dict (a stand-in inside ``[x, y]``)."""
    yield value
    if depth == 0:
        if isinstance(value, (list, tuple)):
            yield from (v for v in value[:20])
        elif isinstance(value, dict):
            yield from (v for v in list(value.values())[:20])


def standin_in(values, known):
    """The first stood-in module name among ``values`` whose top-level module was stood in."""
    seen = 0
    for value in values:
        for item in _values(value):
            seen += 1
            if seen > MAX_VALUES:
                return None
            name = module_of(item)
            if name and name.partition(".")[0] in known:
                return name
    return None


def frame_values(frame):
    """What a frame works on: a module-level statement's global names, else the function's locals."""
    code = frame.f_code
    if code.co_name == "<module>":
        return [frame.f_globals.get(name) for name in code.co_names[:100]]
    return list(frame.f_locals.values())[:100]


def standin_cause(exc, sites, known, runner_file):
    """The stood-in module whose value caused ``exc``, or None. The error's own message names a stand-in;
    or the first library call under the student's code received one; or the student's statement itself
    raised a TypeError/ValueError (``X, y = load.data()`` unpacking nothing) while working on one."""
    if not known:
        return None
    text = ""
    try:
        text = str(exc)
    except Exception:
        pass
    named = STANDIN_REPR.search(text)
    if named and named.group(1).partition(".")[0] in known:
        return named.group(1)
    frames = []
    tb = exc.__traceback__
    while tb is not None and len(frames) < MAX_FRAMES:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    if not frames:
        return None
    if STANDIN_CLASS.search(text):
        for frame in frames:
            found = standin_in(frame_values(frame), known)
            if found:
                return found
        return sorted(known)[0]
    last_student = max((i for i, f in enumerate(frames) if sites.is_student(f.f_code.co_filename)), default=None)
    if last_student is None:
        return None
    if last_student == len(frames) - 1:  # raised by the student's own line (or a C function it called)
        if isinstance(exc, (TypeError, ValueError)):
            return standin_in(frame_values(frames[-1]), known)
        return None
    for frame in frames[last_student + 1:]:
        if runner_file(frame.f_code.co_filename):
            continue
        return standin_in(list(frame.f_locals.values())[:100], known)  # the library's entry: its arguments
    return None


def cause_of(exc, sites, standins, runner_file):
    """{"kind": "output"|"missing_module", "subject": ...} when the environment caused ``exc``, else None.
    ``standins`` are the runner's stood-in module records."""
    if isinstance(exc, (SyntaxError, NameError, ImportError)):
        return None
    try:
        path = ag_outputs.output_path(exc)
        if path:
            return {"kind": "output", "subject": path[:300]}
        known = {r.get("module") for r in standins if isinstance(r, dict)} - {"pydot"}
        name = standin_cause(exc, sites, known, runner_file)
        if name:
            return {"kind": "missing_module", "subject": name[:200]}
    except Exception:
        return None
    return None


def is_runner_file(folder):
    """A predicate: is a code file one of the runner's own modules (in ``folder``)?"""
    prefix = folder.rstrip("/") + "/"
    return lambda filename: isinstance(filename, str) and filename.startswith(prefix)

