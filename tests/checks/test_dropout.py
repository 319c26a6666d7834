from autograder.checks.base import Evidence
from autograder.checks.dropout import dropout as check_dropout
from tests.checks.factory import dense, dropout, layer, model, output, l2_dropout_rules

RULES = l2_dropout_rules("dropout")


def run(*layers):
    return check_dropout(Evidence(model(*layers), RULES))


def test_reference_passes():
    f = run(dense(), dropout(0.5), dense(), dropout(0.3), output())
    assert f.status == "pass" and f.params["rates"] == "0.5, 0.3"


def test_batchnorm_and_activation_may_stand_between():
    assert run(dense(), layer("BatchNormalization"), layer("Activation", "relu"), dropout(), dense(), dropout(),
               output()).status == "pass"


def test_missing_after_second_hidden_layer():
    second = dense()
    f = run(dense(), dropout(), second, output())
    assert (f.status, f.message, f.params["layer"], f.params["found"]) == ("fail", "dropout.missing", second.name, "Dense")


def test_other_layer_between_is_not_dropout():
    f = run(dense(), layer("GaussianNoise"), dropout(), dense(), dropout(), output())
    assert (f.status, f.params["found"]) == ("fail", "GaussianNoise")


def test_rate_zero_and_one_fail():
    assert run(dense(), dropout(0.0), dense(), dropout(), output()).message == "dropout.bad_rate"
    assert run(dense(), dropout(), dense(), dropout(1.0), output()).message == "dropout.bad_rate"


def test_dropout_before_the_layer_does_not_count():
    first = dense()
    f = run(dropout(), first, dense(), dropout(), output())
    assert (f.status, f.params["layer"]) == ("fail", first.name)


def test_relu_layer_may_stand_between():
    assert run(dense(activation=None), layer("ReLU"), dropout(), dense(), dropout(), output()).status == "pass"


def test_a_class_of_its_own_called_dropout_is_not_keras_dropout():
    from dataclasses import replace

    own = replace(dropout(0.5), builtin=False)  # the sandbox's identity test: not a class Keras defined
    f = run(dense(), own, dense(), dropout(), output())
    assert (f.status, f.message) == ("fail", "dropout.not_keras")
