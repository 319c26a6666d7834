"""Check ``compiled``: compiled with an optimizer and a loss that fits the output layer."""
import re

from autograder.checks.architecture import output_dense, output_kind
from autograder.checks.base import Evidence, Finding

BINARY = {"binarycrossentropy", "bce", "binaryfocalcrossentropy"}
CATEGORICAL = {"categoricalcrossentropy", "sparsecategoricalcrossentropy", "categoricalfocalcrossentropy"}
REGRESSION = {"meansquarederror", "mse", "meanabsoluteerror", "mae", "huber", "logcosh", "meansquaredlogarithmicerror",
              "msle", "meanabsolutepercentageerror", "mape", "huberloss"}


def loss_family(name: str | None) -> str | None:
    key = re.sub(r"[^a-z]", "", (name or "").lower())
    if key in BINARY:
        return "binary"
    if key in CATEGORICAL:
        return "categorical"
    if key in REGRESSION:
        return "regression"
    return None


def loss_fits(output: str, family: str | None, from_logits: bool) -> bool:
    if output == "sigmoid":
        return family == "binary" and not from_logits
    if output == "softmax":
        return family == "categorical" and not from_logits
    if output == "linear":
        return family == "regression" or (family in ("binary", "categorical") and from_logits)
    return False


def compiled(ev: Evidence) -> Finding:
    spec = ev.model
    comp = spec.compile
    if comp is None:
        return Finding("fail", "compiled.never", hint="compiled.hint")
    params = {"optimizer": comp.optimizer or "-", "loss": comp.loss or "-", "where": comp.location}
    if comp.error:
        return Finding("fail", "compiled.error", {**params, "error": comp.error}, hint="compiled.hint")
    if comp.optimizer is None:
        return Finding("fail", "compiled.no_optimizer", params, hint="compiled.hint")
    if comp.loss is None:
        return Finding("fail", "compiled.no_loss", params, hint="compiled.hint")
    output = output_kind(output_dense(spec))
    if output is None:
        return Finding("fail", "compiled.unknown_output", params, hint="compiled.hint")
    family = loss_family(comp.loss)
    if not loss_fits(output, family, comp.from_logits):
        key = "compiled.logits_mismatch" if comp.from_logits else "compiled.mismatch"
        return Finding("fail", key, {**params, "output": output}, hint=f"compiled.hint_{output}")
    return Finding("pass", "compiled.ok", {**params, "output": output})
