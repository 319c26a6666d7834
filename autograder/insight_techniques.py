"""Does it help? The unit's other techniques: batch normalization, early stopping, data augmentation.

Pure functions over plain data (Keras configs as JSON, loss curves as floats); no Keras import. Each
technique says what its twin lacks (``batch_norm``: the model without its BatchNormalization layers;
``augmentation``: without its ``Random*`` preprocessing layers, or, when an ImageDataGenerator's ``flow`` fed
``fit``, the same model trained on the rows themselves instead of the flow) or, for early stopping, how the student's
``EarlyStopping`` settings would have cut the very same training (``replay_early_stopping``: the callback
only stops and restores, so one training replays both runs exactly). ``autograder.insight`` calls these.
"""
from __future__ import annotations

import copy
import math
from typing import Any, Callable

from autograder.checks.augmentation import LAYER_TRANSFORMS
from autograder.checks.fit_calls import callbacks_named
from autograder.sandbox.inner.ag_augment import replays_anything
from autograder.types import CallbackSpec, InsightCurves, ModelSpec

COMPARES = ("regularization", "batch_norm", "early_stopping", "augmentation")
"""``[insight] compare``: which technique the insight measures."""
SEQUENTIAL = "Sequential"
MIN_SPEEDUP_SHARE = 0.1
"""Batch normalization was 'faster' when it reached the common training loss in at least this share fewer
epochs than the twin ('slower' when in this share more)."""
ACCURACY_MONITORS = ("val_accuracy", "val_acc")
"""EarlyStopping monitors the insight replays on the validation accuracy it measures (Keras logs ``val_acc`` for
``metrics=['acc']`` and ``val_accuracy`` for ``metrics=['accuracy']``); besides these, ``val_loss`` and ``loss``."""
MIN_STOP_GAIN = 0.01
"""Early stopping 'helped' when the validation loss it kept is at least this much below the one at the end."""
TAIL_SHARE = 0.1
"""Final validation losses are the mean over the last tenth of the epochs (at least one)."""


class NotComparable(ValueError):
    """The twin cannot be built from the config (the technique sits inside a model whose config lists no
    layers)."""


def _layer_name(layer: dict[str, Any]) -> str:
    cfg = layer.get("config") if isinstance(layer.get("config"), dict) else {}
    return str(cfg.get("name") or layer.get("class_name") or "?")


def _contains(value: Any, drop: Callable[[str], bool]) -> bool:
    if isinstance(value, dict):
        if isinstance(value.get("class_name"), str) and drop(value["class_name"]):
            return True
        return any(_contains(v, drop) for v in value.values())
    if isinstance(value, list):
        return any(_contains(v, drop) for v in value)
    return False


def _dropped(layer: Any, drop: Callable[[str], bool], removed: list[str]) -> bool:
    """True (and ``removed`` names it) when ``layer`` is a config of a class ``drop`` takes out."""
    if isinstance(layer, dict) and isinstance(layer.get("class_name"), str) and drop(layer["class_name"]):
        removed.append(f"{_layer_name(layer)}: {layer['class_name']}")
        return True
    return False


def _identity_for(layer: dict[str, Any]) -> dict[str, Any]:
    """An ``Identity`` layer in a Functional graph's place of ``layer``: the same name and the same inbound
    nodes (so the graph keeps its wiring), no weights and no work."""
    cfg = layer.get("config") if isinstance(layer.get("config"), dict) else {}
    identity = {key: value for key, value in layer.items() if key in ("name", "build_config")}
    if isinstance(layer.get("inbound_nodes"), list):  # the same inputs; the call's keywords (mask, training) were
        identity["inbound_nodes"] = [dict(node, kwargs={}) if isinstance(node, dict) else node  # the dropped layer's
                                     for node in layer["inbound_nodes"]]
    identity.update({"module": "keras.layers", "class_name": "Identity", "registered_name": None,
                     "config": {key: cfg[key] for key in ("name", "trainable", "dtype") if key in cfg}})
    return identity


def _drop_from(node: Any, drop: Callable[[str], bool], removed: list[str]) -> Any:
    """``node`` (a layer or model config) with the dropped layers taken out of every Sequential in it, and
    in a Functional graph replaced by ``Identity`` layers of the same name (the graph's wiring untouched);
    None when nothing of a nested Sequential is left. NotComparable when a dropped layer sits in a model
    whose config lists no layers (a subclassed model, say)."""
    if not isinstance(node, dict) or not isinstance(node.get("config"), dict):
        return node
    if node.get("class_name") != SEQUENTIAL:
        if not _contains(node.get("config"), drop):
            return node
        layers = node["config"].get("layers")
        if not isinstance(layers, list):
            raise NotComparable(str(node.get("class_name")))
        graph = []
        for child in layers:
            kept = None if _dropped(child, drop, removed) else _drop_from(child, drop, removed)
            graph.append(_identity_for(child) if kept is None else kept)
        node["config"]["layers"] = graph
        return node
    kept = []
    for child in node["config"].get("layers") or []:
        if _dropped(child, drop, removed):
            continue
        child = _drop_from(child, drop, removed)
        if child is not None:
            kept.append(child)
    if removed and not [c for c in kept if isinstance(c, dict) and c.get("class_name") != "InputLayer"]:
        return None
    node["config"]["layers"] = kept
    return node


def twin_without(rebuild: dict[str, Any], drop: Callable[[str], bool]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The trainer's rebuild request without the layers whose class ``drop`` names, and what was removed
    (``("batch_normalization: BatchNormalization", ...)``; empty: the twin would be the same model)."""
    twin = copy.deepcopy(rebuild)
    removed: list[str] = []
    if twin.get("model"):
        twin["model"] = _drop_from(twin["model"], drop, removed)
    else:
        twin["layers"] = [layer for layer in twin.get("layers") or [] if not _dropped(layer, drop, removed)]
    return twin, tuple(removed)


def is_batch_norm(class_name: str) -> bool:
    return class_name == "BatchNormalization"


def is_augmentation(class_name: str) -> bool:
    return class_name in LAYER_TRANSFORMS


def flow_settings(model: ModelSpec | None) -> dict[str, Any] | None:
    """The settings of the ImageDataGenerator whose ``flow`` fed the graded model's last ``fit`` fed by one,
    as the trainer's ``augment`` request (pairs as lists); None when none did or none of its random transforms
    can be replayed (``spec.py`` kept only the bounded, known settings)."""
    if model is None:
        return None
    for fit in reversed(model.fit_calls):
        if fit.generator is not None:
            settings = {k: list(v) if isinstance(v, tuple) else v for k, v in fit.generator.settings}
            return settings if replays_anything(settings) else None
    return None


def flow_described(settings: dict[str, Any]) -> str:
    """``ImageDataGenerator(rotation_range=20, horizontal_flip=True)``: the replayed settings as code."""

    def code(value: Any) -> str:
        if isinstance(value, float):
            return f"{value:g}"
        if isinstance(value, list):
            return f"[{', '.join(code(v) for v in value)}]"
        return repr(value)

    return f"ImageDataGenerator({', '.join(f'{k}={code(v)}' for k, v in settings.items())})"


def tail_mean(values: tuple[float, ...]) -> float | None:
    """Mean of the last tenth of ``values`` (at least one); None if empty or not finite."""
    if not values:
        return None
    tail = values[-max(1, int(round(len(values) * TAIL_SHARE))):]
    return sum(tail) / len(tail) if all(math.isfinite(v) for v in tail) else None


def epochs_to_reach(loss: tuple[float, ...], target: float) -> int | None:
    """The first epoch (from 1) whose training loss is at most ``target``; None if none is."""
    return next((i + 1 for i, v in enumerate(loss) if math.isfinite(v) and v <= target), None)


def batch_norm_measures(model: InsightCurves, twin: InsightCurves) -> tuple[str, tuple[tuple[str, Any], ...]]:
    """Epochs each needed to reach the training loss both reach (the higher of the two final ones), and the
    final validation losses: (verdict ``faster``/``slower``/``same_speed``/``skipped``, measures)."""
    finals = [c.loss[-1] if c.loss else math.nan for c in (model, twin)]
    val, twin_val = tail_mean(model.val_loss), tail_mean(twin.val_loss)
    if not all(math.isfinite(v) for v in finals) or val is None or twin_val is None:
        return "skipped", ()
    target = max(finals)
    mine, theirs = epochs_to_reach(model.loss, target), epochs_to_reach(twin.loss, target)
    if mine is None or theirs is None:
        return "skipped", ()
    if mine <= (1 - MIN_SPEEDUP_SHARE) * theirs:
        kind = "faster"
    elif mine >= (1 + MIN_SPEEDUP_SHARE) * theirs:
        kind = "slower"
    else:
        kind = "same_speed"
    return kind, (("target_loss", target), ("epochs_model", mine), ("epochs_twin", theirs),
                  ("val_loss", val), ("twin_val_loss", twin_val))


def replay_early_stopping(values: tuple[float, ...], patience: int, min_delta: float = 0.0,
                          restore_best: bool = False, start_from_epoch: int = 0,
                          mode: str = "min") -> tuple[int | None, int]:
    """Keras' ``EarlyStopping.on_epoch_end`` over a monitored curve: (the epoch, from 1, after which it stops,
    or None when it never does; the epoch, from 1, whose weights the model keeps)."""
    better = (lambda a, b: a - abs(min_delta) > b) if mode == "max" else (lambda a, b: a + abs(min_delta) < b)
    best: float | None = None
    best_epoch = None
    wait = 0
    for epoch, current in enumerate(values):
        if not math.isfinite(current) or epoch < start_from_epoch:
            continue
        wait += 1
        if best is None or better(current, best):
            best, best_epoch, wait = current, epoch, 0
            continue
        if wait >= patience and epoch > 0:
            return epoch + 1, (best_epoch + 1 if restore_best else epoch + 1)
    end = len(values)
    return None, (best_epoch + 1 if restore_best and best_epoch is not None else end)


def stopping_callback(model: ModelSpec | None) -> CallbackSpec | None:
    """The ``EarlyStopping`` given to the graded model's last ``fit`` that ran, as the sandbox recorded it."""
    if model is None:
        return None
    for fit in reversed(model.fit_calls):
        found = callbacks_named(fit, "EarlyStopping")
        if found:
            return found[-1]
    return None


def stopping_rule(callback: CallbackSpec) -> dict[str, Any]:
    """The callback's settings the replay needs (Keras' defaults for what was not recorded)."""
    extra = dict(callback.settings)

    def number(key: str, default: float) -> float:
        value = extra.get(key)
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else default

    monitor = callback.monitor or "val_loss"
    mode = extra.get("mode") if extra.get("mode") in ("min", "max") else None  # Keras' "auto": by the metric
    return {"monitor": monitor, "patience": int(callback.patience or 0),
            "min_delta": number("min_delta", 0.0), "restore_best": bool(callback.restore_best_weights),
            "start_from_epoch": int(number("start_from_epoch", 0)),
            "mode": mode or ("max" if monitor in ACCURACY_MONITORS else "min")}


WATCHED = ("val_loss", "loss", "val_accuracy")
"""What a replayed EarlyStopping watched, as the report names it (``watched.<name>`` in the catalog)."""


def watched(monitor: Any) -> str:
    """The quantity the replay watched for a callback's ``monitor``."""
    return "val_accuracy" if monitor in ACCURACY_MONITORS else "loss" if monitor == "loss" else "val_loss"


def stopping_described(rule: dict[str, Any]) -> str:
    """``EarlyStopping(monitor='val_loss', patience=5)``: the settings as code."""
    parts = [f"monitor='{rule['monitor']}'", f"patience={rule['patience']}"]
    if rule.get("min_delta"):
        parts.append(f"min_delta={rule['min_delta']:g}")
    if rule.get("restore_best"):
        parts.append("restore_best_weights=True")
    return f"EarlyStopping({', '.join(parts)})"


def early_stopping_measures(model: InsightCurves, rule: dict[str, Any]) -> tuple[str, tuple[tuple[str, Any], ...]]:
    """The student's early stopping replayed on what it monitors (the validation loss, the training loss or the
    validation accuracy): (verdict ``helped``, ``no_gain`` or ``not_stopped``, measures: the epoch it stops
    after, the one kept, and the validation loss kept vs at the end of the whole budget)."""
    values = model.val_loss
    monitored = {"loss": model.loss, **{name: model.val_accuracy for name in ACCURACY_MONITORS}}.get(
        rule.get("monitor"), values)
    if not values or not math.isfinite(values[-1]) or len(monitored) != len(values):
        return "skipped", ()
    stopped, kept = replay_early_stopping(monitored, rule["patience"], rule["min_delta"], rule["restore_best"],
                                          rule["start_from_epoch"], rule["mode"])
    if not math.isfinite(values[kept - 1]):
        return "skipped", ()
    kept_val, end_val = values[kept - 1], values[-1]
    measures = (("stopped_epoch", stopped or 0), ("kept_epoch", kept), ("val_kept", kept_val),
                ("val_end", end_val), ("best_val", min(v for v in values if math.isfinite(v))),
                ("watched", watched(rule.get("monitor"))))
    if stopped is None:
        return "not_stopped", measures
    return ("helped" if end_val - kept_val >= MIN_STOP_GAIN else "no_gain"), measures
