"""The state that leaves the sandbox: one typed, versioned definition, for the producers inside and the grader.

How to add a field (one place): add it, with its type and default, to the record below that holds it. The
producers inside the sandbox build records with ``new(Record, ...)`` (an unknown key is refused, a missing one
takes its default); ``conform`` keeps exactly these fields where the state enters the grader (a value of the
wrong JSON type becomes the default; unknown keys are dropped); tests build fixtures with ``new`` too. The
consumer (``autograder/spec.py``) then reads the field, bounding its value as it does every other. A change
that an older reader would misread (a field renamed, a meaning changed) bumps ``VERSION``.

Standard library only: the runner imports this module inside the sandbox (``/opt/autograder-runner``), where
the ``autograder`` package is not importable; the grader imports it as ``autograder.sandbox.inner.ag_state``.
"""
from __future__ import annotations

# Bound at import, before any student code: patching ``builtins`` later cannot change what this module calls.
from builtins import dict, float, int, isinstance, list, set, sorted, str, tuple, type  # noqa: A004

import dataclasses
import typing
from dataclasses import dataclass, field
from typing import Any, Optional

VERSION = 2
SCHEMA = f"autograder.state/{VERSION}"


@dataclass(frozen=True)
class Site:
    """Where in the student's work: a notebook cell and line, or a script's file and line. Sparse: only the
    fields that are known are written (``{"cell": 3, "line": 2}``)."""

    cell: Optional[int] = None
    line: Optional[int] = None
    file: Optional[str] = None


@dataclass(frozen=True)
class Regularizer:
    class_name: str = "?"
    l1: float = 0.0
    l2: float = 0.0


LAYER_OPTIONS = ("mode", "factor", "height_factor", "width_factor", "filters", "kernel_size", "pool_size")
"""The config keys a ``Layer``'s ``options`` may hold: what the report shows beyond units, activation and rate
(random transforms, convolutions, pooling)."""


@dataclass(frozen=True)
class Layer:
    """One leaf layer of a model, as its config says (``serialized`` is Keras' own, for the rebuild)."""

    class_name: str = "?"
    module: Optional[str] = None
    name: str = ""
    builtin: bool = False
    """A Keras class (not one defined in the student's code)."""
    units: Optional[int] = None
    activation: Optional[str] = None
    kernel_regularizer: Optional[Regularizer] = None
    bias_regularizer: Optional[Regularizer] = None
    activity_regularizer: Optional[Regularizer] = None
    rate: Optional[float] = None
    created_at: Optional[Site] = None
    serialized: Any = None
    options: dict = field(default_factory=dict)
    """A few more settings of its config that the report shows (``LAYER_OPTIONS``: a random transform's
    ``factor`` and ``mode``, a convolution's ``filters`` and ``kernel_size``), as JSON scalars or short lists."""


@dataclass(frozen=True)
class Base:
    """A ``keras.applications`` network the submission built (transfer learning; ``ag_evidence``)."""

    index: Optional[int] = None
    network: str = ""
    """The constructor called (``VGG16``)."""
    include_top: bool = True
    weights: Optional[str] = "imagenet"
    """What was asked for: ``imagenet``, None, ``file`` (a path) or the type given."""
    loaded: bool = False
    """The pretrained weights were there (served offline); False: random weights."""
    pooling: Optional[str] = None
    input_shape: Optional[list] = None
    site: Optional[Site] = None
    trainable: bool = True
    """Its own ``trainable`` flag, when described (at compile, or when the run ended)."""
    trainable_weights: Optional[int] = None
    nested: bool = False
    """The model holds the base itself (else only its layers)."""
    last_layer: str = ""
    first_layer: str = ""
    """The name of its first layer after its input (with ``last_layer``, where it sits in the model's layers)."""
    name: str = ""
    """The base model's own name (``vgg16``)."""
    layers: Optional[int] = None
    """How many layers it holds, its InputLayer left out (as the model's layers are listed)."""
    params: Optional[int] = None
    """How many weights (scalars) it holds."""


@dataclass(frozen=True)
class Callback:
    """A callback given to ``fit``: its class and recorded settings (monitor, patience ...)."""

    class_name: str = ""
    builtin: bool = False
    keras_class: Optional[str] = None
    """The Keras class whose behaviour it has (``ag_evidence.keras_behaviour``): its own, or a parent's."""
    settings: dict = field(default_factory=dict)


@dataclass(frozen=True)
class GeneratorSettings:
    """An ``ImageDataGenerator``'s transform settings as plain values (``ag_evidence.rebuild_settings``): what
    the insight rebuilds it from. A setting given in another form (an array of shifts, a callable) is None."""

    rotation_range: Optional[float] = None
    width_shift_range: Optional[typing.Union[int, float]] = None
    """An int is a shift in whole pixels, a float below 1 a share of the width (Keras tells them apart)."""
    height_shift_range: Optional[typing.Union[int, float]] = None
    shear_range: Optional[float] = None
    zoom_range: Optional[typing.List[float]] = None
    """``[lower, upper]``, as the generator keeps it (``[1, 1]``: no zoom)."""
    horizontal_flip: bool = False
    vertical_flip: bool = False
    fill_mode: Optional[str] = None
    brightness_range: Optional[typing.List[float]] = None
    channel_shift_range: Optional[float] = None
    rescale: Optional[float] = None


@dataclass(frozen=True)
class Flow:
    """What fed a ``fit`` when its data came from an ``ImageDataGenerator``'s ``flow``."""

    generator: Optional[int] = None
    iterator: str = ""
    transforms: list = field(default_factory=list)
    settings: dict = field(default_factory=dict)
    rebuild: Optional[GeneratorSettings] = None
    """The generator's settings when ``fit`` ran, for the insight's replay (None: not recorded)."""


@dataclass(frozen=True)
class Generator:
    """An ``ImageDataGenerator`` the submission built."""

    index: Optional[int] = None
    transforms: list = field(default_factory=list)
    settings: dict = field(default_factory=dict)
    site: Optional[Site] = None
    flows: int = 0


@dataclass(frozen=True)
class Compile:
    """One ``compile`` call: what was asked for, and how it ended."""

    optimizer: Optional[dict] = None
    """``{"class_name", "serialized"}`` of the optimizer the model ended with."""
    loss: Optional[dict] = None
    """``{"name", "from_logits", "serialized"}``."""
    metrics: list = field(default_factory=list)
    error: Optional[str] = None
    optimizer_given: bool = True
    site: Optional[Site] = None
    bases: typing.List[Base] = field(default_factory=list)
    """The pretrained bases in the model as it was compiled (whether trainable then)."""


@dataclass(frozen=True)
class FitData:
    """What a ``fit`` received."""

    samples: Optional[int] = None
    features: Optional[list] = None
    dataset: Optional[str] = None
    source: str = "unknown"
    """``predefined`` (the runner's X_train/y_train), ``own`` or ``unknown``."""
    sampled: Optional[int] = None
    """Rows of the bounded sample saved for the insight."""


@dataclass(frozen=True)
class Fit:
    """One ``fit`` call (or a statement calling ``fit`` that failed before it ran: ``called`` False)."""

    epochs_requested: Optional[int] = None
    batch_size: Optional[int] = None
    validation_split: Optional[float] = None
    has_validation_data: bool = False
    epochs_run: Optional[int] = None
    steps_per_epoch_run: Optional[int] = None
    loss: list = field(default_factory=list)
    error: Optional[str] = None
    site: Optional[Site] = None
    called: bool = True
    data: Optional[FitData] = None
    callbacks: typing.List[Callback] = field(default_factory=list)
    generator: Optional[Flow] = None


@dataclass(frozen=True)
class Model:
    """A model the selection rule can pick (``error`` alone when it could not be described)."""

    index: Optional[int] = None
    kind: Optional[str] = None
    """``sequential``, ``functional`` or ``subclassed``."""
    class_name: Optional[str] = None
    builtin: bool = False
    name: str = ""
    layer_order: Optional[str] = None
    """``config``, ``observed`` or ``attributes``."""
    input_shape: Optional[list] = None
    layers: Optional[typing.List[Layer]] = None
    compile: Optional[Compile] = None
    fits: typing.List[Fit] = field(default_factory=list)
    created_at: Optional[Site] = None
    serialized: Any = None
    global_names: list = field(default_factory=list)
    error: Optional[str] = None
    bases: typing.List[Base] = field(default_factory=list)
    """The pretrained bases it holds, as they were when the run ended."""
    generators: typing.List[Generator] = field(default_factory=list)
    """Every ImageDataGenerator the submission built (used or not)."""


@dataclass(frozen=True)
class Frame:
    """A student frame of a traceback: its place (sparse, as ``Site``), function name and code line."""

    cell: Optional[int] = None
    file: Optional[str] = None
    line: Optional[int] = None
    name: Optional[str] = None
    code: Optional[str] = None


@dataclass(frozen=True)
class Error:
    """An exception a top-level statement raised (the statements after it still ran)."""

    type: str = "?"
    message: str = ""
    location: Optional[Site] = None
    frames: typing.List[Frame] = field(default_factory=list)
    defines: list = field(default_factory=list)
    name: Optional[str] = None
    """The undefined name of a NameError."""
    download: Optional[dict] = None
    """``{"file", "origin"}`` when a refused download caused it."""
    cause: Optional[dict] = None
    """``{"kind", "subject"}`` when the grading environment caused it, seen on the live exception (``ag_causes``):
    a stand-in's value (kind ``missing_module``) or an output that could not be written (kind ``output``)."""


@dataclass(frozen=True)
class StandIn:
    """A module the environment lacks, imported as a do-nothing stand-in."""

    module: str = ""
    name: str = ""
    missing: str = ""
    location: Optional[Site] = None
    used_by: Optional[str] = None


@dataclass(frozen=True)
class Keras2Use:
    """A Keras 2 spelling mapped to Keras 3 (code spellings, language-neutral)."""

    idiom: str = ""
    modern: str = ""
    location: Optional[Site] = None


@dataclass(frozen=True)
class Download:
    """A download attempt: served from the instructor's folder, or refused."""

    file: str = ""
    origin: str = ""
    served: bool = False
    dataset: Optional[str] = None
    location: Optional[Site] = None


@dataclass(frozen=True)
class State:
    """The runner's report: written after each statement; the last complete one wins."""

    schema: str = SCHEMA
    type: str = "state"
    final: Optional[str] = None
    """``completed``, ``soft_timeout``, or None while the run goes on."""
    finished: bool = False
    units_run: int = 0
    exit: Optional[str] = None
    """``sys.exit(...)`` when the submission exited."""
    events: list = field(default_factory=list)
    """``[kind, model index]`` in order: ``construct``, ``compile``, ``fit``, ``fit_attempt``."""
    models: typing.Dict[str, Model] = field(default_factory=dict)
    """Model index (as a string) -> the model, for the models the selection rule can pick."""
    models_seen: int = 0
    global_model: Optional[int] = None
    """Index of the model bound to the global name ``model``."""
    errors: typing.List[Error] = field(default_factory=list)
    error_count: int = 0
    notes: list = field(default_factory=list)
    standins: typing.List[StandIn] = field(default_factory=list)
    keras2: typing.List[Keras2Use] = field(default_factory=list)
    downloads: typing.List[Download] = field(default_factory=list)


SPARSE = (Site, Frame)
"""Records written with only their known fields (``conform`` leaves the others out rather than filling them)."""
RECORDS = (Site, Regularizer, Layer, Base, Callback, GeneratorSettings, Flow, Generator, Compile, FitData, Fit, Model, Frame, Error, StandIn, Keras2Use, Download, State)


# Read once, at import (student code may patch ``dataclasses`` or ``typing`` later): per record, its fields as
# (name, default, factory), and its type hints.
_FIELDS = {record: tuple((f.name, f.default, None if f.default_factory is dataclasses.MISSING else f.default_factory)
                         for f in dataclasses.fields(record)) for record in RECORDS}
_HINTS = {record: typing.get_type_hints(record) for record in RECORDS}


def _defaults(record) -> dict[str, Any]:
    return {name: factory() if factory is not None else default for name, default, factory in _FIELDS[record]}


_DEFAULTS = {record: _defaults(record) for record in RECORDS}


def new(record, **values) -> dict[str, Any]:
    """A producer's record as plain JSON-ready data: every field of ``record``, defaults for those not given.

    Raises TypeError for a key the schema does not have (a field is added in this module, not at a call site)."""
    unknown = set(values) - set(_DEFAULTS[record])
    if unknown:
        raise TypeError(f"{record.__name__} has no field {sorted(unknown)[0]!r} (add it to ag_state.py)")
    out = _defaults(record)
    out.update(values)
    return out


_MISSING = object()


def _conform(value: Any, hint: Any) -> Any:
    """``value`` as ``hint`` allows, else ``_MISSING``."""
    origin = typing.get_origin(hint)
    if origin is typing.Union:
        if value is None:
            return None
        for option in typing.get_args(hint):
            if option is not type(None):
                got = _conform(value, option)
                if got is not _MISSING:
                    return got
        return _MISSING
    if hint is Any:
        return value
    if hint in _HINTS:
        return conform(value, hint) if isinstance(value, dict) else _MISSING
    if origin is list:
        if not isinstance(value, list):
            return _MISSING
        (item,) = typing.get_args(hint)
        kept = (_conform(v, item) for v in value)
        return [v for v in kept if v is not _MISSING]
    if origin is dict:
        if not isinstance(value, dict):
            return _MISSING
        _, item = typing.get_args(hint)
        kept = {str(k): _conform(v, item) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v is not _MISSING}
    if hint is bool:
        return value if isinstance(value, bool) else _MISSING
    if hint is int:
        return value if isinstance(value, int) and not isinstance(value, bool) else _MISSING
    if hint is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return float(value) if ok else _MISSING  # NaN and infinities pass: a diverging loss is evidence
    if hint in (str, list, dict):
        return value if isinstance(value, hint) else _MISSING
    return _MISSING


def conform(raw: Any, record=State) -> dict[str, Any]:
    """Untrusted JSON as ``record``: exactly its fields, each of its type (else its default). Never raises."""
    if not isinstance(raw, dict):
        raw = {}
    out = {}
    for name, hint in _HINTS[record].items():
        value = raw.get(name, _MISSING)
        got = _MISSING if value is _MISSING else _conform(value, hint)
        if record in SPARSE and (got is _MISSING or got is None):
            continue
        out[name] = _defaults(record)[name] if got is _MISSING else got
    return out


def version_of(raw: Any) -> int | None:
    """The version a report says it follows (None when it names none or another schema)."""
    schema = raw.get("schema") if isinstance(raw, dict) else None
    if not isinstance(schema, str) or not schema.startswith("autograder.state/"):
        return None
    number = schema.rpartition("/")[2]
    return int(number) if number.isdigit() else None
