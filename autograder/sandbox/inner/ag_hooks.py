"""Keras hooks installed in the sandboxed child: they record models, compile and fit calls,
where each layer was created and the order in which a subclassed model calls its layers."""
from __future__ import annotations

# Bound at import, before any student code: patching ``builtins`` later cannot change what this module calls.
from builtins import (  # noqa: A004
    all, any, callable, dict, enumerate, float, getattr, hasattr, id, int, isinstance, iter, len, list, max, min,
    next, range, repr, set, sorted, str, sum, tuple, type, vars, zip,
)

import inspect
import operator
import sys

import keras

import ag_describe as describe


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

    def describe_model(self, idx):
        model = self.models[idx]
        order = self.call_orders.get(id(model))
        observed = order["layers"] if order and not order.get("recording") else None
        layers, how = describe.leaf_layers(model, observed)
        kind = describe.model_kind(model)
        spec = {
            "index": idx,
            "kind": kind,
            "class_name": type(model).__name__,
            "builtin": describe.is_builtin(model),
            "name": str(getattr(model, "name", "")),
            "layer_order": how,
            "input_shape": describe.input_shape_of(model, self.observed_inputs.get(id(model))),
            "layers": [describe.describe_layer(layer, self.sites) for layer in layers[:200]],
            "compile": self.compiles.get(idx),
            "fits": self.fits.get(idx, [])[-20:],
            "created_at": self.sites.get(id(model)),
            "serialized": None,
        }
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
        record = {"optimizer": None, "loss": describe.describe_loss(bound.get("loss")),
                  "metrics": describe.describe_metrics(bound.get("metrics")), "error": None,
                  "optimizer_given": bound.get("optimizer", "rmsprop") is not None,
                  "site": tracker.student_site()}
        try:
            return orig_compile(self, *args, **kwargs)
        except BaseException as exc:
            record["error"] = describe.short(f"{type(exc).__name__}: {exc}")
            raise
        finally:
            try:
                record["optimizer"] = describe.describe_optimizer(getattr(self, "optimizer", None))
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
        record = {"epochs_requested": epochs if isinstance(epochs, int) else None,
                  "batch_size": bound.get("batch_size") if isinstance(bound.get("batch_size"), int) else None,
                  "validation_split": bound.get("validation_split")
                  if isinstance(bound.get("validation_split"), (int, float)) else None,
                  "has_validation_data": bound.get("validation_data") is not None,
                  "epochs_run": None, "loss": [], "error": None, "site": tracker.student_site()}
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
            raise
        finally:
            tracker.on_change()

    Layer.__init__ = __init__
    Layer.__call__ = __call__
    Model.compile = compile
    Model.fit = fit
