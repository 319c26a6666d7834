"""Turn the sandbox's untrusted JSON report into a ModelSpec (plain data the checks read).

Every field is validated and coerced here; a malformed report yields no model, never a crash.
"""
from __future__ import annotations

from typing import Any

from autograder.types import (
    CompileSpec,
    ExecutionArtifact,
    FitCall,
    LayerSpec,
    ModelSpec,
    RegularizerSpec,
    SourceLocation,
    StudentError,
)

SELECTION_ORDER = ("fit", "compile", "global", "construct")


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    return None


def _str(value: Any, limit: int = 300) -> str | None:
    return value[:limit] if isinstance(value, str) else None


def location(raw: Any) -> SourceLocation | None:
    if not isinstance(raw, dict):
        return None
    return SourceLocation(cell=_int(raw.get("cell")), line=_int(raw.get("line")), file=_str(raw.get("file")))


def regularizer(raw: Any) -> RegularizerSpec | None:
    if not isinstance(raw, dict):
        return None
    return RegularizerSpec(class_name=_str(raw.get("class_name"), 80) or "?",
                           l1=_float(raw.get("l1")) or 0.0, l2=_float(raw.get("l2")) or 0.0)


def layer(raw: dict[str, Any]) -> LayerSpec:
    return LayerSpec(
        class_name=_str(raw.get("class_name"), 80) or "?",
        name=_str(raw.get("name"), 120) or "",
        builtin=raw.get("builtin") is True,
        units=_int(raw.get("units")),
        activation=_str(raw.get("activation"), 80),
        kernel_regularizer=regularizer(raw.get("kernel_regularizer")),
        bias_regularizer=regularizer(raw.get("bias_regularizer")),
        activity_regularizer=regularizer(raw.get("activity_regularizer")),
        rate=_float(raw.get("rate")),
        created_at=location(raw.get("created_at")),
    )


def compile_spec(raw: Any) -> CompileSpec | None:
    if not isinstance(raw, dict):
        return None
    optimizer = raw.get("optimizer") if isinstance(raw.get("optimizer"), dict) else {}
    loss = raw.get("loss") if isinstance(raw.get("loss"), dict) else {}
    metrics = raw.get("metrics") if isinstance(raw.get("metrics"), list) else []
    return CompileSpec(
        optimizer=_str(optimizer.get("class_name"), 80) if raw.get("optimizer_given", True) else None,
        loss=_str(loss.get("name"), 120),
        from_logits=loss.get("from_logits") is True,
        metrics=tuple(str(m)[:60] for m in metrics[:20]),
        error=_str(raw.get("error"), 500),
        location=location(raw.get("site")),
    )


def fit_call(raw: Any) -> FitCall | None:
    if not isinstance(raw, dict):
        return None
    losses = raw.get("loss") if isinstance(raw.get("loss"), list) else []
    return FitCall(
        epochs_requested=_int(raw.get("epochs_requested")),
        epochs_run=_int(raw.get("epochs_run")),
        batch_size=_int(raw.get("batch_size")),
        validation_split=_float(raw.get("validation_split")),
        has_validation_data=raw.get("has_validation_data") is True,
        error=_str(raw.get("error"), 500),
        loss=tuple(v for v in (_float(x) for x in losses[:100]) if v is not None),
    )


def select_model(state: dict[str, Any]) -> tuple[int | None, str | None]:
    """The contract's rule: last passed to fit; else last compiled; else global ``model``;
    else last constructed. Returns (model index, which rule chose it)."""
    events = state.get("events") if isinstance(state.get("events"), list) else []
    last: dict[str, int] = {}
    for event in events:
        if isinstance(event, list) and len(event) == 2 and isinstance(event[1], int):
            last[str(event[0])] = event[1]
    if isinstance(state.get("global_model"), int):
        last["global"] = state["global_model"]
    for rule in SELECTION_ORDER:
        if rule in last:
            return last[rule], rule
    return None, None


def extract_model_spec(artifact: ExecutionArtifact) -> ModelSpec | None:
    """The graded model, or None when the submission built no Keras model."""
    state = artifact.state
    index, rule = select_model(state)
    if index is None:
        return None
    models = state.get("models") if isinstance(state.get("models"), dict) else {}
    raw = models.get(str(index))
    if not isinstance(raw, dict) or raw.get("error") or not isinstance(raw.get("layers"), list):
        return None
    layers = tuple(layer(item) for item in raw["layers"] if isinstance(item, dict))
    shape = raw.get("input_shape")
    input_shape = tuple(_int(d) for d in shape) if isinstance(shape, list) else None
    fits = tuple(f for f in (fit_call(item) for item in (raw.get("fits") or [])) if f is not None)
    compile_raw = raw.get("compile") if isinstance(raw.get("compile"), dict) else {}
    rebuild = {
        "model": raw.get("serialized") if isinstance(raw.get("serialized"), dict) else None,
        "layers": [item.get("serialized") for item in raw["layers"] if isinstance(item, dict)],
        "input_shape": list(input_shape) if input_shape else None,
        "optimizer": (compile_raw.get("optimizer") or {}).get("serialized") if isinstance(compile_raw.get("optimizer"), dict) else None,
        "loss": (compile_raw.get("loss") or {}).get("serialized") if isinstance(compile_raw.get("loss"), dict) else None,
    }
    return ModelSpec(
        kind=raw.get("kind") if raw.get("kind") in ("sequential", "functional", "subclassed") else "subclassed",
        class_name=_str(raw.get("class_name"), 80) or "?",
        name=_str(raw.get("name"), 120) or "",
        selected_by=rule or "construct",
        layers=layers,
        input_shape=input_shape,
        compile=compile_spec(raw.get("compile")),
        fit_calls=fits,
        layer_order=raw.get("layer_order") if raw.get("layer_order") in ("config", "observed", "attributes") else "config",
        rebuild=rebuild,
        models_seen=_int(state.get("models_seen")) or 1,
    )


def student_errors(artifact: ExecutionArtifact) -> tuple[StudentError, ...]:
    errors = artifact.state.get("errors") if isinstance(artifact.state.get("errors"), list) else []
    out = []
    for raw in errors[:50]:
        if not isinstance(raw, dict):
            continue
        trace = raw.get("traceback") if isinstance(raw.get("traceback"), list) else []
        out.append(StudentError(type=_str(raw.get("type"), 80) or "Error", message=_str(raw.get("message"), 1000) or "",
                                location=location(raw.get("location")),
                                traceback=tuple(str(t)[:300] for t in trace[:15])))
    return tuple(out)


def ignored_magics(artifact: ExecutionArtifact) -> tuple[str, ...]:
    notes = artifact.state.get("notes") if isinstance(artifact.state.get("notes"), list) else []
    return tuple(str(n)[:200] for n in notes[:50])
