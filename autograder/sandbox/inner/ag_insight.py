"""The regularization insight's training, in the trainer's sandboxed child: the graded model and its
unregularized twin, rebuilt from JSON, same initial weights, same seed, same data, batches and budget,
trained side by side by one traced function (the brief training's ``ag_graphfit.Trainer``, reset, when it
has them). Losses reported are the data loss alone (no L2 penalty), so the two gaps compare.

With ``augment`` (an ImageDataGenerator's settings, ``ag_augment``) the twin is the very same model: the
model trains on the generator's flow of the training rows, the twin on the rows themselves."""
from __future__ import annotations

import copy
import math
import time

import numpy as np

import ag_augment
import ag_budget
import ag_graphfit
import ag_sample

CHUNK_EPOCHS = 100
"""Epochs run by one graph call; the insight's soft time limit is checked between calls."""
AUGMENTED_CHUNK_EPOCHS = 10
"""The same when a generator's flow feeds the model: each call holds that many epochs of transformed rows."""


class NoData(LookupError):
    """The data does not fit the model: ``facts`` says how, as data (``{"why": "rows", "rows": [30],
    "input": [784]}``); the grader words it in the report's language."""

    def __init__(self, why, **facts):
        super().__init__(why)
        self.facts = dict(facts, why=why)


def adapt_inputs(x, model):
    """The sample as float32 shaped to the model's input (a flat row is reshaped when sizes agree)."""
    want = tuple(model.input_shape[1:])
    x = np.asarray(x, dtype="float32")
    if len(want) == x.ndim - 1 and all(w is None or w == d for w, d in zip(want, x.shape[1:])):
        return x
    if all(w is not None for w in want) and int(np.prod(want)) == int(np.prod(x.shape[1:])):
        return x.reshape((x.shape[0],) + want)
    raise NoData("rows", rows=[int(d) for d in x.shape[1:]], input=[None if w is None else int(w) for w in want])


def adapt_targets(y, task, units):
    """The targets in the form the model's loss takes (one-hot, class indices, a column)."""
    y = np.asarray(y)
    if task == "categorical":
        if (y.ndim == 1 or y.shape[-1] == 1) and units and units > 1:
            labels = y.reshape(-1).astype("int64")
            if labels.min() < 0 or labels.max() >= units:
                raise NoData("labels", units=int(units))
            return np.eye(units, dtype="float32")[labels]
        return y.astype("float32")
    if task == "sparse":
        if y.ndim == 2 and units and y.shape[-1] == units and units > 1:
            return np.argmax(y, axis=1).astype("int32")
        return y.reshape(-1).astype("int32")
    y = y.astype("float32")
    if y.ndim == 1 and units == 1:
        y = y.reshape(-1, 1)
    return y


def split(x, y, share, seed):
    """A seeded shuffle, then the last ``share`` of the rows held out for validation."""
    n = x.shape[0]
    order = np.random.default_rng(seed).permutation(n)
    n_val = min(n - 1, max(1, int(round(n * share))))
    val, train = order[:n_val], order[n_val:]
    return x[train], y[train], x[val], y[val]


def loss_function(keras, raw):
    if isinstance(raw, dict):  # deserialization consumes its config: give it a copy
        return keras.losses.deserialize(copy.deepcopy(raw))
    return keras.losses.get(raw)


def optimizer(keras, raw):
    if isinstance(raw, dict):
        return keras.optimizers.deserialize(copy.deepcopy(raw))
    return keras.optimizers.get(raw or "adam")


def leaf_layers(layer):
    """Every layer inside a model (nested models opened), in order."""
    for inner in getattr(layer, "layers", None) or ():
        yield inner
        yield from leaf_layers(inner)


def twin_of(keras, twin_config, model, seed, rebuild_model):
    """The twin, rebuilt with the model's seed, starting from the model's weights as built. A twin with
    fewer layers (no BatchNormalization, no Random* layers) takes each remaining layer's weights from the
    model's layer of the same name."""
    keras.utils.set_random_seed(seed)
    twin = rebuild_model(keras, twin_config)
    try:
        twin.set_weights(model.get_weights())
    except ValueError:
        by_name = {layer.name: layer for layer in leaf_layers(model)}
        for layer in leaf_layers(twin):
            source = by_name.get(layer.name)
            if source is None or not layer.weights or getattr(layer, "layers", None):
                continue
            if [tuple(w.shape) for w in source.weights] == [tuple(w.shape) for w in layer.weights]:
                layer.set_weights(source.get_weights())
    return twin


def run(keras, request, rebuild, task, loss_raw, rebuild_model, trainer=None, uses=None):
    """Train model and twin; return both curves (train and validation loss per epoch).

    ``trainer`` is the brief training's (``ag_graphfit.Trainer`` of the model and, when asked, its twin,
    built with the seed): put back as built, it trains again through the trace it already has.
    ``uses``: the model's weight uses per sample (``ag_budget``); the rows and epochs fit the budget."""
    import tensorflow as tf

    started = time.monotonic()
    settings = request.get("settings") or {}
    seed = int(settings.get("seed", 0))
    epochs = int(settings.get("epochs", 300))
    batch_size = int(settings.get("batch_size", 0))
    deadline = started + float(settings.get("timeout_s", 60))
    max_bytes = int(settings.get("max_sample_kb", 4096)) * 1024 * 2
    x = ag_sample.load(request["x"], max_bytes)
    y = ag_sample.load(request["y"], max_bytes)
    if x.shape[0] != y.shape[0] or x.shape[0] < 4:
        return {"error": "mismatch", "no_data": True,
                "facts": {"why": "mismatch", "x_rows": int(x.shape[0]), "y_rows": int(y.shape[0])}}

    wanted = 2 if request.get("twin") else 1
    augment = ag_augment.replay_settings(request.get("augment")) if wanted == 2 else {}
    accuracy = request.get("accuracy") if request.get("accuracy") in ag_graphfit.ACCURACIES else None
    if trainer is not None and trainer.seed == seed and len(trainer.models) == wanted \
            and trainer.augmented == bool(augment) and trainer.accuracy == accuracy:
        trainer.reset()
    else:
        keras.utils.set_random_seed(seed)
        model = rebuild_model(keras, rebuild)
        models = [model] + ([twin_of(keras, request["twin"], model, seed, rebuild_model)] if wanted == 2 else [])
        trainer = ag_graphfit.Trainer(tf, models, [optimizer(keras, rebuild.get("optimizer")) for _ in models],
                                      loss_function(keras, loss_raw), seed, augmented=bool(augment), accuracy=accuracy)
    image_shape = x.shape[1:]  # a generator transforms images, whatever shape the model takes them in
    try:
        x = adapt_inputs(x, trainer.model)
        y = adapt_targets(y, task, trainer.model.output_shape[-1])
    except NoData as exc:
        return {"error": exc.facts["why"], "no_data": True, "facts": exc.facts}
    xt, yt, xv, yv = split(x, y, float(settings.get("validation_share", 0.25)), seed)
    uses = uses or ag_budget.weight_uses(trainer.model)
    asked = epochs
    rows, epochs, sized = ag_budget.plan(uses, xt.shape[0], epochs, float(settings.get("budget", 5e10)),
                                         settings.get("min_samples", 64), 1, models=wanted)
    if sized and epochs < min(asked, int(settings.get("min_epochs", 50))):  # too few to overfit: not compared
        return {"error": f"{int(trainer.model.count_params()):,} weights", "too_large": True}
    xt, yt = xt[:rows], yt[:rows]
    flow = ag_augment.Epochs(augment, xt, seed, image_shape) if augment else None
    if augment and "rescale" in augment:  # preprocessing, not augmentation: the twin's and validation rows too
        scale = np.float32(ag_augment.rescale_of(augment))
        xt, xv = xt * scale, xv * scale

    n = xt.shape[0]
    full_batch = batch_size <= 0 or batch_size >= n
    rng = np.random.default_rng(seed)
    tables = []
    cut = False
    epoch = 0
    while epoch < epochs:  # in chunks: one graph call each, the soft time limit checked between them
        if time.monotonic() > deadline:
            cut = True
            break
        chunk = min(AUGMENTED_CHUNK_EPOCHS if flow else CHUNK_EPOCHS, epochs - epoch)
        orders = None if full_batch else np.stack([rng.permutation(n) for _ in range(chunk)])
        tables.append(trainer.epochs(xt, yt, xv, yv, chunk, 0 if full_batch else batch_size, orders,
                                     flow.take(chunk) if flow else None))
        epoch += chunk
    table = np.concatenate(tables) if tables else np.zeros((0, wanted, 5))
    if table.shape[0] < 10:
        return {"error": "epochs", "timeout": True, "facts": {"why": "epochs", "epochs": int(table.shape[0])}}
    clean = lambda values: [float(v) if math.isfinite(float(v)) else None for v in values]
    curves = [{"loss": clean(table[:, i, ag_graphfit.TRAIN_DATA]), "val_loss": clean(table[:, i, ag_graphfit.VAL_DATA])}
              for i in range(table.shape[1])]
    if accuracy:
        curves[0]["val_accuracy"] = clean(table[:, 0, ag_graphfit.VAL_ACCURACY])
    reply = {"model": curves[0], "train_samples": int(xt.shape[0]), "val_samples": int(xv.shape[0]),
             "batch_size": 0 if full_batch else batch_size, "cut": cut, "elapsed_s": time.monotonic() - started,
             "sized": sized}
    if len(curves) == 2:
        reply["twin"] = curves[1]
    return reply
