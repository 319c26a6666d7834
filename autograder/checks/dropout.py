"""Check ``dropout``: each hidden Dense layer is followed by a Dropout with 0 < rate < 1."""
from autograder.checks.architecture import dropout_after, hidden_dense
from autograder.checks.base import Evidence, Finding, layer_params


def dropout(ev: Evidence) -> Finding:
    low = float(ev.rules.get("dropout_rate_min", 0.0))
    high = float(ev.rules.get("dropout_rate_max", 1.0))
    hidden = hidden_dense(ev.model)
    if not hidden:
        return Finding("fail", "dropout.no_hidden", hint="dropout.hint")
    rates = []
    for use in hidden:
        params = {**layer_params(use.layer), "units": use.layer.units}
        after = dropout_after(ev.model, use)
        if after is None or isinstance(after, str):
            key = "dropout.missing_end" if after is None else "dropout.missing"
            return Finding("fail", key, {**params, "found": after or ""}, hint="dropout.hint")
        if after.rate is None or not (low < after.rate < high):
            return Finding("fail", "dropout.bad_rate",
                           {**params, **layer_params(after, "dropout_"), "rate": after.rate},
                           hint="dropout.hint_rate")
        rates.append(f"{after.rate:g}")
    return Finding("pass", "dropout.ok", {"count": len(hidden), "rates": ", ".join(rates)})
