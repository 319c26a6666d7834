"""Whole trainings as one traced graph (runs in the trainer's sandboxed child).

``model.fit`` pays, for every freshly rebuilt model, a trace of its train and test functions plus a
tf.data pipeline per epoch: most of a brief training's time. Here a ``Trainer`` traces once one
``tf.function`` that trains its models (the graded one, and the insight's twin) side by side for any
number of epochs (a ``tf.while_loop`` over epochs and their steps) on any data of the models' input and
target shapes. The grader's brief training and the insight's long one both call that same trace: the
state (weights, dropout seeds, optimizer slots) is put back as it was built between them, so the
insight starts from the very models a fresh rebuild gives.

Losses follow ``fit``'s definitions: per epoch the batch-size-weighted mean of the data loss plus the
layers' penalties over the steps; validation loss likewise, with ``training=False``. Each epoch also
yields the data loss alone, after the epoch's steps, on the training and validation rows (what the
insight compares: the L2 penalty left out, so the model's and its twin's gaps compare).
"""
from __future__ import annotations

import math

import numpy as np

import ag_updates

FIT_LOSS, VAL_LOSS, TRAIN_DATA, VAL_DATA, VAL_ACCURACY = range(5)
"""Columns of a Trainer's table: one row per epoch. ``VAL_ACCURACY`` is NaN unless the Trainer was built with
an ``accuracy`` (what an ``EarlyStopping(monitor='val_accuracy')`` watches)."""
ACCURACIES = ("binary", "categorical", "sparse")
"""Keras' ``accuracy`` metric for each kind of target: a 0.5 threshold, or the arg-max against a one-hot row or
against the label."""


def validation_split_at(n, validation_split):
    """The first validation row, as Keras computes it for ``validation_split``."""
    return int(math.ceil(n * (1.0 - validation_split)))


def batches(n, batch_size):
    """(start, size) of each batch of ``n`` rows, the last one short, as Keras cuts them."""
    size = n if not batch_size or batch_size >= n else int(batch_size)
    return [(start, min(size, n - start)) for start in range(0, n, size)]


class Trainer:
    """Models (the graded one, and its twin when the insight wants one), each with its optimizer, one
    loss, and one traced function that trains them side by side, on the same batches, for whole epochs."""

    def __init__(self, tf, models, optimizers, loss_fn, seed=None, augmented=False, accuracy=None):
        self.tf, self.models, self.optimizers, self.loss_fn = tf, list(models), list(optimizers), loss_fn
        self.accuracy = accuracy if accuracy in ACCURACIES else None
        """Which accuracy each epoch measures on the validation rows (None: none, the column is NaN)."""
        self.seed = seed
        """The random seed the models were built with (a reset gives the models that seed builds)."""
        self.augmented = augmented
        """The first model may train on rows of its own (``epochs``' ``augmented``): then every call takes
        that form (its own rows being ``xt`` when none are given), so that all share one trace."""
        import keras

        for model, optimizer in zip(self.models, self.optimizers):
            optimizer.build(model.trainable_variables)
        self.light = [ag_updates.light_step(keras, tf, o, m.trainable_variables)
                      for m, o in zip(self.models, self.optimizers)]
        self.state = [v for m, o in zip(self.models, self.optimizers) for v in list(m.variables) + list(o.variables)]
        self.state += [v for light in self.light if light is not None for v in light.variables]
        self.initial = [v.numpy() for v in self.state]
        self.traces = {}

    @property
    def model(self):
        return self.models[0]

    def reset(self):
        """Back to the state the models and optimizers were built with (weights, seeds, slots, step)."""
        for variable, value in zip(self.state, self.initial):
            variable.assign(value)

    def epochs(self, xt, yt, xv, yv, count, batch_size=0, orders=None, augmented=None):
        """Train ``count`` epochs from the current state; return the table (``count`` x models x 4).

        ``batch_size`` 0 (or >= the rows) is one full-batch step per epoch. ``orders`` (epochs x rows of
        row indices) shuffles each epoch's rows; without it they are taken in order, as ``shuffle=False``.
        ``augmented`` (epochs x rows x input, a Trainer built ``augmented`` only): each epoch's training rows
        for the first model alone, row for row ``xt`` transformed (an ImageDataGenerator's flow; the last one
        serves the epochs beyond it); the others train on ``xt`` itself. The training loss measured after each
        epoch is on ``xt`` for every model.
        """
        tf = self.tf
        arrays = [np.asarray(a) for a in (xt, yt, xv, yv)]
        if self.augmented:
            arrays.append(np.asarray(arrays[0][None] if augmented is None else augmented, dtype=arrays[0].dtype))
        elif augmented is not None:
            raise ValueError("rows of the first model's own need a Trainer built augmented")
        if orders is None:
            orders = np.arange(arrays[0].shape[0], dtype="int32").reshape(1, -1)
        key = tuple((a.dtype.str, a.shape[1:]) for a in arrays[:4])
        if key not in self.traces:
            specs = [tf.TensorSpec((None,) + a.shape[1:], a.dtype) for a in arrays[:4]]
            scalar = tf.TensorSpec((), tf.int32)
            extra = [tf.TensorSpec((None, None) + arrays[0].shape[1:], arrays[0].dtype)] if self.augmented else []
            self.traces[key] = tf.function(self._epochs, autograph=False).get_concrete_function(
                *specs, scalar, scalar, tf.TensorSpec((None, None), tf.int32), *extra)
        table = self.traces[key](*(tf.constant(a) for a in arrays[:4]), tf.constant(int(count), tf.int32),
                                 tf.constant(int(batch_size or 0), tf.int32),
                                 tf.constant(np.asarray(orders, dtype="int32")),
                                 *(tf.constant(a) for a in arrays[4:]))
        return table.numpy().astype("float64")

    def fit(self, x, y, epochs, batch_size, validation_split):
        """The first model trained like ``fit(x, y, epochs, batch_size, validation_split, shuffle=False)``:
        (loss, val_loss) per epoch as Python floats (NaN and inf kept)."""
        n = x.shape[0]
        split = validation_split_at(n, validation_split) if validation_split else n
        table = self.epochs(x[:split], y[:split], x[split:], y[split:], epochs, batch_size)[:, 0]
        val = [float(v) for v in table[:, VAL_LOSS]] if n > split else []
        return [float(v) for v in table[:, FIT_LOSS]], val

    # -- the traced function ----------------------------------------------------------------------
    def _epochs(self, xt, yt, xv, yv, count, batch_size, orders, augmented=None):
        tf = self.tf
        n = tf.shape(xt)[0]
        size = tf.where(tf.logical_and(batch_size > 0, batch_size < n), batch_size, n)
        steps = (n + size - 1) // size
        last_order = tf.shape(orders)[0] - 1

        def penalty(model):
            losses = model.losses
            return tf.add_n([tf.cast(v, tf.float32) for v in losses]) if losses else tf.constant(0.0)

        def mean_loss(y, predicted):
            return tf.reduce_mean(tf.cast(self.loss_fn(y, predicted), tf.float32))

        def data_loss(model, xb, yb, training):
            return mean_loss(yb, model(xb, training=training))

        def epoch(e, table):
            order = orders[tf.minimum(e, last_order)]
            xe, ye = tf.gather(xt, order), tf.gather(yt, order)
            # the first model's rows this epoch: transformed by the generator, when it has one
            own = None if augmented is None else tf.gather(augmented[tf.minimum(e, tf.shape(augmented)[0] - 1)], order)
            inputs = [own if own is not None and i == 0 else xe for i in range(len(self.models))]

            def step(i, totals):
                begin = i * size
                end = tf.minimum(begin + size, n)
                yb = ye[begin:end]
                out = []
                for model, optimizer, light, total, xs in zip(self.models, self.optimizers, self.light, totals, inputs):
                    xb = xs[begin:end]
                    variables = model.trainable_variables
                    with tf.GradientTape() as tape:
                        loss = data_loss(model, xb, yb, True) + penalty(model)
                    grads = tape.gradient(loss, variables)
                    if light is not None and all(g is not None for g in grads):
                        light.apply(grads)
                    else:
                        optimizer.apply_gradients(zip(grads, variables))
                    out.append(total + loss * tf.cast(end - begin, tf.float32))
                return i + 1, out

            _, totals = tf.while_loop(lambda i, _: i < steps, step,
                                      (tf.constant(0), [tf.constant(0.0) for _ in self.models]))
            rows = []
            for model, total in zip(self.models, totals):
                # Per-row losses averaged over all rows equal the batch-size-weighted mean over batches.
                # No validation rows: the mean of nothing is NaN, as fit leaves val_loss out.
                predicted = model(xv, training=False)  # one forward pass for the loss and the accuracy
                val = mean_loss(yv, predicted)
                rows.append(tf.stack([total / tf.cast(n, tf.float32), val + penalty(model),
                                      data_loss(model, xt, yt, False), val, self._accuracy(yv, predicted)]))
            return e + 1, table.write(e, tf.stack(rows))

        _, table = tf.while_loop(lambda e, _: e < count, epoch,
                                 (tf.constant(0), tf.TensorArray(tf.float32, size=count)))
        return table.stack()

    def _accuracy(self, y, predicted):
        """Keras' ``accuracy`` of ``predicted`` on ``y`` for this Trainer's kind of target (NaN when it has none)."""
        tf = self.tf
        if self.accuracy is None:
            return tf.constant(float("nan"))
        if self.accuracy == "binary":
            right = tf.equal(tf.cast(y, tf.float32), tf.cast(predicted > 0.5, tf.float32))
        elif self.accuracy == "categorical":
            right = tf.equal(tf.argmax(y, axis=-1), tf.argmax(predicted, axis=-1))
        else:
            right = tf.equal(tf.cast(tf.reshape(y, [-1]), tf.int64), tf.argmax(predicted, axis=-1))
        return tf.reduce_mean(tf.cast(right, tf.float32))
