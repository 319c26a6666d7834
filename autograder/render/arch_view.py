"""The graded model as a column of layer blocks, with what is missing drawn where it should be.

A block is plain data (role, settings, where it was created, problems, a corrected code line); the
HTML template draws the column and the Markdown template lists it as a table. Problems are only drawn
for a rule whose check did not pass, so the drawing never contradicts the grade.
"""
from __future__ import annotations

from dataclasses import dataclass

from autograder.checks.architecture import (
    LINEAR,
    PASS_THROUGH,
    DenseUse,
    dropout_after,
    hidden_dense,
    is_dropout,
    output_dense,
    output_kind,
)
from autograder.i18n import format_location, translate
from autograder.types import GradeResult, LayerSpec, ModelSpec

EXPECTED_HIDDEN = 2
"""The contract's default; GradeResult does not carry the assignment's rules."""
SUGGESTED_DROPOUT = "Dropout(0.5),"
SUGGESTED_HIDDEN = "Dense(64, activation='relu', kernel_regularizer=l2(0.01)),"
SUGGESTED_OUTPUT = "Dense(1, activation='sigmoid')"


@dataclass(frozen=True)
class Block:
    """One block of the drawing: a layer of the model, or a layer that should be there."""

    role: str
    """``input``, ``hidden``, ``dropout``, ``output``, ``other`` or ``missing``."""
    title: str
    name: str = ""
    settings: tuple[tuple[str, str], ...] = ()
    """(label, value) pairs: units, activation, L2 factor, rate."""
    where: str = ""
    """Cell and line (or file and line) where the student created the layer."""
    problems: tuple[str, ...] = ()
    fix: str = ""
    """The corrected code line for this block, when there is one."""

    @property
    def tone(self) -> str:
        if self.role == "missing":
            return "missing"
        return "problem" if self.problems else "ok"

    @property
    def settings_text(self) -> str:
        return " · ".join(f"{label}: {value}" for label, value in self.settings)

    @property
    def icon(self) -> str:
        """Shown beside the title so a problem is not told by colour alone."""
        return "" if self.tone == "ok" else "⚠"


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


def _hidden_problems(use: DenseUse, index: int, status: dict[str, str], lang: str) -> tuple[list[str], str]:
    """Problems of the index-th hidden Dense layer, and its corrected line (empty when it should go)."""
    layer, problems = use.layer, []
    if status.get("hidden_layers") == "fail" and index >= EXPECTED_HIDDEN:
        return [translate("arch.extra_hidden", lang, {"expected": EXPECTED_HIDDEN})], ""
    if status.get("hidden_layers") == "fail" and use.activation in LINEAR:
        problems.append(translate("arch.linear", lang))
    reg = layer.kernel_regularizer
    if status.get("l2_regularization") == "fail" and not (reg is not None and reg.l2 > 0):
        if reg is not None and reg.l1 > 0:
            problems.append(translate("arch.l1_only", lang, {"l1": f"{reg.l1:g}"}))
        elif layer.bias_regularizer is not None or layer.activity_regularizer is not None:
            where_set = "bias_regularizer" if layer.bias_regularizer is not None else "activity_regularizer"
            problems.append(translate("arch.l2_wrong_place", lang, {"where_set": where_set}))
        else:
            problems.append(translate("arch.no_l2", lang))
    if not problems:
        return [], ""
    activation = use.activation if use.activation not in LINEAR else "relu"
    factor = reg.l2 if reg is not None and reg.l2 > 0 else 0.01
    return problems, f"Dense({layer.units}, activation='{activation}', kernel_regularizer=l2({factor:g})),"


def _missing_dropout(use: DenseUse, lang: str) -> Block:
    params = {"layer": use.layer.name, "where": use.layer.created_at}
    return Block("missing", translate("arch.missing_dropout", lang),
                 problems=(translate("arch.missing_dropout_detail", lang, params),), fix=SUGGESTED_DROPOUT)


def _insertion_point(spec: ModelSpec, use: DenseUse) -> int:
    """Index of the first layer after a hidden Dense that is not BatchNormalization/Activation."""
    for i in range(use.position + 1, len(spec.layers)):
        if spec.layers[i].class_name not in PASS_THROUGH:
            return i
    return len(spec.layers)


def _layer_block(spec: ModelSpec, i: int, hidden_at: dict[int, tuple[int, DenseUse]], out: DenseUse | None,
                 status: dict[str, str], lang: str) -> Block:
    layer = spec.layers[i]
    class_name = layer.class_name if layer.builtin else f"{layer.class_name} *"
    notes = [] if layer.builtin else [translate("arch.custom", lang)]
    if i in hidden_at:
        index, use = hidden_at[i]
        problems, fix = _hidden_problems(use, index, status, lang)
        title = translate("arch.hidden", lang, {"n": index + 1, "class_name": class_name})
        return Block("hidden", title, layer.name, _settings(layer, use.activation, lang), _where(layer, lang),
                     tuple(notes + problems), fix)
    if out is not None and i == out.position:
        problems, fix = [], ""
        if status.get("output_layer") == "fail" and output_kind(out) is None:
            problems, fix = [translate("arch.bad_output", lang)], SUGGESTED_OUTPUT
        return Block("output", translate("arch.output", lang, {"class_name": class_name}), layer.name,
                     _settings(layer, out.activation, lang), _where(layer, lang), tuple(notes + problems), fix)
    if is_dropout(layer):
        problems, fix = [], ""
        if status.get("dropout") == "fail" and (layer.rate is None or not 0 < layer.rate < 1):
            rate = "?" if layer.rate is None else f"{layer.rate:g}"
            problems, fix = [translate("arch.bad_rate", lang, {"rate": rate})], SUGGESTED_DROPOUT
        return Block("dropout", class_name, layer.name, _settings(layer, None, lang), _where(layer, lang),
                     tuple(notes + problems), fix)
    return Block("other", class_name, layer.name, _settings(layer, layer.activation, lang), _where(layer, lang),
                 tuple(notes))


def architecture_blocks(result: GradeResult) -> list[Block]:
    """The model's layers in order, an input block first, and the missing layers where they belong."""
    spec, lang = result.model, result.lang
    if spec is None:
        return []
    status = {c.id: c.status for c in result.checks}
    hidden = hidden_dense(spec)
    hidden_at = {use.position: (n, use) for n, use in enumerate(hidden)}
    out = output_dense(spec)
    before: dict[int, list[Block]] = {}
    if status.get("dropout") == "fail":
        for use in hidden[:EXPECTED_HIDDEN]:
            if not _is_dropout_layer(dropout_after(spec, use)):
                before.setdefault(_insertion_point(spec, use), []).append(_missing_dropout(use, lang))
    end = out.position if out is not None else len(spec.layers)
    if status.get("hidden_layers") == "fail" and len(hidden) < EXPECTED_HIDDEN:
        params = {"expected": EXPECTED_HIDDEN, "found": len(hidden)}
        for _ in range(EXPECTED_HIDDEN - len(hidden)):
            before.setdefault(end, []).extend([
                Block("missing", translate("arch.missing_hidden", lang),
                      problems=(translate("arch.missing_hidden_detail", lang, params),), fix=SUGGESTED_HIDDEN),
                Block("missing", translate("arch.missing_dropout", lang), fix=SUGGESTED_DROPOUT),
            ])
    shape = spec.input_shape[1:] if spec.input_shape else ()
    blocks = [Block("input", translate("arch.input", lang),
                    settings=((translate("arch.shape", lang), "(" + ", ".join(str(d) for d in shape) + ",)"),)
                    if shape else ())]
    for i in range(len(spec.layers)):
        blocks.extend(before.get(i, []))
        blocks.append(_layer_block(spec, i, hidden_at, out, status, lang))
    blocks.extend(before.get(len(spec.layers), []))
    if out is None and status.get("output_layer") == "fail":
        blocks.append(Block("missing", translate("arch.missing_output", lang), fix=SUGGESTED_OUTPUT))
    return blocks


def _is_dropout_layer(found: LayerSpec | str | None) -> bool:
    return isinstance(found, LayerSpec) and is_dropout(found)


def model_caption(spec: ModelSpec | None, lang: str) -> str:
    """One line naming the graded model and how it was chosen."""
    if spec is None:
        return ""
    params = {"kind": spec.kind, "name": spec.name, "rule": spec.selected_by, "count": len(spec.layers)}
    caption = translate("arch.caption", lang, params)
    if spec.layer_order != "config":
        caption += " " + translate(f"arch.order.{spec.layer_order}", lang)
    return caption
