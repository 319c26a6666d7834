"""Check ``model_built``: a Keras model could be obtained from the submission."""
from autograder.checks.architecture import layers_shown
from autograder.checks.base import Evidence, Finding


def model_built(ev: Evidence) -> Finding:
    spec = ev.model
    if spec is None:
        return Finding("fail", "model_built.none", hint="model_built.hint")
    params = {"kind": spec.kind, "class_name": spec.class_name, "name": spec.name,
              "layers": layers_shown(spec), "rule": spec.selected_by, "count": spec.models_seen}
    if not spec.layers:
        return Finding("fail", "model_built.empty", params, hint="model_built.hint_empty")
    return Finding("pass", "model_built.found", params)
