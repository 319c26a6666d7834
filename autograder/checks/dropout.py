"""Kind ``after_each_hidden``: each hidden Dense layer is followed by a given layer (``dropout``: a Dropout with
0 < rate < 1), only the listed layers standing between."""
from autograder.checks.architecture import hidden_dense, layer_after
from autograder.checks.base import Evidence, Finding, layer_params


def after_each_hidden(ev: Evidence) -> Finding:
    wanted = ev.rules.get("layer", "Dropout")
    between = set(ev.rules.get("between", ()))
    low, high = ev.rules.get("rate_min"), ev.rules.get("rate_max")
    bounded = low is not None or high is not None
    low = float(low if low is not None else float("-inf"))
    high = float(high if high is not None else float("inf"))
    named = {"expected_layer": wanted, "example": ev.rules.get("example") or f"{wanted}()"}
    hidden = hidden_dense(ev.model)
    if not hidden:
        return Finding("fail", "dropout.no_hidden", named, hint="dropout.hint")
    rates = []
    for use in hidden:
        params = {**named, **layer_params(use.layer), "units": use.layer.units}
        after = layer_after(ev.model, use, wanted, between)
        if after == wanted:  # a class defined in the code that only carries the name
            return Finding("fail", "dropout.not_keras", params, hint="dropout.hint")
        if after is None or isinstance(after, str):
            key = "dropout.missing_end" if after is None else "dropout.missing"
            return Finding("fail", key, {**params, "found": after or ""}, hint="dropout.hint")
        if bounded and (after.rate is None or not (low < after.rate < high)):
            return Finding("fail", "dropout.bad_rate",
                           {**params, **layer_params(after, "dropout_"), "rate": after.rate,
                            "rate_min": f"{low:g}", "rate_max": f"{high:g}"},
                           hint="dropout.hint_rate")
        if after.rate is not None:
            rates.append(f"{after.rate:g}")
    return Finding("pass", "dropout.ok", {**named, "count": len(hidden), "rates": ", ".join(rates) or "-"})


dropout = after_each_hidden  # the l2-dropout check's name for it
