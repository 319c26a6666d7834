import pytest

from autograder.checks.base import Evidence
from autograder.checks.output_layer import output_layer
from tests.checks.factory import dense, dropout, layer, model, output


@pytest.mark.parametrize("units,activation,key", [
    (1, "sigmoid", "output_layer.ok_sigmoid"),
    (3, "softmax", "output_layer.ok_softmax"),
    (1, "linear", "output_layer.ok_linear"),
    (1, None, "output_layer.ok_linear"),
])
def test_valid_outputs(units, activation, key):
    f = output_layer(Evidence(model(dense(), dropout(), dense(), dropout(), output(units, activation))))
    assert (f.status, f.message) == ("pass", key)


@pytest.mark.parametrize("units,activation", [(1, "relu"), (1, "softmax"), (2, "sigmoid"), (3, "linear")])
def test_invalid_outputs(units, activation):
    f = output_layer(Evidence(model(dense(), dropout(), dense(), dropout(), output(units, activation))))
    assert (f.status, f.message) == ("fail", "output_layer.bad")
    assert f.hint == "output_layer.hint"


def test_activation_layer_after_output_dense():
    f = output_layer(Evidence(model(dense(), dropout(), dense(), dropout(), output(1, None), layer("Activation", "sigmoid"))))
    assert f.message == "output_layer.ok_sigmoid"


def test_last_layer_not_dense():
    f = output_layer(Evidence(model(dense(), dropout(), dense(), dropout())))
    assert (f.status, f.message) == ("fail", "output_layer.not_dense")
