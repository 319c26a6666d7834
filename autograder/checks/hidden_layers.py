"""Kind ``hidden_dense``: exactly ``count`` hidden Dense layers, each with a non-linear activation."""
from autograder.checks.architecture import LINEAR, hidden_dense, output_dense
from autograder.checks.base import Evidence, Finding, layer_params

EXAMPLE = "Dense(64, activation='relu')"


def hidden_dense_count(ev: Evidence) -> Finding:
    spec = ev.model
    expected = int(ev.rules.get("count", 2))
    example = ev.rules.get("example") or EXAMPLE
    hidden = hidden_dense(spec)
    units = ", ".join(str(u.layer.units) for u in hidden) or "-"
    fakes = [l for l in spec.layers if l.class_name == "Dense" and not l.builtin]
    if len(hidden) != expected:
        key = "hidden_layers.too_few" if len(hidden) < expected else "hidden_layers.too_many"
        params = {"expected": expected, "found": len(hidden), "units": units, "output": output_code(spec),
                  "example": example}
        if fakes:
            params["fake"] = fakes[0].name
            key = "hidden_layers.not_keras_dense"
        return Finding("fail", key, params, hint=key.replace("hidden_layers.", "hidden_layers.hint_"))
    for use in hidden:
        if use.activation in LINEAR:
            return Finding("fail", "hidden_layers.linear",
                           {**layer_params(use.layer), "units": use.layer.units, "activation": use.activation or "None",
                            "example": example},
                           hint="hidden_layers.hint_linear")
    acts = ", ".join(f"{u.activation}" for u in hidden)
    return Finding("pass", "hidden_layers.ok", {"expected": expected, "units": units, "activations": acts})


hidden_layers = hidden_dense_count  # the l2-dropout check's name for it


def output_code(spec) -> str:
    """The model's own output layer as code for the hint (a 10-class softmax student is not told to end in
    one sigmoid unit); the reference's output when the model has none."""
    use = output_dense(spec)
    if use is None:
        return "Dense(1, activation='sigmoid')"
    if use.activation in LINEAR:
        return f"Dense({use.layer.units})"
    return f"Dense({use.layer.units}, activation='{use.activation}')"
