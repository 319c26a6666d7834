"""The brief training as one traced graph follows ``fit``'s definitions of loss and val_loss."""
from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
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
    losses, val_losses = ag_graphfit.Trainer(tf, [model], [model.optimizer], keras.losses.get("binary_crossentropy")
                                             ).fit(x, y, 4, 32, 0.2)
    assert len(losses) == len(val_losses) == 4
    for ours, theirs in zip(losses + val_losses, history["loss"] + history["val_loss"]):
        assert math.isclose(ours, theirs, rel_tol=2e-3), (losses, val_losses, history)


def test_an_exploding_training_reports_non_finite_losses(keras_tf):
    keras, tf = keras_tf
    x, y = data()
    model = build(keras, lr=1e12, l2=1e6)
    losses, _ = ag_graphfit.Trainer(tf, [model], [model.optimizer], keras.losses.get("binary_crossentropy")
                                    ).fit(x * 1e3, y, 3, 32, 0.2)
    assert not all(math.isfinite(v) for v in losses)


OPTIMIZERS = [
    ("Adam", {}), ("Adam", {"learning_rate": 0.01, "beta_1": 0.8, "epsilon": 1e-5}),
    ("SGD", {"learning_rate": 0.05}), ("SGD", {"learning_rate": 0.05, "momentum": 0.9}),
    ("SGD", {"learning_rate": 0.05, "momentum": 0.9, "nesterov": True}),
    ("RMSprop", {}), ("RMSprop", {"momentum": 0.5, "centered": True}),
]


def dropout_pair(keras, kind, options):
    """A model with L2 and Dropout, its optimizer, and the same again (same seed: same weights)."""
    made = []
    for _ in range(2):
        keras.utils.set_random_seed(3)
        model = keras.Sequential([
            keras.Input((6,)),
            keras.layers.Dense(16, activation="relu", kernel_regularizer=keras.regularizers.l2(0.01)),
            keras.layers.Dropout(0.3),
            keras.layers.Dense(1, activation="sigmoid"),
        ])
        made.append((model, getattr(keras.optimizers, kind)(**options)))
    return made


@pytest.mark.parametrize("kind, options", OPTIMIZERS)
def test_the_light_step_trains_exactly_like_keras_own_step(keras_tf, kind, options):
    """The same model, seed, batches and dropout masks, stepped by Keras' optimizer and by ag_updates."""
    keras, tf = keras_tf
    x, y = data()
    (light_model, light_opt), (keras_model, keras_opt) = dropout_pair(keras, kind, options)
    loss = keras.losses.get("binary_crossentropy")
    light = ag_graphfit.Trainer(tf, [light_model], [light_opt], loss)
    assert light.light[0] is not None, "this optimizer should take the light step"
    own = ag_graphfit.Trainer(tf, [keras_model], [keras_opt], loss)
    own.light = [None]  # Keras' apply_gradients
    ours = light.epochs(x[:72], y[:72], x[72:], y[72:], 6, 16)
    theirs = own.epochs(x[:72], y[:72], x[72:], y[72:], 6, 16)
    assert ours.shape == (6, 1, 5)
    ours, theirs = ours[..., :ag_graphfit.VAL_ACCURACY], theirs[..., :ag_graphfit.VAL_ACCURACY]  # the losses
    assert abs(ours - theirs).max() <= 1e-6 * max(1.0, abs(theirs).max()), (ours, theirs)


def test_a_reset_trains_again_from_the_state_it_was_built_with(keras_tf):
    keras, tf = keras_tf
    x, y = data()
    (model, optimizer), (twin, twin_optimizer) = dropout_pair(keras, "Adam", {})
    trainer = ag_graphfit.Trainer(tf, [model, twin], [optimizer, twin_optimizer], keras.losses.get("binary_crossentropy"))
    first = trainer.epochs(x[:72], y[:72], x[72:], y[72:], 5, 16)
    trainer.epochs(x[:72], y[:72], x[72:], y[72:], 3, 0)  # moves weights, slots, seeds and the step on
    trainer.reset()
    again = trainer.epochs(x[:72], y[:72], x[72:], y[72:], 5, 16)
    assert first.shape == (5, 2, 5) and np.isnan(first[..., ag_graphfit.VAL_ACCURACY]).all()  # none asked for
    first, again = first[..., :ag_graphfit.VAL_ACCURACY], again[..., :ag_graphfit.VAL_ACCURACY]
    assert (first == again).all()
    assert (first[:, 0] == first[:, 1]).all(), "same seed, same weights, same batches: the same curves"


def test_schedules_clipping_and_other_optimizers_keep_keras_step(keras_tf):
    import ag_updates

    keras, tf = keras_tf
    model = build(keras)
    schedule = keras.optimizers.schedules.ExponentialDecay(0.01, 10, 0.9)
    for optimizer in (keras.optimizers.Adam(schedule), keras.optimizers.Adam(clipnorm=1.0),
                      keras.optimizers.Adam(amsgrad=True), keras.optimizers.AdamW(), keras.optimizers.Nadam(),
                      keras.optimizers.SGD(weight_decay=0.01)):
        assert ag_updates.light_step(keras, tf, optimizer, model.trainable_variables) is None, optimizer
    constrained = keras.Sequential([keras.Input((6,)), keras.layers.Dense(4, kernel_constraint=keras.constraints.MaxNorm(2))])
    assert ag_updates.light_step(keras, tf, keras.optimizers.Adam(), constrained.trainable_variables) is None


@pytest.mark.parametrize("accuracy, units, loss", [("binary", 1, "binary_crossentropy"),
                                                   ("categorical", 3, "categorical_crossentropy"),
                                                   ("sparse", 3, "sparse_categorical_crossentropy")])
def test_the_validation_accuracy_column_is_keras_accuracy(keras_tf, accuracy, units, loss):
    """What an EarlyStopping(monitor='val_accuracy') watches: after each epoch, the trace's accuracy on the
    validation rows equals Keras' own ``accuracy`` metric on them (evaluate, after the same training)."""

    keras, tf = keras_tf
    x, _ = data()
    labels = (x[:, 0] > 0).astype("int32") + (x[:, 1] > 0.5).astype("int32") * (units - 1 if units > 1 else 0)
    labels = np.minimum(labels, max(units - 1, 1))
    y = labels.reshape(-1, 1).astype("float32") if accuracy == "binary" else labels if accuracy == "sparse" \
        else np.eye(units, dtype="float32")[labels]
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(units, activation="sigmoid" if units == 1 else "softmax")])
    model.compile(optimizer="adam", loss=loss, metrics=["accuracy"])
    trainer = ag_graphfit.Trainer(tf, [model], [model.optimizer], keras.losses.get(loss), accuracy=accuracy)
    table = trainer.epochs(x[:60], y[:60], x[60:], y[60:], 3, 16)
    evaluated = model.evaluate(x[60:], y[60:], verbose=0, return_dict=True)
    assert math.isclose(table[-1, 0, ag_graphfit.VAL_ACCURACY], evaluated["accuracy"], abs_tol=1e-6)
    assert math.isclose(table[-1, 0, ag_graphfit.VAL_DATA], evaluated["loss"], rel_tol=1e-4)
    plain = ag_graphfit.Trainer(tf, [model], [model.optimizer], keras.losses.get(loss))  # not asked: NaN, never guessed
    assert math.isnan(plain.epochs(x[:60], y[:60], x[60:], y[60:], 1, 16)[0, 0, ag_graphfit.VAL_ACCURACY])
