"""What a check reads and returns: the evidence, the finding (a status, a message key and its values), and the
check as an assignment declares it (a kind from the vocabulary, an id, points, parameters)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from autograder.types import CheckStatus, ModelSpec, TrainingResult


@dataclass(frozen=True)
class Evidence:
    """Everything the checks may read. Plain data only."""

    model: ModelSpec | None
    rules: dict[str, Any] = field(default_factory=dict)
    """The running check's own parameters (its ``[[check]]`` table, defaults filled in)."""
    training: TrainingResult | None = None


@dataclass(frozen=True)
class Finding:
    status: CheckStatus
    message: str
    """Key into the message catalog (``autograder/i18n/<lang>.json``)."""
    params: dict[str, Any] = field(default_factory=dict)
    hint: str | None = None
    """Key of the hint shown when the check does not pass."""


@dataclass(frozen=True)
class CheckSpec:
    """One ``[[check]]`` table of an ``assignment.toml``, validated, its kind's defaults filled in."""

    id: str
    """Stable per assignment: the result's check id and the grades.csv column."""
    kind: str
    """A name of ``autograder.checks.vocabulary.VOCABULARY``: which pure function decides it."""
    points: float
    params: dict[str, Any] = field(default_factory=dict)
    """The kind's parameters (``count``, ``kinds``, ``layer`` ...); what ``Evidence.rules`` holds while it runs."""
    depends_on: tuple[str, ...] = ()
    """Ids of checks that must pass first (else this one is skipped, with the reason)."""
    title: dict[str, str] = field(default_factory=dict)
    """Its title per language, when the table gives one (else the catalog's ``check.<id>``)."""
    messages: str = ""
    """The catalog family its messages are read from (``dropout`` -> ``dropout.ok`` ...)."""


def layer_params(layer, prefix: str = "") -> dict[str, Any]:
    """A layer as message values: its Keras name and where the student created it."""
    return {f"{prefix}layer": layer.name, f"{prefix}where": layer.created_at}
