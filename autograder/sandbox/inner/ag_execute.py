"""Run one submission's code inside the sandboxed child and report its Keras models as JSON.

The report is written as JSON lines to a pipe the zygote reads; the last complete line wins.
Every top-level statement (of a notebook cell or a script) runs on its own: execution goes on after a
failing one. Before student code runs, the environment shims are installed here, in one place: the
Keras hooks, then the Keras 2 mappings (outside the hooks' ``fit``), module stand-ins, offline datasets.
"""
from __future__ import annotations

# Bound at import, before any student code: patching ``builtins`` later cannot change what this module calls.
from builtins import (  # noqa: A004
    all, any, callable, dict, enumerate, float, getattr, hasattr, id, int, isinstance, iter, len, list, max, min,
    next, range, repr, set, sorted, str, sum, tuple, type, vars, zip,
)

import builtins
import json
import linecache
import os
import sys
import tempfile
import threading
import time

import ag_datasets as datasets
import ag_describe as describe
import ag_errors
import ag_hooks as hooks
import ag_keras2 as keras2
import ag_outputs
import ag_warnings
import ag_runtime
import ag_sites
import ag_state
import ag_standins as standins
from ag_statements import statements

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
        self.run_statements = None
        """Set by the runner: runs a magic's body statement by statement, recording each failure."""

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
            caller = sys._getframe(1)
            if self.current_file and caller.f_code.co_filename == self.current_file:
                # Compiled as the student's own line, so errors, stand-ins and layer sites point at it.
                exec(compile("\n" * (caller.f_lineno - 1) + statement, self.current_file, "exec"), self.user_ns)
            else:
                exec(compile(statement, "<magic>", "exec"), self.user_ns)
            return None
        self._note(f"%{name} {line}".strip())
        return None

    def run_cell_magic(self, name, line, cell):
        if name in ("time", "timeit", "capture", "prun"):
            # Compiled as part of the current cell, one line down (below the %%magic line),
            # so errors and layer creation sites point at the student's own line.
            filename = self.current_file or "<magic>"
            if self.run_statements is not None and self.current_file:
                self.run_statements(filename, "\n" + cell)  # a failing statement does not skip the rest
            else:
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


class Reporter:
    """Writes the run's state (an ``ag_state.State``) to the report channel as one JSON line; the last
    complete line wins. Only the runner's own process reports (not a process the submission forked)."""

    def __init__(self, channel_fd, state, tracker, namespace, saved_builtins, keras):
        self.channel_fd = channel_fd
        self.keras = keras
        self.state = state
        self.tracker = tracker
        self.namespace = namespace
        self.saved_builtins = saved_builtins
        self.lock = _RLock()
        self.owner = _getpid()
        self.lost = False
        """The channel was closed under the runner (the zygote then says so)."""

    def __call__(self, final=None):
        if _getpid() != self.owner:
            return
        try:
            with self.lock:
                self.write(self.payload(final))
        except BaseException:  # a broken report must not end the run: the last good one stands
            pass

    def payload(self, final):
        # Student code may have replaced or deleted builtins; our encoder needs the real ones.
        vars(builtins).update(self.saved_builtins)
        tracker, keras = self.tracker, self.keras
        candidate = self.namespace.get("model")
        global_model = tracker.index_of(candidate) if isinstance(candidate, keras.Model) else None
        models = {}
        for idx in tracker.candidate_indices(global_model):
            try:
                models[str(idx)] = dict(tracker.describe_model(idx), global_names=tracker.global_names(idx, self.namespace))
            except Exception as exc:
                models[str(idx)] = ag_state.new(ag_state.Model, index=idx, error=describe.short(exc))
        errors = self.state["errors"]
        return dict(self.state, final=final, events=tracker.events[-500:], models=models,
                    models_seen=len(tracker.models), global_model=global_model, errors=errors[:MAX_ERRORS],
                    error_count=len(errors), notes=self.state["notes"][:50])

    def write(self, payload):
        data = (_dumps(payload, default=str, allow_nan=True) + "\n").encode("utf-8")
        view = memoryview(data)
        while view:  # a pipe may take a large report in several writes
            try:
                view = view[_write(self.channel_fd, view):]
            except OSError:
                self.lost = True
                return


def run(job, namespace, channel_fd):
    """Execute the job's code in ``namespace``, statement by statement; report state on ``channel_fd``."""
    import keras  # already imported by the zygote: free

    saved_builtins = dict(vars(builtins))
    state = ag_state.new(ag_state.State)
    units = units_of(job)
    where_by_file = {filename: where for filename, where, _ in units}
    tracker = hooks.Tracker(where_by_file, job.get("fit_epochs_cap", 2), lambda: None)
    tracker.fit_steps_cap = job.get("fit_steps_cap", 2)
    tracker.predefined = {k: namespace.get(k) for k in ("X_train", "y_train") if namespace.get(k) is not None}
    tracker.sample = job.get("fit_sample")
    hooks.install(tracker)
    report = Reporter(channel_fd, state, tracker, namespace, saved_builtins, keras)
    tracker.on_change = report
    sites = ag_sites.Sites(where_by_file, job.get("root") or os.getcwd())
    finder = install_environment(job, sites, state)
    saved_builtins.update(vars(builtins))  # the Keras 2 import mapping is part of the real builtins now

    def failed(exc, where, lineno=None, defines=(), source=None):
        """Record a statement's exception (the statements after it still run)."""
        record = ag_errors.error_record(exc, sites, dict(where, line=lineno) if lineno else where, defines)
        if source is not None:
            ag_errors.fill_code(record, where, source)  # the cell's own text holds the magic call only
        state["errors"].append(record)
        try:
            tracker.statement_failed(exc, namespace)
        except Exception:
            pass

    def run_magic_body(filename, source):
        where = where_by_file.get(filename, {})
        for lineno, tree, defines in statements(filename, source):
            try:
                exec(compile(tree, filename, "exec"), namespace)
            except (SystemExit, SyntaxError):
                raise
            except BaseException as exc:
                failed(exc, where, lineno, defines, source)

    stub = IPythonStub(namespace, state["notes"])
    stub.run_statements = run_magic_body
    namespace["get_ipython"] = lambda: stub
    namespace.setdefault("display", display)
    start_soft_deadline(job.get("soft_deadline_s"), report)
    for filename, where, source in units:
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    forget_runner_modules()
    sys.argv = [job.get("filename") or "submission"]

    def after_statement():
        vars(builtins).update(saved_builtins)
        # Looked up inside the try: the student may have replaced sys.stdout by None (or anything).
        for step in (lambda: finder.scrub(), lambda: sys.stdout.flush(), lambda: sys.stderr.flush()):
            try:
                step()
            except Exception:
                pass

    mark = job.get("output_mark")
    for filename, where, source in units:
        if mark:  # where this unit's printed output starts (the supervisor takes the mark out)
            try:
                sys.stdout.flush()
                sys.stderr.flush()
                _write(1, ("\x1eAGCELL:%s:%d\x1e" % (mark, where.get("cell") or 0)).encode("ascii"))
            except Exception:
                pass
        try:
            code_units = statements(filename, source)
        except Exception as exc:  # a SyntaxError, or e.g. a ValueError for NUL bytes
            failed(exc, where)
            state["units_run"] += isinstance(exc, SyntaxError)
            report()
            continue
        stub.current_file = filename
        for lineno, tree, defines in code_units:
            try:
                exec(compile(tree, filename, "exec"), namespace)
            except SystemExit as exc:
                state["exit"] = describe.short(f"sys.exit({exc.code!r})", 200)
                break
            except BaseException as exc:  # a student's KeyboardInterrupt, MemoryError, RecursionError...
                failed(exc, where, lineno, defines)
            finally:
                after_statement()
            if job["kind"] == "script":
                report()
        state["units_run"] += 1
        report()
        if state["exit"] is not None:
            break

    probe_subclassed(tracker, namespace, keras)
    state["finished"] = True
    report(final="completed")
    if report.lost and _getpid() == report.owner:
        _exit(CHANNEL_LOST)


def start_soft_deadline(seconds, report):
    """Report once more and end the run just before the wall-clock limit (the model so far is still graded)."""
    if not seconds:
        return

    def on_deadline():
        report(final="soft_timeout")
        _exit(0)

    timer = _Timer(seconds, on_deadline)
    timer.daemon = True
    timer.start()


def forget_runner_modules():
    """The runner's modules stay referenced here but are no longer importable by name from student code.
    (ag_datasets stays: the hooks read its LOADED list.)"""
    for name in ("ag_zygote", "ag_execute", "ag_hooks", "ag_describe", "ag_trainer", "ag_runtime", "ag_sites",
                 "ag_standins", "ag_keras2", "ag_keras2_saving", "ag_statements", "ag_errors", "ag_state",
                 "ag_evidence"):
        sys.modules.pop(name, None)


def install_environment(job, sites, state):
    """The students' environment around the hooks: Keras 2 mappings, stand-ins, offline datasets.
    Returns the stand-in finder (its modules are taken out of sys.modules after each statement)."""
    finder = standins.install(sites, state["standins"])
    ag_errors.watch(state["standins"])
    ag_outputs.install()
    ag_warnings.install(sites)
    standins.install_plot_model(sites, state["standins"])
    keras2.install(sites, state["keras2"], standins.is_standin)
    cache = os.path.join(os.getcwd(), ".keras")  # the job's own writable folder
    tempfile.tempdir = None  # the warm worker cached /tmp (read-only) before TMPDIR named the job's folder
    datasets.install(job.get("keras_datasets"), cache, sites, state["downloads"])
    hooks.evidence.install(sites, datasets.DatasetUnavailable)
    return finder


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


def enter_entry_dir(job):
    """A folder's program whose entry sits in a sub-folder runs from there, that sub-folder first on
    sys.path (the folder's top stays on it); ``job["root"]`` keeps the folder's top for the sites."""
    job["root"] = os.path.realpath(os.getcwd())
    if job.get("entry_dir"):
        target = os.path.realpath(os.path.join(job["root"], job["entry_dir"]))
        if target.startswith(job["root"] + os.sep) and os.path.isdir(target):
            os.chdir(target)
            os.environ["PWD"] = target
            sys.path.insert(0, target)


def main_child(job, data, channel_fd):
    """Entry point in the forked child, after limits and privileges were set."""
    namespace = {"__name__": "__main__", "__builtins__": builtins, "__file__": job.get("filename")}
    namespace.update(data)
    started = time.monotonic()
    ag_runtime.skip_graph_rewrites()
    enter_entry_dir(job)
    if job.get("entry_dir") and job.get("filename"):  # relative to where the program now runs
        namespace["__file__"] = os.path.basename(job["filename"])
    try:
        run(job, namespace, channel_fd)
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except Exception:
            pass
    return time.monotonic() - started
