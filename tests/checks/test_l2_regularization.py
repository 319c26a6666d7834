from autograder.checks.base import Evidence
from autograder.checks.l2_regularization import l2_regularization
from tests.checks.factory import dense, dropout, model, output


def run(*layers):
    return l2_regularization(Evidence(model(*layers)))


def test_reference_passes():
    assert run(dense(), dropout(), dense(), dropout(), output()).status == "pass"


def test_l1l2_with_l2_counts():
    assert run(dense(l1=0.0, l2=0.01, reg_class="L1L2"), dropout(), dense(), dropout(), output()).status == "pass"


def test_missing_on_second_layer_names_it():
    second = dense(l2=0.0)
    f = run(dense(), dropout(), second, dropout(), output())
    assert (f.status, f.message, f.params["layer"]) == ("fail", "l2_regularization.missing", second.name)
    assert f.hint == "l2_regularization.hint"


def test_l1_alone_does_not_count():
    f = run(dense(l2=0.0, l1=0.01), dropout(), dense(), dropout(), output())
    assert (f.status, f.message) == ("fail", "l2_regularization.l1_only")


def test_bias_regularizer_alone_does_not_count():
    f = run(dense(l2=0.0, bias_l2=0.01), dropout(), dense(), dropout(), output())
    assert (f.status, f.message, f.params["where_set"]) == ("fail", "l2_regularization.wrong_place", "bias_regularizer")


def test_zero_factor_does_not_count():
    f = run(dense(l2=0.0, reg_class="L2"), dropout(), dense(), dropout(), output())
    assert f.status == "fail"


def test_no_hidden_layers():
    assert run(output()).message == "l2_regularization.no_hidden"
