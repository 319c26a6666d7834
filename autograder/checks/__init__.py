"""Running an assignment's checks: plan them from its ``[[check]]`` data, run the named pure functions in order.

Choosing which checks can run (``plan``) is separate from running them (``run_checks``); a skipped check
always carries the id of the check it waited for. Which checks there are is the assignment's data
(``Assignment.checks``), never a tuple here; the kinds live in ``autograder.checks.vocabulary``.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Sequence

from autograder.checks.base import CheckSpec, Evidence, Finding
from autograder.checks.vocabulary import VOCABULARY


@dataclass(frozen=True)
class CheckDef:
    """A check ready to run: the assignment's declaration and its kind's function."""

    spec: CheckSpec
    run: Callable[[Evidence], Finding]
    depends_on: tuple[str, ...] = ()
    needs_training: bool = False

    @property
    def id(self) -> str:
        return self.spec.id


def plan(specs: Sequence[CheckSpec]) -> tuple[CheckDef, ...]:
    """The checks as they will run: each kind's function, and its dependencies as check ids of this
    assignment (the ``depends_on`` of the table, else the checks of the kinds its kind depends on)."""
    by_kind: dict[str, list[str]] = {}
    for spec in specs:
        by_kind.setdefault(spec.kind, []).append(spec.id)
    out = []
    for spec in specs:
        kind = VOCABULARY[spec.kind]
        deps = spec.depends_on or tuple(i for k in kind.depends_on for i in by_kind.get(k, ()) if i != spec.id)
        out.append(CheckDef(spec, kind.run, tuple(deps), kind.needs_training))
    return tuple(out)


def _checks(checks: Sequence[CheckSpec | CheckDef]) -> tuple[CheckDef, ...]:
    """Planned checks as given, or the plan of an assignment's check declarations."""
    return tuple(checks) if all(isinstance(c, CheckDef) for c in checks) else plan(checks)


def blocking_dependency(check: CheckDef, done: dict[str, Finding]) -> str | None:
    """The first dependency that did not pass, or None when the check may run."""
    for dep in check.depends_on:
        if dep not in done or done[dep].status != "pass":
            return dep
    return None


def training_wanted(done: dict[str, Finding], checks: Sequence[CheckSpec | CheckDef]) -> bool:
    """True when some check needs the grader's training and nothing blocks it."""
    return any(c.needs_training and blocking_dependency(c, done) is None for c in _checks(checks))


def in_family(finding: Finding, spec: CheckSpec) -> Finding:
    """The finding with its message keys in the check's catalog family (``dropout.ok`` -> ``batch_norm.ok``)."""
    native = VOCABULARY[spec.kind].native
    family = spec.messages or VOCABULARY[spec.kind].messages
    if not native or family == native:
        return finding

    def moved(key: str | None) -> str | None:
        return family + key[len(native):] if key and key.startswith(native + ".") else key

    return replace(finding, message=moved(finding.message), hint=moved(finding.hint))


def run_one(check: CheckDef, evidence: Evidence) -> Finding:
    """One check's finding: its function over the evidence, with the check's own parameters as ``rules``."""
    return in_family(check.run(replace(evidence, rules=dict(check.spec.params))), check.spec)


def run_checks(evidence: Evidence, checks: Sequence[CheckSpec | CheckDef],
               only: Callable[[CheckDef], bool] = lambda c: True,
               done: dict[str, Finding] | None = None) -> dict[str, Finding]:
    """Run the checks (in the assignment's order) that ``only`` selects; earlier findings in ``done`` are kept."""
    done = dict(done or {})
    for check in _checks(checks):
        if check.id in done or not only(check):
            continue
        blocker = blocking_dependency(check, done)
        if blocker is not None:
            done[check.id] = Finding("skipped", "skipped.dependency", {"depends": blocker})
            continue
        try:
            done[check.id] = run_one(check, evidence)
        except Exception as exc:  # a grader bug must not lose the result
            done[check.id] = Finding("error", "check.crashed", {"error": f"{type(exc).__name__}: {exc}"})
    return done

