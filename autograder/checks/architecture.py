"""Read the architecture off a ModelSpec: the output layer, the hidden Dense layers, what follows each."""
from __future__ import annotations

from dataclasses import dataclass

from autograder.types import BaseSpec, LayerSpec, ModelSpec

LINEAR = {None, "linear"}
# Layers that only apply an activation, and the activation each applies.
ACTIVATION_LAYERS = {"Activation": None, "ReLU": "relu", "LeakyReLU": "leaky_relu", "PReLU": "prelu", "ELU": "elu",
                     "Softmax": "softmax"}
PASS_THROUGH = {"BatchNormalization", *ACTIVATION_LAYERS}


def layer_activation(layer: LayerSpec) -> str | None:
    """The activation an activation-only layer applies (``Activation('relu')``, ``LeakyReLU()`` ...)."""
    if layer.class_name == "Activation":
        return layer.activation
    return ACTIVATION_LAYERS.get(layer.class_name)


def is_dense(layer: LayerSpec) -> bool:
    return layer.builtin and layer.class_name == "Dense"


def is_dropout(layer: LayerSpec) -> bool:
    return layer.builtin and layer.class_name == "Dropout"


@dataclass(frozen=True)
class DenseUse:
    """A Dense layer in context: its position, and the activation it effectively has."""

    position: int
    layer: LayerSpec
    activation: str | None
    """Its own activation, or that of an activation layer right after it (BatchNormalization may stand between)."""


def effective_activation(layers: tuple[LayerSpec, ...], position: int) -> str | None:
    own = layers[position].activation
    if own not in LINEAR:
        return own
    for follower in layers[position + 1:]:
        if follower.class_name not in PASS_THROUGH:
            break
        applied = layer_activation(follower)
        if applied not in LINEAR:
            return applied
    return own


def dense_uses(spec: ModelSpec) -> list[DenseUse]:
    return [DenseUse(i, layer, effective_activation(spec.layers, i))
            for i, layer in enumerate(spec.layers) if is_dense(layer)]


def output_dense(spec: ModelSpec) -> DenseUse | None:
    """The last Dense layer, when nothing but Activation/BatchNormalization layers follow it."""
    uses = dense_uses(spec)
    if not uses:
        return None
    last = uses[-1]
    if any(l.class_name not in PASS_THROUGH for l in spec.layers[last.position + 1:]):
        return None
    return last


def hidden_dense(spec: ModelSpec) -> list[DenseUse]:
    """Dense layers before the output layer."""
    uses = dense_uses(spec)
    return uses[:-1] if uses else []


def layer_after(spec: ModelSpec, use: DenseUse, wanted: str, between) -> LayerSpec | None | str:
    """The built-in ``wanted`` layer that follows a hidden Dense, only layers of the classes ``between``
    standing between, or what stands there instead.

    Returns the layer, the class name of the layer found instead, or None at the end.
    """
    for layer in spec.layers[use.position + 1:]:
        if layer.class_name == wanted and layer.builtin:
            return layer
        if layer.class_name in between:
            continue
        return layer.class_name
    return None


def dropout_after(spec: ModelSpec, use: DenseUse) -> LayerSpec | None | str:
    """The Dropout that follows a hidden Dense (BatchNormalization or activation layers between)."""
    return layer_after(spec, use, "Dropout", PASS_THROUGH)


def output_kind(use: DenseUse | None) -> str | None:
    """``sigmoid``, ``softmax`` or ``linear`` when the output layer is one the contract accepts."""
    if use is None or use.layer.units is None:
        return None
    units, act = use.layer.units, use.activation
    if units == 1 and act == "sigmoid":
        return "sigmoid"
    if units >= 2 and act == "softmax":
        return "softmax"
    if units == 1 and act in LINEAR:
        return "linear"
    return None


def base_spans(spec: ModelSpec) -> dict[int, tuple[BaseSpec, int]]:
    """Where each pretrained base sits in the model's (flattened) layers: first index -> (base, last index)."""
    names = [layer.name for layer in spec.layers]
    spans: dict[int, tuple[BaseSpec, int]] = {}
    for base in spec.bases:
        if base.last_layer not in names:
            continue
        end = len(names) - 1 - names[::-1].index(base.last_layer)
        if base.first_layer and base.first_layer in names[:end + 1]:
            start = names.index(base.first_layer)
        elif base.layer_count:
            start = end - base.layer_count + 1
        else:
            continue
        if 0 <= start <= end and not any(s <= end and start <= e for s, (_, e) in spans.items()):
            spans[start] = (base, end)
    return spans


def layers_shown(spec: ModelSpec) -> int:
    """The model's layers as its ``summary()`` lists them: a pretrained base (its layers are in ``spec.layers``,
    from its first to its last) counts as one."""
    return len(spec.layers) - sum(end - start for start, (_, end) in base_spans(spec).items())
