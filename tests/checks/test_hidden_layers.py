from autograder.checks.base import Evidence
from autograder.checks.hidden_layers import hidden_layers
from tests.checks.factory import dense, dropout, layer, model, output, l2_dropout_rules

RULES = l2_dropout_rules("hidden_layers")


def run(spec):
    return hidden_layers(Evidence(spec, RULES))


def test_reference_passes():
    f = run(model())
    assert f.status == "pass" and f.message == "hidden_layers.ok"


def test_one_hidden_layer_fails_with_count():
    f = run(model(dense(), dropout(), output()))
    assert (f.status, f.message, f.params["found"]) == ("fail", "hidden_layers.too_few", 1)


def test_three_hidden_layers_fail():
    f = run(model(dense(), dropout(), dense(), dropout(), dense(32), dropout(), output()))
    assert (f.status, f.message, f.params["found"]) == ("fail", "hidden_layers.too_many", 3)


def test_linear_hidden_layer_fails_and_names_it():
    bad = dense(activation="linear", line=7)
    f = run(model(dense(), dropout(), bad, dropout(), output()))
    assert f.status == "fail" and f.params["layer"] == bad.name and f.params["where"].line == 7


def test_activation_layer_after_dense_counts_as_nonlinear():
    f = run(model(dense(activation=None), layer("BatchNormalization"), layer("Activation", "relu"), dropout(),
                  dense(), dropout(), output()))
    assert f.status == "pass"


def test_student_defined_dense_is_not_keras_dense():
    fake = dense(builtin=False)
    f = run(model(fake, dropout(), fake, dropout(), output()))
    assert f.status == "fail" and f.message == "hidden_layers.not_keras_dense"


def test_leaky_relu_layer_after_dense_counts_as_nonlinear():
    f = run(model(dense(activation=None), layer("LeakyReLU"), dropout(), dense(), dropout(), output()))
    assert f.status == "pass" and "leaky_relu" in f.params["activations"]


def test_too_many_hint_ends_in_the_students_own_output_layer():
    multiclass = model(dense(800), dropout(), dense(400), dropout(), dense(200), dropout(), output(10, "softmax"),
                       loss="categorical_crossentropy")
    assert run(multiclass).params["output"] == "Dense(10, activation='softmax')"
    logits = model(dense(), dropout(), dense(), dropout(), dense(32), dropout(), output(10, None))
    assert run(logits).params["output"] == "Dense(10)"
    assert run(model(dense(), dropout(), dense(), dropout(), dense(32), dropout(), output())).params["output"] == \
        "Dense(1, activation='sigmoid')"
