"""Check kind ``pretrained_base``: a ``keras.applications`` network built without its top (``include_top=False``),
with ImageNet weights asked for (``weights='imagenet'`` or left at its default; ``weights=None`` is not)."""
from __future__ import annotations

from autograder.checks.base import Evidence, Finding
from autograder.types import BaseSpec


def graded_base(ev: Evidence) -> BaseSpec | None:
    """The last pretrained network inside the graded model."""
    bases = ev.model.bases if ev.model is not None else ()
    return bases[-1] if bases else None


def base_params(base: BaseSpec) -> dict:
    return {"network": base.network, "where": base.location, "weights": str(base.weights)}


def pretrained_base(ev: Evidence) -> Finding:
    base = graded_base(ev)
    if base is None:
        return Finding("fail", "pretrained_base.missing", hint="pretrained_base.hint")
    params = base_params(base)
    if base.include_top:
        return Finding("fail", "pretrained_base.with_top", params, hint="pretrained_base.hint_top")
    if base.weights != str(ev.rules.get("weights", "imagenet")):
        return Finding("fail", "pretrained_base.no_weights", params, hint="pretrained_base.hint_weights")
    key = "pretrained_base.ok" if base.loaded else "pretrained_base.ok_random"
    return Finding("pass", key, params)
