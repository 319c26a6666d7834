"""The graded model as a column of layer blocks, with what is missing drawn where it should be.

A block is plain data (role, settings, where it was created, problems, a corrected code line); the
HTML template draws the column and the Markdown template lists it as a table. Problems are only drawn
for a rule whose check did not pass, so the drawing never contradicts the grade.
"""
from __future__ import annotations

from dataclasses import dataclass

from autograder.checks.architecture import (
    LINEAR, DenseUse, base_spans, hidden_dense, layer_after, layers_shown, output_dense, output_kind,
)
from autograder.checks.l2_regularization import FUNCTIONS
from autograder.i18n import format_location, translate
from autograder.render.arch_blocks import Block
from autograder.render.arch_unit import (
    augmentation_insertions,
    base_block,
    flow_block,
    head_insertions,
    is_augmentation,
    missing_base,
    option_settings,
    shape_text,
)
from autograder.types import CheckResult, GradeResult, LayerSpec, ModelSpec

ARCH_KINDS = ("hidden_dense", "kernel_regularizer", "after_each_hidden", "output_layer", "pretrained_base",
              "frozen_base", "new_head", "augmentation")
"""The kinds whose failures the drawing shows (the report links their cards to it)."""


@dataclass(frozen=True)
class Rules:
    """What the drawing needs of the assignment, read from the result's checks (kind, parameters, status):
    the drawing never decides a rule itself."""

    hidden: CheckResult | None = None
    regularizer: CheckResult | None = None
    followers: tuple[CheckResult, ...] = ()
    """The ``after_each_hidden`` checks (Dropout, BatchNormalization ...), in the assignment's order."""
    output: CheckResult | None = None
    pretrained: CheckResult | None = None
    frozen: CheckResult | None = None
    head: CheckResult | None = None
    augmentation: CheckResult | None = None

    @property
    def expected_hidden(self) -> int | None:
        return int(self.hidden.rules.get("count", 2)) if self.hidden is not None else None

    def failed(self, check: CheckResult | None) -> bool:
        return check is not None and check.status == "fail"

    @staticmethod
    def of(result: GradeResult) -> "Rules":
        first = {}
        for c in result.checks:
            first.setdefault(c.kind, c)
        return Rules(first.get("hidden_dense"), first.get("kernel_regularizer"),
                     tuple(c for c in result.checks if c.kind == "after_each_hidden"), first.get("output_layer"),
                     first.get("pretrained_base"), first.get("frozen_base"), first.get("new_head"),
                     first.get("augmentation"))


def required_kinds(check: CheckResult) -> tuple[str, ...]:
    return tuple(sorted(set(check.rules.get("kinds", ("l2",)))))


def regularizer_fix(check: CheckResult | None, layer: LayerSpec) -> str:
    """``, kernel_regularizer=l2(0.01)`` for a corrected line (the student's factors kept when they pass)."""
    if check is None:
        return ""
    required, floor = required_kinds(check), float(check.rules.get("min_factor", 0.0))
    reg = layer.kernel_regularizer
    default = 0.01 if 0.01 > floor else floor * 2
    factors = {k: getattr(reg, k) if reg is not None and getattr(reg, k) > floor else default for k in required}
    args = f"{factors[required[0]]:g}" if len(required) == 1 else ", ".join(f"{k}={v:g}" for k, v in factors.items())
    return f", kernel_regularizer={FUNCTIONS.get(required, 'l1_l2')}({args})"


def follower_fix(check: CheckResult) -> str:
    """The line that adds the layer a follower check asks for (``Dropout(0.5),``)."""
    if check.rules.get("example"):
        return str(check.rules["example"]).rstrip(",") + ","
    low, high = check.rules.get("rate_min"), check.rules.get("rate_max")
    layer = check.rules.get("layer", "Dropout")
    if low is None and high is None:
        return f"{layer}(),"
    low, high = float(low if low is not None else 0.0), float(high if high is not None else 1.0)
    rate = 0.5 if low < 0.5 < high else (low + high) / 2
    return f"{layer}({rate:g}),"


def rate_ok(check: CheckResult, layer: LayerSpec) -> bool:
    low, high = check.rules.get("rate_min"), check.rules.get("rate_max")
    if low is None and high is None:
        return True
    low = float(low) if low is not None else float("-inf")
    high = float(high) if high is not None else float("inf")
    return layer.rate is not None and low < layer.rate < high


def output_fix(check: CheckResult | None, out: DenseUse | None) -> str:
    """An output line the assignment accepts, keeping the student's number of classes when it can."""
    accepted = tuple(check.rules.get("kinds", ("sigmoid", "softmax", "linear"))) if check else ("sigmoid",)
    units = out.layer.units if out is not None and out.layer.units else 1
    if units >= 2 and "softmax" in accepted:
        return f"Dense({units}, activation='softmax')"
    if "sigmoid" in accepted:
        return "Dense(1, activation='sigmoid')"
    if "softmax" in accepted:
        return f"Dense({max(units, 2)}, activation='softmax')"
    return "Dense(1)"


def _where(layer: LayerSpec, lang: str) -> str:
    return format_location(layer.created_at, lang).strip(" ()")


def _reg_text(layer: LayerSpec) -> str:
    reg = layer.kernel_regularizer
    if reg is None:
        return ""
    if reg.l2 and not reg.l1:
        return f"L2 = {reg.l2:g}"
    parts = [f"L1 = {reg.l1:g}"] if reg.l1 else []
    if reg.l2:
        parts.append(f"L2 = {reg.l2:g}")
    return ", ".join(parts) or reg.class_name


def _settings(layer: LayerSpec, activation: str | None, lang: str) -> tuple[tuple[str, str], ...]:
    out = []
    if layer.units is not None:
        out.append((translate("ui.units", lang), str(layer.units)))
    if layer.class_name == "Dense" or layer.activation not in LINEAR:
        out.append((translate("ui.activation", lang), activation or "linear"))
    if layer.kernel_regularizer is not None:
        out.append((translate("arch.kernel_regularizer", lang), _reg_text(layer)))
    for key in ("bias_regularizer", "activity_regularizer"):
        reg = getattr(layer, key)
        if reg is not None:
            out.append((key, _reg_text(LayerSpec("", "", kernel_regularizer=reg))))
    if layer.rate is not None:
        out.append((translate("ui.rate", lang), f"{layer.rate:g}"))
    return tuple(out)


def _regularizer_problem(check: CheckResult, layer: LayerSpec, lang: str) -> str | None:
    """What is wrong with a hidden layer's kernel regularizer under the check's parameters, or None."""
    required, floor = required_kinds(check), float(check.rules.get("min_factor", 0.0))
    reg = layer.kernel_regularizer
    factors = {k: float(getattr(reg, k)) if reg is not None else 0.0 for k in ("l1", "l2")}
    if all(factors[k] > floor for k in required):
        return None
    legacy = required == ("l2",)  # the l2-dropout wording
    params = {"required": " + ".join(k.upper() for k in required), "min_factor": f"{floor:g}"}
    if all(factors[k] > 0 for k in required):
        return translate("arch.reg_small", lang, params)
    others = [k for k in ("l1", "l2") if k not in required and factors[k] > 0]
    if others:
        if legacy:
            return translate("arch.l1_only", lang, {"l1": f"{factors['l1']:g}"})
        return translate("arch.reg_other", lang, {**params, "found": others[0].upper(),
                                                  "found_factor": f"{others[0]}={factors[others[0]]:g}"})
    if layer.bias_regularizer is not None or layer.activity_regularizer is not None:
        where_set = "bias_regularizer" if layer.bias_regularizer is not None else "activity_regularizer"
        return translate("arch.l2_wrong_place", lang, {"where_set": where_set})
    return translate("arch.no_l2" if legacy else "arch.reg_missing", lang, params)


def _hidden_problems(use: DenseUse, index: int, rules: Rules, lang: str) -> tuple[list[str], str]:
    """Problems of the index-th hidden Dense layer, and its corrected line (empty when it should go)."""
    layer, problems = use.layer, []
    expected = rules.expected_hidden
    if rules.failed(rules.hidden) and expected is not None and index >= expected:
        followers = " / ".join(str(f.rules.get("layer", "Dropout")) for f in rules.followers)
        key = "arch.extra_hidden" if followers else "arch.extra_hidden_alone"
        return [translate(key, lang, {"expected": expected, "followers": followers})], ""
    if rules.failed(rules.hidden) and use.activation in LINEAR:
        problems.append(translate("arch.linear", lang))
    if rules.failed(rules.regularizer):
        problem = _regularizer_problem(rules.regularizer, layer, lang)
        if problem:
            problems.append(problem)
    if not problems:
        return [], ""
    activation = use.activation if use.activation not in LINEAR else "relu"
    return problems, f"Dense({layer.units}, activation='{activation}'{regularizer_fix(rules.regularizer, layer)}),"


def _missing_follower(use: DenseUse, check: CheckResult, lang: str) -> Block:
    params = {"layer": use.layer.name, "where": use.layer.created_at,
              "expected_layer": check.rules.get("layer", "Dropout")}
    return Block("missing", translate("arch.missing_dropout", lang, params),
                 problems=(translate("arch.missing_dropout_detail", lang, params),), fix=follower_fix(check))


def _insertion_point(spec: ModelSpec, use: DenseUse, check: CheckResult) -> int:
    """Index of the first layer after a hidden Dense that may not stand between it and its follower."""
    between = set(check.rules.get("between", ()))
    for i in range(use.position + 1, len(spec.layers)):
        if spec.layers[i].class_name not in between:
            return i
    return len(spec.layers)


def _layer_block(spec: ModelSpec, i: int, hidden_at: dict[int, tuple[int, DenseUse]], out: DenseUse | None,
                 rules: Rules, lang: str) -> Block:
    layer = spec.layers[i]
    class_name = layer.class_name if layer.builtin else f"{layer.class_name} *"
    notes = [] if layer.builtin else [translate("arch.custom", lang)]
    if i in hidden_at:
        index, use = hidden_at[i]
        problems, fix = _hidden_problems(use, index, rules, lang)
        title = translate("arch.hidden", lang, {"n": index + 1, "class_name": class_name})
        return Block("hidden", title, layer.name, _settings(layer, use.activation, lang), _where(layer, lang),
                     tuple(notes + problems), fix)
    if out is not None and i == out.position:
        problems, fix = [], ""
        accepted = rules.output.rules.get("kinds", ()) if rules.output is not None else ()
        if rules.failed(rules.output) and output_kind(out) not in accepted:
            problems, fix = [translate("arch.bad_output", lang)], output_fix(rules.output, out)
        return Block("output", translate("arch.output", lang, {"class_name": class_name}), layer.name,
                     _settings(layer, out.activation, lang), _where(layer, lang), tuple(notes + problems), fix)
    follower = next((c for c in rules.followers if layer.builtin and c.rules.get("layer") == layer.class_name), None)
    if follower is not None:
        problems, fix = [], ""
        if rules.failed(follower) and not rate_ok(follower, layer):
            rate = "?" if layer.rate is None else f"{layer.rate:g}"
            bounds = {"rate": rate, "rate_min": f"{float(follower.rules.get('rate_min', 0.0)):g}",
                      "rate_max": f"{float(follower.rules.get('rate_max', 1.0)):g}"}
            problems, fix = [translate("arch.bad_rate", lang, bounds)], follower_fix(follower)
        role = {"Dropout": "dropout", "BatchNormalization": "batchnorm"}.get(layer.class_name, "other")
        return Block(role, class_name, layer.name, _settings(layer, None, lang), _where(layer, lang),
                     tuple(notes + problems), fix)
    if is_augmentation(layer):
        return Block("augmentation", class_name, layer.name, option_settings(layer), _where(layer, lang), tuple(notes))
    role = "dropout" if layer.builtin and layer.class_name == "Dropout" else "other"
    return Block(role, class_name, layer.name, _settings(layer, layer.activation, lang) + option_settings(layer),
                 _where(layer, lang), tuple(notes))


def architecture_blocks(result: GradeResult) -> list[Block]:
    """The model's layers in order, an input block first, and the missing layers where they belong."""
    spec, lang = result.model, result.lang
    if spec is None:
        return []
    rules = Rules.of(result)
    spans = base_spans(spec)
    inside_base = {i for start, (_, end) in spans.items() for i in range(start, end + 1)}
    hidden = [use for use in hidden_dense(spec) if use.position not in inside_base]
    hidden_at = {use.position: (n, use) for n, use in enumerate(hidden)}
    out = output_dense(spec)
    expected = rules.expected_hidden
    before: dict[int, list[Block]] = {}
    lead, augmentation = augmentation_insertions(spec, rules.augmentation, lang)
    for extra in (missing_base(spec, rules.pretrained, lang), augmentation,
                  head_insertions(spec, spans, rules.head, out.position if out is not None else None, lang)):
        for at, found in extra.items():
            before.setdefault(at, []).extend(found)
    for follower in rules.followers:
        if not rules.failed(follower):
            continue
        wanted, between = follower.rules.get("layer", "Dropout"), set(follower.rules.get("between", ()))
        for use in hidden[:expected] if expected is not None else hidden:
            if not isinstance(layer_after(spec, use, wanted, between), LayerSpec):
                before.setdefault(_insertion_point(spec, use, follower), []).append(
                    _missing_follower(use, follower, lang))
    end = out.position if out is not None else len(spec.layers)
    if rules.failed(rules.hidden) and expected is not None and len(hidden) < expected:
        params = {"expected": expected, "found": len(hidden)}
        fix = f"Dense(64, activation='relu'{regularizer_fix(rules.regularizer, LayerSpec('Dense', ''))}),"
        for _ in range(expected - len(hidden)):
            before.setdefault(end, []).append(
                Block("missing", translate("arch.missing_hidden", lang),
                      problems=(translate("arch.missing_hidden_detail", lang, params),), fix=fix))
            before[end].extend(Block("missing", translate("arch.missing_dropout", lang,
                                                          {"expected_layer": f.rules.get("layer", "Dropout")}),
                                     fix=follower_fix(f)) for f in rules.followers)
    shape = spec.input_shape[1:] if spec.input_shape else ()
    flow = flow_block(spec, rules.augmentation, lang)
    blocks = [flow] if flow is not None else []
    blocks.extend(lead)
    blocks.append(Block("input", translate("arch.input", lang),
                        settings=((translate("arch.shape", lang), shape_text(shape)),)
                        if shape else ()))
    i = 0
    while i < len(spec.layers):
        blocks.extend(before.get(i, []))
        if i in spans:
            base, end = spans[i]
            blocks.append(base_block(base, spec, rules.pretrained, rules.frozen, lang))
            i = end + 1
            continue
        blocks.append(_layer_block(spec, i, hidden_at, out, rules, lang))
        i += 1
    blocks.extend(before.get(len(spec.layers), []))
    if out is None and rules.failed(rules.output):
        blocks.append(Block("missing", translate("arch.missing_output", lang), fix=output_fix(rules.output, None)))
    return blocks


def model_caption(spec: ModelSpec | None, lang: str) -> str:
    """One line naming the graded model and how it was chosen."""
    if spec is None:
        return ""
    params = {"kind": spec.kind, "name": spec.name, "rule": spec.selected_by, "count": layers_shown(spec)}
    caption = translate("arch.caption", lang, params)
    if spec.layer_order != "config":
        caption += " " + translate(f"arch.order.{spec.layer_order}", lang)
    return caption
