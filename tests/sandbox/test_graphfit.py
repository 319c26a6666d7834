"""The brief training as one traced graph follows ``fit``'s definitions of loss and val_loss."""
from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

INNER = Path(__file__).resolve().parents[2] / "autograder" / "sandbox" / "inner"
sys.path.insert(0, str(INNER))

import ag_graphfit  # noqa: E402

pytestmark = pytest.mark.slow


def test_batches_cut_like_keras():
    assert ag_graphfit.batches(10, 4) == [(0, 4), (4, 4), (8, 2)]
    assert ag_graphfit.batches(10, 0) == [(0, 10)]
    assert ag_graphfit.validation_split_at(512, 0.2) == 410  # ceil(512 * 0.8)


def build(keras, lr=0.001, l2=0.01):
    layers, regularizers = keras.layers, keras.regularizers
    model = keras.Sequential([
        keras.Input((6,)),
        layers.Dense(16, activation="relu", kernel_regularizer=regularizers.l2(l2)),
        layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr), loss="binary_crossentropy")
    return model


@pytest.fixture(scope="module")
def keras_tf():
    import keras
    import tensorflow as tf

    return keras, tf


def data(n=90):
    import numpy as np

    rng = np.random.default_rng(1)
    x = rng.normal(size=(n, 6)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    return x, y


def test_losses_match_keras_fit_without_dropout(keras_tf):
    """No randomness in the model (no Dropout, SGD, unshuffled): the two trainings agree closely."""
    keras, tf = keras_tf
    x, y = data()
    keras.utils.set_random_seed(0)
    reference = build(keras)
    weights = reference.get_weights()
    history = reference.fit(x, y, epochs=4, batch_size=32, validation_split=0.2, shuffle=False, verbose=0).history
    model = build(keras)
    model.set_weights(weights)
    losses, val_losses = ag_graphfit.fit_in_graph(tf, model, model.optimizer, keras.losses.get("binary_crossentropy"),
                                                  x, y, 4, 32, 0.2)
    assert len(losses) == len(val_losses) == 4
    for ours, theirs in zip(losses + val_losses, history["loss"] + history["val_loss"]):
        assert math.isclose(ours, theirs, rel_tol=2e-3), (losses, val_losses, history)


def test_an_exploding_training_reports_non_finite_losses(keras_tf):
    keras, tf = keras_tf
    x, y = data()
    model = build(keras, lr=1e12, l2=1e6)
    losses, _ = ag_graphfit.fit_in_graph(tf, model, model.optimizer, keras.losses.get("binary_crossentropy"),
                                         x * 1e3, y, 3, 32, 0.2)
    assert not all(math.isfinite(v) for v in losses)
