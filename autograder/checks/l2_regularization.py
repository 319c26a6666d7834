"""Kind ``kernel_regularizer``: every hidden Dense layer has a kernel regularizer whose factors of the required
kinds (``l2`` for the l2-dropout check) are all above ``min_factor``."""
from autograder.checks.architecture import hidden_dense
from autograder.checks.base import Evidence, Finding, layer_params

FUNCTIONS = {("l1",): "l1", ("l2",): "l2", ("l1", "l2"): "l1_l2"}


def regularizer_code(required: tuple[str, ...], min_factor: float) -> tuple[str, str]:
    """The Keras function to import and a call with a factor that passes (``l2``, ``l2(0.01)``)."""
    factor = 0.01 if 0.01 > min_factor else min_factor * 2
    fn = FUNCTIONS.get(required, "l1_l2")
    args = f"{factor:g}" if len(required) == 1 else ", ".join(f"{k}={factor:g}" for k in required)
    return fn, f"{fn}({args})"


def kernel_regularizer(ev: Evidence) -> Finding:
    required = tuple(sorted(set(ev.rules.get("kinds", ("l2",)))))
    min_factor = float(ev.rules.get("min_factor", 0.0))
    fn, code = regularizer_code(required, min_factor)
    named = {"required": " + ".join(k.upper() for k in required), "fn": fn, "code": code,
             "min_factor": f"{min_factor:g}"}
    hidden = hidden_dense(ev.model)
    if not hidden:
        return Finding("fail", "l2_regularization.no_hidden", named, hint="l2_regularization.hint")
    for use in hidden:
        layer = use.layer
        params = {**named, **layer_params(layer), "units": layer.units, "activation": use.activation or "relu"}
        kernel = layer.kernel_regularizer
        factors = {k: float(getattr(kernel, k)) if kernel is not None else 0.0 for k in ("l1", "l2")}
        absent = [k for k in required if factors[k] <= 0]
        small = [k for k in required if 0 < factors[k] <= min_factor]
        if not absent and not small:
            continue
        if not absent:
            return Finding("fail", "l2_regularization.too_small",
                           {**params, "factor": f"{factors[small[0]]:g}", "which": small[0].upper()},
                           hint="l2_regularization.hint")
        others = [k for k in ("l1", "l2") if k not in required and factors[k] > 0]
        if others:
            return Finding("fail", "l2_regularization.l1_only",
                           {**params, "l1": f"{factors['l1']:g}", "found": others[0].upper(),
                            "found_factor": f"{others[0]}={factors[others[0]]:g}"},
                           hint="l2_regularization.hint")
        other = [name for name, reg in (("bias_regularizer", layer.bias_regularizer),
                                        ("activity_regularizer", layer.activity_regularizer)) if reg is not None]
        if other:
            return Finding("fail", "l2_regularization.wrong_place", {**params, "where_set": other[0]},
                           hint="l2_regularization.hint")
        return Finding("fail", "l2_regularization.missing", params, hint="l2_regularization.hint")
    factors = ", ".join("/".join(f"{getattr(u.layer.kernel_regularizer, k):g}" for k in required) for u in hidden)
    return Finding("pass", "l2_regularization.ok", {**named, "count": len(hidden), "factors": factors})


l2_regularization = kernel_regularizer  # the l2-dropout check's name for it
