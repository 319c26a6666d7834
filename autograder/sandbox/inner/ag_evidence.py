"""Evidence for the unit's other exercises, recorded in the sandboxed child as plain JSON: the callbacks each
``fit`` received, the ``ImageDataGenerator``s and whether their ``flow`` fed a ``fit``, and the
``keras.applications`` bases (network, ``include_top``, weights asked for and loaded, trainable at compile).

Pretrained weights are downloads: ``ag_datasets`` serves them from the instructor's folder (``models/`` as in
Keras' cache). When they are not there the base is built again with random weights, so the model can still be
graded; the refused download stays in the run's records and the report says so in its environment section.
"""
from __future__ import annotations

# Bound at import, before any student code: patching ``builtins`` later cannot change what this module calls.
from builtins import (  # noqa: A004
    bool, dict, float, getattr, id, int, isinstance, len, list, str, tuple, type,
)

import inspect
import sys

import ag_describe
import ag_state
from ag_state import Base, Callback, Flow, Generator, GeneratorSettings

MAX_RECORDS = 20
CALLBACK_SETTINGS = ("monitor", "patience", "restore_best_weights", "min_delta", "mode", "baseline",
                     "start_from_epoch", "factor", "save_best_only", "filepath")
TRANSFORMS = {
    # ImageDataGenerator argument -> (transform kind, the value that means "no transform")
    "rotation_range": ("rotation", 0),
    "width_shift_range": ("width_shift", 0.0),
    "height_shift_range": ("height_shift", 0.0),
    "shear_range": ("shear", 0.0),
    "zoom_range": ("zoom", 0.0),
    "channel_shift_range": ("channel_shift", 0.0),
    "brightness_range": ("brightness", None),
    "horizontal_flip": ("horizontal_flip", False),
    "vertical_flip": ("vertical_flip", False),
}
GENERATORS: list = []
"""[{"index", "transforms", "settings", "site", "flows"}] per ImageDataGenerator built (in order)."""
BASES: list = []
"""[{"network", "include_top", "weights", "loaded", "pooling", "input_shape", "site"}] per application built."""
_generator_index: dict = {}  # id(generator) -> its position in GENERATORS
_base_models: list = []  # the base models themselves (strong refs keep ids unique), parallel to BASES


def plain(value):
    """A setting as JSON-safe data (numbers, strings, booleans, short lists), else its type's name."""
    if value is None or isinstance(value, (bool, int, str)):
        return value if not isinstance(value, str) else value[:200]
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else str(value)
    if hasattr_safe(value, "item") and getattr(value, "shape", None) == ():
        return plain(value.item())
    if isinstance(value, (list, tuple)) and len(value) <= 8:
        return [plain(v) for v in value]
    return type(value).__name__


def hasattr_safe(value, name):
    try:
        getattr(value, name)
        return True
    except Exception:
        return False


# -- callbacks -------------------------------------------------------------------------------------------
CALLBACK_HOOKS = ("get_monitor_value", "_is_improvement", "_set_monitor_op", "set_model")
"""Besides the ``on_*`` methods, what makes a Keras callback act: a subclass that defines one of these (or an
``on_*``) no longer has its Keras parent's behaviour."""


def keras_behaviour(callback):
    """The name of the Keras class (one defined before any student code ran) whose behaviour ``callback`` has: its
    own class, or the Keras class a subclass of the student's inherits from when the subclass overrides none of its
    hooks (an ``__init__`` with other defaults keeps it). A class of the student's own that merely calls itself
    ``EarlyStopping``, whatever ``__module__`` it claims, gets the Keras class it does derive from (``Callback``)."""
    for klass in type(callback).__mro__:
        if klass in ag_describe.KERAS_CLASSES:
            return str(klass.__name__)[:80]
        if any(isinstance(name, str) and (name.startswith("on_") or name in CALLBACK_HOOKS) for name in vars(klass)):
            return None
    return None


def describe_callbacks(callbacks):
    """The callbacks given to one ``fit``, each as {class_name, builtin, keras_class, settings} (at most 20)."""
    if callbacks is None:
        return []
    if not isinstance(callbacks, (list, tuple)):
        callbacks = [callbacks]
    out = []
    for callback in list(callbacks)[:MAX_RECORDS]:
        klass = type(callback)
        settings = {}
        for name in CALLBACK_SETTINGS:
            try:
                if name in vars(callback):
                    settings[name] = plain(vars(callback)[name])
            except TypeError:
                break
        out.append(ag_state.new(Callback, class_name=klass.__name__[:80], builtin=ag_describe.is_builtin(callback),
                                keras_class=keras_behaviour(callback), settings=settings))
    return out


# -- ImageDataGenerator -----------------------------------------------------------------------------------
def transforms_of(generator):
    """The random transforms an ImageDataGenerator applies, by kind, and their settings."""
    kinds, settings = [], {}
    for argument, (kind, none) in TRANSFORMS.items():
        value = getattr(generator, argument, None)
        if argument == "zoom_range":  # kept as [lower, upper]; [1, 1] is no zoom
            try:
                value = [float(v) for v in value]
                active = value != [1.0, 1.0]
            except (TypeError, ValueError):
                active = False
        else:
            try:
                active = value is not None and value != none and bool(value)
            except Exception:  # an array-valued setting: given, so active
                active = True
        if active:
            kinds.append(kind)
            settings[argument] = plain(value)
    return kinds, settings


def rebuild_settings(generator):
    """The generator's transform settings as plain numbers, booleans and one string (``GeneratorSettings``):
    a setting in another form (an array, a callable, NaN) is left out, never described by its object."""

    def number(value, whole=False):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
            return None
        if value in (float("inf"), float("-inf")):
            return None
        return value if whole and isinstance(value, int) else float(value)

    def pair(value):
        try:
            values = [number(v) for v in value] if len(value) == 2 else [None]
        except TypeError:
            return None
        return values if None not in values else None

    def get(name):
        try:
            value = getattr(generator, name, None)
            return value.item() if hasattr_safe(value, "item") and getattr(value, "shape", None) == () else value
        except Exception:
            return None

    fill_mode = get("fill_mode")
    return ag_state.new(
        GeneratorSettings, rotation_range=number(get("rotation_range")),
        width_shift_range=number(get("width_shift_range"), whole=True),
        height_shift_range=number(get("height_shift_range"), whole=True), shear_range=number(get("shear_range")),
        zoom_range=pair(get("zoom_range")), horizontal_flip=get("horizontal_flip") is True,
        vertical_flip=get("vertical_flip") is True,
        fill_mode=fill_mode[:20] if isinstance(fill_mode, str) else None,
        brightness_range=pair(get("brightness_range")), channel_shift_range=number(get("channel_shift_range")),
        rescale=number(get("rescale")))


def generator_record(generator, site):
    key = id(generator)
    if key not in _generator_index and len(GENERATORS) < MAX_RECORDS:
        kinds, settings = transforms_of(generator)
        _generator_index[key] = len(GENERATORS)
        GENERATORS.append(dict(ag_state.new(Generator, index=len(GENERATORS), transforms=kinds, settings=settings,
                                            site=site), _ref=generator))
    position = _generator_index.get(key)
    return GENERATORS[position] if position is not None else None


def describe_flow(x):
    """What fed a ``fit`` when ``x`` came from an ImageDataGenerator's ``flow``: {generator, transforms}."""
    generator = getattr(x, "image_data_generator", None) if x is not None else None
    if generator is None:
        return None
    record = generator_record(generator, None)
    if record is not None:
        record["flows"] += 1
    kinds, settings = transforms_of(generator)  # as set when fit ran (the student may change it after)
    try:
        rebuild = rebuild_settings(generator)
    except Exception:  # the student's generator object may be anything: the grade never depends on this
        rebuild = None
    return ag_state.new(Flow, generator=record["index"] if record else None, iterator=type(x).__name__[:80],
                        transforms=kinds, settings=settings, rebuild=rebuild)


def generators():
    """The generators built, without their objects."""
    return [{k: v for k, v in record.items() if not k.startswith("_")} for record in GENERATORS]


# -- keras.applications -------------------------------------------------------------------------------------
def weights_asked(value):
    if value is None or value == "imagenet":
        return value
    return "file" if isinstance(value, str) else type(value).__name__


def all_layers(model, depth=0):
    """Every layer of ``model``, nested models included (and the nested models themselves)."""
    found = []
    for layer in list(getattr(model, "layers", []) or [])[:2000]:
        found.append(layer)
        if depth < 4 and getattr(layer, "layers", None):
            found.extend(all_layers(layer, depth + 1))
    return found


def bases_in(model):
    """The applications built so far that ``model`` contains (as a nested model, or by its layers), each with
    whether it was trainable now: ``trainable`` (its own flag) and ``trainable_weights`` (how many)."""
    try:
        inside = {id(layer) for layer in all_layers(model)}
    except Exception:
        return []
    out = []
    for record, base in zip_records():
        layers = list(getattr(base, "layers", []) or [])
        if id(base) not in inside and not (layers and id(layers[-1]) in inside):
            continue
        try:
            weights = len(base.trainable_weights)
        except Exception:
            weights = None
        out.append(dict(record, trainable=bool(getattr(base, "trainable", True)), trainable_weights=weights,
                        nested=id(base) in inside, **base_shape(base)))  # ``record`` is a Base, filled in here
    return out


def base_shape(base):
    """What the report's drawing shows of a base: its name, first and last layer, layer and weight counts."""
    layers = [layer for layer in list(getattr(base, "layers", []) or [])
              if type(layer).__name__ != "InputLayer"]
    try:
        params = int(base.count_params())
    except Exception:
        params = None
    return {"name": str(getattr(base, "name", ""))[:120], "layers": len(layers), "params": params,
            "first_layer": str(getattr(layers[0], "name", ""))[:120] if layers else "",
            "last_layer": str(getattr(layers[-1], "name", ""))[:120] if layers else ""}


def zip_records():
    return [(BASES[i], _base_models[i]) for i in range(min(len(BASES), len(_base_models)))]


def wrap_application(function, sites, unavailable):
    """``function`` (VGG16, ResNet50 ...) recording its arguments; a base whose weights cannot be had
    offline is built again with random weights (the refused download is already recorded)."""
    signature = inspect.signature(function)

    def application(*args, **kwargs):
        try:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            arguments = dict(bound.arguments)
        except TypeError:
            return function(*args, **kwargs)
        site = sites.site(sys._getframe(1)) if sites is not None else None
        loaded = arguments.get("weights") is not None
        try:
            model = function(*args, **kwargs)
        except unavailable:
            if arguments.get("weights") != "imagenet":
                raise
            retry = dict(arguments, weights=None)
            if retry.get("include_top") and retry.get("classes") not in (None, 1000):
                pass  # keep the student's classes: with weights=None any number is allowed
            model = function(**retry)
            loaded = False
        if len(BASES) < MAX_RECORDS:
            shape = arguments.get("input_shape")
            BASES.append(ag_state.new(
                Base, index=len(BASES), network=function.__name__[:80], include_top=bool(arguments.get("include_top")),
                weights=weights_asked(arguments.get("weights")), loaded=loaded,
                pooling=arguments.get("pooling") if isinstance(arguments.get("pooling"), str) else None,
                input_shape=plain(tuple(shape)) if isinstance(shape, (list, tuple)) else None, site=site))
            _base_models.append(model)
        return model

    application.__name__ = function.__name__
    application.__doc__ = function.__doc__
    application.__signature__ = signature
    application._ag_original = function
    return application


_walked = {}
"""sys.modules key -> (module, [(name, network)]): what ``application_homes`` found in each module walked."""


def application_homes():
    """Each ``keras.applications`` network and the (module, name) places Keras and tf.keras export it.
    Walking every loaded module takes ~50 ms; the zygote walks them once and each child, which starts with
    the zygote's modules, walks only the modules loaded since."""
    import keras

    values = [getattr(keras.applications, name, None) for name in dir(keras.applications) if name[:1].isupper()]
    networks = {value for value in values if inspect.isfunction(value)
                and (getattr(value, "__module__", "") or "").startswith("keras.src.applications")}
    for key, module in list(sys.modules.items()):
        if key in _walked and _walked[key][0] is module:
            continue
        module_name = getattr(module, "__name__", "")
        if not isinstance(module_name, str) or not module_name.startswith(("keras", "tensorflow")):
            continue
        try:
            namespace = vars(module)
        except TypeError:
            continue
        _walked[key] = (module, [(name, value) for name, value in list(namespace.items())
                                         if inspect.isfunction(value) and value in networks])
    places = {network: [] for network in networks}
    for module, found in _walked.values():
        for name, value in found:
            if value in places:
                places[value].append((module, name))
    return places


def install(sites, unavailable):
    """Wrap every ``keras.applications`` network wherever Keras (and tf.keras) exports it, and
    ``ImageDataGenerator.__init__``. ``unavailable`` is the exception a refused download raises."""
    for network, places in application_homes().items():
        wrapped = wrap_application(network, sites, unavailable)
        for module, name in places:
            setattr(module, name, wrapped)
    try:
        from keras.src.legacy.preprocessing.image import ImageDataGenerator
    except ImportError:
        return
    original_init = ImageDataGenerator.__init__

    def __init__(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        try:
            generator_record(self, sites.site(sys._getframe(1)) if sites is not None else None)
        except Exception:
            pass

    ImageDataGenerator.__init__ = __init__
