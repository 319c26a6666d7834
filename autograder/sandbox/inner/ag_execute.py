"""Run one submission's code inside the sandboxed child and report its Keras models as JSON.

The report is written as JSON lines to a pipe the zygote reads; the last complete line wins.
Execution goes on after a failing cell (notebook) or top-level statement (script).
"""
from __future__ import annotations

# Bound at import, before any student code: patching ``builtins`` later cannot change what this module calls.
from builtins import (  # noqa: A004
    all, any, callable, dict, enumerate, float, getattr, hasattr, id, int, isinstance, iter, len, list, max, min,
    next, range, repr, set, sorted, str, sum, tuple, type, vars, zip,
)

import ast
import builtins
import json
import linecache
import os
import sys
import threading
import time
import traceback

import ag_describe as describe
import ag_hooks as hooks

MAX_ERRORS = 50

# Taken before any student code runs, so a submission that replaces them (json.dumps = ...,
# os.write = ..., os._exit = ...) does not break the report or the soft deadline.
_dumps = json.dumps
_write = os.write
_exit = os._exit
_Timer = threading.Timer
_RLock = threading.RLock
_getpid = os.getpid
CHANNEL_LOST = 71
"""Exit code of a child whose report channel was closed under it (the zygote says so)."""


class IPythonStub:
    """Stands in for ``get_ipython()``: magics and shell lines never break grading."""

    def __init__(self, namespace, notes):
        self.user_ns = namespace
        self.notes = notes
        self.current_file = None

    def _note(self, text):
        if len(self.notes) < 100:
            self.notes.append(describe.short(text, 200))

    def run_line_magic(self, name, line, *args, **kwargs):
        if name in ("time", "timeit", "prun") and line.strip():
            statement = line.strip()
            if name == "timeit":  # drop -n/-r options, run once
                parts = statement.split()
                while parts and parts[0].startswith("-"):
                    parts = parts[2:] if parts[0] in ("-n", "-r") else parts[1:]
                statement = " ".join(parts)
            exec(compile(statement, "<magic>", "exec"), self.user_ns)
            return None
        self._note(f"%{name} {line}".strip())
        return None

    def run_cell_magic(self, name, line, cell):
        if name in ("time", "timeit", "capture", "prun"):
            # Compiled as part of the current cell, one line down (below the %%magic line),
            # so errors and layer creation sites point at the student's own line.
            filename = self.current_file or "<magic>"
            exec(compile("\n" + cell, filename, "exec"), self.user_ns)
            return None
        if name == "writefile":
            target = line.split()[-1] if line.split() else None
            if target:
                mode = "a" if "-a" in line.split() else "w"
                with open(target, mode, encoding="utf-8") as fh:
                    fh.write(cell)
            return None
        self._note(f"%%{name} {line}".strip())
        return None

    def system(self, cmd, *args, **kwargs):
        self._note(f"!{cmd}")
        return 0

    def getoutput(self, cmd, *args, **kwargs):
        self._note(f"!{cmd}")
        return []

    def run_cell(self, *args, **kwargs):
        return None

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


def display(*objects, **kwargs):
    """Jupyter's ``display`` outside Jupyter: print each object's text form."""
    for obj in objects:
        print(repr(obj) if not isinstance(obj, str) else obj)


def location_for(filename, lineno, where_by_file):
    where = where_by_file.get(filename)
    if where is None:
        return None
    loc = dict(where)
    loc["line"] = lineno
    return loc


def error_record(exc, where_by_file, fallback):
    """An exception as {type, message, location, traceback}, trimmed to the student's frames."""
    frames = []
    location = None
    for frame in traceback.extract_tb(exc.__traceback__):
        loc = location_for(frame.filename, frame.lineno, where_by_file)
        if loc is None:
            continue
        location = loc
        label = f"celda {loc['cell']}" if "cell" in loc else loc.get("file", "?")
        frames.append(f"{label}, línea {frame.lineno}, en {frame.name}: {describe.short(frame.line or '', 200)}")
    if isinstance(exc, SyntaxError) and exc.filename in where_by_file:
        location = location_for(exc.filename, exc.lineno, where_by_file)
    return {
        "type": type(exc).__name__,
        "message": describe.short(exc, 1000),
        "location": location or fallback,
        "traceback": frames[-15:],
    }


def units_of(job):
    """(code filename, location, code) for each unit to execute, in order."""
    units = []
    if job["kind"] == "notebook":
        for cell in job["cells"]:
            filename = f"<cell {cell['index']}>"
            units.append((filename, {"cell": cell["index"]}, cell["source"]))
    else:
        units.append((job["filename"], {"file": job["filename"]}, job["cells"][0]["source"]))
    return units


def statements(filename, source):
    """Top-level statements of a script, compiled one by one so a failing one does not stop the rest."""
    tree = ast.parse(source, filename=filename)
    for node in tree.body:
        module = ast.Module(body=[node], type_ignores=[])
        yield node.lineno, compile(module, filename, "exec")


def run(job, namespace, channel_fd):
    """Execute the job's code in ``namespace``; report state on ``channel_fd``."""
    import keras  # already imported by the zygote: free

    saved_builtins = dict(vars(builtins))
    errors = []
    notes = []
    state = {"finished": False, "units_run": 0, "exit": None}
    units = units_of(job)
    where_by_file = {filename: where for filename, where, _ in units}
    lock = _RLock()
    tracker = None
    owner = _getpid()
    channel = {"lost": False}

    def report(final=None):
        if _getpid() != owner:  # a process the submission forked: only the runner itself reports
            return
        try:
            with lock:
                write_report(final)
        except BaseException:  # a broken report must not end the run: the last good one stands
            pass

    def write_report(final):
        # Student code may have replaced or deleted builtins; our encoder needs the real ones.
        vars(builtins).update(saved_builtins)
        global_model = None
        candidate = namespace.get("model")
        if isinstance(candidate, keras.Model):
            global_model = tracker.index_of(candidate)
        models = {}
        for idx in tracker.candidate_indices(global_model):
            try:
                models[str(idx)] = tracker.describe_model(idx)
            except Exception as exc:
                models[str(idx)] = {"index": idx, "error": describe.short(exc)}
        payload = {
            "type": "state",
            "final": final,
            "events": tracker.events[-500:],
            "models": models,
            "models_seen": len(tracker.models),
            "global_model": global_model,
            "errors": errors[:MAX_ERRORS],
            "error_count": len(errors),
            "notes": notes[:50],
            **state,
        }
        data = (_dumps(payload, default=str, allow_nan=True) + "\n").encode("utf-8")
        view = memoryview(data)
        while view:  # a pipe may take a large report in several writes
            try:
                view = view[_write(channel_fd, view):]
            except OSError:
                channel["lost"] = True
                return

    tracker = hooks.Tracker(
        {filename: where for filename, where in where_by_file.items()},
        job.get("fit_epochs_cap", 2),
        lambda: None,
    )
    tracker.fit_steps_cap = job.get("fit_steps_cap", 2)
    hooks.install(tracker)
    tracker.on_change = report

    stub = IPythonStub(namespace, notes)
    namespace["get_ipython"] = lambda: stub
    namespace.setdefault("display", display)

    deadline = job.get("soft_deadline_s")
    if deadline:
        def on_deadline():
            report(final="soft_timeout")
            _exit(0)
        timer = _Timer(deadline, on_deadline)
        timer.daemon = True
        timer.start()

    for filename, where, source in units:
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    # The runner's modules stay referenced here but are no longer importable by name from student code.
    for name in ("ag_zygote", "ag_execute", "ag_hooks", "ag_describe", "ag_trainer"):
        sys.modules.pop(name, None)
    sys.argv = [job.get("filename") or "submission"]
    stop = False
    for filename, where, source in units:
        if stop:
            break
        try:
            if job["kind"] == "notebook":
                code_units = [(1, compile(source, filename, "exec"))]
            else:
                code_units = list(statements(filename, source))
        except SyntaxError as exc:
            errors.append(error_record(exc, where_by_file, where))
            state["units_run"] += 1
            report()
            continue
        except Exception as exc:  # e.g. ValueError for NUL bytes
            errors.append(error_record(exc, where_by_file, where))
            continue
        stub.current_file = filename
        for lineno, code in code_units:
            try:
                exec(code, namespace)
            except SystemExit as exc:
                state["exit"] = describe.short(f"sys.exit({exc.code!r})", 200)
                stop = True
                break
            except BaseException as exc:  # a student's KeyboardInterrupt, MemoryError, RecursionError...
                errors.append(error_record(exc, where_by_file, dict(where, line=lineno)))
            finally:
                vars(builtins).update(saved_builtins)
                try:
                    sys.stdout.flush()
                    sys.stderr.flush()
                except Exception:
                    pass
            if job["kind"] == "script":
                report()
        state["units_run"] += 1
        report()

    probe_subclassed(tracker, namespace, keras)
    state["finished"] = True
    report(final="completed")
    if channel["lost"] and _getpid() == owner:
        _exit(CHANNEL_LOST)


def probe_subclassed(tracker, namespace, keras):
    """Call subclassed models that never ran once, to observe the order of their layers."""
    import numpy as np

    for model in list(tracker.models):
        if describe.model_kind(model) != "subclassed" or id(model) in tracker.call_orders:
            continue
        shape = None
        for layer in model.layers:
            kernel = getattr(layer, "kernel", None)
            if kernel is not None and len(kernel.shape) == 2:
                shape = (2, int(kernel.shape[0]))
                break
        if shape is None:
            dim = namespace.get("input_dim")
            shape = (2, int(dim)) if isinstance(dim, int) else None
        if shape is None:
            continue
        try:
            model(np.zeros(shape, dtype="float32"), training=False)
        except Exception:
            tracker.call_orders.pop(id(model), None)


def main_child(job, data, channel_fd):
    """Entry point in the forked child, after limits and privileges were set."""
    namespace = {"__name__": "__main__", "__builtins__": builtins, "__file__": job.get("filename")}
    namespace.update(data)
    started = time.monotonic()
    try:
        run(job, namespace, channel_fd)
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except Exception:
            pass
    return time.monotonic() - started
