"""Check ``l2_regularization``: every hidden Dense layer has a kernel regularizer with an L2 factor > 0."""
from autograder.checks.architecture import hidden_dense
from autograder.checks.base import Evidence, Finding, layer_params


def l2_regularization(ev: Evidence) -> Finding:
    hidden = hidden_dense(ev.model)
    if not hidden:
        return Finding("fail", "l2_regularization.no_hidden", hint="l2_regularization.hint")
    for use in hidden:
        layer = use.layer
        params = {**layer_params(layer), "units": layer.units, "activation": use.activation or "relu"}
        kernel = layer.kernel_regularizer
        if kernel is not None and kernel.l2 > 0:
            continue
        if kernel is not None and kernel.l1 > 0:
            return Finding("fail", "l2_regularization.l1_only", {**params, "l1": f"{kernel.l1:g}"},
                           hint="l2_regularization.hint")
        other = [name for name, reg in (("bias_regularizer", layer.bias_regularizer),
                                        ("activity_regularizer", layer.activity_regularizer)) if reg is not None]
        if other:
            return Finding("fail", "l2_regularization.wrong_place", {**params, "where_set": other[0]},
                           hint="l2_regularization.hint")
        return Finding("fail", "l2_regularization.missing", params, hint="l2_regularization.hint")
    factors = ", ".join(f"{u.layer.kernel_regularizer.l2:g}" for u in hidden)
    return Finding("pass", "l2_regularization.ok", {"count": len(hidden), "factors": factors})
