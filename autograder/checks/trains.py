"""Check ``trains`` (step 4): the submission's code reaches a statement calling the graded model's ``fit``
(a call that then fails still counts), and the grader's own brief training keeps the loss finite and decreasing."""
import math

from autograder.checks.base import Evidence, Finding
from autograder.types import FitCall, ModelSpec


def fit_name(model: ModelSpec | None) -> str:
    """The student's own variable for the model, for the hint's code line (``model`` when unknown)."""
    names = model.global_names if model is not None else ()
    if "model" in names or not names:
        return "model"
    return names[0]


def last_fit(model: ModelSpec | None) -> FitCall | None:
    return model.fit_calls[-1] if model is not None and model.fit_calls else None


def trains(ev: Evidence) -> Finding:
    name = fit_name(ev.model)
    fit = last_fit(ev.model)
    if fit is None:  # half (a): no statement calling this model's fit was reached
        return Finding("fail", "trains.not_fitted", {"name": name}, hint="trains.hint_fit")
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
    where = {"name": name, "where": fit.location, "error": fit.error or ""}
    if fit.error:
        return Finding("pass", "trains.ok_fit_failed", {**shown, **where})
    return Finding("pass", "trains.ok_fitted", {**shown, **where})
