"""Read a ``result.json`` (the contract's ``autograder.result/1`` document) back into a GradeResult.

Lets the integrations that run after ``autograder grade`` (Gradescope's ``run_autograder``) use the same
renderers as the CLI, from the files the grade step left behind.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from autograder.types import (
    BaseSpec,
    CheckResult,
    CompileSpec,
    ErrorInfo,
    FitCall,
    FlowSpec,
    GeneratorSpec,
    GradeResult,
    LayerSpec,
    ModelSpec,
    RegularizerSpec,
    SourceLocation,
    TrainingResult,
)

from autograder.render.result_json import SCHEMA
from autograder.insight import insight_from_dict
from autograder.spec import error_from_dict, fit_data, issue_from_dict, keras2_from_dict



def _amount(training: dict) -> dict:
    """How much the grader trained (``TrainingResult``'s amount fields), from result.json's ``training``."""
    out = {}
    for key in ("samples", "weights", "planned_epochs", "planned_samples"):
        value = training.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            out[key] = value
    if isinstance(training.get("budget"), (int, float)):
        out["budget"] = float(training["budget"])
    out["sized"] = training.get("sized") is True
    return out

def _floats(values: Any) -> tuple[float, ...]:
    return tuple(float(v) if isinstance(v, (int, float)) else math.nan for v in (values or []))


def _location(raw: Any) -> SourceLocation | None:
    if not isinstance(raw, dict):
        return None
    return SourceLocation(cell=raw.get("cell"), line=raw.get("line"), file=raw.get("file"))


def _regularizer(raw: Any) -> RegularizerSpec | None:
    if not isinstance(raw, dict):
        return None
    return RegularizerSpec(class_name=str(raw.get("class_name", "?")), l1=float(raw.get("l1") or 0.0),
                           l2=float(raw.get("l2") or 0.0))


def _layer(raw: dict[str, Any]) -> LayerSpec:
    return LayerSpec(class_name=str(raw.get("class_name", "?")), name=str(raw.get("name", "")),
                     builtin=raw.get("builtin", True) is not False, units=raw.get("units"),
                     activation=raw.get("activation"), kernel_regularizer=_regularizer(raw.get("kernel_regularizer")),
                     bias_regularizer=_regularizer(raw.get("bias_regularizer")),
                     activity_regularizer=_regularizer(raw.get("activity_regularizer")), rate=raw.get("rate"),
                     created_at=_location(raw.get("created_at")),
                     options=tuple((str(k), str(v)) for k, v in (raw.get("options") or {}).items())
                     if isinstance(raw.get("options"), dict) else ())


def _names(raw: Any) -> tuple[str, ...]:
    return tuple(str(n) for n in raw) if isinstance(raw, list) else ()


def _flow(raw: Any) -> FlowSpec | None:
    """What fed a fit from an ImageDataGenerator's ``flow`` (the drawing's generator block)."""
    if not isinstance(raw, dict):
        return None
    index = raw.get("generator")
    return FlowSpec(generator=index if isinstance(index, int) else None, transforms=_names(raw.get("transforms")))


def _optional_bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _base(raw: dict[str, Any]) -> BaseSpec:
    count, params = raw.get("layer_count"), raw.get("params")
    return BaseSpec(network=str(raw.get("network", "")), include_top=raw.get("include_top") is not False,
                    weights=raw.get("weights") if isinstance(raw.get("weights"), str) else None,
                    loaded=raw.get("loaded") is True, pooling=raw.get("pooling"),
                    trainable_at_compile=_optional_bool(raw.get("trainable_at_compile")),
                    last_layer=str(raw.get("last_layer") or ""), location=_location(raw.get("location")),
                    first_layer=str(raw.get("first_layer") or ""), name=str(raw.get("name") or ""),
                    layer_count=count if isinstance(count, int) else None,
                    params=params if isinstance(params, int) else None,
                    trainable_at_end=_optional_bool(raw.get("trainable_at_end")))


def _model(raw: Any) -> ModelSpec | None:
    if not isinstance(raw, dict):
        return None
    comp = raw.get("compile")
    compile_spec = None
    if isinstance(comp, dict):
        compile_spec = CompileSpec(optimizer=comp.get("optimizer"), loss=comp.get("loss"),
                                   from_logits=bool(comp.get("from_logits")), metrics=tuple(comp.get("metrics") or ()),
                                   error=comp.get("error"), location=_location(comp.get("location")))
    fits = tuple(FitCall(epochs_requested=f.get("epochs_requested"), epochs_run=f.get("epochs_run"),
                         batch_size=f.get("batch_size"), validation_split=f.get("validation_split"),
                         has_validation_data=bool(f.get("has_validation_data")), error=f.get("error"),
                         loss=_floats(f.get("loss")), called=f.get("called") is not False,
                         data=fit_data(f.get("data")), location=_location(f.get("location")),
                         generator=_flow(f.get("generator")))
                 for f in raw.get("fit_calls") or [] if isinstance(f, dict))
    shape = raw.get("input_shape")
    return ModelSpec(kind=str(raw.get("kind", "sequential")), class_name=str(raw.get("class_name", "?")),
                     name=str(raw.get("name", "")), selected_by=str(raw.get("selected_by", "fit")),
                     layers=tuple(_layer(l) for l in raw.get("layers") or [] if isinstance(l, dict)),
                     input_shape=tuple(shape) if isinstance(shape, list) else None, compile=compile_spec,
                     fit_calls=fits, layer_order=str(raw.get("layer_order", "config")),
                     global_names=tuple(str(n) for n in raw.get("global_names") or ()),
                     bases=tuple(_base(b) for b in raw.get("bases") or [] if isinstance(b, dict)),
                     generators=tuple(GeneratorSpec(transforms=_names(g.get("transforms")),
                                                    flows=g.get("flows") if isinstance(g.get("flows"), int) else 0,
                                                    location=_location(g.get("location")))
                                      for g in raw.get("generators") or [] if isinstance(g, dict)))


def _check_rules(doc: dict[str, Any], check_id: str) -> dict[str, Any]:
    """A check's kind, parameters and title from ``check_rules`` (absent in results older than kinds)."""
    for item in doc.get("check_rules") or []:
        if isinstance(item, dict) and item.get("id") == check_id:
            rules = item.get("rules")
            return {"kind": str(item.get("kind") or ""), "rules": dict(rules) if isinstance(rules, dict) else {},
                    "title": str(item.get("title") or "")}
    return {}


def result_from_dict(doc: dict[str, Any]) -> GradeResult:
    """The GradeResult a ``result.json`` document was written from (what it holds of it)."""
    if doc.get("schema") != SCHEMA:
        raise ValueError(f"not an {SCHEMA} document (schema: {doc.get('schema')!r})")
    error = doc.get("error")
    training = doc.get("training")
    return GradeResult(
        id=str(doc["id"]), assignment=str(doc.get("assignment", "")), source=str(doc.get("source", "")),
        sha256=str(doc.get("sha256", "")), status=doc.get("status", "graded"),
        error=ErrorInfo(kind=str(error.get("kind", "")), message=str(error.get("message", "")))
        if isinstance(error, dict) else None,
        score=float(doc.get("score", 0.0)), max_score=float(doc.get("max_score", 0.0)),
        checks=tuple(CheckResult(id=c["id"], status=c["status"], points=float(c.get("points", 0.0)),
                                 max_points=float(c.get("max_points", 0.0)), message=str(c.get("message", "")),
                                 hint=c.get("hint"), **_check_rules(doc, c["id"]))
                     for c in doc.get("checks") or []),
        model=_model(doc.get("model")),
        training=TrainingResult(epochs=int(training.get("epochs", 0)), loss=_floats(training.get("loss")),
                                val_loss=_floats(training.get("val_loss")), error=training.get("error"),
                                **_amount(training))
        if isinstance(training, dict) else None,
        lang=str(doc.get("lang", "es")), elapsed_s=float(doc.get("elapsed_s", 0.0)),
        isolation=str(doc.get("isolation", "none")), cut_short=doc.get("cut_short"),
        student_errors=tuple(e for e in (error_from_dict(raw, i) for i, raw in enumerate(doc.get("student_errors") or []))
                             if e is not None),
        environment=tuple(i for i in map(issue_from_dict, doc.get("environment") or []) if i is not None),
        keras2=tuple(n for n in map(keras2_from_dict, doc.get("keras2") or []) if n is not None),
        notes=tuple(doc.get("notes") or ()), grader_version=str(doc.get("grader_version", "")),
        filename=str(doc.get("filename") or ""),
        insight=insight_from_dict(doc.get("insight")),
    )


def load_result(path: Path) -> GradeResult:
    """``path`` is a result.json file, or an output folder holding exactly one ``<id>/result.json``."""
    path = Path(path)
    if path.is_dir():
        found = sorted(path.glob("*/result.json")) or sorted(path.glob("result.json"))
        if len(found) != 1:
            raise ValueError(f"expected one result.json in {path}, found {len(found)}")
        path = found[0]
    return result_from_dict(json.loads(path.read_text(encoding="utf-8")))
