"""Check ``trains``: the grader's own brief training of the rebuilt model has a finite, decreasing loss."""
import math

from autograder.checks.base import Evidence, Finding


def trains(ev: Evidence) -> Finding:
    result = ev.training
    if result is None:
        return Finding("error", "trains.not_run")
    if result.error:
        return Finding("error", "trains.could_not_train", {"error": result.error}, hint="trains.hint_rebuild")
    losses = list(result.loss)
    if len(losses) < 2:
        return Finding("error", "trains.too_short", {"epochs": len(losses)})
    shown = {"first": losses[0], "last": losses[-1], "epochs": len(losses)}
    if not all(isinstance(v, float) and math.isfinite(v) for v in losses):
        return Finding("fail", "trains.not_finite", shown, hint="trains.hint_nan")
    if not losses[-1] < losses[0]:
        return Finding("fail", "trains.not_decreasing", shown, hint="trains.hint_flat")
    return Finding("pass", "trains.ok", shown)
