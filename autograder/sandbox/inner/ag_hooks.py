"""Keras hooks installed in the sandboxed child: they record models, compile and fit calls,
where each layer was created and the order in which a subclassed model calls its layers."""
from __future__ import annotations

# Bound at import, before any student code: patching ``builtins`` later cannot change what this module calls.
from builtins import (  # noqa: A004
    all, any, callable, dict, enumerate, float, getattr, hasattr, id, int, isinstance, iter, len, list, max, min,
    next, range, repr, set, sorted, str, sum, tuple, type, vars, zip,
)

import ast
import inspect
import linecache
import operator
import os
import sys

import keras

import ag_datasets as datasets  # records what keras.datasets loaders returned
import ag_describe as describe
import ag_evidence as evidence  # callbacks, image generators and pretrained bases (the unit's other exercises)
import ag_sample as sample
import ag_state
from ag_state import Compile, Fit, FitData, Model


class Tracker:
    """Watches the student's Keras objects while their code runs."""

    def __init__(self, filenames, fit_epochs_cap, on_change):
        self.filenames = dict(filenames)  # code filename -> {"cell": n} or {"file": name}
        self.fit_epochs_cap = fit_epochs_cap
        self.fit_steps_cap = 2
        self.on_change = on_change
        self.models = []  # in construction order; strong refs keep ids unique
        self.model_index = {}
        self.events = []  # [kind, model index]
        self.compiles = {}
        self.fits = {}
        self.sites = {}
        self.layers_alive = []
        self.call_orders = {}
        self.observed_inputs = {}
        self._stack = []
        self.predefined = {}  # name -> the array the runner injected (X_train, y_train)
        self.sample = None  # {"rows": n, "max_bytes": b}; None: take no sample (insight off)
        self.workdir = os.getcwd()  # absolute: the student may chdir away
        self.fit_errors = []  # exceptions raised inside the hooked fit (not to be counted twice)
        self._fit_sources = {}

    # -- where in the student's work ------------------------------------------------
    def student_site(self):
        frame = sys._getframe(2)
        while frame is not None:
            where = self.filenames.get(frame.f_code.co_filename)
            if where is not None:
                site = dict(where)
                site["line"] = frame.f_lineno
                return site
            frame = frame.f_back
        return None

    # -- events ---------------------------------------------------------------------
    def layer_created(self, layer):
        if id(layer) in self.sites:
            return
        self.sites[id(layer)] = self.student_site()
        self.layers_alive.append(layer)
        if isinstance(layer, keras.Model) and id(layer) not in self.model_index:
            self.model_index[id(layer)] = len(self.models)
            self.models.append(layer)
            self.events.append(["construct", self.model_index[id(layer)]])

    def index_of(self, model):
        if id(model) not in self.model_index:
            self.model_index[id(model)] = len(self.models)
            self.models.append(model)
            self.sites.setdefault(id(model), None)
        return self.model_index[id(model)]

    def compiled(self, model, record):
        idx = self.index_of(model)
        self.compiles[idx] = record
        self.events.append(["compile", idx])
        self.on_change()

    def fit_started(self, model, record):
        idx = self.index_of(model)
        self.fits.setdefault(idx, []).append(record)
        self.events.append(["fit", idx])
        self.on_change()

    # -- what fit received --------------------------------------------------------------
    def fit_data(self, idx, x, y):
        """Samples, features, dataset name and whose data a fit received; saves a bounded sample."""
        info = ag_state.new(FitData)
        shape = getattr(x, "shape", None)
        if shape is None and isinstance(x, (list, tuple)):
            arr = sample.as_array(x)
            shape = arr.shape if arr is not None else None
        dims = None
        if shape is not None:
            try:
                dims = [None if d is None else operator.index(d) for d in tuple(shape)]
            except TypeError:
                dims = None
        if dims:
            info["samples"], info["features"] = dims[0], dims[1:]
        if x is not None:
            info["source"] = "own"
            if self.same_as_predefined(x, "X_train") and (y is None or self.same_as_predefined(y, "y_train")):
                info["source"] = "predefined"
        rows = info["samples"]
        for entry in (getattr(datasets, "LOADED", None) or [])[-10:] if datasets is not None else []:
            try:
                if rows is not None and rows in (entry.get("train_rows"), entry.get("test_rows")):
                    info["dataset"] = str(entry.get("name"))[:60]
            except Exception:
                pass
        if self.sample is not None and info["samples"]:
            try:
                taken = sample.take(x, y, self.sample["rows"], self.sample["max_bytes"])
                if taken is not None:
                    sample.write(self.workdir, idx, *taken)
                    info["sampled"] = int(taken[0].shape[0])
            except Exception:
                pass
        return info

    def same_as_predefined(self, value, name):
        """The array the runner injected as ``name`` (the very object, or an equal copy)."""
        original = self.predefined.get(name)
        if original is None:
            return False
        if value is original:
            return True
        try:
            arr = sample.as_array(value)
            return arr is not None and arr.shape == original.shape and bool((arr == original).all())
        except Exception:
            return False

    # -- a statement calling fit that failed before fit ran --------------------------------
    def statement_failed(self, exc, namespace):
        """Record a fit attempt when ``exc`` came from evaluating a ``<name>.fit(...)`` call on a
        Keras model (e.g. ``model.fit(X, y)`` with ``X`` undefined), so step 4 still counts."""
        if any(exc is seen for seen in self.fit_errors):
            return
        tb = exc.__traceback__
        found = None
        while tb is not None:
            filename = tb.tb_frame.f_code.co_filename
            if filename in self.filenames:
                for name, call in self.fit_calls_at(filename, tb.tb_lineno):
                    frame = tb.tb_frame
                    target = frame.f_locals.get(name, frame.f_globals.get(name, namespace.get(name)))
                    if isinstance(target, keras.Model):
                        found = (target, call, filename, tb.tb_lineno)
            tb = tb.tb_next
        if found is None:
            return
        target, call, filename, line = found
        site = dict(self.filenames[filename])
        site["line"] = line
        epochs = next((k.value.value for k in call.keywords if k.arg in ("epochs", "nb_epoch")
                       and isinstance(k.value, ast.Constant) and isinstance(k.value.value, int)), None)
        record = ag_state.new(Fit, epochs_requested=epochs, epochs_run=0, called=False, site=site,
                              has_validation_data=any(k.arg == "validation_data" for k in call.keywords),
                              error=describe.short(f"{type(exc).__name__}: {exc}"), data=ag_state.new(FitData))
        idx = self.index_of(target)
        self.fits.setdefault(idx, []).append(record)
        self.events.append(["fit_attempt", idx])

    def fit_calls_at(self, filename, line):
        """(receiver name, Call node) of every ``<name>.fit(...)`` in that code spanning ``line``."""
        calls = self._fit_sources.get(filename)
        if calls is None:
            calls = []
            try:
                tree = ast.parse("".join(linecache.getlines(filename)))
                for node in ast.walk(tree):
                    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                            and node.func.attr == "fit" and isinstance(node.func.value, ast.Name):
                        calls.append(node)
            except (SyntaxError, ValueError):
                pass
            self._fit_sources[filename] = calls
        return [(c.func.value.id, c) for c in calls if c.lineno <= line <= (c.end_lineno or c.lineno)]

    # -- call order of subclassed models ---------------------------------------------
    def call_entered(self, layer, args):
        stack = self._stack
        if stack:
            top = stack[0]
            order = self.call_orders.get(id(top))
            if order is not None and order.get("recording") and not isinstance(layer, keras.Model):
                # Keras may run ``call`` more than once on the first call (to build, then for real).
                if id(layer) not in order["seen"]:
                    order["seen"].add(id(layer))
                    order["layers"].append(layer)
        is_model = isinstance(layer, keras.Model)
        if is_model:
            if not stack and describe.model_kind(layer) == "subclassed" and id(layer) not in self.call_orders:
                self.call_orders[id(layer)] = {"recording": True, "layers": [], "seen": set()}
                shape = getattr(args[0], "shape", None) if args else None
                if shape is not None:
                    try:
                        self.observed_inputs[id(layer)] = [d if isinstance(d, int) else None for d in tuple(shape)]
                    except TypeError:
                        pass
            stack.append(layer)
        return is_model

    def call_left(self, layer, was_model):
        if was_model and self._stack:
            self._stack.pop()
            if not self._stack:
                order = self.call_orders.get(id(layer))
                if order is not None and order.get("recording"):
                    order["recording"] = False

    # -- the report -------------------------------------------------------------------
    def candidate_indices(self, global_model):
        """The models the contract's selection rule can pick; only these are described."""
        picks = set()
        for kind in ("fit", "compile", "construct"):
            for event, idx in reversed(self.events):
                if event == kind:
                    picks.add(idx)
                    break
        if global_model is not None:
            picks.add(global_model)
        return sorted(picks)

    def global_names(self, idx, namespace):
        """The student's global names that refer to this model (for a hint's code line)."""
        model = self.models[idx]
        return sorted(k for k, v in list(namespace.items()) if v is model and isinstance(k, str)
                      and not k.startswith("_"))[:10]

    def describe_model(self, idx):
        model = self.models[idx]
        order = self.call_orders.get(id(model))
        observed = order["layers"] if order and not order.get("recording") else None
        layers, how = describe.leaf_layers(model, observed)
        kind = describe.model_kind(model)
        spec = ag_state.new(
            Model,
            index=idx,
            kind=kind,
            class_name=type(model).__name__,
            builtin=describe.is_builtin(model),
            name=str(getattr(model, "name", "")),
            layer_order=how,
            input_shape=describe.input_shape_of(model, self.observed_inputs.get(id(model))),
            layers=[describe.describe_layer(layer, self.sites) for layer in layers[:200]],
            compile=self.compiles.get(idx),
            fits=self.fits.get(idx, [])[-20:],
            created_at=self.sites.get(id(model)),
            bases=evidence.bases_in(model),
            generators=evidence.generators(),
        )
        if kind in ("sequential", "functional"):
            try:
                spec["serialized"] = describe.jsonable(keras.saving.serialize_keras_object(model))
            except Exception:
                spec["serialized"] = None
        return spec


def as_int(value):
    """An integer given as int or NumPy integer (``epochs=np.int64(50)``), else the value unchanged."""
    try:
        return operator.index(value)
    except TypeError:
        return value


def install(tracker: Tracker):
    """Wrap Layer.__init__, Layer.__call__, Model.compile and Model.fit for this process only."""
    Layer = keras.layers.Layer
    Model = keras.Model
    orig_init = Layer.__init__
    orig_call = Layer.__call__
    orig_compile = Model.compile
    orig_fit = Model.fit
    compile_sig = inspect.signature(orig_compile)
    fit_sig = inspect.signature(orig_fit)

    def __init__(self, *args, **kwargs):
        orig_init(self, *args, **kwargs)
        try:
            tracker.layer_created(self)
        except Exception:
            pass

    def __call__(self, *args, **kwargs):
        try:
            was_model = tracker.call_entered(self, args)
        except Exception:
            was_model = False
        try:
            return orig_call(self, *args, **kwargs)
        finally:
            if was_model:
                tracker.call_left(self, was_model)

    def compile(self, *args, **kwargs):
        try:
            bound = compile_sig.bind(self, *args, **kwargs).arguments
        except TypeError:
            bound = {}
        record = ag_state.new(Compile, loss=describe.describe_loss(bound.get("loss")),
                              metrics=describe.describe_metrics(bound.get("metrics")),
                              optimizer_given=bound.get("optimizer", "rmsprop") is not None,
                              site=tracker.student_site())
        try:
            return orig_compile(self, *args, **kwargs)
        except BaseException as exc:
            record["error"] = describe.short(f"{type(exc).__name__}: {exc}")
            raise
        finally:
            try:
                record["optimizer"] = describe.describe_optimizer(getattr(self, "optimizer", None))
                record["bases"] = evidence.bases_in(self)  # trainable as compiled
            except Exception:
                pass
            tracker.compiled(self, record)

    def fit(self, *args, **kwargs):
        try:
            bound = fit_sig.bind(self, *args, **kwargs).arguments
        except TypeError:
            bound = {}
        epochs = as_int(bound.get("epochs", 1))
        initial = as_int(bound.get("initial_epoch", 0) or 0)
        record = ag_state.new(
            Fit, epochs_requested=epochs if isinstance(epochs, int) else None,
            batch_size=bound.get("batch_size") if isinstance(bound.get("batch_size"), int) else None,
            validation_split=bound.get("validation_split")
            if isinstance(bound.get("validation_split"), (int, float)) else None,
            has_validation_data=bound.get("validation_data") is not None, site=tracker.student_site())
        try:
            record["callbacks"] = evidence.describe_callbacks(bound.get("callbacks"))
            record["generator"] = evidence.describe_flow(bound.get("x"))
        except Exception:
            pass
        try:
            record["data"] = tracker.fit_data(tracker.index_of(self), bound.get("x"), bound.get("y"))
        except Exception:
            record["data"] = None
        if isinstance(epochs, int) and isinstance(initial, int):
            run = max(0, min(epochs - initial, tracker.fit_epochs_cap))
            kwargs = dict(kwargs)
            if "epochs" in kwargs or len(args) < 4:
                kwargs["epochs"] = initial + run
                # a positional epochs argument (4th) is replaced in place
            else:
                args = list(args)
                args[3] = initial + run
            record["epochs_run"] = run
        # Only a few batches per capped epoch, run eagerly: the student's fit shows that training runs
        # (and what was asked for) without paying for a training graph; the grader trains on its own later.
        kwargs = dict(kwargs)
        if "steps_per_epoch" not in bound and len(args) < 13 and tracker.fit_steps_cap:
            kwargs["steps_per_epoch"] = tracker.fit_steps_cap
            record["steps_per_epoch_run"] = tracker.fit_steps_cap
        has_validation = bool(bound.get("validation_split")) or bound.get("validation_data") is not None
        if has_validation and "validation_steps" not in bound and len(args) < 14 and tracker.fit_steps_cap:
            kwargs["validation_steps"] = 1
        try:
            self.run_eagerly = True
        except Exception:
            pass
        tracker.fit_started(self, record)
        try:
            history = orig_fit(self, *args, **kwargs)
            try:
                record["loss"] = [float(v) for v in history.history.get("loss", [])][:100]
            except Exception:
                pass
            return history
        except BaseException as exc:
            record["error"] = describe.short(f"{type(exc).__name__}: {exc}")
            record["epochs_run"] = 0  # nothing was trained to completion
            tracker.fit_errors = (tracker.fit_errors + [exc])[-5:]
            raise
        finally:
            tracker.on_change()

    Layer.__init__ = __init__
    Layer.__call__ = __call__
    Model.compile = compile
    Model.fit = fit
