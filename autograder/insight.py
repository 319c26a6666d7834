"""Does the regularization help? The unregularized twin's config, the measured gaps, the honest verdict.

Pure functions over plain data (Keras configs as JSON, loss curves as floats); no Keras import.
The training itself runs in the sandbox (``ag_trainer.insight``); this module decides what to train
and what the curves it sends back say.
"""
from __future__ import annotations

import copy
import math
from typing import Any

from autograder import insight_techniques as techniques
from autograder.types import Insight, InsightCurves, ModelSpec

REGULARIZER_KEYS = ("kernel_regularizer", "bias_regularizer", "activity_regularizer")
GAP_TAIL_SHARE = 0.1
"""The final gap is the mean of (val - train) over the last tenth of the epochs (at least one)."""
MIN_OVERFIT_GAP = 0.02
"""A twin whose final gap is below this did not overfit the data: there was nothing to reduce."""
MIN_REDUCTION_SHARE = 0.1
"""Regularization 'reduced' the gap when it closed at least this share of the twin's gap."""


def _l2_of(reg: Any) -> float:
    if not isinstance(reg, dict):
        return 0.0
    cfg = reg.get("config") if isinstance(reg.get("config"), dict) else {}
    try:
        return float(cfg.get("l2") or 0.0)
    except (TypeError, ValueError):
        return 0.0


def _without_l2(reg: Any) -> tuple[Any, bool]:
    """A regularizer config with its L2 term removed (L1 kept), and whether anything changed."""
    if not isinstance(reg, dict) or _l2_of(reg) <= 0:
        return reg, False
    cfg = reg.get("config") if isinstance(reg.get("config"), dict) else {}
    try:
        l1 = float(cfg.get("l1") or 0.0)
    except (TypeError, ValueError):
        l1 = 0.0
    if l1 > 0:
        return dict(reg, config=dict(cfg, l2=0.0)), True
    return None, True


def _strip_layer(layer: dict[str, Any], removed: list[str]) -> None:
    """In place: L2 terms out of a layer config's regularizers, Dropout rate to 0."""
    cfg = layer.get("config")
    if not isinstance(cfg, dict):
        return
    name = str(cfg.get("name") or layer.get("class_name") or "?")
    for key in REGULARIZER_KEYS:
        l2 = _l2_of(cfg.get(key))
        new, changed = _without_l2(cfg.get(key))
        if changed:
            cfg[key] = new
            removed.append(f"{name}: {key.split('_')[0]} L2({l2:g})")
    cls = str(layer.get("class_name") or "")
    if "Dropout" in cls and isinstance(cfg.get("rate"), (int, float)) and cfg["rate"] > 0:  # Spatial/Alpha too
        removed.append(f"{name}: {cls} rate {cfg['rate']:g}")
        cfg["rate"] = 0.0
    for value in cfg.values():  # nested layers (a Sequential inside a Functional model, wrappers)
        _walk(value, removed)


def _walk(value: Any, removed: list[str]) -> None:
    if isinstance(value, dict):
        if "class_name" in value and isinstance(value.get("config"), dict) and value.get("module") != "keras.regularizers":
            _strip_layer(value, removed)
        else:
            for item in value.values():
                _walk(item, removed)
    elif isinstance(value, list):
        for item in value:
            _walk(item, removed)


def twin_rebuild(rebuild: dict[str, Any]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The unregularized twin of a model, as the trainer's rebuild request (the same layers with L2
    terms removed and Dropout rate 0), and what was removed (empty: the twin is the same model)."""
    twin = copy.deepcopy(rebuild)
    removed: list[str] = []
    if twin.get("model"):
        _walk(twin["model"], removed)
    else:
        for layer in twin.get("layers") or []:
            _walk(layer, removed)
    return twin, tuple(removed)


def final_gap(loss: tuple[float, ...], val_loss: tuple[float, ...]) -> float | None:
    """Mean of (validation - training) loss over the last tenth of the epochs; None if not finite."""
    n = min(len(loss), len(val_loss))
    if n == 0:
        return None
    tail = max(1, int(round(n * GAP_TAIL_SHARE)))
    gaps = [val_loss[i] - loss[i] for i in range(n - tail, n)]
    if not all(math.isfinite(g) for g in gaps):
        return None
    return sum(gaps) / len(gaps)


def curves(raw: Any) -> InsightCurves | None:
    """One model's curves from the trainer's untrusted reply, with its final gap."""
    if not isinstance(raw, dict):
        return None

    def floats(values: Any) -> tuple[float, ...]:
        out = []
        for v in (values if isinstance(values, list) else [])[:5000]:
            try:
                out.append(float(v))
            except (TypeError, ValueError):
                out.append(math.nan)
        return tuple(out)

    loss, val = floats(raw.get("loss")), floats(raw.get("val_loss"))
    return InsightCurves(loss=loss, val_loss=val, gap=final_gap(loss, val), val_accuracy=floats(raw.get("val_accuracy")))


def verdict(model: InsightCurves, twin: InsightCurves | None) -> tuple[str, float | None]:
    """What the measurement says: (verdict, reduction of the gap)."""
    if twin is None:
        return "no_regularization", None
    if model.gap is None or twin.gap is None:
        return "skipped", None
    reduction = twin.gap - model.gap
    if twin.gap < MIN_OVERFIT_GAP:
        return "no_overfit", reduction
    if reduction >= MIN_REDUCTION_SHARE * twin.gap:
        return "reduced", reduction
    return "not_reduced", reduction


FACTS = {"rows": ("rows", "input"), "labels": ("units",), "mismatch": ("x_rows", "y_rows"), "epochs": ("epochs",)}
"""Why the insight was skipped, as data from the trainer (``ag_insight``): each kind and its values."""


def skipped(reason: str, error: str | None = None, removed: tuple[str, ...] = (),
            facts: tuple[tuple[str, Any], ...] = (), compare: str = "regularization") -> Insight:
    return Insight(verdict="skipped", reason=reason, error=(error or None) and str(error)[:500], removed=removed,
                   facts=facts, compare=compare)


def compare_of(settings: dict[str, Any]) -> str:
    """``[insight] compare`` (validated when the assignment is read): what the insight measures."""
    value = (settings or {}).get("compare", "regularization")
    return value if value in techniques.COMPARES else "regularization"


def nothing_to_compare(compare: str, model: ModelSpec | None) -> Insight:
    """The other techniques' insight when the graded model lacks the technique: nothing is trained. The
    reason says where augmentation was, when it runs outside the model (an ImageDataGenerator's flow)."""
    fed = model is not None and any(f.generator is not None for f in model.fit_calls)
    reason = "by_flow" if compare == "augmentation" and fed else "absent"
    return Insight(verdict="no_technique", reason=reason, compare=compare)


def insight_facts(raw: Any) -> tuple[tuple[str, Any], ...]:
    """The trainer's untrusted ``facts`` (validated: a known kind, its values small integers or shapes)."""
    if not isinstance(raw, dict) or raw.get("why") not in FACTS:
        return ()

    def value(v: Any) -> Any:
        if isinstance(v, int) and not isinstance(v, bool):
            return v
        if isinstance(v, list) and len(v) <= 8 and all(d is None or (isinstance(d, int) and not isinstance(d, bool))
                                                      for d in v):
            return tuple(v)
        return None

    out: list[tuple[str, Any]] = [("why", raw["why"])]
    for key in FACTS[raw["why"]]:
        v = value(raw.get(key))
        if v is None:
            return ()
        out.append((key, v))
    return tuple(out)


def technique_verdict(compare: str, model: InsightCurves, twin: InsightCurves | None,
                      rule: dict[str, Any] | None) -> tuple[str, float | None, tuple[tuple[str, Any], ...]]:
    """What the curves say for the compared technique: (verdict, reduction of the gap, measures)."""
    if compare == "batch_norm" and twin is not None:
        kind, measures = techniques.batch_norm_measures(model, twin)
        return kind, None, measures
    if compare == "early_stopping" and rule is not None:
        kind, measures = techniques.early_stopping_measures(model, rule)
        return kind, None, measures
    kind, reduction = verdict(model, twin)  # regularization and augmentation: the train/validation gap
    return kind, reduction, ()


def insight_from_reply(reply: Any, removed: tuple[str, ...], data: str, compare: str = "regularization",
                       rule: dict[str, Any] | None = None) -> Insight:
    """The trainer's untrusted ``insight`` reply as an Insight (or skipped, with the reason). ``rule``: the
    student's early stopping settings (``insight_techniques.stopping_rule``) when ``compare`` is early stopping."""
    if not isinstance(reply, dict):
        return skipped("failed", "no insight in the training reply", removed, compare=compare)
    if reply.get("error"):
        reason = "timeout" if reply.get("timeout") else "too_large" if reply.get("too_large") else "failed"
        return skipped(reason, str(reply["error"]), removed, insight_facts(reply.get("facts")), compare)
    model = curves(reply.get("model"))
    wants_twin = bool(removed) and compare != "early_stopping"
    twin = curves(reply.get("twin")) if wants_twin else None
    if model is None or not model.loss or (wants_twin and twin is None):
        return skipped("failed", "no curves in the training reply", removed, compare=compare)
    kind, reduction, measures = technique_verdict(compare, model, twin, rule)

    def count(key: str) -> int:
        value = reply.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0

    return Insight(verdict=kind, reason="not_finite" if kind == "skipped" else None, model=model, twin=twin,
                   reduction=reduction, removed=removed, data=data, train_samples=count("train_samples"),
                   val_samples=count("val_samples"), epochs=len(model.loss), batch_size=count("batch_size"),
                   elapsed_s=float(reply.get("elapsed_s") or 0.0) if isinstance(reply.get("elapsed_s"), (int, float)) else 0.0,
                   compare=compare, measures=measures)


def message(insight: Insight) -> tuple[str, dict[str, Any]]:
    """The honest sentence's catalog key and values."""
    params: dict[str, Any] = {"epochs": insight.epochs, "train": insight.train_samples, "val": insight.val_samples,
                              "reason": insight.reason or "", "error": insight.error or ""}
    if insight.model is not None and insight.model.gap is not None:
        params["gap"] = f"{insight.model.gap:.3f}"
    if insight.twin is not None and insight.twin.gap is not None:
        params["twin_gap"] = f"{insight.twin.gap:.3f}"
    if insight.reduction is not None:
        params["reduction"] = f"{abs(insight.reduction):.3f}"
        params["percent"] = (f"{100 * insight.reduction / insight.twin.gap:.0f}"
                             if insight.twin and insight.twin.gap else "0")
    if insight.compare != "regularization":
        return technique_message(insight, params)
    if insight.verdict == "skipped":
        return f"insight.skipped.{insight.reason or 'failed'}", params
    if insight.verdict == "not_reduced" and insight.reduction is not None and insight.reduction < 0:
        return "insight.verdict.increased", params
    return f"insight.verdict.{insight.verdict}", params


def technique_message(insight: Insight, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The other techniques' sentence: ``insight.<compare>.<verdict>`` with the measures as values (losses
    with three decimals); skipped ones share ``insight.other.skipped.<reason>`` naming the technique."""
    for key, value in insight.measures:  # a target loss near 0 keeps its significant digits
        params[key] = (f"{value:.3g}" if key == "target_loss" else f"{value:.3f}") if isinstance(value, float) else value
    params["technique"] = f"insight.technique.{insight.compare}"
    params["removed"] = "; ".join(insight.removed)
    if insight.verdict == "skipped":
        return f"insight.other.skipped.{insight.reason or 'failed'}", params
    if insight.verdict == "no_technique":
        return f"insight.{insight.compare}.no_technique.{insight.reason or 'absent'}", params
    if insight.verdict == "not_reduced" and insight.reduction is not None and insight.reduction < 0:
        return f"insight.{insight.compare}.increased", params
    return f"insight.{insight.compare}.{insight.verdict}", params


def insight_to_dict(insight: Insight) -> dict[str, Any]:
    """result.json's ``insight``: verdict, gaps and both curves (non-finite values as null)."""

    def finite(values: tuple[float, ...]) -> list[float | None]:
        return [round(v, 6) if math.isfinite(v) else None for v in values]

    def side(c: InsightCurves | None) -> dict[str, Any] | None:
        if c is None:
            return None
        return {"loss": finite(c.loss), "val_loss": finite(c.val_loss),
                "gap": None if c.gap is None else round(c.gap, 6),
                **({"val_accuracy": finite(c.val_accuracy)} if c.val_accuracy else {})}

    return {"verdict": insight.verdict, "reason": insight.reason, "error": insight.error,
            "gap": None if insight.model is None or insight.model.gap is None else round(insight.model.gap, 6),
            "twin_gap": None if insight.twin is None or insight.twin.gap is None else round(insight.twin.gap, 6),
            "reduction": None if insight.reduction is None else round(insight.reduction, 6),
            "removed": list(insight.removed), "data": insight.data, "train_samples": insight.train_samples,
            "val_samples": insight.val_samples, "epochs": insight.epochs, "batch_size": insight.batch_size,
            "elapsed_s": round(insight.elapsed_s, 3), "model": side(insight.model), "twin": side(insight.twin),
            "facts": {k: list(v) if isinstance(v, tuple) else v for k, v in insight.facts} or None,
            # the other techniques only: l2-dropout's result.json stays as it was
            **({"compare": insight.compare, "measures": {k: round(v, 6) if isinstance(v, float) else v
                                                         for k, v in insight.measures}}
               if insight.compare != "regularization" else {})}


def insight_from_dict(raw: Any) -> Insight | None:
    """An Insight back from result.json's ``insight`` (for stored results and result-file integrations)."""
    if not isinstance(raw, dict) or raw.get("verdict") not in ("reduced", "not_reduced", "no_overfit",
                                                               "no_regularization", "skipped", "faster", "slower",
                                                               "same_speed", "helped", "no_gain", "not_stopped",
                                                               "no_technique"):
        return None
    compare = raw.get("compare") if raw.get("compare") in techniques.COMPARES else "regularization"
    measures = tuple((str(k), v) for k, v in (raw.get("measures") or {}).items()
                     if (isinstance(v, (int, float)) and not isinstance(v, bool))
                     or (k == "watched" and v in techniques.WATCHED)) \
        if isinstance(raw.get("measures"), dict) else ()

    def side(value: Any) -> InsightCurves | None:
        if not isinstance(value, dict):
            return None
        to = lambda xs: tuple(float(v) if isinstance(v, (int, float)) else math.nan for v in (xs or []))
        gap = value.get("gap")
        return InsightCurves(loss=to(value.get("loss")), val_loss=to(value.get("val_loss")),
                             gap=float(gap) if isinstance(gap, (int, float)) else None,
                             val_accuracy=to(value.get("val_accuracy")))

    num = lambda key: int(raw.get(key) or 0) if isinstance(raw.get(key), (int, float)) else 0
    reduction = raw.get("reduction")
    return Insight(verdict=raw["verdict"], reason=raw.get("reason"), error=raw.get("error"),
                   model=side(raw.get("model")), twin=side(raw.get("twin")),
                   reduction=float(reduction) if isinstance(reduction, (int, float)) else None,
                   removed=tuple(str(r) for r in raw.get("removed") or ()),
                   data=raw.get("data") if raw.get("data") in ("student", "assignment") else "",
                   train_samples=num("train_samples"), val_samples=num("val_samples"), epochs=num("epochs"),
                   batch_size=num("batch_size"), elapsed_s=float(raw.get("elapsed_s") or 0.0),
                   facts=insight_facts(raw.get("facts")), compare=compare, measures=measures)


def sample_settings(settings: dict[str, Any]) -> dict[str, int] | None:
    """What the runner keeps of the student's fit data for the insight; None when the insight is off."""
    if not settings or settings.get("enabled", True) is False:
        return None
    return {"rows": int(settings.get("samples", 2000)), "max_bytes": int(settings.get("max_sample_kb", 2048)) * 1024}


def train_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """The budget the trainer reads (epochs, batch, validation share, seed, soft time limit)."""
    keys = ("epochs", "batch_size", "validation_share", "seed", "timeout_s", "max_sample_kb", "budget", "min_samples",
            "min_epochs")  # not ``compare``: the trainer trains a model and a twin, whatever the technique
    return {k: settings[k] for k in keys if k in settings}


def comparison_twin(compare: str, rebuild: dict[str, Any],
                    model: ModelSpec | None = None) -> tuple[dict[str, Any] | None, tuple[str, ...]]:
    """The twin the technique is compared against, as a rebuild request (None: the same model trains
    alone), and what it lacks. Early stopping has no twin: the student's settings are replayed on the
    model's own curve, and ``removed`` names them. NotComparable when the twin cannot be built."""
    if compare == "batch_norm":
        return techniques.twin_without(rebuild, techniques.is_batch_norm)
    if compare == "augmentation":
        return techniques.twin_without(rebuild, techniques.is_augmentation)
    if compare == "early_stopping":
        callback = techniques.stopping_callback(model)
        return None, (techniques.stopping_described(techniques.stopping_rule(callback)),) if callback else ()
    return twin_rebuild(rebuild)


def insight_request(rebuild: dict[str, Any], settings: dict[str, Any], student_sample: Any,
                    default_sample: dict[str, str],
                    model: ModelSpec | None = None) -> tuple[dict[str, Any], tuple[str, ...], str]:
    """The trainer's ``insight`` request: the twin, the data (the student's sample when there is one,
    else the assignment's), the budget. Returns (request, what the twin lacks, which data).

    Augmentation without ``Random*`` layers but fed by an ImageDataGenerator's ``flow``: the twin is the same
    model, and ``augment`` carries the generator's settings, for the model alone to train on its flow."""
    compare = compare_of(settings)
    twin, removed = comparison_twin(compare, rebuild, model)
    augment = techniques.flow_settings(model) if compare == "augmentation" and not removed else None
    if augment:
        twin, removed = copy.deepcopy(rebuild), (techniques.flow_described(augment),)
    usable = isinstance(student_sample, dict) and all(isinstance(student_sample.get(k), str) for k in ("x", "y"))
    data = student_sample if usable else default_sample
    request = {"twin": twin if removed and twin is not None else None, "x": data["x"], "y": data["y"], "settings": train_settings(settings)}
    if augment:
        request["augment"] = augment
    return request, removed, "student" if usable else "assignment"


def student_training(model: Any) -> dict[str, Any] | None:
    """result.json's ``student_training``: the graded model's last ``fit`` in the submission (step 4) —
    what it received and asked for, what ran under the cap; None when there is no model."""
    if model is None:
        return None
    fits = model.fit_calls
    out: dict[str, Any] = {"fit_reached": bool(fits), "calls": len(fits),
                           "names": list(model.global_names)}
    if not fits:
        return out
    fit = fits[-1]
    data = fit.data
    last = next((v for v in reversed(fit.loss) if math.isfinite(v)), None)
    out.update({
        "called": fit.called, "error": fit.error,
        "samples": data.samples if data else None,
        "features": list(data.features) if data and data.features is not None else None,
        "dataset": data.dataset if data else None,
        "data_source": data.source if data else "unknown",
        "epochs_requested": fit.epochs_requested, "epochs_run": fit.epochs_run, "batch_size": fit.batch_size,
        "validation_split": fit.validation_split, "has_validation_data": fit.has_validation_data,
        "loss": last,
        "location": {k: v for k, v in (("cell", fit.location.cell), ("line", fit.location.line),
                                       ("file", fit.location.file)) if v is not None} if fit.location else None,
    })
    return out
