"""The grader's brief training: rebuild the student's model from plain data and train it on
data of the grader's own, shaped to the model's input and output (runs in a sandboxed child)."""
from __future__ import annotations

import copy
import math
import time

import numpy as np

# Imported here, in the zygote, not in the forked child: there, Landlock may no longer let it read the
# runner's folder (the process isolation), and importing once serves every child.
import ag_augment
import ag_budget
import ag_graphfit
import ag_insight
import ag_runtime

SAFE_MODULE_PREFIXES = ("keras",)
BUDGET = 2e9
"""Weight uses (``ag_budget``) of the brief training when ``[training] budget`` is not set: an ordinary
Dense model (up to ~1 M weights) gets all its epochs and samples; a larger one fewer."""
INSIGHT_BUDGET = 5e10
"""The same for the insight (model and twin together) when ``[insight] budget`` is not set."""


def check_config_is_safe(value, path="config"):
    """Refuse configs that name code outside Keras or carry serialized functions."""
    if isinstance(value, dict):
        module = value.get("module")
        if isinstance(module, str) and not (module == "keras" or module.startswith("keras.")):
            raise ValueError(f"{path}: module {module!r} is not part of Keras")
        if value.get("class_name") in ("Lambda", "TFOpLambda", "__lambda__"):
            raise ValueError(f"{path}: Lambda layers cannot be rebuilt safely")
        for key, item in value.items():
            check_config_is_safe(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            check_config_is_safe(item, f"{path}[{i}]")


def rebuild_model(keras, rebuild):
    """A fresh model from the JSON config. Keras' deserialization consumes the config it is given
    (a Functional config loses keys), so each rebuild works on its own copy."""
    check_config_is_safe(rebuild)
    rebuild = copy.deepcopy(rebuild)
    if rebuild.get("model"):
        model = keras.saving.deserialize_keras_object(rebuild["model"], safe_mode=True)
        if not model.built and rebuild.get("input_shape"):
            model.build(tuple(rebuild["input_shape"]))
        return model
    layers = [keras.saving.deserialize_keras_object(cfg, safe_mode=True) for cfg in rebuild["layers"]]
    shape = tuple(rebuild["input_shape"][1:])
    return keras.Sequential([keras.Input(shape=shape)] + layers)


def make_data(input_shape, units, task, n, seed):
    """Random inputs and a learnable target: binary, k-class (one-hot or sparse) or regression."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n,) + tuple(input_shape)).astype("float32")
    flat = x.reshape(n, -1)
    if task == "binary":
        w = rng.normal(size=(flat.shape[1],))
        y = (flat @ w > 0).astype("float32").reshape(n, 1)
        if units and units > 1:
            y = np.repeat(y, units, axis=1)
    elif task in ("categorical", "sparse"):
        w = rng.normal(size=(flat.shape[1], units))
        labels = np.argmax(flat @ w, axis=1)
        y = labels.astype("int32") if task == "sparse" else np.eye(units, dtype="float32")[labels]
    else:
        w = rng.normal(size=(flat.shape[1], max(1, units or 1))) / math.sqrt(flat.shape[1])
        y = (flat @ w).astype("float32")
    return x, y


def insight_too_large(request, uses):
    """True when even the insight's smallest run (its minimum rows and epochs, model and twin) costs more
    than its budget: then no twin is built and the insight says the model is too large to compare."""
    insight = request.get("insight") or {}
    if not insight:
        return False
    settings = insight.get("settings") or {}
    budget = float(settings.get("budget", INSIGHT_BUDGET))
    models = 2 if insight.get("twin") else 1
    least = uses * models * int(settings.get("min_samples", 64)) * int(settings.get("min_epochs", 50))
    return budget > 0 and least > budget


def twin_for_insight(keras, request, model, seed):
    """The insight's twin, built now so that one trace trains both (None: no insight, no twin, or a
    twin that does not rebuild, which the insight then reports itself)."""
    insight = request.get("insight") or {}
    if not insight.get("twin") or int((insight.get("settings") or {}).get("seed", 0)) != seed:
        return None
    try:
        return ag_insight.twin_of(keras, insight["twin"], model, seed, rebuild_model)
    except Exception:
        return None


def train(request, send=None):
    """Rebuild, compile with the student's optimizer and loss, fit briefly (sized by ``ag_budget``);
    return the curves. ``send`` gets the brief training's reply before a long insight starts, so that an
    insight cut by the time limit never costs the grade its training result."""
    import keras

    started = time.monotonic()
    settings = request["settings"]
    rebuild = request["rebuild"]
    keras.utils.set_random_seed(settings.get("seed", 0))
    ag_runtime.skip_graph_rewrites()
    model = rebuild_model(keras, rebuild)
    optimizer = "adam"
    if rebuild.get("optimizer"):
        optimizer = keras.optimizers.deserialize(copy.deepcopy(rebuild["optimizer"]))
    loss = rebuild["loss"]
    if isinstance(loss, dict):
        loss = keras.losses.deserialize(copy.deepcopy(loss))
    model.compile(optimizer=optimizer, loss=loss)
    shape = [d for d in model.input_shape[1:]]
    if any(d is None for d in shape):
        raise ValueError(f"the model's input shape {model.input_shape} has unknown dimensions")
    units = model.output_shape[-1]
    uses = ag_budget.weight_uses(model)
    planned = (int(settings.get("samples", 512)), int(settings.get("epochs", 5)))
    budget = float(settings.get("budget", BUDGET))
    samples, epochs, sized = ag_budget.plan(uses, planned[0], planned[1], budget, settings.get("min_samples", 64),
                                            settings.get("min_epochs", 2))
    x, y = make_data(shape, units, request["task"], samples, settings.get("seed", 0))
    batch_size = int(settings.get("batch_size", 32))
    if sized:  # a brief training still takes enough optimizer steps to get past Adam's first overshoot
        rows = ag_graphfit.validation_split_at(samples, 0.2)
        batch_size = min(batch_size, max(1, rows // int(settings.get("min_steps", 6))))
    too_large = insight_too_large(request, uses)
    try:  # the whole brief training as one traced graph: one trace instead of fit's two, no data pipeline
        import tensorflow as tf

        loss_fn = keras.losses.get(loss) if isinstance(loss, str) else loss
        models, optimizers = [model], [model.optimizer]
        twin = None if too_large else twin_for_insight(keras, request, model, settings.get("seed", 0))
        if twin is not None:  # trained beside the model from now on: the insight reuses this one trace
            models.append(twin)
            optimizers.append(ag_insight.optimizer(keras, rebuild.get("optimizer")))
        # an ImageDataGenerator's replay feeds the model rows of its own: the brief training takes that form too
        augmented = twin is not None and bool(ag_augment.replay_settings((request.get("insight") or {}).get("augment")))
        accuracy = (request.get("insight") or {}).get("accuracy")  # an EarlyStopping that watches val_accuracy
        trainer = ag_graphfit.Trainer(tf, models, optimizers, loss_fn, settings.get("seed", 0), augmented, accuracy)
        losses, val_losses = trainer.fit(x, y, epochs, batch_size, 0.2)
        how = "graph"
    except Exception as exc:  # a model or loss the graph path does not cover: Keras' own fit, on a fresh rebuild
        trainer = None
        graph_error = f"{type(exc).__name__}: {str(exc)[:300]}"
        keras.utils.set_random_seed(settings.get("seed", 0))
        model = rebuild_model(keras, rebuild)
        model.compile(optimizer=keras.optimizers.deserialize(copy.deepcopy(rebuild["optimizer"]))
                      if rebuild.get("optimizer")
                      else "adam", loss=loss)
        history = model.fit(x, y, epochs=epochs, batch_size=batch_size, validation_split=0.2, verbose=0,
                            shuffle=False)
        losses, val_losses = history.history.get("loss", []), history.history.get("val_loss", [])
        how = "fit"
    clean = lambda values: [float(v) if math.isfinite(float(v)) else str(float(v)) for v in values]
    reply = {
        "type": "train_result",
        "loss": clean(losses),
        "val_loss": clean(val_losses),
        "how": how,
        "graph_error": graph_error if how == "fit" else None,
        "elapsed_s": time.monotonic() - started,
        # How much was trained, for the report: what ran, what a small model gets, and why it differs.
        "epochs": epochs, "samples": samples, "weights": int(model.count_params()), "weight_uses": uses,
        "sized": sized, "budget": budget, "planned_samples": planned[0], "planned_epochs": planned[1],
        "batch_size": batch_size,
    }
    if request.get("insight") and too_large:
        reply["insight"] = {"error": f"{int(model.count_params()):,} weights", "too_large": True}
    elif request.get("insight"):  # the same child, and the same model and trace when the graph path ran
        if send is not None:  # kept by the grader if the insight does not finish in time
            send(dict(reply, final="trained", partial=True,
                      insight={"error": "the comparison did not finish in time", "timeout": True}))
        try:
            reply["insight"] = ag_insight.run(keras, request["insight"], rebuild, request["task"], rebuild.get("loss"),
                                              rebuild_model, trainer, uses)
        except Exception as exc:  # the insight never costs the grade its training result
            reply["insight"] = {"error": f"{type(exc).__name__}: {str(exc)[:600]}"}
    return reply
