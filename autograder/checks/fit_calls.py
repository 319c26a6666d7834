"""Read the graded model's calls of ``fit`` (step 4) for the unit's callback and validation checks."""
from __future__ import annotations

from autograder.types import CallbackSpec, FitCall, ModelSpec


def called_fits(model: ModelSpec | None) -> list[FitCall]:
    """The fits of the graded model that ran (a statement that failed before fit ran shows no arguments)."""
    return [f for f in (model.fit_calls if model is not None else ()) if f.called]


def acts_as(callback: CallbackSpec) -> str | None:
    """The Keras callback whose behaviour ``callback`` has (a Keras class's own name for one recorded before
    ``keras_class`` was)."""
    return callback.keras_class or (callback.class_name if callback.builtin else None)


def callbacks_named(fit: FitCall, class_name: str) -> list[CallbackSpec]:
    """The callbacks that act as Keras' ``class_name``: that class, or a subclass keeping its behaviour."""
    return [c for c in fit.callbacks if acts_as(c) == class_name]


def impostors_named(fit: FitCall, class_name: str) -> list[CallbackSpec]:
    """The callbacks that carry ``class_name`` without acting as Keras' class of that name."""
    return [c for c in fit.callbacks if c.class_name == class_name and acts_as(c) != class_name]


def graded_fit(model: ModelSpec | None, class_name: str = "EarlyStopping") -> FitCall | None:
    """The fit the checks judge: the last one given a ``class_name`` callback, else the last one that ran."""
    fits = called_fits(model)
    with_callback = [f for f in fits if callbacks_named(f, class_name)]
    return (with_callback or fits or [None])[-1]


def validates(fit: FitCall) -> bool:
    return bool(fit.has_validation_data or (fit.validation_split or 0) > 0)
