"""``trains`` has two halves: the submission reaches a ``fit`` of the graded model (step 4), and the
grader's own brief training keeps the loss finite and decreasing. Each test breaks exactly one thing."""
from dataclasses import replace

from autograder.checks.base import Evidence
from autograder.checks.trains import fit_name, trains
from autograder.i18n import translate
from autograder.types import FitCall, SourceLocation, TrainingResult
from tests.checks.factory import model, training


def run(result, spec=None):
    return trains(Evidence(spec or model(), training=result))


def test_decreasing_loss_passes():
    f = run(training(1.0, 0.8, 0.7))
    assert (f.status, f.message) == ("pass", "trains.ok_fitted")


def test_flat_or_rising_loss_fails():
    assert run(training(0.7, 0.8, 0.9)).message == "trains.not_decreasing"


def test_nan_fails():
    assert run(training(1.0, float("nan"), float("nan"))).message == "trains.not_finite"


def test_rebuild_error_is_an_error_not_a_fail():
    f = run(TrainingResult(epochs=5, error="ValueError: Lambda layers cannot be rebuilt safely"))
    assert f.status == "error" and "Lambda" in f.params["error"]


def test_never_fitted_fails_even_when_the_grader_trains_it():
    f = run(training(1.0, 0.5), model(fitted=False))
    assert (f.status, f.message, f.hint) == ("fail", "trains.not_fitted", "trains.hint_fit")


def test_never_fitted_fails_without_any_training_either():
    assert run(None, model(fitted=False)).message == "trains.not_fitted"


def test_hint_uses_the_students_own_variable_name():
    spec = replace(model(fitted=False), global_names=("modelo",))
    f = run(training(1.0, 0.5), spec)
    hint = translate(f.hint, "es", f.params)
    assert "`modelo.fit(X_train, y_train, epochs=50, validation_split=0.2)`" in hint
    assert "modelo.fit" in translate(f.message, "en", f.params)


def test_the_name_model_wins_when_several_names_refer_to_it():
    assert fit_name(replace(model(), global_names=("a", "model"))) == "model"
    assert fit_name(replace(model(), global_names=("clf", "net"))) == "clf"
    assert fit_name(model()) == "model"


def test_a_fit_that_raised_still_counts_and_its_error_is_shown():
    failed = FitCall(epochs_requested=150, epochs_run=0, error="NameError: name 'X' is not defined", called=False,
                     location=SourceLocation(cell=6, line=1))
    f = run(training(1.0, 0.5), replace(model(), fit_calls=(failed,)))
    assert (f.status, f.message) == ("pass", "trains.ok_fit_failed")
    text = translate(f.message, "es", f.params)
    assert "NameError: name 'X' is not defined" in text and "celda 6, línea 1" in text


def test_the_grader_half_still_decides_when_fit_was_reached():
    failed = FitCall(epochs_requested=5, epochs_run=0, error="ValueError: shapes")
    assert run(training(0.7, 0.9), replace(model(), fit_calls=(failed,))).message == "trains.not_decreasing"


def test_every_trains_message_exists_in_both_languages():
    from autograder.i18n import catalog

    for key in ("trains.not_fitted", "trains.hint_fit", "trains.ok_fitted", "trains.ok_fit_failed"):
        for lang in ("es", "en"):
            assert key in catalog(lang)
