"""Turn the sandbox's untrusted JSON report into a ModelSpec (plain data the checks read).

Every field is validated and coerced here; a malformed report yields no model, never a crash.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from autograder.sandbox.inner import ag_augment, ag_state
from autograder.types import (
    ENVIRONMENT_KINDS,
    BaseSpec,
    CallbackSpec,
    FlowSpec,
    GeneratorSpec,
    CompileSpec,
    DownloadAttempt,
    EnvironmentIssue,
    ErrorFrame,
    ExecutionArtifact,
    FitCall,
    FitData,
    Keras2Note,
    LayerSpec,
    ModelSpec,
    RegularizerSpec,
    SourceLocation,
    StoodInModule,
    StudentError,
)

SELECTION_ORDER = ("fit", "compile", "global", "construct")


class StateVersionError(ValueError):
    """The sandbox's runner writes another version of the state schema than this grader reads."""


def accept_state(raw: Any) -> dict[str, Any]:
    """The runner's report where it enters the grader: exactly the fields ``ag_state.State`` defines, each of
    its type (else its default). A report naming another version of the schema is refused (a runner from
    another grader version); one naming none is read as the current one (what it claims is cross-checked
    against the code later, like every report). Field values are bounded below, as the ModelSpec is built."""
    if not isinstance(raw, dict) or not raw:
        return {}
    if "schema" in raw and ag_state.version_of(raw) != ag_state.VERSION:
        raise StateVersionError(f"the sandbox reported state schema {str(raw.get('schema'))[:60]!r}; "
                                f"this grader reads {ag_state.SCHEMA!r}")
    return ag_state.conform(raw)


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
        options=layer_options(raw.get("options")),
    )


def option_text(value: Any) -> str | None:
    """A layer option as written in code (``0.1``, ``(3, 3)``, ``horizontal``), or None when it is not plain."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, str):
        return value[:40]
    if isinstance(value, list) and 0 < len(value) <= 4:
        items = [option_text(v) if v is not None else "None" for v in value]
        return None if None in items else "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    return None


def layer_options(raw: Any) -> tuple[tuple[str, str], ...]:
    """The known options of a layer (``ag_state.LAYER_OPTIONS``), in that order, as text."""
    if not isinstance(raw, dict):
        return ()
    found = ((key, option_text(raw.get(key))) for key in ag_state.LAYER_OPTIONS if key in raw)
    return tuple((key, text) for key, text in found if text is not None)


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
        called=raw.get("called") is not False,
        data=fit_data(raw.get("data")),
        location=location(raw.get("site")),
        callbacks=tuple(c for c in (callback(item) for item in _items(raw.get("callbacks"), 20)) if c),
        generator=flow(raw.get("generator")),
    )


def _items(raw: Any, limit: int) -> list[Any]:
    return raw[:limit] if isinstance(raw, list) else []


def _names(raw: Any, limit: int = 20) -> tuple[str, ...]:
    return tuple(n for n in (_str(v, 40) for v in _items(raw, limit)) if n)


def callback(raw: Any) -> CallbackSpec | None:
    """A callback given to fit: its class and settings, validated."""
    if not isinstance(raw, dict) or not _str(raw.get("class_name")):
        return None
    settings = raw.get("settings") if isinstance(raw.get("settings"), dict) else {}
    restore = settings.get("restore_best_weights")
    kept = tuple((str(k)[:40], v) for k, v in list(settings.items())[:12]
                 if k not in ("monitor", "patience", "restore_best_weights")
                 and (v is None or isinstance(v, (str, int, float, bool))))
    return CallbackSpec(class_name=_str(raw.get("class_name"), 80), builtin=raw.get("builtin") is True,
                        keras_class=_str(raw.get("keras_class"), 80),
                        monitor=_str(settings.get("monitor"), 80), patience=_int(settings.get("patience")),
                        restore_best_weights=restore if isinstance(restore, bool) else None, settings=kept)


def flow(raw: Any) -> FlowSpec | None:
    if not isinstance(raw, dict):
        return None
    settings = ag_augment.replay_settings(raw.get("rebuild"))  # bounded once, by the table the replay uses
    return FlowSpec(generator=_int(raw.get("generator")), transforms=_names(raw.get("transforms")),
                    settings=tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in settings.items()))


def generator(raw: Any) -> GeneratorSpec | None:
    if not isinstance(raw, dict):
        return None
    return GeneratorSpec(transforms=_names(raw.get("transforms")), flows=max(0, _int(raw.get("flows")) or 0),
                         location=location(raw.get("site")))


def base(raw: Any, at_compile: dict[int, Any]) -> BaseSpec | None:
    """A pretrained base; whether it was trainable is taken from the compile record when there is one."""
    if not isinstance(raw, dict) or not _str(raw.get("network")):
        return None
    weights = raw.get("weights")
    compiled = at_compile.get(_int(raw.get("index")) if _int(raw.get("index")) is not None else -1)
    trainable = None
    if isinstance(compiled, dict):
        trainable = (_int(compiled.get("trainable_weights")) or 0) > 0
    return BaseSpec(network=_str(raw.get("network"), 80), include_top=raw.get("include_top") is not False,
                    weights=_str(weights, 20) if weights in ("imagenet", None, "file", "unknown") else "other",
                    loaded=raw.get("loaded") is True,
                    pooling=_str(raw.get("pooling"), 10) if raw.get("pooling") in ("avg", "max") else None,
                    trainable_at_compile=trainable, last_layer=_str(raw.get("last_layer"), 120) or "",
                    location=location(raw.get("site")), first_layer=_str(raw.get("first_layer"), 120) or "",
                    name=_str(raw.get("name"), 120) or "", layer_count=_count(raw.get("layers")),
                    params=_count(raw.get("params")),
                    trainable_at_end=(_int(raw.get("trainable_weights")) or 0) > 0
                    if _int(raw.get("trainable_weights")) is not None else None)


def _count(value: Any) -> int | None:
    number = _int(value)
    return number if number is not None and 0 <= number < 10**12 else None


def bases(raw: dict[str, Any]) -> tuple[BaseSpec, ...]:
    compile_raw = raw.get("compile") if isinstance(raw.get("compile"), dict) else {}
    at_compile = {_int(b.get("index")): b for b in _items(compile_raw.get("bases"), 20) if isinstance(b, dict)}
    return tuple(b for b in (base(item, at_compile) for item in _items(raw.get("bases"), 20)) if b)


def fit_data(raw: Any) -> FitData | None:
    """What a fit received (samples, features, dataset, whose data), validated."""
    if not isinstance(raw, dict):
        return None
    features = raw.get("features") if isinstance(raw.get("features"), list) else None
    source = raw.get("source") if raw.get("source") in ("predefined", "own") else "unknown"
    return FitData(samples=_int(raw.get("samples")),
                   features=tuple(_int(d) for d in features[:8]) if features is not None else None,
                   dataset=_str(raw.get("dataset"), 60), source=source, sampled=_int(raw.get("sampled")) or 0)


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
        global_names=tuple(n for n in (_str(v, 80) for v in (raw.get("global_names") or [])[:10]
                                       if isinstance(raw.get("global_names"), list)) if n and n.isidentifier()),
        index=index,
        bases=bases(raw),
        generators=tuple(g for g in (generator(item) for item in _items(raw.get("generators"), 20)) if g),
    )


def _list(state: dict[str, Any], key: str, limit: int = 50) -> list[dict[str, Any]]:
    """``state[key]`` as a bounded list of dicts (anything else in it is dropped)."""
    raw = state.get(key) if isinstance(state, dict) else None
    return [item for item in raw[:limit] if isinstance(item, dict)] if isinstance(raw, list) else []


def _identifier(value: Any) -> str | None:
    text = _str(value, 120)
    return text if text and text.isidentifier() else None


def error_frame(raw: Any) -> ErrorFrame | None:
    if not isinstance(raw, dict):
        return None
    return ErrorFrame(location=location(raw), name=_str(raw.get("name"), 120) or "?",
                      code=_str(raw.get("code"), 300) or "")


def download_attempt(raw: Any) -> DownloadAttempt | None:
    if not isinstance(raw, dict) or not (_str(raw.get("file")) or _str(raw.get("origin"))):
        return None
    origin = _str(raw.get("origin"), 500) or ""
    file = _str(raw.get("file"), 200) or origin.rstrip("/").rsplit("/", 1)[-1] or "?"
    return DownloadAttempt(file=file, origin=origin, served=raw.get("served") is True,
                           dataset=_str(raw.get("dataset"), 80), location=location(raw.get("location")))


def student_error(raw: dict[str, Any]) -> StudentError:
    trace = raw.get("traceback") if isinstance(raw.get("traceback"), list) else []
    frames = raw.get("frames") if isinstance(raw.get("frames"), list) else []
    defines = raw.get("defines") if isinstance(raw.get("defines"), list) else []
    return StudentError(
        type=_str(raw.get("type"), 80) or "Error", message=_str(raw.get("message"), 1000) or "",
        location=location(raw.get("location")),
        traceback=tuple(str(t)[:300] for t in trace[:15] if isinstance(t, str)),
        frames=tuple(f for f in (error_frame(item) for item in frames[-15:]) if f is not None),
        defines=tuple(dict.fromkeys(n for n in (_identifier(d) for d in defines[:50]) if n)),
        name=_identifier(raw.get("name")),
        download=download_attempt(raw.get("download")),
        cause=error_cause(raw.get("cause")),
    )


CAUSE_KINDS = ("missing_module", "output")
"""What the sandbox may say caused an error (``ag_causes``); anything else is dropped."""


def error_cause(raw: Any) -> tuple[str, str] | None:
    if not isinstance(raw, dict) or raw.get("kind") not in CAUSE_KINDS or not _str(raw.get("subject")):
        return None
    return raw["kind"], _str(raw.get("subject"), 300)


def student_errors(artifact: ExecutionArtifact) -> tuple[StudentError, ...]:
    """The errors the run reported, in run order (at most 50), every field validated."""
    return tuple(student_error(raw) for raw in _list(artifact.state, "errors"))


def stood_in_modules(artifact: ExecutionArtifact) -> tuple[StoodInModule, ...]:
    """Modules the environment lacked and the sandbox replaced by stand-ins."""
    out = []
    for raw in _list(artifact.state, "standins"):
        module = _str(raw.get("module"), 200)
        if module:
            out.append(StoodInModule(module=module, name=_str(raw.get("name"), 120) or "",
                                     location=location(raw.get("location"))))
    return tuple(out)


def keras2_notes(artifact: ExecutionArtifact) -> tuple[Keras2Note, ...]:
    """Keras 2 idioms the sandbox mapped to Keras 3, one per distinct (idiom, spelling), in order."""
    out: dict[tuple[str, str], Keras2Note] = {}
    for raw in _list(artifact.state, "keras2"):
        idiom, modern = _str(raw.get("idiom"), 200), _str(raw.get("modern"), 200)
        if idiom and modern and (idiom, modern) not in out:
            out[(idiom, modern)] = Keras2Note(idiom=idiom, modern=modern, location=location(raw.get("location")))
    return tuple(out.values())


def download_attempts(artifact: ExecutionArtifact) -> tuple[DownloadAttempt, ...]:
    """Downloads the submission attempted: served from the instructor's folder, or refused."""
    return tuple(d for d in (download_attempt(raw) for raw in _list(artifact.state, "downloads")) if d is not None)


def ignored_magics(artifact: ExecutionArtifact) -> tuple[str, ...]:
    notes = artifact.state.get("notes") if isinstance(artifact.state.get("notes"), list) else []
    return tuple(str(n)[:200] for n in notes[:50])


def plain_location(loc: SourceLocation | None) -> dict[str, Any]:
    """A location as the sandbox writes it (``{"cell": 3, "line": 2}``): only the fields that are known."""
    if loc is None:
        return {}
    return {k: v for k, v in (("cell", loc.cell), ("file", loc.file), ("line", loc.line)) if v is not None}


def error_to_dict(error: StudentError) -> dict[str, Any]:
    """A StudentError as JSON in the sandbox's own shape (frames flat), plus what the diagnosis added."""
    download = None
    if error.download is not None:
        download = {"file": error.download.file, "origin": error.download.origin}
    return {"type": error.type, "message": error.message, "location": plain_location(error.location) or None,
            "frames": [dict(plain_location(f.location), name=f.name, code=f.code) for f in error.frames],
            "defines": list(error.defines), "name": error.name, "download": download,
            "follows_from": error.follows_from, "environment": error.environment,
            **({"traceback": list(error.traceback)} if error.traceback else {})}


def error_from_dict(raw: Any, position: int) -> StudentError | None:
    """The inverse of ``error_to_dict`` for a stored result.json (validated: it is a file on disk)."""
    if not isinstance(raw, dict):
        return None
    follows = _int(raw.get("follows_from"))
    kind = raw.get("environment") if raw.get("environment") in ENVIRONMENT_KINDS else None
    return replace(student_error(raw), follows_from=follows if follows is not None and 0 <= follows < position else None,
                   environment=kind)


def issue_from_dict(raw: Any) -> EnvironmentIssue | None:
    """An EnvironmentIssue from a stored result.json."""
    if not isinstance(raw, dict) or raw.get("kind") not in ENVIRONMENT_KINDS:
        return None
    return EnvironmentIssue(kind=raw["kind"], subject=_str(raw.get("subject"), 300) or "",
                            location=location(raw.get("location")), stood_in=raw.get("stood_in") is True,
                            error=_str(raw.get("error"), 1100) or "", detail=_str(raw.get("detail"), 500) or "",
                            through_keras=raw.get("through_keras") is True,
                            followers=max(0, _int(raw.get("followers")) or 0), count=max(1, _int(raw.get("count")) or 1))


def keras2_from_dict(raw: Any) -> Keras2Note | None:
    """A Keras2Note from a stored result.json."""
    if not isinstance(raw, dict) or not _str(raw.get("idiom")) or not _str(raw.get("modern")):
        return None
    return Keras2Note(idiom=_str(raw.get("idiom"), 200), modern=_str(raw.get("modern"), 200),
                      location=location(raw.get("location")))
