"""Read the graded model's calls of ``fit`` (step 4) for the unit's callback and validation checks."""
from __future__ import annotations

from autograder.types import CallbackSpec, FitCall, ModelSpec


def called_fits(model: ModelSpec | None) -> list[FitCall]:
    """The fits of the graded model that ran (a statement that failed before fit ran shows no arguments)."""
    return [f for f in (model.fit_calls if model is not None else ()) if f.called]


def callbacks_named(fit: FitCall, class_name: str) -> list[CallbackSpec]:
    return [c for c in fit.callbacks if c.class_name == class_name]


def graded_fit(model: ModelSpec | None, class_name: str = "EarlyStopping") -> FitCall | None:
    """The fit the checks judge: the last one given a ``class_name`` callback, else the last one that ran."""
    fits = called_fits(model)
    with_callback = [f for f in fits if callbacks_named(f, class_name)]
    return (with_callback or fits or [None])[-1]


def validates(fit: FitCall) -> bool:
    return bool(fit.has_validation_data or (fit.validation_split or 0) > 0)
