import pytest

from autograder.checks.base import Evidence
from autograder.checks.compiled import compiled
from tests.checks.factory import dense, dropout, model, output


def run(out=None, **kw):
    return compiled(Evidence(model(dense(), dropout(), dense(), dropout(), out or output(), **kw)))


@pytest.mark.parametrize("out,loss,logits", [
    (output(1, "sigmoid"), "binary_crossentropy", False),
    (output(1, "sigmoid"), "BinaryCrossentropy", False),
    (output(4, "softmax"), "categorical_crossentropy", False),
    (output(4, "softmax"), "SparseCategoricalCrossentropy", False),
    (output(1, "linear"), "mse", False),
    (output(1, "linear"), "mean_absolute_error", False),
    (output(1, "linear"), "BinaryCrossentropy", True),
])
def test_losses_that_fit(out, loss, logits):
    assert run(out, loss=loss, from_logits=logits).status == "pass"


@pytest.mark.parametrize("out,loss,logits,key", [
    (output(1, "sigmoid"), "mse", False, "compiled.mismatch"),
    (output(1, "sigmoid"), "BinaryCrossentropy", True, "compiled.logits_mismatch"),
    (output(4, "softmax"), "binary_crossentropy", False, "compiled.mismatch"),
    (output(1, "linear"), "binary_crossentropy", False, "compiled.mismatch"),
])
def test_losses_that_do_not_fit(out, loss, logits, key):
    f = run(out, loss=loss, from_logits=logits)
    assert (f.status, f.message) == ("fail", key)


def test_never_compiled():
    assert run(compiled=False).message == "compiled.never"


def test_compile_error_is_reported():
    f = run(compile_error="ValueError: bad optimizer")
    assert f.message == "compiled.error" and "bad optimizer" in f.params["error"]


def test_no_optimizer_and_no_loss():
    assert run(optimizer=None).message == "compiled.no_optimizer"
    assert run(loss=None).message == "compiled.no_loss"
