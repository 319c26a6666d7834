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


def test_a_pretrained_base_counts_as_one_layer_as_summary_lists_it():
    # The CLI's own result.json of the course's VGG16 example: 21 layers recorded (the base's 18 among them);
    # the student's model.summary() lists 4 (vgg16, flatten, dense, dense_1).
    import json
    from pathlib import Path

    from autograder.integrations.result_file import result_from_dict

    data = Path(__file__).parents[1] / "render" / "data" / "unit" / "transfer-learning.result.json"
    spec = result_from_dict(json.loads(data.read_text())).model
    assert len(spec.layers) == 21
    assert model_built(Evidence(spec)).params["layers"] == 4
