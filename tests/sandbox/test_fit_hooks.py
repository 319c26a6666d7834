"""The fit record of the sandbox's hooks (``ag_hooks``): a statement calling a model's ``fit`` that fails before
``fit`` runs still counts; a ``fit`` in a comment or in a function nobody calls does not; what fit received.

Runs the tracker on real Keras objects in this process, without installing the hooks (Keras stays unpatched)
and without training: the failing calls never get as far as a training step."""
from __future__ import annotations

import linecache
import sys
from pathlib import Path

import numpy as np
import pytest

INNER = Path(__file__).resolve().parents[2] / "autograder" / "sandbox" / "inner"
sys.path.insert(0, str(INNER))

keras = pytest.importorskip("keras")
import ag_hooks  # noqa: E402


def run_cell(tracker, namespace, source, name="<cell 3>"):
    """Run a cell's statements one by one as the runner does, reporting failures to the tracker."""
    import ast

    linecache.cache[name] = (len(source), None, source.splitlines(True), name)
    for node in ast.parse(source).body:
        try:
            exec(compile(ast.Module(body=[node], type_ignores=[]), name, "exec"), namespace)
        except Exception as exc:
            tracker.statement_failed(exc, namespace)


@pytest.fixture
def tracked():
    tracker = ag_hooks.Tracker({"<cell 3>": {"cell": 3}}, 2, lambda: None)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    namespace = {"modelo": model, "keras": keras}
    return tracker, model, namespace


def test_a_fit_whose_arguments_are_undefined_counts_as_reached(tracked):
    tracker, model, ns = tracked
    run_cell(tracker, ns, "h = modelo.fit(X,\n    y, epochs=150)\n")
    [record] = tracker.fits[tracker.index_of(model)]
    assert record["called"] is False and record["epochs_requested"] == 150
    assert record["error"].startswith("NameError") and record["site"] == {"cell": 3, "line": 1}
    assert ["fit_attempt", tracker.index_of(model)] in tracker.events


def test_comments_uncalled_functions_and_other_errors_do_not_count(tracked):
    tracker, model, ns = tracked
    run_cell(tracker, ns, "# modelo.fit(X, y)\n"
                          "def entrenar():\n    return modelo.fit(X, y)\n"
                          "X = undefined_name\n"
                          "otro.fit(X)\n")  # a name that is not a Keras model
    assert tracker.fits == {}


def test_an_error_from_inside_the_hooked_fit_is_not_counted_twice(tracked):
    # The hooked fit records its own call (and its error); the statement's failure must not add another.
    tracker, model, ns = tracked
    original = model.fit

    def hooked_fit(*args, **kwargs):
        try:
            return original(*args, **kwargs)
        except Exception as exc:
            tracker.fit_errors.append(exc)
            raise

    model.fit = hooked_fit  # this object only: Keras itself stays unpatched for the other tests
    run_cell(tracker, ns, "modelo.fit([[1.0]], [[1.0]], epochs=1, verbose=0)\n")  # not compiled: raises inside
    assert tracker.fits == {}


def test_what_fit_received(tracked):
    tracker, model, ns = tracked
    info = tracker.fit_data(tracker.index_of(model), np.zeros((3, 9)), np.zeros(3))
    assert (info["samples"], info["features"], info["source"], info["dataset"]) == (3, [9], "own", None)
    assert tracker.fit_data(0, [[1.0, 2.0], [3.0, 4.0]], [0, 1])["features"] == [2]
    assert tracker.fit_data(0, None, None)["source"] == "unknown"


def test_global_names_and_the_predefined_data(tracked):
    tracker, model, ns = tracked
    ns["red"] = model
    assert tracker.global_names(tracker.index_of(model), ns) == ["modelo", "red"]
    x = np.ones((5, 4))
    tracker.predefined = {"X_train": x, "y_train": np.zeros(5)}
    idx = tracker.index_of(model)
    assert tracker.fit_data(idx, x, tracker.predefined["y_train"])["source"] == "predefined"
    assert tracker.fit_data(idx, x.copy(), np.zeros(5))["source"] == "predefined"  # equal values
    assert tracker.fit_data(idx, x + 1, np.zeros(5))["source"] == "own"
