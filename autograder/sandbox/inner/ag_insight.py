"""The regularization insight's training, in the trainer's sandboxed child: the graded model and its
unregularized twin, rebuilt from JSON, same initial weights, same seed, same data and budget, stepped
together by one traced function (one forward/backward per model per step, both validation losses in
the same graph). Losses reported are the data loss alone (no L2 penalty), so the two gaps compare."""
from __future__ import annotations

import copy
import math
import time

import numpy as np

import ag_sample

CHUNK_EPOCHS = 100
"""Full-batch epochs run by one graph call; the insight's soft time limit is checked between calls."""


def adapt_inputs(x, model):
    """The sample as float32 shaped to the model's input (a flat row is reshaped when sizes agree)."""
    want = tuple(model.input_shape[1:])
    x = np.asarray(x, dtype="float32")
    if len(want) == x.ndim - 1 and all(w is None or w == d for w, d in zip(want, x.shape[1:])):
        return x
    if all(w is not None for w in want) and int(np.prod(want)) == int(np.prod(x.shape[1:])):
        return x.reshape((x.shape[0],) + want)
    raise LookupError(f"the data's rows {tuple(x.shape[1:])} do not fit the model's input {want}")


def adapt_targets(y, task, units):
    """The targets in the form the model's loss takes (one-hot, class indices, a column)."""
    y = np.asarray(y)
    if task == "categorical":
        if (y.ndim == 1 or y.shape[-1] == 1) and units and units > 1:
            labels = y.reshape(-1).astype("int64")
            if labels.min() < 0 or labels.max() >= units:
                raise LookupError(f"labels outside 0..{units - 1}")
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


def run(keras, request, rebuild, task, loss_raw, rebuild_model):
    """Train model and twin; return both curves (train and validation loss per epoch)."""
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
        raise LookupError("the sample's inputs and targets do not match")

    keras.utils.set_random_seed(seed)
    model = rebuild_model(keras, rebuild)
    models = [model]
    if request.get("twin"):
        keras.utils.set_random_seed(seed)
        twin = rebuild_model(keras, request["twin"])
        twin.set_weights(model.get_weights())
        models.append(twin)
    try:
        x = adapt_inputs(x, model)
        y = adapt_targets(y, task, model.output_shape[-1])
    except LookupError as exc:
        return {"error": str(exc), "no_data": True}
    xt, yt, xv, yv = split(x, y, float(settings.get("validation_share", 0.25)), seed)
    loss_fn = loss_function(keras, loss_raw)
    optimizers = [optimizer(keras, rebuild.get("optimizer")) for _ in models]
    for m, opt in zip(models, optimizers):
        opt.build(m.trainable_variables)
    mean = keras.ops.mean
    xt_t, yt_t, xv_t, yv_t = (tf.constant(a) for a in (xt, yt, xv, yv))

    @tf.function(reduce_retracing=True, autograph=False)
    def train_step(xb, yb):
        for m, opt in zip(models, optimizers):
            with tf.GradientTape() as tape:
                data_loss = mean(loss_fn(yb, m(xb, training=True)))
                penalties = m.losses
                total = data_loss + tf.add_n(penalties) if penalties else data_loss
            grads = tape.gradient(total, m.trainable_variables)
            opt.apply_gradients(zip(grads, m.trainable_variables))

    @tf.function(autograph=False)
    def evaluate():
        out = []
        for m in models:
            out.append(mean(loss_fn(yt_t, m(xt_t, training=False))))
            out.append(mean(loss_fn(yv_t, m(xv_t, training=False))))
        return tf.stack(out)

    @tf.function(autograph=False)
    def full_batch_epochs(count):
        """``count`` epochs of one step on all the training rows, each followed by both models' losses:
        one graph call for a whole chunk of epochs (the deadline is checked between chunks)."""
        def body(i, table):
            train_step(xt_t, yt_t)
            return i + 1, table.write(i, evaluate())

        _, table = tf.while_loop(lambda i, _: i < count, body,
                                 (tf.constant(0), tf.TensorArray(tf.float32, size=count)))
        return table.stack()

    rows = []
    cut = False
    n = xt.shape[0]
    rng = np.random.default_rng(seed)
    full_batch = batch_size <= 0 or batch_size >= n
    epoch = 0
    while full_batch and epoch < epochs:
        if time.monotonic() > deadline:
            cut = True
            break
        chunk = min(CHUNK_EPOCHS, epochs - epoch)
        rows.extend(full_batch_epochs(tf.constant(chunk)).numpy())
        epoch += chunk
    for epoch in range(0 if full_batch else epochs):
        if time.monotonic() > deadline:
            cut = True
            break
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            index = order[start:start + batch_size]
            train_step(tf.constant(xt[index]), tf.constant(yt[index]))
        rows.append(evaluate().numpy())
    if len(rows) < 10:
        return {"error": f"only {len(rows)} epochs ran before the insight's time limit", "timeout": True}
    table = np.stack([np.asarray(r) for r in rows]).astype("float64")
    clean = lambda values: [float(v) if math.isfinite(float(v)) else None for v in values]
    reply = {"model": {"loss": clean(table[:, 0]), "val_loss": clean(table[:, 1])},
             "train_samples": int(xt.shape[0]), "val_samples": int(xv.shape[0]),
             "batch_size": 0 if batch_size <= 0 or batch_size >= n else batch_size,
             "cut": cut, "elapsed_s": time.monotonic() - started}
    if len(models) == 2:
        reply["twin"] = {"loss": clean(table[:, 2]), "val_loss": clean(table[:, 3])}
    return reply
