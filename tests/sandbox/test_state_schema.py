"""The state that crosses the sandbox boundary: one typed, versioned schema (ag_state), producers built from it,
validated once where it enters the grader (spec.accept_state), and nothing the grader reads lost on the way."""
from __future__ import annotations

import pytest

from autograder.crosscheck import cross_check
from autograder.loading import load_submission
from autograder.sandbox.inner import ag_state
from autograder.spec import StateVersionError, accept_state, extract_model_spec, student_errors
from autograder.types import ExecutionArtifact
from tests.crosscheck.test_honest_corpus import ROOT, recorded


def test_new_fills_the_defaults_and_refuses_a_field_the_schema_lacks():
    fit = ag_state.new(ag_state.Fit, epochs_requested=50)
    assert fit["epochs_requested"] == 50 and fit["called"] is True and fit["loss"] == [] and fit["data"] is None
    assert ag_state.new(ag_state.State)["schema"] == ag_state.SCHEMA == "autograder.state/2"
    with pytest.raises(TypeError, match="Fit has no field 'checkpoints'"):
        ag_state.new(ag_state.Fit, checkpoints=[])
    assert ag_state.new(ag_state.Fit)["loss"] is not ag_state.new(ag_state.Fit)["loss"]  # no shared defaults


def test_conform_keeps_exactly_the_schema_each_field_of_its_type():
    raw = ag_state.new(ag_state.State, models={"0": ag_state.new(
        ag_state.Model, index=0, kind="sequential", layers=[
            ag_state.new(ag_state.Layer, class_name="Dense", units="64", rate=True, builtin="yes",
                         kernel_regularizer={"class_name": "L2", "l2": 0.01, "extra": 1}), "not a layer"],
        fits=[ag_state.new(ag_state.Fit, loss=[0.5, float("nan")], data={"samples": 3.5, "source": "own"})])})
    raw["injected"] = "dropped"
    state = ag_state.conform(raw)
    assert "injected" not in state and set(state) == set(ag_state.new(ag_state.State))
    layers = state["models"]["0"]["layers"]
    assert len(layers) == 1 and layers[0]["units"] is None and layers[0]["rate"] is None
    assert layers[0]["builtin"] is False and layers[0]["kernel_regularizer"] == {"class_name": "L2", "l1": 0.0,
                                                                                 "l2": 0.01}
    fit = state["models"]["0"]["fits"][0]
    assert fit["data"]["samples"] is None and fit["data"]["source"] == "own" and len(fit["loss"]) == 2
    assert ag_state.conform("junk") == ag_state.new(ag_state.State)


def test_the_entry_refuses_another_schema_version_and_reads_junk_as_no_model():
    with pytest.raises(StateVersionError, match="autograder.state/1"):
        accept_state({"schema": "autograder.state/1", "models": {}})
    assert accept_state(None) == {} and accept_state([1, 2]) == {}
    for junk in ({"events": "x"}, {"events": [["fit", "a"]]}, {"events": [["fit", 0]], "models": {"0": 5}},
                 {"events": [["fit", 0]], "models": {"0": {"layers": "nope"}}}):
        assert extract_model_spec(ExecutionArtifact(outcome="completed", state=accept_state(junk))) is None
    errors = [ag_state.new(ag_state.Error, type="NameError", message="x" * 5000, location={"cell": 1, "line": 2})] * 80
    out = student_errors(ExecutionArtifact(outcome="completed", state=accept_state({"errors": errors})))
    assert len(out) == 50 and len(out[0].message) == 1000  # spec.py still bounds every value


def test_the_schema_holds_everything_the_grader_reads_of_real_reports():
    """Every report recorded from a real run (tests/crosscheck/states) grades the same through the schema."""
    compared = 0
    for record in recorded():
        raw = record["state"]
        through = accept_state(raw)
        before = extract_model_spec(ExecutionArtifact(outcome=record["outcome"], state=raw))
        after = extract_model_spec(ExecutionArtifact(outcome=record["outcome"], state=through))
        assert after == before, record["id"]
        artifact = ExecutionArtifact(outcome=record["outcome"], state=through)
        assert student_errors(artifact) == student_errors(ExecutionArtifact(outcome=record["outcome"], state=raw))
        sub = load_submission(ROOT / record["path"], record["id"])
        assert cross_check(sub, after, through) == cross_check(sub, before, raw), record["id"]
        compared += before is not None
    assert compared >= 55
