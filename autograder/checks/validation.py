"""Check kind ``validation``: the graded model's ``fit`` (the one given the callback, else the last) validates:
``validation_split`` > 0 or ``validation_data``."""
from autograder.checks.base import Evidence, Finding
from autograder.checks.fit_calls import graded_fit, validates
from autograder.checks.trains import fit_name


def validation(ev: Evidence) -> Finding:
    name = fit_name(ev.model)
    fit = graded_fit(ev.model, str(ev.rules.get("callback", "EarlyStopping")))
    if fit is None:
        return Finding("fail", "validation.no_fit", {"name": name}, hint="validation.hint")
    params = {"name": name, "where": fit.location}
    if not validates(fit):
        return Finding("fail", "validation.missing", params, hint="validation.hint")
    if fit.has_validation_data:
        return Finding("pass", "validation.ok_data", params)
    return Finding("pass", "validation.ok_split", {**params, "split": f"{fit.validation_split:g}"})
