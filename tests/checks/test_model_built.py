from autograder.checks.base import Evidence
from autograder.checks.model_built import model_built
from tests.checks.factory import model


def test_found():
    f = model_built(Evidence(model()))
    assert f.status == "pass" and f.params["layers"] == 5 and f.params["rule"] == "fit"


def test_none():
    assert model_built(Evidence(None)).status == "fail"


def test_empty_model():
    from dataclasses import replace
    assert model_built(Evidence(replace(model(), layers=()))).message == "model_built.empty"
