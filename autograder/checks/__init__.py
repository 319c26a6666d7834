"""The seven checks of the contract: a registry of named pure functions and their dependencies.

Choosing which checks can run (``plan``) is separate from running them (``run_checks``);
a skipped check always carries the id of the check it waited for.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from autograder.checks.base import Evidence, Finding
from autograder.checks.compiled import compiled
from autograder.checks.dropout import dropout
from autograder.checks.hidden_layers import hidden_layers
from autograder.checks.l2_regularization import l2_regularization
from autograder.checks.model_built import model_built
from autograder.checks.output_layer import output_layer
from autograder.checks.trains import trains


@dataclass(frozen=True)
class CheckDef:
    id: str
    run: Callable[[Evidence], Finding]
    depends_on: tuple[str, ...] = ()
    needs_training: bool = False


CHECKS: tuple[CheckDef, ...] = (
    CheckDef("model_built", model_built),
    CheckDef("hidden_layers", hidden_layers, ("model_built",)),
    CheckDef("l2_regularization", l2_regularization, ("model_built",)),
    CheckDef("dropout", dropout, ("model_built",)),
    CheckDef("output_layer", output_layer, ("model_built",)),
    CheckDef("compiled", compiled, ("model_built",)),
    CheckDef("trains", trains, ("model_built", "compiled"), needs_training=True),
)
CHECK_IDS = tuple(c.id for c in CHECKS)


def blocking_dependency(check: CheckDef, done: dict[str, Finding]) -> str | None:
    """The first dependency that did not pass, or None when the check may run."""
    for dep in check.depends_on:
        if dep not in done or done[dep].status != "pass":
            return dep
    return None


def training_wanted(done: dict[str, Finding]) -> bool:
    """True when some check needs the grader's training and nothing blocks it."""
    return any(c.needs_training and blocking_dependency(c, done) is None for c in CHECKS)


def run_checks(evidence: Evidence, only: Callable[[CheckDef], bool] = lambda c: True,
               done: dict[str, Finding] | None = None) -> dict[str, Finding]:
    """Run the checks (in contract order) that ``only`` selects; earlier findings in ``done`` are kept."""
    done = dict(done or {})
    for check in CHECKS:
        if check.id in done or not only(check):
            continue
        blocker = blocking_dependency(check, done)
        if blocker is not None:
            done[check.id] = Finding("skipped", "skipped.dependency", {"depends": blocker})
            continue
        try:
            done[check.id] = check.run(evidence)
        except Exception as exc:  # a grader bug must not lose the result
            done[check.id] = Finding("error", "check.crashed", {"error": f"{type(exc).__name__}: {exc}"})
    return done


def skipped_all(reason_key: str, params: dict | None = None) -> dict[str, Finding]:
    """Every check as not evaluated, e.g. when the submission could not be read at all."""
    return {c.id: Finding("skipped" if c.id != "model_built" else "fail", reason_key, dict(params or {}))
            for c in CHECKS}
