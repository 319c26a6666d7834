"""What a check returns before it is put into words: a status, a message key and its values."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from autograder.types import CheckStatus, ModelSpec, TrainingResult


@dataclass(frozen=True)
class Evidence:
    """Everything the checks may read. Plain data only."""

    model: ModelSpec | None
    rules: dict[str, Any] = field(default_factory=dict)
    training: TrainingResult | None = None


@dataclass(frozen=True)
class Finding:
    status: CheckStatus
    message: str
    """Key into the message catalog (``autograder/i18n/<lang>.json``)."""
    params: dict[str, Any] = field(default_factory=dict)
    hint: str | None = None
    """Key of the hint shown when the check does not pass."""


def layer_params(layer, prefix: str = "") -> dict[str, Any]:
    """A layer as message values: its Keras name and where the student created it."""
    return {f"{prefix}layer": layer.name, f"{prefix}where": layer.created_at}
