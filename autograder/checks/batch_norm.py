"""Check kind ``batch_norm``: a ``BatchNormalization`` after each hidden Dense layer, before the next Dense
(Activation or Dropout layers may stand between)."""
from autograder.checks.architecture import ACTIVATION_LAYERS, hidden_dense, is_dense
from autograder.checks.base import Evidence, Finding, layer_params

MAY_STAND_BETWEEN = {"Dropout", *ACTIVATION_LAYERS}


def batch_norm(ev: Evidence) -> Finding:
    wanted = str(ev.rules.get("layer", "BatchNormalization"))
    hidden = hidden_dense(ev.model)
    if not hidden:
        return Finding("fail", "batch_norm.no_hidden", {"wanted": wanted}, hint="batch_norm.hint")
    for use in hidden:
        found = None
        for layer in ev.model.layers[use.position + 1:]:
            if layer.class_name == wanted or is_dense(layer) or layer.class_name not in MAY_STAND_BETWEEN:
                found = layer
                break
        if found is None or found.class_name != wanted:
            params = {**layer_params(use.layer), "units": use.layer.units, "wanted": wanted,
                      "found": found.class_name if found is not None else ""}
            key = "batch_norm.missing" if found is not None else "batch_norm.missing_end"
            return Finding("fail", key, params, hint="batch_norm.hint")
    return Finding("pass", "batch_norm.ok", {"count": len(hidden), "wanted": wanted})
