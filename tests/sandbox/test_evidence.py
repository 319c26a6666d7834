"""The sandbox's evidence for the unit's other exercises (ag_evidence), on real Keras objects: callbacks as
settings, an ImageDataGenerator's transforms and the flow that feeds fit, and keras.applications bases
(arguments, random weights when the download is refused, trainable state)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

INNER = Path(__file__).resolve().parents[2] / "autograder" / "sandbox" / "inner"
sys.path.insert(0, str(INNER))

pytestmark = pytest.mark.slow  # imports Keras (no training)


@pytest.fixture
def evidence(monkeypatch, tmp_path):
    import ag_datasets
    import ag_evidence
    import ag_sites

    monkeypatch.setattr(ag_evidence, "GENERATORS", [])
    monkeypatch.setattr(ag_evidence, "BASES", [])
    monkeypatch.setattr(ag_evidence, "_base_models", [])
    monkeypatch.setattr(ag_evidence, "_generator_index", {})
    return ag_evidence, ag_datasets, ag_sites.Sites({"<cell 2>": {"cell": 2}}), tmp_path


def test_callbacks_are_described_by_their_settings(evidence):
    import keras

    ev = evidence[0]
    described = ev.describe_callbacks([keras.callbacks.EarlyStopping(monitor="val_accuracy", patience=3,
                                                                     restore_best_weights=True),
                                       keras.callbacks.History()])
    assert described[0] == {"class_name": "EarlyStopping", "builtin": True, "keras_class": "EarlyStopping",
                            "settings": {"monitor": "val_accuracy", "patience": 3, "restore_best_weights": True,
                                         "min_delta": 0, "mode": "auto", "baseline": None,
                                         "start_from_epoch": 0}}
    assert described[1]["class_name"] == "History" and ev.describe_callbacks(None) == []


def test_a_callback_is_recorded_as_the_keras_class_it_acts_as(evidence):
    import keras

    ev = evidence[0]

    class Impostor(keras.callbacks.Callback):  # named and dressed like Keras' own, stops nothing
        def __init__(self):
            super().__init__()
            self.monitor, self.patience = "val_loss", 5

    Impostor.__name__, Impostor.__module__ = "EarlyStopping", "keras.src.callbacks.early_stopping"

    class OwnDefaults(keras.callbacks.EarlyStopping):
        def __init__(self):
            super().__init__(monitor="val_loss", patience=4)

    class Overridden(keras.callbacks.EarlyStopping):
        def on_epoch_end(self, epoch, logs=None):
            pass

    recorded = ev.describe_callbacks([keras.callbacks.EarlyStopping(), Impostor(), OwnDefaults(), Overridden()])
    assert [(r["class_name"], r["builtin"], r["keras_class"]) for r in recorded] == [
        ("EarlyStopping", True, "EarlyStopping"), ("EarlyStopping", False, "Callback"),
        ("OwnDefaults", False, "EarlyStopping"), ("Overridden", False, None)]


def test_generator_transforms_and_the_flow_that_feeds_fit(evidence):
    import numpy as np
    from keras.src.legacy.preprocessing.image import ImageDataGenerator

    ev = evidence[0]
    generator = ImageDataGenerator(rotation_range=20, width_shift_range=0.2, zoom_range=0.1, horizontal_flip=True,
                                   rescale=1 / 255)
    assert ev.transforms_of(generator)[0] == ["rotation", "width_shift", "zoom", "horizontal_flip"]
    assert ev.transforms_of(ImageDataGenerator(rescale=1 / 255))[0] == []
    flow = generator.flow(np.zeros((4, 8, 8, 3)), np.zeros(4), batch_size=2)
    described = ev.describe_flow(flow)
    assert described["transforms"] == ["rotation", "width_shift", "zoom", "horizontal_flip"]
    assert described["rebuild"]["rotation_range"] == 20.0 and described["rebuild"]["rescale"] == pytest.approx(1 / 255)
    assert ev.generators()[0]["flows"] == 1 and ev.describe_flow(np.zeros((4, 3))) is None


def test_a_refused_imagenet_download_gives_random_weights_and_is_recorded(evidence):
    import keras

    ev, datasets, sites, tmp_path = evidence
    server = datasets.Server(None, str(tmp_path / "cache"), sites, [])
    from keras.src.utils import file_utils

    original = file_utils.get_file
    file_utils.get_file = server.get_file
    try:
        vgg = ev.wrap_application(keras.applications.VGG16, sites, datasets.DatasetUnavailable)
        base = vgg(include_top=False, input_shape=(32, 32, 3))  # weights left at 'imagenet'
    finally:
        file_utils.get_file = original
    assert server.records[0]["file"] == "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"
    assert server.records[0]["served"] is False
    model = keras.Sequential([base, keras.layers.Flatten(), keras.layers.Dense(1)])
    found = ev.bases_in(model)
    assert len(found) == 1 and found[0]["weights"] == "imagenet" and found[0]["loaded"] is False
    assert found[0]["include_top"] is False and found[0]["last_layer"] == "block5_pool"
    assert found[0]["trainable_weights"] > 0
    base.trainable = False
    assert ev.bases_in(model)[0]["trainable_weights"] == 0
    assert ev.bases_in(keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])) == []
