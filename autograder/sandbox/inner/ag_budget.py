"""How much of the grader's own training a model gets: sized by its cost, not by a fixed epoch count.

The cost of a training is ``weight uses per sample x samples x epochs`` (x models, when the insight's
twin trains beside the graded model). A weight's uses per sample are 1 in a Dense layer and one per
output position in a convolution (its kernel slides over the image). A plan that costs more than the
budget gives up samples first (down to ``min_samples``), then epochs (down to ``min_epochs``): a large
model is trained briefly, always the same amount, whatever else the machine runs at the time.
Pure arithmetic on numbers the trainer reads from the built model; runs in the trainer's child.
"""
from __future__ import annotations

import math


def weight_uses(model):
    """Multiply-adds per sample of the model's weights: a layer's weights once, a convolution's once per
    output position. Nested models (a pretrained base inside a Sequential) are counted layer by layer."""
    total = 0
    for layer in getattr(model, "layers", ()):
        if getattr(layer, "layers", None):
            total += weight_uses(layer)
            continue
        try:
            count = int(layer.count_params())
        except Exception:  # a layer not built: it holds no weights yet
            continue
        positions = 1
        try:
            shape = tuple(layer.output.shape) if hasattr(layer, "output") else ()
        except Exception:
            shape = ()
        if len(shape) >= 3:  # (batch, positions..., channels)
            positions = int(math.prod(d for d in shape[1:-1] if d)) or 1
        total += count * positions
    return max(1, total)


def plan(uses, samples, epochs, budget, min_samples=64, min_epochs=2, models=1):
    """(samples, epochs, sized) within ``budget`` weight uses: ``sized`` is True when the plan was cut.
    A budget of 0 (or less) means no limit."""
    samples, epochs = int(samples), int(epochs)
    per_pass = max(1, int(uses) * int(models))
    if budget <= 0 or per_pass * samples * epochs <= budget:
        return samples, epochs, False
    fit_samples = int(budget // (per_pass * epochs))
    samples = max(min(samples, int(min_samples)), min(samples, fit_samples))
    if per_pass * samples * epochs > budget:
        epochs = max(min(epochs, int(min_epochs)), int(budget // (per_pass * samples)))
    return samples, epochs, True
