from autograder.checks.base import Evidence
from autograder.checks.trains import trains
from autograder.types import TrainingResult
from tests.checks.factory import model, training


def run(result):
    return trains(Evidence(model(), training=result))


def test_decreasing_loss_passes():
    assert run(training(1.0, 0.8, 0.7)).status == "pass"


def test_flat_or_rising_loss_fails():
    assert run(training(0.7, 0.8, 0.9)).message == "trains.not_decreasing"


def test_nan_fails():
    assert run(training(1.0, float("nan"), float("nan"))).message == "trains.not_finite"


def test_rebuild_error_is_an_error_not_a_fail():
    f = run(TrainingResult(epochs=5, error="ValueError: Lambda layers cannot be rebuilt safely"))
    assert f.status == "error" and "Lambda" in f.params["error"]
