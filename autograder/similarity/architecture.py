"""Architecture identity: the graded model's layers, units, activations, L2 factors, Dropout rates,
optimizer and loss, as one comparable value (from ModelSpec, never from code)."""
from __future__ import annotations

from autograder.similarity.types import Architecture
from autograder.types import LayerSpec, ModelSpec

SKIPPED_LAYERS = {"InputLayer"}


def _number(value: float) -> str:
    return f"{value:g}"


def describe_layer(layer: LayerSpec) -> str:
    """``Dense(64, relu, l2=0.01)``, ``Dropout(0.5)``, or the class name for other layers."""
    if layer.class_name == "Dropout":
        return f"Dropout({_number(layer.rate) if layer.rate is not None else '?'})"
    parts = []
    if layer.units is not None:
        parts.append(str(layer.units))
    if layer.activation:
        parts.append(layer.activation)
    reg = layer.kernel_regularizer
    if reg is not None:
        if reg.l2:
            parts.append(f"l2={_number(reg.l2)}")
        if reg.l1:
            parts.append(f"l1={_number(reg.l1)}")
    return f"{layer.class_name}({', '.join(parts)})" if parts else layer.class_name


def architecture(model: ModelSpec | None) -> Architecture | None:
    """The model's architecture, or None when no model was graded."""
    if model is None:
        return None
    layers = tuple(describe_layer(layer) for layer in model.layers if layer.class_name not in SKIPPED_LAYERS)
    compiled = model.compile
    return Architecture(layers=layers, optimizer=compiled.optimizer if compiled else None,
                        loss=compiled.loss if compiled else None)


def same_architecture(a: Architecture | None, b: Architecture | None) -> bool | None:
    """True when both models are the same network with the same training set-up; None when one is missing."""
    if a is None or b is None or not a.layers or not b.layers:
        return None
    return a == b
