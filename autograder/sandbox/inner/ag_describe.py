"""Describe live Keras objects as plain JSON data (runs inside the sandbox)."""
from __future__ import annotations

# Bound at import, before any student code: patching ``builtins`` later cannot change what this module calls.
from builtins import (  # noqa: A004
    all, any, callable, dict, enumerate, float, getattr, hasattr, id, int, isinstance, iter, len, list, max, min,
    next, range, repr, set, sorted, str, sum, tuple, type, vars, zip,
)

import math
import sys

import keras

import ag_state
from ag_state import Layer, Regularizer

_MAX_TEXT = 500


def short(text, limit=_MAX_TEXT):
    text = str(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def jsonable(value, depth=0):
    """Best-effort conversion of a Keras config value to JSON-safe data."""
    if depth > 40:  # a keras.applications base nested in a model is ~20 levels deep
        return short(repr(value), 100)
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v, depth + 1) for k, v in list(value.items())[:200]}
    if isinstance(value, (list, tuple)):
        return [jsonable(v, depth + 1) for v in list(value)[:1000]]
    if hasattr(value, "item") and getattr(value, "shape", None) == ():
        return jsonable(value.item(), depth + 1)
    try:
        return jsonable(keras.saving.serialize_keras_object(value), depth + 1)
    except Exception:
        return short(repr(value), 200)


def _keras_classes():
    """Every class Keras defined before any student code ran, with the get_config it defines itself.

    A class the student defines later is never in this set, whatever ``__module__`` it claims,
    and a ``get_config`` the student patches onto a Keras class later is never called.
    """
    found = {}
    for name, module in list(sys.modules.items()):
        if not (name == "keras" or name.startswith("keras.")) or module is None:
            continue
        for value in list(vars(module).values()):
            if isinstance(value, type) and (value.__module__ or "").startswith("keras"):
                found[value] = value.__dict__.get("get_config")
    return found


KERAS_CLASSES = _keras_classes()


def is_builtin(obj) -> bool:
    return type(obj) in KERAS_CLASSES


def original_config(obj):
    """``obj.get_config()`` as Keras wrote it for a Keras class; the object's own method otherwise."""
    if type(obj) not in KERAS_CLASSES:
        return obj.get_config()
    for klass in type(obj).__mro__:
        method = KERAS_CLASSES.get(klass)
        if method is not None:
            return method(obj)
    return obj.get_config()


def model_kind(model) -> str:
    if isinstance(model, keras.Sequential):
        return "sequential"
    functional = getattr(getattr(keras.src, "models", None), "functional", None)
    if functional is not None and isinstance(model, functional.Functional):
        return "functional"
    return "subclassed"


def leaf_layers(model, call_order=None):
    """Layers of ``model`` in data-flow order, nested models flattened; InputLayers left out.

    Returns (layers, how) where how says where the order came from.
    """
    kind = model_kind(model)
    if kind == "subclassed":
        if call_order:
            return list(call_order), "observed"
        layers, how = list(model.layers), "attributes"
    else:
        layers, how = list(model.layers), "config"
    flat = []
    for layer in layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        if isinstance(layer, keras.Model):
            inner, inner_how = leaf_layers(layer)
            flat.extend(inner)
            if inner_how == "attributes":
                how = "attributes"
        else:
            flat.append(layer)
    return flat, how


def describe_regularizer(value):
    """A layer config's regularizer entry as {class_name, l1, l2}, or None."""
    if value is None:
        return None
    if isinstance(value, str):
        name = value.lower()
        return ag_state.new(Regularizer, class_name=value, l1=0.01 if "l1" in name else 0.0,
                            l2=0.01 if "l2" in name else 0.0)
    if isinstance(value, dict):
        cfg = value.get("config") or {}
        out = ag_state.new(Regularizer, class_name=str(value.get("class_name", "?")))
        for key in ("l1", "l2"):
            try:
                out[key] = float(cfg.get(key) or 0.0)
            except (TypeError, ValueError):
                out[key] = 0.0
        return out
    return ag_state.new(Regularizer, class_name=type(value).__name__)


def describe_activation(value):
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, dict):
        return str(value.get("config") if value.get("class_name") == "function" else value.get("class_name"))
    return getattr(value, "__name__", short(repr(value), 80))


def layer_options(config):
    """The ``ag_state.LAYER_OPTIONS`` of a layer config whose values are JSON scalars or short lists of them."""
    out = {}
    for key in ag_state.LAYER_OPTIONS:
        value = config.get(key) if isinstance(config, dict) else None
        if isinstance(value, (list, tuple)) and len(value) <= 4 and all(
                isinstance(v, (int, float, str)) or v is None for v in value):
            out[key] = [jsonable(v) for v in value]
        elif isinstance(value, (int, float, str)) and not isinstance(value, bool):
            out[key] = jsonable(value) if not isinstance(value, str) else short(value, 40)
    return out


def describe_layer(layer, sites):
    try:
        config = original_config(layer)
    except Exception as exc:  # a student's custom layer may not implement get_config
        config = {"error": short(exc)}
    desc = ag_state.new(
        Layer,
        class_name=type(layer).__name__,
        module=type(layer).__module__,
        name=str(getattr(layer, "name", "")),
        builtin=is_builtin(layer),
        units=config.get("units") if isinstance(config.get("units"), int) else None,
        activation=describe_activation(config.get("activation")),
        kernel_regularizer=describe_regularizer(config.get("kernel_regularizer")),
        bias_regularizer=describe_regularizer(config.get("bias_regularizer")),
        activity_regularizer=describe_regularizer(config.get("activity_regularizer")),
        rate=config.get("rate") if isinstance(config.get("rate"), (int, float)) else None,
        created_at=sites.get(id(layer)),
        options=layer_options(config),
    )
    try:
        desc["serialized"] = jsonable(keras.saving.serialize_keras_object(layer))
    except Exception:
        desc["serialized"] = None
    return desc


def input_shape_of(model, observed_shape=None):
    try:
        shape = model.input_shape
        if isinstance(shape, tuple):
            return [d if isinstance(d, int) else None for d in shape]
    except Exception:
        pass
    if observed_shape:
        return list(observed_shape)
    return None


def describe_optimizer(optimizer):
    if optimizer is None:
        return None
    try:
        serialized = jsonable(keras.optimizers.serialize(optimizer))
    except Exception:
        serialized = None
    return {"class_name": type(optimizer).__name__, "serialized": serialized}


def describe_loss(loss):
    """The loss argument of compile as {name, from_logits, serialized}."""
    if loss is None:
        return None
    if isinstance(loss, str):
        return {"name": loss, "from_logits": False, "serialized": loss}
    if isinstance(loss, keras.losses.Loss):
        try:
            cfg = loss.get_config()
        except Exception:
            cfg = {}
        try:
            serialized = jsonable(keras.losses.serialize(loss))
        except Exception:
            serialized = None
        return {"name": type(loss).__name__, "from_logits": bool(cfg.get("from_logits", False)),
                "serialized": serialized, "builtin": is_builtin(loss)}
    if callable(loss):
        name = getattr(loss, "__name__", type(loss).__name__)
        module = getattr(loss, "__module__", "") or ""
        builtin = module.startswith("keras")
        return {"name": name, "from_logits": False, "serialized": name if builtin else None, "builtin": builtin}
    return {"name": short(repr(loss), 80), "from_logits": False, "serialized": None}


def describe_metrics(metrics):
    if metrics is None:
        return []
    if not isinstance(metrics, (list, tuple)):
        metrics = [metrics]
    return [m if isinstance(m, str) else getattr(m, "name", None) or getattr(m, "__name__", short(repr(m), 40))
            for m in metrics[:20]]
