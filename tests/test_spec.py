"""The sandbox's JSON report -> ModelSpec: the contract's selection rule and defensive parsing."""
from autograder.spec import extract_model_spec, select_model, student_errors
from autograder.types import ExecutionArtifact


def state(events, global_model=None, models=None):
    return {"events": events, "global_model": global_model, "models": models or {}}


def test_selection_rule_order():
    assert select_model(state([["construct", 0], ["compile", 0], ["construct", 1], ["fit", 0]])) == (0, "fit")
    assert select_model(state([["construct", 0], ["compile", 0], ["construct", 1], ["compile", 1]])) == (1, "compile")
    assert select_model(state([["construct", 0], ["construct", 1]], global_model=0)) == (0, "global")
    assert select_model(state([["construct", 0], ["construct", 1]])) == (1, "construct")
    assert select_model(state([])) == (None, None)


def test_garbage_state_gives_no_model():
    for junk in ({}, {"events": "x"}, {"events": [["fit", "a"]]}, {"events": [["fit", 0]], "models": {"0": 5}},
                 {"events": [["fit", 0]], "models": {"0": {"layers": "nope"}}}):
        assert extract_model_spec(ExecutionArtifact(outcome="completed", state=junk)) is None


def test_layer_fields_are_coerced():
    raw = {"events": [["fit", 0]], "models": {"0": {
        "kind": "sequential", "class_name": "Sequential", "name": "m", "input_shape": [None, 30],
        "layers": [{"class_name": "Dense", "name": "d", "builtin": True, "units": "64", "activation": 3,
                    "kernel_regularizer": {"class_name": "L2", "l2": "0.01"}, "created_at": {"cell": 3, "line": 2}}],
        "compile": {"optimizer": {"class_name": "Adam"}, "loss": {"name": "binary_crossentropy"}},
        "fits": [{"epochs_requested": 50, "epochs_run": 2, "loss": [0.5, "x", 0.4]}]}}}
    spec = extract_model_spec(ExecutionArtifact(outcome="completed", state=raw))
    layer = spec.layers[0]
    assert layer.units is None and layer.activation is None and layer.kernel_regularizer.l2 == 0.0
    assert layer.created_at.cell == 3
    assert spec.compile.optimizer == "Adam" and spec.fit_calls[0].loss == (0.5, 0.4)


def test_student_errors_are_bounded():
    errors = [{"type": "NameError", "message": "x" * 5000, "location": {"cell": 1, "line": 2}}] * 80
    out = student_errors(ExecutionArtifact(outcome="completed", state={"errors": errors}))
    assert len(out) == 50 and len(out[0].message) == 1000
