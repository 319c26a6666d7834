"""The architecture drawing for the unit's other assignments, over real specs: small real Keras models described by
the sandbox's own describe code (through ``autograder.check``'s in-process path) and checked against each
assignment's real ``[[check]]`` tables; a pretrained base recorded by the sandbox's own ``keras.applications``
wrapper. Nothing of the drawing is faked."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from autograder.integrations.result_file import result_from_dict
from autograder.render import render_html, render_markdown
from autograder.render.arch_view import architecture_blocks
from autograder.render.result_json import result_to_dict

INNER = Path(__file__).resolve().parents[2] / "autograder" / "sandbox" / "inner"
DATA = Path(__file__).parent / "data"

pytestmark = pytest.mark.slow  # imports Keras (no training: train=False)


def graded(model, assignment):
    from autograder.integrations.notebook_check import check_model

    return check_model(model, assignment=assignment, train=False, namespace={})


def roles(blocks):
    return [b.role for b in blocks]


def statuses(result):
    return {c.id: c.status for c in result.checks}


def dense_model(*middle, compiled=True):
    import keras
    from keras import layers

    model = keras.Sequential([keras.Input((30,)), *middle, layers.Dense(1, activation="sigmoid")])
    if compiled:
        model.compile(optimizer="adam", loss="binary_crossentropy")
    return model


def test_batch_norm_course_model_draws_each_normalization_in_place():
    from keras import layers

    model = dense_model(layers.Dense(64, activation="relu"), layers.BatchNormalization(),
                        layers.Dense(64, activation="relu"), layers.BatchNormalization())
    result = graded(model, "batch-norm")
    blocks = architecture_blocks(result)
    assert statuses(result)["batch_norm"] == "pass"
    assert roles(blocks) == ["input", "hidden", "batchnorm", "hidden", "batchnorm", "output"]
    assert all(b.tone == "ok" for b in blocks)


def test_batch_norm_missing_after_the_second_hidden_is_suggested_where_the_rule_wants_it():
    from keras import layers

    model = dense_model(layers.Dense(64, activation="relu"), layers.BatchNormalization(), layers.Dropout(0.3),
                        layers.Dense(64, activation="relu"), layers.Dropout(0.3))
    result = graded(model, "batch-norm")
    blocks = architecture_blocks(result)
    assert statuses(result)["batch_norm"] == "fail"
    # Dropout may stand between a hidden Dense and its BatchNormalization: the missing block goes after it.
    assert roles(blocks) == ["input", "hidden", "batchnorm", "dropout", "hidden", "dropout", "missing", "output"]
    missing = blocks[6]
    assert missing.title == "BatchNormalization esperado aquí" and missing.fix == "BatchNormalization(),"
    assert "dense_" in missing.problems[0] or "'dense" in missing.problems[0]
    assert "[[check]]" not in render_markdown(result) and "BatchNormalization esperado aquí" in render_html(result)


def test_random_transforms_nested_in_a_sequential_are_augmentation_blocks_with_their_settings():
    import keras
    from keras import layers

    augment = keras.Sequential([layers.RandomFlip("horizontal"), layers.RandomRotation(0.1), layers.RandomZoom(0.2)])
    model = keras.Sequential([keras.Input((32, 32, 3)), augment, layers.Conv2D(8, 3, activation="relu"),
                              layers.MaxPooling2D(), layers.Flatten(), layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    result = graded(model, "data-augmentation")
    blocks = architecture_blocks(result)
    assert statuses(result)["augmentation"] == "pass"
    assert roles(blocks) == ["input", "augmentation", "augmentation", "augmentation", "other", "other", "other",
                             "output"]
    assert blocks[0].settings == (("Forma", "(32, 32, 3)"),)
    assert [b.title for b in blocks[1:4]] == ["RandomFlip", "RandomRotation", "RandomZoom"]
    assert blocks[1].settings == (("mode", "horizontal"),)
    assert blocks[2].settings == (("factor", "(-0.1, 0.1)"),) or blocks[2].settings == (("factor", "0.1"),)
    assert ("filters", "8") in blocks[4].settings and ("kernel_size", "(3, 3)") in blocks[4].settings


def test_one_random_transform_asks_for_another_after_it_and_none_asks_for_two_at_the_start():
    import keras
    from keras import layers

    def image_model(*augment):
        model = keras.Sequential([keras.Input((32, 32, 3)), *augment, layers.Flatten(),
                                  layers.Dense(10, activation="softmax")])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        return model

    blocks = architecture_blocks(graded(image_model(layers.RandomFlip("horizontal")), "data-augmentation"))
    assert roles(blocks) == ["input", "augmentation", "missing", "other", "output"]
    assert blocks[2].fix == "RandomRotation(0.1)," and "1 tipo" in blocks[2].problems[0]

    blocks = architecture_blocks(graded(image_model(), "data-augmentation"))
    assert roles(blocks) == ["input", "missing", "other", "output"]
    assert blocks[1].fix == "RandomFlip('horizontal'), RandomRotation(0.1),"


@pytest.fixture
def recorded_vgg16(monkeypatch):
    """VGG16 as the sandbox records it (its ``keras.applications`` wrapper), at 32x32 with random weights."""
    import keras

    sys.path.insert(0, str(INNER)) if str(INNER) not in sys.path else None
    import ag_evidence

    monkeypatch.setattr(ag_evidence, "BASES", [])
    monkeypatch.setattr(ag_evidence, "_base_models", [])
    return ag_evidence.wrap_application(keras.applications.VGG16, None, OSError)


def transfer_model(vgg16, freeze=True, head=True, weights=None):
    import keras
    from keras import layers

    base = vgg16(weights=weights, include_top=False, input_shape=(32, 32, 3))
    tail = [layers.Flatten(), layers.Dense(32, activation="relu")] if head else [layers.Flatten()]
    model = keras.Sequential([base, *tail, layers.Dense(1, activation="sigmoid")])
    base.trainable = not freeze
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model, base


def test_a_pretrained_base_is_one_block_with_its_name_size_weights_and_state(recorded_vgg16):
    model, base = transfer_model(recorded_vgg16)
    result = graded(model, "transfer-learning")
    blocks = architecture_blocks(result)
    assert roles(blocks) == ["input", "base", "other", "hidden", "output"]
    vgg = blocks[1]
    assert vgg.title == "Red preentrenada · VGG16" and vgg.name == base.name
    settings = dict(vgg.settings)
    assert settings["Capas"] == "18" and settings["Pesos"] == f"{base.count_params():,}".replace(",", " ")
    assert settings["include_top"] == "False" and settings["Al compilar"] == "congelada (no se entrena)"
    # weights=None fails pretrained_base: the block says so and shows the constructor the rule wants.
    assert statuses(result) == {"model_built": "pass", "pretrained_base": "fail", "frozen_base": "pass",
                                "new_head": "pass", "output_layer": "pass", "compiled": "pass", "trains": "skipped"}
    assert settings["Pesos iniciales"] == "aleatorios (weights=None)"
    assert vgg.problems == ("weights=None: no carga los pesos preentrenados de ImageNet",)
    assert vgg.fix == "base_model = VGG16(weights='imagenet', include_top=False, input_shape=(32, 32, 3))"
    assert "block1_conv1" not in render_markdown(result)  # collapsed: none of its 18 layers is drawn


def test_a_trainable_base_and_a_head_without_dense_are_marked(recorded_vgg16):
    model, _ = transfer_model(recorded_vgg16, freeze=False, head=False)
    result = graded(model, "transfer-learning")
    assert statuses(result)["frozen_base"] == "fail" and statuses(result)["new_head"] == "fail"
    blocks = architecture_blocks(result)
    assert roles(blocks) == ["input", "base", "other", "missing", "output"]
    assert "trainable = False" in blocks[1].problems[-1] and blocks[1].fix.endswith("base_model.trainable = False")
    assert blocks[3].title == "Capa Dense nueva esperada aquí" and blocks[3].fix == "Dense(256, activation='relu'),"


def test_a_functional_model_over_the_base_layers_collapses_them_too(recorded_vgg16):
    import keras
    from keras import layers

    base = recorded_vgg16(weights=None, include_top=False, input_shape=(32, 32, 3))
    base.trainable = False
    x = layers.GlobalAveragePooling2D()(base.output)
    x = layers.Dense(16, activation="relu")(x)
    model = keras.Model(base.input, layers.Dense(1, activation="sigmoid")(x))
    model.compile(optimizer="adam", loss="binary_crossentropy")
    blocks = architecture_blocks(graded(model, "transfer-learning"))
    assert roles(blocks) == ["input", "base", "other", "hidden", "output"]


def test_the_base_block_survives_result_json(recorded_vgg16):
    model, _ = transfer_model(recorded_vgg16)
    result = graded(model, "transfer-learning")
    again = result_from_dict(json.loads(json.dumps(result_to_dict(result))))
    assert architecture_blocks(again) == architecture_blocks(result)


def test_l2_dropout_results_draw_as_before():
    """The l2-dropout drawing of the stored results (written before these changes) is unchanged."""
    for name in ("reference", "no_regularization"):
        result = result_from_dict(json.loads((DATA / f"{name}.result.json").read_text()))
        blocks = architecture_blocks(result)
        assert "base" not in roles(blocks) and "augmentation" not in roles(blocks) and "batchnorm" not in roles(blocks)
        assert all(not dict(b.settings).keys() & {"mode", "factor", "filters"} for b in blocks)


def test_an_extra_hidden_layer_names_the_assignment_own_follower():
    from keras import layers

    model = dense_model(*(layer for _ in range(3) for layer in (layers.Dense(16, activation="relu"),
                                                                layers.BatchNormalization())))
    result = graded(model, "batch-norm")
    extra = [b for b in architecture_blocks(result) if b.role == "hidden" and b.problems]
    assert statuses(result)["hidden_layers"] == "fail"
    assert extra[0].problems == ("sobra: se esperaban 2 capas ocultas Dense; quita esta capa (y su BatchNormalization)",)
