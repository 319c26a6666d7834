"""``autograder.check()`` for the unit's other assignments, in-process, on small real Keras models fitted for
real: what the live objects show is graded, and what a kernel cannot show skips the check with a sentence
instead of failing it."""
from __future__ import annotations

import json
from pathlib import Path

import nbformat
import numpy as np
import pytest

from autograder.integrations.notebook_check import assignment_of_notebook, check_model

ASSIGNMENTS = Path(__file__).resolve().parents[2] / "assignments"
UNIT = ("early-stopping", "batch-norm", "data-augmentation", "transfer-learning")

pytestmark = pytest.mark.slow  # imports Keras; each fit is a couple of epochs on a few rows


def statuses(result):
    return {c.id: c.status for c in result.checks}


def message(result, check_id):
    return next(c.message for c in result.checks if c.id == check_id)


def tabular():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 8)).astype("float32")
    return x, (x[:, 0] > 0).astype("float32")


def dense_model(*hidden):
    import keras
    from keras import layers

    model = keras.Sequential([keras.Input((8,)), *hidden, layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model


def test_early_stopping_kept_in_a_variable_is_found_on_the_model_it_trained():
    import keras
    from keras import layers

    x, y = tabular()
    model = dense_model(layers.Dense(8, activation="relu"))
    early_stopping = keras.callbacks.EarlyStopping(monitor="val_loss", patience=2)
    model.fit(x, y, epochs=2, validation_split=0.25, callbacks=[early_stopping], verbose=0)
    result = check_model(model, assignment="early-stopping", train=False,
                         namespace={"model": model, "early_stopping": early_stopping})
    assert statuses(result) == {"model_built": "pass", "compiled": "pass", "early_stopping": "pass",
                                "validation": "pass", "trains": "skipped"}


def test_early_stopping_watching_loss_fails_and_an_unseen_one_is_said_to_be_unknown():
    import keras
    from keras import layers

    x, y = tabular()
    model = dense_model(layers.Dense(8, activation="relu"))
    watcher = keras.callbacks.EarlyStopping(monitor="loss", patience=2)
    model.fit(x, y, epochs=2, validation_split=0.25, callbacks=[watcher], verbose=0)
    result = check_model(model, assignment="early-stopping", train=False, namespace={"es": watcher})
    assert statuses(result)["early_stopping"] == "fail"  # seen, and it watches a training quantity

    other = dense_model(layers.Dense(8, activation="relu"))
    other.fit(x, y, epochs=2, validation_split=0.25, callbacks=[keras.callbacks.EarlyStopping(patience=2)], verbose=0)
    result = check_model(other, assignment="early-stopping", train=False, namespace={"es": watcher})
    assert statuses(result)["early_stopping"] == "skipped"  # written inside fit(...): the kernel cannot see it
    assert "EarlyStopping(...)" in message(result, "early_stopping")
    assert statuses(result)["validation"] == "pass"  # val_loss is in the model's history


def test_batch_norm_after_each_hidden_layer_and_its_absence():
    from keras import layers

    x, y = tabular()
    good = dense_model(layers.Dense(8, activation="relu"), layers.BatchNormalization(),
                       layers.Dense(8, activation="relu"), layers.BatchNormalization())
    good.fit(x, y, epochs=1, verbose=0)
    assert set(statuses(check_model(good, assignment="batch-norm", train=True, namespace={})).values()) == {"pass"}
    bad = dense_model(layers.Dense(8, activation="relu"), layers.BatchNormalization(), layers.Dense(8, activation="relu"))
    result = check_model(bad, assignment="batch-norm", train=False, namespace={})
    assert statuses(result)["batch_norm"] == "fail" and "BatchNormalization" in (
        next(c.hint for c in result.checks if c.id == "batch_norm") or "")


def image_model(*augment):
    import keras
    from keras import layers

    model = keras.Sequential([keras.Input((16, 16, 3)), *augment, layers.Conv2D(4, 3, activation="relu"),
                              layers.Flatten(), layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


def images():
    rng = np.random.default_rng(0)
    return rng.random((32, 16, 16, 3)).astype("float32"), rng.integers(0, 10, 32)


def test_augmentation_by_random_layers_and_by_a_flow_kept_in_a_variable():
    from keras import layers
    from tensorflow.keras.preprocessing.image import ImageDataGenerator  # as the starter imports it

    x, y = images()
    model = image_model(layers.RandomFlip("horizontal"), layers.RandomRotation(0.1))
    model.fit(x, y, epochs=1, verbose=0)
    assert statuses(check_model(model, assignment="data-augmentation", train=False,
                                namespace={}))["augmentation"] == "pass"

    datagen = ImageDataGenerator(rotation_range=20, horizontal_flip=True)
    flujo = datagen.flow(x, y, batch_size=16)
    plain = image_model()
    plain.fit(flujo, epochs=1, verbose=0)
    result = check_model(plain, assignment="data-augmentation", train=False,
                         namespace={"datagen": datagen, "flujo": flujo, "model": plain})
    assert statuses(result)["augmentation"] == "pass"

    other = image_model()
    other.fit(datagen.flow(x, y, batch_size=16), epochs=1, verbose=0)  # the flow is in no variable
    result = check_model(other, assignment="data-augmentation", train=False, namespace={"datagen": datagen})
    assert statuses(result)["augmentation"] == "skipped" and "datagen.flow" in message(result, "augmentation")


def test_transfer_learning_base_is_found_without_the_sandbox_and_its_weights_said_unknown(monkeypatch, tmp_path):
    import keras
    from keras import layers

    monkeypatch.setenv("KERAS_HOME", str(tmp_path))  # an empty cache: nothing to compare the weights with
    base_model = keras.applications.MobileNetV2(weights=None, include_top=False, input_shape=(32, 32, 3), alpha=0.35)
    base_model.trainable = False
    model = keras.Sequential([base_model, layers.GlobalAveragePooling2D(), layers.Dense(8, activation="relu"),
                              layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    result = check_model(model, assignment="transfer-learning", train=False,
                         namespace={"base_model": base_model, "model": model})
    got = statuses(result)
    assert got["pretrained_base"] == "skipped" and "weights=" in message(result, "pretrained_base")
    assert got["frozen_base"] == got["new_head"] == got["output_layer"] == got["compiled"] == "pass"
    assert any("antes de compile" in note for note in result.notes)
    [base] = result.model.bases
    assert base.network == "MobileNetV2" and base.weights == "unknown" and base.layer_count and base.params


def test_transfer_learning_weights_matching_the_cache_count_as_imagenet(monkeypatch, tmp_path):
    import keras
    from keras.src.legacy.saving import legacy_h5_format
    import h5py

    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    (tmp_path / "models").mkdir()
    base = keras.applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
    with h5py.File(tmp_path / "models" / "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5", "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, base)
    model = keras.Sequential([base, keras.layers.Flatten(), keras.layers.Dense(4, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    result = check_model(model, assignment="transfer-learning", train=False, namespace={})
    assert statuses(result)["pretrained_base"] == "pass" and statuses(result)["frozen_base"] == "fail"


def test_the_assignment_is_named_by_the_notebook_file():
    assert assignment_of_notebook("tarea_early_stopping.ipynb") == "early-stopping"
    assert assignment_of_notebook("/content/tarea_data_augmentation (1).ipynb") == "data-augmentation"
    assert assignment_of_notebook("mi cuaderno.ipynb") is None


@pytest.mark.parametrize("assignment", UNIT)
def test_each_starter_ends_with_the_check_cell_for_its_assignment(assignment):
    [path] = (ASSIGNMENTS / assignment / "template").glob("*.ipynb")
    nb = nbformat.read(str(path), as_version=4)
    nbformat.validate(nb)
    last = nb.cells[-1]
    assert last.cell_type == "code"
    assert last.source.rstrip().endswith(f'autograder.check(model, assignment="{assignment}")')
    assert '%pip install -q "autograder @ git+https://github.com/tu-organizacion/autograder"' in last.source
    assert assignment_of_notebook(path.name) == assignment
    readme = (ASSIGNMENTS / assignment / "template" / "README.md").read_text()
    assert path.name in readme and "autograder.check" in readme


def test_the_early_stopping_starter_filled_in_checks_full_marks_in_a_real_kernel(tmp_path, monkeypatch):
    """The starter as a student fills it in, run through nbclient: its last cell finds the callback kept in a
    variable (the grader is installed, so the cell's pip line does not run)."""
    import os
    import sys

    from nbclient import NotebookClient

    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
    nb = nbformat.read(str(ASSIGNMENTS / "early-stopping" / "template" / "tarea_early_stopping.ipynb"), as_version=4)
    [todo] = [c for c in nb.cells if c.source.startswith("# TODO: crea el callback")]
    todo.source = ("early_stopping = EarlyStopping(monitor='val_loss', patience=5)\n"
                   "history = model.fit(X_train, y_train, epochs=3, validation_split=0.2, callbacks=[early_stopping],"
                   " verbose=0)")
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors
    shown = "".join(str(o.get("data", {}).get("text/plain", "")) + str(o.get("text", ""))
                    for o in nb.cells[-1].get("outputs", []))
    assert "Comprobación orientativa dentro de tu cuaderno: 10 / 10" in shown, shown[:2000]
