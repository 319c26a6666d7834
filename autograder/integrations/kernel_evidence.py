"""What a live kernel still shows of the unit's other exercises, with no hooks installed while the cells ran.

In the sandbox, ``ag_evidence`` records callbacks, ImageDataGenerators and ``keras.applications`` bases as the
student's code creates and passes them. ``autograder.check()`` runs after the fact, so it can only read what the
objects left behind: a callback keeps the model its ``fit`` gave it (``callback.model``), a ``flow`` iterator
counts the batches it served, a base is a nested model named as Keras names its applications, and a Keras
weights file in the cache can be compared with the base's first kernel. What stays unknown is said, per check
kind, in ``unknown`` (message keys of ``autograder/integrations/messages.py``), so the check says it cannot
know instead of failing.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder.integrations.notebook_check import inner_module


@dataclass
class KernelEvidence:
    """Records in the sandbox's own shapes (``ag_state``), for the model's description and its last fit."""

    bases: list[dict[str, Any]] = field(default_factory=list)
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    flow: dict[str, Any] | None = None
    generators: list[dict[str, Any]] = field(default_factory=list)
    unknown: dict[str, str] = field(default_factory=dict)
    """Check kind -> the message key saying what the kernel cannot show (``VOIDS``: the failures it voids)."""


VOIDS = {"early_stopping": {"early_stopping.missing"},
         "augmentation": {"augmentation.missing", "augmentation.generator_unused", "augmentation.too_few"},
         "pretrained_base": {"pretrained_base.no_weights"}}
"""Per check kind, the failures that may only mean the kernel could not see the evidence: such a check is
skipped with the sentence saying so (the official, sandboxed grading sees it)."""
NOTES = {"frozen_base"}
"""Kinds whose verdict stands, with a sentence on what the kernel could not see."""


def _values(namespace: dict[str, Any]) -> list[Any]:
    """The notebook's global values, and the items of its global lists and tuples (``callbacks = [es]``)."""
    out = []
    for key, value in list(namespace.items()):
        if key.startswith("_"):
            continue
        out.append(value)
        if isinstance(value, (list, tuple)) and len(value) <= 50:
            out.extend(value)
    return out


def _applications() -> dict[str, str]:
    """Normalised name -> constructor, for every network ``keras.applications`` exports (``vgg16`` -> ``VGG16``)."""
    import keras

    names: dict[str, str] = {}
    for module in [keras.applications, *(v for v in vars(keras.applications).values() if hasattr(v, "__path__")
                                          or type(v).__name__ == "module")]:
        for name, value in vars(module).items():
            if callable(value) and name[:1].isupper() and not isinstance(value, type):
                names.setdefault(_normal(name), name)
    return names


def _normal(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def network_of(model) -> str | None:
    """The ``keras.applications`` constructor a model's name says built it (``mobilenetv2_1.00_224`` ->
    ``MobileNetV2``), or None."""
    name = str(getattr(model, "name", "") or "")
    known = _applications()
    for candidate in (name, name.split("_1.")[0], name.split("_")[0]):
        if _normal(candidate) in known:
            return known[_normal(candidate)]
    return None


def cached_imagenet(base) -> bool | None:
    """True when a Keras weights file in the cache (``~/.keras/models``) holds the base's first kernel as it is;
    False when files are there and none does; None when there is no cache to compare with."""
    try:
        import h5py
        import numpy as np
    except ImportError:
        return None
    folder = Path(os.environ.get("KERAS_HOME") or Path.home() / ".keras") / "models"
    files = sorted(folder.glob("*.h5")) if folder.is_dir() else []
    weights = [w for w in getattr(base, "weights", [])[:1]]
    if not files or not weights:
        return None
    first = np.asarray(weights[0])
    found = []

    def visit(_, item):
        if isinstance(item, h5py.Dataset) and item.shape == first.shape:
            found.append(np.array(item))

    for path in files[:20]:
        try:
            with h5py.File(path, "r") as f:
                f.visititems(visit)
        except Exception:
            continue
        if any(np.allclose(candidate, first) for candidate in found):
            return True
        found.clear()
    return False


def find_bases(model, namespace: dict[str, Any]) -> list[dict[str, Any]]:
    """The ``keras.applications`` networks inside ``model``: nested in it, or (a functional model built on
    ``base.output``) a global whose layers it holds."""
    import keras

    evidence, state = inner_module("ag_evidence"), inner_module("ag_state")
    inside = {id(layer) for layer in evidence.all_layers(model)}
    candidates = [layer for layer in evidence.all_layers(model) if isinstance(layer, keras.Model)]
    candidates += [value for value in _values(namespace) if isinstance(value, keras.Model) and value is not model
                   and getattr(value, "layers", None) and id(value.layers[-1]) in inside]
    out, seen = [], set()
    for base in candidates:
        network = network_of(base)
        if network is None or id(base) in seen:
            continue
        seen.add(id(base))
        imagenet = cached_imagenet(base)
        shape = evidence.base_shape(base)
        include_top = any(getattr(layer, "name", "") == "predictions" for layer in base.layers)
        record = state.new(state.Base, index=len(out), network=network, include_top=include_top,
                           weights="imagenet" if imagenet else "unknown", loaded=bool(imagenet),
                           trainable=bool(getattr(base, "trainable", True)),
                           trainable_weights=len(base.trainable_weights), nested=id(base) in inside, **shape)
        out.append(record)
    return out


def find_callbacks(model, namespace: dict[str, Any]) -> list[dict[str, Any]]:
    """The callbacks that a ``fit`` of ``model`` was given, among the notebook's globals: Keras gives each the
    model it trains (``set_model``), and the callback keeps it."""
    import keras

    evidence = inner_module("ag_evidence")
    found = []
    for value in _values(namespace):
        if isinstance(value, keras.callbacks.Callback) and not isinstance(value, keras.callbacks.History) \
                and getattr(value, "_model", None) is model and all(value is not f for f in found):
            found.append(value)
    return evidence.describe_callbacks(found)


def find_flow(namespace: dict[str, Any]) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The ``flow`` iterator (a global) that served batches, as the sandbox's Flow record, and every global
    ImageDataGenerator as a Generator record."""
    evidence, state = inner_module("ag_evidence"), inner_module("ag_state")
    generators, flow = [], None
    for value in _values(namespace):
        if type(value).__name__ == "ImageDataGenerator" and hasattr(value, "flow"):
            kinds, settings = evidence.transforms_of(value)
            generators.append(state.new(state.Generator, index=len(generators), transforms=kinds,
                                        settings=settings, flows=0))
    for value in _values(namespace):
        generator = getattr(value, "image_data_generator", None)
        if generator is not None and (getattr(value, "total_batches_seen", 0) or 0) > 0:
            kinds, settings = evidence.transforms_of(generator)
            flow = state.new(state.Flow, generator=None, iterator=type(value).__name__[:80], transforms=kinds,
                             settings=settings)
    return flow, generators


def kernel_evidence(model, namespace: dict[str, Any], fitted: bool) -> KernelEvidence:
    """Everything above for ``model``, and what stays unknown (by check kind)."""
    found = KernelEvidence(bases=find_bases(model, namespace), callbacks=find_callbacks(model, namespace))
    found.flow, found.generators = find_flow(namespace)
    if fitted and not found.callbacks:
        found.unknown["early_stopping"] = "kernel_unknown_callbacks"
    if fitted and found.flow is None:
        found.unknown["augmentation"] = "kernel_unknown_flow"
    if any(b["weights"] == "unknown" for b in found.bases):
        found.unknown["pretrained_base"] = "kernel_unknown_weights"
    if found.bases:
        found.unknown["frozen_base"] = "kernel_unknown_frozen"
    return found
