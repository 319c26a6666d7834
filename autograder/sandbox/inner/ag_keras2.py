"""Keras 2 idioms that Keras 3 removed, mapped to their Keras 3 spelling while the student's code runs.

Each use is recorded as {"idiom", "modern", "location"}: code spellings, language-neutral.
Covered: removed import paths (``keras.layers.core``, ``keras.utils.np_utils``,
``keras.layers.experimental.preprocessing`` ... also under ``tensorflow.keras`` and the old
``tensorflow.python.keras``, and ``layers.experimental`` reached by attributes), ``keras.optimizers.legacy``, optimizer
``lr=`` and ``decay=``, ``l2(l=...)``, Keras 1 layer arguments (``Dense(output_dim=, init=, W_regularizer=)``,
``Dropout(p=)``), ``fit(nb_epoch=)``, ``fit_generator``/``evaluate_generator``/``predict_generator``,
``predict_classes``/``predict_proba``, stand-ins passed to ``fit(callbacks=...)`` (dropped),
``keras.preprocessing.text`` (Keras 3 keeps its ``Tokenizer`` under ``keras.src.legacy``), ``optimizer.lr``,
``keras.backend.get_value``/``set_value``, standalone Keras' lowercase optimizers (``keras.optimizers.adam``),
in ``ag_keras2_saving``, ``save_weights('w.h5')`` and ``model.save('folder')``; in ``ag_keras2_tf``,
``compile(metrics='accuracy')``, ``activation=tf.nn.softmax`` and ``tf.compat.v1.train`` optimizers; in
``ag_keras2_sklearn``, ``keras.wrappers.scikit_learn``'s ``KerasClassifier``/``KerasRegressor``.
"""
from __future__ import annotations

import builtins
import sys
import types

import keras

import ag_keras2_saving
import ag_keras2_sklearn
import ag_keras2_tf
import ag_state

MAX_NOTES = 100
LAYER_MODULES = ("core", "recurrent", "normalization", "convolutional", "embeddings", "merge", "pooling",
                 "advanced_activations", "noise", "wrappers", "local", "convolutional_recurrent",
                 "cudnn_recurrent", "dense_attention", "experimental", "experimental.preprocessing")
UTILS_MODULES = ("np_utils", "vis_utils", "data_utils", "generic_utils", "layer_utils", "io_utils", "conv_utils")
ENGINE_MODULES = ("engine", "engine.topology", "engine.training", "engine.sequential", "engine.functional",
                  "engine.input_layer", "engine.base_layer")
MOVED = {**{f"layers.{m}": ("layers",) for m in LAYER_MODULES},
         **{f"utils.{m}": ("utils",) for m in UTILS_MODULES},
         **{m: ("layers", "models", "") for m in ENGINE_MODULES},
         "preprocessing.text": ("src.legacy.preprocessing.text",),
         # ImageDataGenerator & co. left keras.preprocessing.image in Keras 3 (load_img stayed there)
         "preprocessing.image": ("preprocessing.image", "src.legacy.preprocessing.image"),
         "wrappers.scikit_learn": ("wrappers.scikit_learn",)}
"""Removed module (after ``keras.``) -> the Keras 3 modules (after ``keras.``) that hold its names."""
MODERN = {"preprocessing.text": "layers.TextVectorization",
          "preprocessing.image": "layers (RandomRotation, RandomFlip, RandomZoom ...)",
          "wrappers.scikit_learn": "wrappers.SKLearnClassifier"}
"""Removed modules whose names Keras 3 keeps only in a private module: the public spelling the note shows."""
LOWERCASE_OPTIMIZERS = {"sgd": "SGD", "rmsprop": "RMSprop", "adagrad": "Adagrad", "adadelta": "Adadelta",
                        "adam": "Adam", "adamax": "Adamax", "nadam": "Nadam"}
"""Standalone Keras 2.0-2.3 aliases in ``keras.optimizers`` (``adam = Adam``)."""
PREFIXES = ("keras.", "tensorflow.keras.", "tensorflow.python.keras.")
LEGACY_OPTIMIZERS = ("Adagrad", "Adam", "Ftrl", "RMSprop", "SGD")
DENSE_KERAS1 = {"output_dim": "units", "init": "kernel_initializer", "W_regularizer": "kernel_regularizer",
                "b_regularizer": "bias_regularizer", "W_constraint": "kernel_constraint",
                "b_constraint": "bias_constraint", "bias": "use_bias"}
FIT_GENERATOR_ARGS = ("steps_per_epoch", "epochs", "verbose", "callbacks", "validation_data", "validation_steps",
                      "validation_freq", "class_weight", "max_queue_size", "workers", "use_multiprocessing",
                      "shuffle", "initial_epoch")
EVALUATE_GENERATOR_ARGS = ("steps", "callbacks", "max_queue_size", "workers", "use_multiprocessing", "verbose")
PREDICT_GENERATOR_ARGS = EVALUATE_GENERATOR_ARGS
DATA_LOADER_ARGS = ("max_queue_size", "workers", "use_multiprocessing")
"""Keras 2 ``fit`` arguments that moved to ``keras.utils.PyDataset`` in Keras 3."""
FIT_POSITIONAL = ("x", "y", "batch_size", "epochs", "verbose", "callbacks")


class Notes:
    """The Keras 2 idioms met, each with its Keras 3 spelling and the student's site."""

    def __init__(self, sites, records):
        self.sites = sites
        self.records = records
        self.seen = set()

    def add(self, idiom, modern, site=None):
        site = site if site is not None else self.sites.site(sys._getframe(1))
        key = (idiom, repr(sorted(site.items())) if site else None)
        if key in self.seen or len(self.records) >= MAX_NOTES:
            return
        self.seen.add(key)
        self.records.append(ag_state.new(ag_state.Keras2Use, idiom=idiom, modern=modern, location=site))


class AliasModule(types.ModuleType):
    """A removed Keras 2 module: its names are looked up in the Keras 3 modules that hold them now."""

    def __init__(self, name, targets, suffix):
        super().__init__(name)
        self.__path__ = []
        self._ag_targets = targets
        self._ag_suffix = suffix

    def __getattr__(self, attr):
        if attr.startswith("__") and attr.endswith("__") or attr.startswith("_ag_"):
            raise AttributeError(attr)
        noted = self.__dict__.get("_ag_noted")
        if noted is not None:  # reached by attribute from a real Keras module: noted where the code first uses it
            try:
                noted()  # Notes.add finds the student's site above this frame
            except Exception:
                pass
        child = f"{self._ag_suffix}.{attr}"
        if child in MOVED:
            return AliasModule(f"{self.__name__}.{attr}", MOVED[child], child)
        for target in self._ag_targets:
            module = sys.modules.get(f"keras.{target}" if target else "keras") or keras
            if hasattr(module, attr):
                return getattr(module, attr)
        raise AttributeError(f"module {self.__name__!r} has no attribute {attr!r} (and Keras 3 has no such name)")


def split_keras_name(name):
    """('keras.' | 'tensorflow.keras.' | 'tensorflow.python.keras.', rest) for a Keras module name, else None."""
    if name == "tensorflow.python.keras":
        return "tensorflow.python.keras.", ""
    for prefix in PREFIXES:
        if name.startswith(prefix):
            return prefix, name[len(prefix):]
    return None


def modern_prefix(prefix):
    return "keras." if prefix == "keras." else "tensorflow.keras."


def modern_module(prefix, removed, targets):
    """The note's modern spelling of a removed module."""
    if removed in MODERN:
        return modern_prefix(prefix) + MODERN[removed]
    return modern_prefix(prefix) + targets[0] if targets[0] else modern_prefix(prefix).rstrip(".")


def install_imports(sites, notes):
    """Wrap ``builtins.__import__``: a removed Keras 2 path imported by the student's own code is mapped."""
    real_import = builtins.__import__
    for target in {t for targets in MOVED.values() for t in targets if t.startswith("src.")}:
        try:  # an AliasModule finds its names in sys.modules: import the private targets now
            __import__(f"keras.{target}")
        except Exception:
            pass

    def moved_module(rest):
        for removed in sorted(MOVED, key=len, reverse=True):
            if rest == removed or rest.startswith(removed + "."):
                return removed
        return None

    def __import__(name, globals=None, locals=None, fromlist=(), level=0):
        if level == 0 and isinstance(name, str) and name.startswith(("keras.", "tensorflow.")):
            split = split_keras_name(name)
            if split is not None:
                frame = sys._getframe(1)
                site = sites.location(frame.f_code.co_filename, frame.f_lineno)
                if site is not None:
                    mapped = map_import(split, fromlist, site)
                    if mapped is not None:
                        return mapped
                    if fromlist:
                        add_removed_children(name, split, fromlist, site)
        return real_import(name, globals, locals, fromlist, level)

    def add_removed_children(name, split, fromlist, site):
        """``from keras.utils import np_utils``: the removed module as an attribute of the real package."""
        prefix, rest = split
        wanted = [item for item in fromlist if isinstance(item, str)
                  and (f"{rest}.{item}" if rest else item) in MOVED]
        if not wanted:
            return
        try:
            package = real_import(name, None, None, ("__name__",), 0)
        except Exception:
            return
        for item in wanted:
            key = f"{rest}.{item}" if rest else item
            targets = MOVED[key]
            notes.add(f"{prefix}{key}", modern_module(prefix, key, targets), site)
            if not hasattr(package, item):
                try:
                    setattr(package, item, AliasModule(f"keras.{key}", targets, key))
                except Exception:
                    pass

    def map_import(split, fromlist, site):
        prefix, rest = split
        removed = moved_module(rest)
        old_internal = prefix == "tensorflow.python.keras."
        if removed is None and not old_internal:
            return None  # a path Keras 3 still has (or a typo): the real import decides
        if old_internal and not fromlist:
            return None  # ``import tensorflow.python.keras...`` binds ``tensorflow``: nothing to map
        if removed is None:  # tensorflow.python.keras.X -> keras.X
            target = "keras" + (f".{rest}" if rest else "")
            notes.add(f"tensorflow.python.keras{'.' + rest if rest else ''}",
                      f"tensorflow.keras{'.' + rest if rest else ''}", site)
            add_removed_children(target, ("keras.", rest), fromlist, site)
            return real_import(target, None, None, fromlist, 0)
        targets = MOVED[removed]
        notes.add(f"{prefix}{rest}", modern_module(prefix, removed, targets), site)
        # ``from keras.layers.experimental import preprocessing``: a removed module imported from a removed one
        child_imported = any(isinstance(item, str) and f"{rest}.{item}" in MOVED for item in fromlist or ())
        if fromlist:
            if len(targets) == 1 and not child_imported:
                return real_import(f"keras.{targets[0]}", None, None, fromlist, 0)
            alias = AliasModule(f"keras.{removed}", targets, removed)
            for part in rest[len(removed) + 1:].split(".") if rest != removed else ():
                alias = getattr(alias, part)
            return alias
        # ``import keras.utils.np_utils as np_utils`` walks attributes from the top package: give the
        # deepest real package an attribute for the removed module.
        base = prefix.rstrip(".")
        holder = real_import(base, None, None, ("__name__",), 0)
        parts = removed.split(".")
        for n, part in enumerate(parts):
            if hasattr(holder, part):
                holder = getattr(holder, part)
                continue
            key = ".".join(parts[: n + 1])
            if key in MOVED:
                try:
                    setattr(holder, part, AliasModule(f"keras.{key}", MOVED[key], key))
                except Exception:
                    pass
            break
        return real_import(base.partition(".")[0], None, None, (), 0)

    builtins.__import__ = __import__


def install_layer_attributes(notes):
    """``layers.experimental.preprocessing.RandomFlip`` reached by attributes (``from tensorflow.keras import
    layers``, then the TF 2.3-2.5 tutorials' spelling): Keras 3's ``keras.layers`` and ``tf.keras``'s copy of it
    get the removed ``experimental`` module, whose names are Keras 3's layers. The first use is noted at its site."""
    key = "layers.experimental"
    for name, prefix in (("keras.layers", "keras."), ("keras._tf_keras.keras.layers", "tensorflow.keras.")):
        module = sys.modules.get(name)
        if module is None or hasattr(module, "experimental"):
            continue
        alias = AliasModule(f"keras.{key}", MOVED[key], key)
        alias._ag_noted = lambda prefix=prefix: notes.add(f"{prefix}{key}", modern_module(prefix, key, MOVED[key]))
        try:
            setattr(module, "experimental", alias)
        except Exception:
            pass


def install_optimizers(notes):
    """``Adam(lr=...)``, ``decay=``, and ``keras.optimizers.legacy.*`` construct Keras 3 optimizers."""
    from keras.src.optimizers import base_optimizer

    base = base_optimizer.BaseOptimizer
    orig_init = base.__init__

    def __init__(self, *args, **kwargs):
        name = type(self).__name__
        if "lr" in kwargs:
            lr = kwargs.pop("lr")
            if args:
                args = (lr,) + tuple(args[1:])
            else:
                kwargs["learning_rate"] = lr
            notes.add(f"{name}(lr=...)", f"{name}(learning_rate=...)")
        if "decay" in kwargs:
            decay = kwargs.pop("decay")
            if decay:
                notes.add(f"{name}(decay=...)",
                          f"{name}(learning_rate=keras.optimizers.schedules.InverseTimeDecay(...))")
        return orig_init(self, *args, **kwargs)

    base.__init__ = __init__

    if not hasattr(base, "lr"):
        def get_lr(self):
            notes.add("optimizer.lr", "optimizer.learning_rate")
            return self.learning_rate

        def set_lr(self, value):
            notes.add("optimizer.lr = ...", "optimizer.learning_rate = ...")
            self.learning_rate = value

        base.lr = property(get_lr, set_lr)

    def lowercase(name, modern):
        def make(*args, **kwargs):
            notes.add(f"keras.optimizers.{name}", f"keras.optimizers.{modern}")
            return getattr(keras.optimizers, modern)(*args, **kwargs)

        make.__name__ = make.__qualname__ = name
        return make

    for name, modern in LOWERCASE_OPTIMIZERS.items():
        if not hasattr(keras.optimizers, name) and hasattr(keras.optimizers, modern):
            setattr(keras.optimizers, name, lowercase(name, modern))

    def legacy(name, module_label):
        modern = getattr(keras.optimizers, name)

        def make(*args, **kwargs):
            notes.add(f"{module_label}.{name}", f"{module_label.replace('.legacy', '')}.{name}")
            return modern(*args, **kwargs)

        make.__name__ = make.__qualname__ = name
        return make

    for name in ("keras.optimizers.legacy", "keras._tf_keras.keras.optimizers.legacy",
                 "tensorflow.keras.optimizers.legacy"):
        try:  # tf.keras's copy is imported lazily; import both now so both are patched
            __import__(name)
        except Exception:
            pass
    for module_name, module in list(sys.modules.items()):
        if module_name.endswith("optimizers.legacy") and module_name.startswith(("keras", "tensorflow.keras")):
            tf_keras = "_tf_keras" in module_name or module_name.startswith("tensorflow")
            label = "tensorflow.keras.optimizers.legacy" if tf_keras else "keras.optimizers.legacy"
            for name in LEGACY_OPTIMIZERS:
                if hasattr(module, name):
                    setattr(module, name, legacy(name, label))
            if hasattr(module, "Optimizer"):
                module.Optimizer = keras.optimizers.Optimizer


def install_layers(notes):
    """``l2(l=...)``, ``Dense(output_dim=..., init=...)`` and ``Dropout(p=...)`` still build."""
    regs = keras.regularizers
    for cls, keyword in ((regs.L2, "l2"), (regs.L1, "l1")):
        orig = cls.__init__

        def __init__(self, *args, _orig=orig, _keyword=keyword, **kwargs):
            if "l" in kwargs:
                kwargs[_keyword] = kwargs.pop("l")
                notes.add(f"{_keyword}(l=...)", f"{_keyword}(...)")
            return _orig(self, *args, **kwargs)

        cls.__init__ = __init__

    dense_init = keras.layers.Dense.__init__

    def dense(self, *args, **kwargs):
        for old, new in DENSE_KERAS1.items():
            if old in kwargs and new not in kwargs:
                kwargs[new] = kwargs.pop(old)
                notes.add(f"Dense({old}=...)", f"Dense({new}=...)")
        return dense_init(self, *args, **kwargs)

    keras.layers.Dense.__init__ = dense

    dropout_init = keras.layers.Dropout.__init__

    def dropout(self, *args, **kwargs):
        if "p" in kwargs and "rate" not in kwargs and not args:
            kwargs["rate"] = kwargs.pop("p")
            notes.add("Dropout(p=...)", "Dropout(rate=...)")
        return dropout_init(self, *args, **kwargs)

    keras.layers.Dropout.__init__ = dropout


def install_model(notes, is_standin):
    """Wrap ``Model.fit`` outside the grader's hooks (they see ``epochs=``), and add the removed methods."""
    Model = keras.Model
    inner_fit = Model.fit

    def fit(self, *args, **kwargs):
        if "nb_epoch" in kwargs:
            epochs = kwargs.pop("nb_epoch")
            if "epochs" not in kwargs and len(args) < 4:
                kwargs["epochs"] = epochs
            notes.add("fit(nb_epoch=...)", "fit(epochs=...)")
        for old in DATA_LOADER_ARGS:
            if old in kwargs:
                kwargs.pop(old)
                notes.add(f"fit({old}=...)", "fit(...)")
        if len(args) > 5:
            args = list(args)
            args[5] = without_standins(args[5], is_standin)
        elif "callbacks" in kwargs:
            kwargs["callbacks"] = without_standins(kwargs["callbacks"], is_standin)
        return inner_fit(self, *args, **kwargs)

    def named(args, names, kwargs):
        out = dict(zip(names, args))
        out.update(kwargs)
        for old in DATA_LOADER_ARGS:
            out.pop(old, None)
        return out

    def fit_generator(self, generator, *args, **kwargs):
        notes.add("fit_generator(...)", "fit(...)")
        options = named(args, FIT_GENERATOR_ARGS, kwargs)
        if "nb_epoch" in options:
            options.setdefault("epochs", options.pop("nb_epoch"))
            notes.add("fit_generator(nb_epoch=...)", "fit(epochs=...)")
        for keras1 in ("samples_per_epoch", "nb_val_samples", "nb_worker", "pickle_safe"):
            options.pop(keras1, None)
        return self.fit(generator, **options)

    def evaluate_generator(self, generator, *args, **kwargs):
        notes.add("evaluate_generator(...)", "evaluate(...)")
        return self.evaluate(generator, **named(args, EVALUATE_GENERATOR_ARGS, kwargs))

    def predict_generator(self, generator, *args, **kwargs):
        notes.add("predict_generator(...)", "predict(...)")
        return self.predict(generator, **named(args, PREDICT_GENERATOR_ARGS, kwargs))

    def predict_classes(self, x, batch_size=32, verbose=0):
        notes.add("predict_classes(x)", "np.argmax(model.predict(x), axis=-1)")
        probs = self.predict(x, batch_size=batch_size, verbose=verbose)
        if probs.shape[-1] > 1:
            return probs.argmax(axis=-1)
        return (probs > 0.5).astype("int32")

    def predict_proba(self, x, batch_size=32, verbose=0):
        notes.add("predict_proba(x)", "model.predict(x)")
        return self.predict(x, batch_size=batch_size, verbose=verbose)

    Model.fit = fit
    for method in (fit_generator, evaluate_generator, predict_generator, predict_classes, predict_proba):
        if not hasattr(Model, method.__name__):
            setattr(Model, method.__name__, method)


def without_standins(callbacks, is_standin):
    """A callbacks list with the stand-ins (e.g. ``WandbCallback()`` of a missing ``wandb``) left out."""
    if isinstance(callbacks, (list, tuple)):
        kept = [cb for cb in callbacks if not (is_standin(cb) and not isinstance(cb, keras.callbacks.Callback))]
        return type(callbacks)(kept) if isinstance(callbacks, tuple) else kept
    if callbacks is not None and is_standin(callbacks):
        return None
    return callbacks


def install_backend(notes):
    """``keras.backend.get_value(v)`` / ``set_value(v, x)``, which Keras 3's ``keras.backend`` dropped
    (``tf.keras.backend`` keeps them)."""
    backend = keras.backend

    def get_value(x):
        notes.add("keras.backend.get_value(x)", "keras.ops.convert_to_numpy(x)")
        return keras.ops.convert_to_numpy(x)

    def set_value(x, value):
        notes.add("keras.backend.set_value(x, value)", "x.assign(value)")
        x.assign(value)

    for name, function in (("get_value", get_value), ("set_value", set_value)):
        if not hasattr(backend, name):
            setattr(backend, name, function)


def install(sites, records, is_standin):
    """Install every mapping; notes are appended to ``records``. Call after the hooks are installed."""
    notes = Notes(sites, records)
    install_imports(sites, notes)
    install_layer_attributes(notes)
    install_optimizers(notes)
    install_layers(notes)
    install_model(notes, is_standin)
    install_backend(notes)
    ag_keras2_saving.install(notes)
    ag_keras2_tf.install(notes)
    ag_keras2_sklearn.install()
    return notes
