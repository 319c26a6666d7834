from autograder.checks.base import Evidence
from autograder.checks.batch_norm import batch_norm
from tests.checks.factory import dense, dropout, layer, model, output

RULES = {"layer": "BatchNormalization"}


def bn():
    return layer("BatchNormalization")


def run(*layers):
    return batch_norm(Evidence(model(*layers), RULES))


def test_the_course_model_passes():
    f = run(dense(), bn(), dense(), bn(), output())
    assert (f.status, f.params["count"]) == ("pass", 2)


def test_dropout_and_activation_may_stand_between():
    assert run(bn(), dense(activation=None), layer("Activation", "relu"), bn(), dropout(), dense(), dropout(), bn(),
               output()).status == "pass"


def test_missing_after_the_second_hidden_layer():
    second = dense()
    f = run(dense(), bn(), dropout(), second, dropout(), output())
    assert (f.status, f.message, f.params["layer"], f.params["found"]) == ("fail", "batch_norm.missing", second.name,
                                                                         "Dense")


def test_only_on_the_inputs_fails():
    first = dense()
    f = run(bn(), first, dense(), output())
    assert (f.message, f.params["layer"]) == ("batch_norm.missing", first.name)


def test_another_layer_between_is_not_allowed():
    assert run(dense(), layer("GaussianNoise"), bn(), dense(), bn(), output()).params["found"] == "GaussianNoise"


def test_no_hidden_layer():
    assert run(output()).message == "batch_norm.no_hidden"
