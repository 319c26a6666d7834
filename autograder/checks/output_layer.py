"""Kind ``output_layer``: the last layer is Dense with 1 sigmoid unit, >= 2 softmax units, or 1 linear unit
(``kinds`` narrows which of the three the assignment accepts)."""
from autograder.checks.architecture import output_dense, output_kind
from autograder.checks.base import Evidence, Finding, layer_params

OUTPUT_KINDS = ("sigmoid", "softmax", "linear")


def output_layer(ev: Evidence) -> Finding:
    spec = ev.model
    accepted = tuple(ev.rules.get("kinds", OUTPUT_KINDS))
    use = output_dense(spec)
    if use is None:
        last = spec.layers[-1]
        return Finding("fail", "output_layer.not_dense", {**layer_params(last), "class_name": last.class_name},
                       hint="output_layer.hint")
    kind = output_kind(use)
    params = {**layer_params(use.layer), "units": use.layer.units, "activation": use.activation or "linear"}
    if kind is None or kind not in accepted:
        return Finding("fail", "output_layer.bad", params, hint="output_layer.hint")
    return Finding("pass", f"output_layer.ok_{kind}", params)
