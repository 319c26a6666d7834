"""Whole trainings as one traced graph (runs in the trainer's sandboxed child).

``model.fit`` pays, for every freshly rebuilt model, a trace of its train and test functions plus a
tf.data pipeline per epoch: most of a brief training's time. Here every epoch of a training runs
inside one ``tf.function`` (a ``tf.while_loop`` over the steps), so a training costs one trace and
one call. Losses follow ``fit``'s definitions: per epoch the batch-size-weighted mean of the data loss
plus the layers' penalties, on the rows before ``validation_split``; validation loss likewise, with
``training=False``, on the rows after it, unshuffled, as ``fit(shuffle=False)`` does.
"""
from __future__ import annotations

import math


def validation_split_at(n, validation_split):
    """The first validation row, as Keras computes it for ``validation_split``."""
    return int(math.ceil(n * (1.0 - validation_split)))


def batches(n, batch_size):
    """(start, size) of each batch of ``n`` rows, the last one short, as Keras cuts them."""
    size = n if not batch_size or batch_size >= n else int(batch_size)
    return [(start, min(size, n - start)) for start in range(0, n, size)]


def fit_in_graph(tf, model, optimizer, loss_fn, x, y, epochs, batch_size, validation_split):
    """Train ``model`` like ``fit(x, y, epochs, batch_size, validation_split, shuffle=False)``.

    Returns (loss per epoch, val_loss per epoch) as Python floats (NaN and inf kept).
    """
    n = x.shape[0]
    split = validation_split_at(n, validation_split) if validation_split else n
    xt, yt = tf.constant(x[:split]), tf.constant(y[:split])
    xv, yv = tf.constant(x[split:]), tf.constant(y[split:])
    size = split if not batch_size or batch_size >= split else int(batch_size)
    steps = len(batches(split, size))
    has_validation = n > split
    optimizer.build(model.trainable_variables)
    variables = model.trainable_variables

    def penalties():
        losses = model.losses
        return tf.add_n([tf.cast(v, tf.float32) for v in losses]) if losses else tf.constant(0.0)

    def batch_loss(xb, yb, training):
        data = tf.reduce_mean(tf.cast(loss_fn(yb, model(xb, training=training)), tf.float32))
        return data + penalties()

    def train_epoch():
        def step(i, total):
            begin = i * size
            end = tf.minimum(begin + size, split)
            xb, yb = xt[begin:end], yt[begin:end]
            with tf.GradientTape() as tape:
                loss = batch_loss(xb, yb, True)
            grads = tape.gradient(loss, variables)
            optimizer.apply_gradients(zip(grads, variables))
            return i + 1, total + loss * tf.cast(end - begin, tf.float32)

        _, total = tf.while_loop(lambda i, _: i < steps, step, (tf.constant(0), tf.constant(0.0)))
        return total / float(split)

    def validation_loss():
        # Per-row losses averaged over all rows equal the batch-size-weighted mean over batches.
        return batch_loss(xv, yv, False)

    @tf.function(autograph=False)
    def run_all():
        def body(epoch, losses, val_losses):
            loss = train_epoch()
            val = validation_loss() if has_validation else tf.constant(float("nan"))
            return epoch + 1, losses.write(epoch, loss), val_losses.write(epoch, val)

        _, losses, val_losses = tf.while_loop(
            lambda epoch, *_: epoch < epochs, body,
            (tf.constant(0), tf.TensorArray(tf.float32, size=epochs), tf.TensorArray(tf.float32, size=epochs)))
        return losses.stack(), val_losses.stack()

    losses, val_losses = run_all()
    return [float(v) for v in losses.numpy()], ([float(v) for v in val_losses.numpy()] if has_validation else [])
