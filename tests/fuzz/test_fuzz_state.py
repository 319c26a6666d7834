"""Fuzzing what comes back from the sandbox: random and mutated JSON reports never crash
``extract_model_spec``, the error diagnosis or the cross-check, and what they return is well-formed."""
from __future__ import annotations

import copy
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograder.crosscheck import cross_check
from autograder.diagnosis import diagnose_run
from autograder.spec import extract_model_spec, ignored_magics
from autograder.types import ExecutionArtifact, LayerSpec, ModelSpec, SourceCell, Submission

FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
STATES = Path(__file__).resolve().parents[1] / "crosscheck" / "states"

scalars = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
           | st.sampled_from(["fit", "compile", "construct", "global", "Dense", "Dropout", "L2", "0", "relu"]))
json_values = st.recursive(scalars, lambda c: st.lists(c, max_size=4) | st.dictionaries(
    st.sampled_from(["cell", "line", "file", "class_name", "units", "l2", "rate", "layers", "events", "models",
                     "fits", "site", "compile", "created_at", "0", "1", "kind", "errors", "type", "message"])
    | st.text(max_size=8), c, max_size=5), max_leaves=25)
states = st.fixed_dictionaries({}, optional={
    "events": st.lists(st.lists(scalars, max_size=3), max_size=5) | json_values,
    "models": st.dictionaries(st.sampled_from(["0", "1", "x"]), json_values, max_size=3) | json_values,
    "global_model": scalars, "models_seen": scalars, "errors": json_values, "notes": json_values,
    "standins": json_values, "downloads": json_values, "keras2": json_values})
CODE = (SourceCell(1, "from keras.layers import Dense\nm = Dense(4)\n"), SourceCell(2, "%%time\nx = 1\n"))


def recorded_states() -> list[dict]:
    found = [json.loads(p.read_text())["state"] for p in sorted(STATES.glob("*.json"))[:12]]
    return found or [{"events": [["fit", 0]], "models": {"0": {"kind": "sequential", "layers": []}}}]


def check_everything(state) -> None:
    artifact = ExecutionArtifact(outcome="completed", state=state)
    spec = extract_model_spec(artifact)
    assert spec is None or (isinstance(spec, ModelSpec) and all(isinstance(l, LayerSpec) for l in spec.layers))
    diagnosis = diagnose_run(artifact)
    assert isinstance(diagnosis.errors, tuple)
    assert all(isinstance(n, str) for n in ignored_magics(artifact))
    for kind in ("notebook", "script"):
        sub = Submission(id="f", source="f", kind=kind, sha256="", filename="f.py", cells=CODE)
        cross_check(sub, spec, state)


@FUZZ
@given(states)
def test_random_reports(state):
    check_everything(state)


@FUZZ
@given(json_values)
def test_reports_of_the_wrong_shape(value):
    check_everything(value if isinstance(value, dict) else {"models": value, "events": value})


@FUZZ
@given(st.data())
def test_mutated_real_reports(data):
    """A recorded report with one value somewhere replaced by junk."""
    state = copy.deepcopy(data.draw(st.sampled_from(recorded_states())))
    for _ in range(data.draw(st.integers(1, 4))):
        node, parent, key = state, None, None
        while isinstance(node, (dict, list)) and node:
            keys = list(node) if isinstance(node, dict) else list(range(len(node)))
            parent, key = node, data.draw(st.sampled_from(keys))
            node = node[key]
            if data.draw(st.integers(0, 3)) == 0:
                break
        if parent is not None:
            parent[key] = data.draw(json_values)
    check_everything(state)
