"""The architecture drawing's blocks: each defect is drawn where it is, and nothing is drawn for passing rules."""
from __future__ import annotations

from autograder.render.arch_view import architecture_blocks, model_caption
from autograder.types import LayerSpec, RegularizerSpec

from . import helpers as h


def blocks_of(layers, statuses=None, lang="es", **model_kw):
    return architecture_blocks(h.result(statuses, model=h.model(layers, **model_kw), lang=lang))


def test_reference_has_no_problem_and_points_at_every_layer():
    blocks = blocks_of(h.REFERENCE_LAYERS)
    assert [b.role for b in blocks] == ["input", "hidden", "dropout", "hidden", "dropout", "output"]
    assert all(b.tone == "ok" and not b.fix for b in blocks)
    assert [b.where for b in blocks[1:]] == [f"celda 2, línea {n}" for n in range(7, 12)]
    assert blocks[0].settings == (("Forma", "(30,)"),)
    assert blocks[1].settings == (("Unidades", "64"), ("Activación", "relu"), ("Regularizador (kernel)", "L2 = 0.01"))
    assert blocks[2].settings == (("Tasa", "0.5"),)


def test_missing_dropout_after_last_hidden_goes_before_the_output():
    layers = h.REFERENCE_LAYERS[:3] + h.REFERENCE_LAYERS[4:]
    blocks = blocks_of(layers, {"dropout": "fail"})
    assert [b.role for b in blocks] == ["input", "hidden", "dropout", "hidden", "missing", "output"]
    assert blocks[4].title == "Dropout esperado aquí" and blocks[4].fix == "Dropout(0.5),"
    assert blocks[4].problems == ("falta justo después de la capa oculta 'dense_1' (celda 2, línea 9)",)


def test_missing_dropout_is_placed_after_batchnorm_and_activation():
    layers = (h.dense("dense", 64, activation=None), LayerSpec("BatchNormalization", "bn"),
              LayerSpec("Activation", "act", activation="relu"), h.REFERENCE_LAYERS[2], h.REFERENCE_LAYERS[3],
              h.REFERENCE_LAYERS[4])
    blocks = blocks_of(layers, {"dropout": "fail"})
    assert [b.role for b in blocks] == ["input", "hidden", "other", "other", "missing", "hidden", "dropout", "output"]
    assert ("Activación", "relu") in blocks[1].settings  # the effective activation, from the Activation layer


def test_no_drawing_of_problems_when_the_check_passed():
    layers = h.REFERENCE_LAYERS[:3] + h.REFERENCE_LAYERS[4:]
    assert "missing" not in [b.role for b in blocks_of(layers, {"dropout": "pass"})]


def test_one_hidden_layer_draws_the_missing_pair_before_the_output():
    layers = h.REFERENCE_LAYERS[:2] + h.REFERENCE_LAYERS[4:]
    blocks = blocks_of(layers, {"hidden_layers": "fail"})
    assert [b.role for b in blocks] == ["input", "hidden", "dropout", "missing", "missing", "output"]
    assert blocks[3].title == "Capa oculta Dense esperada aquí"
    assert blocks[3].fix == "Dense(64, activation='relu', kernel_regularizer=l2(0.01)),"
    assert blocks[3].problems == ("se esperaban 2 capas ocultas Dense y hay 1",)


def test_extra_hidden_layer_is_marked():
    layers = h.REFERENCE_LAYERS[:4] + (h.dense("dense_x", 32, line=12), h.dropout("drop_x", line=13)) + h.REFERENCE_LAYERS[4:]
    blocks = blocks_of(layers, {"hidden_layers": "fail"})
    extra = [b for b in blocks if b.name == "dense_x"][0]
    assert extra.title == "Capa oculta 3 · Dense" and extra.tone == "problem" and not extra.fix
    assert "sobra" in extra.problems[0]


def test_linear_hidden_and_regularizer_problems_get_a_corrected_line():
    layers = (h.dense("dense", 32, activation="linear"), h.REFERENCE_LAYERS[1],
              h.dense("dense_1", 16, reg=RegularizerSpec("L1", l1=0.02), line=9), h.REFERENCE_LAYERS[3],
              h.REFERENCE_LAYERS[4])
    blocks = blocks_of(layers, {"hidden_layers": "fail", "l2_regularization": "fail"})
    first, second = blocks[1], blocks[3]
    assert first.problems == ("sin activación no lineal",)
    assert first.fix == "Dense(32, activation='relu', kernel_regularizer=l2(0.01)),"
    assert second.problems == ("solo L1 (l1=0.02); falta L2 en kernel_regularizer",)
    assert second.fix == "Dense(16, activation='relu', kernel_regularizer=l2(0.01)),"
    assert ("Regularizador (kernel)", "L1 = 0.02") in second.settings


def test_l2_on_bias_and_no_regularizer():
    layers = (h.dense("dense", 64, reg=None, bias_regularizer=h.L2), h.REFERENCE_LAYERS[1],
              h.dense("dense_1", 64, reg=None, line=9), h.REFERENCE_LAYERS[3], h.REFERENCE_LAYERS[4])
    blocks = blocks_of(layers, {"l2_regularization": "fail"})
    assert blocks[1].problems == ("regularizador puesto en bias_regularizer; debe ir en kernel_regularizer",)
    assert ("bias_regularizer", "L2 = 0.01") in blocks[1].settings
    assert blocks[3].problems == ("sin regularización L2 (falta kernel_regularizer=l2(...))",)


def test_bad_dropout_rate_and_bad_output():
    layers = (h.REFERENCE_LAYERS[0], h.dropout("dropout", rate=0.0), *h.REFERENCE_LAYERS[2:4],
              h.dense("out", 1, "relu", None, line=11))
    blocks = blocks_of(layers, {"dropout": "fail", "output_layer": "fail"})
    assert blocks[2].problems == ("rate=0: debe estar entre 0 y 1 (sin incluirlos)",) and blocks[2].fix == "Dropout(0.5),"
    assert blocks[5].role == "output" and blocks[5].fix == "Dense(1, activation='sigmoid')"


def test_model_not_ending_in_dense_gets_an_output_placeholder():
    layers = h.REFERENCE_LAYERS[:4] + (h.dense("dense_2", 1, "sigmoid", None, line=11), h.dropout("late", line=12))
    blocks = blocks_of(layers, {"output_layer": "fail"})
    assert blocks[-1].role == "missing" and blocks[-1].title == "Capa de salida Dense esperada aquí"


def test_custom_layer_is_flagged_and_english_labels():
    layers = (LayerSpec("Dense", "fake", builtin=False, units=64, activation="relu"),) + h.REFERENCE_LAYERS[1:]
    blocks = blocks_of(layers, lang="en")
    assert blocks[1].title == "Dense *" and blocks[1].problems == ("a class defined in your code, not the Keras one",)
    assert blocks[0].title == "Input"


def test_no_model_no_blocks_and_caption():
    assert architecture_blocks(h.error_result()) == []
    assert model_caption(h.model(), "es").startswith("Modelo Sequential 'sequential' con 5 capas, elegido por ser el último modelo pasado a fit.")
    observed = model_caption(h.model(kind="subclassed", layer_order="observed"), "en")
    assert observed.startswith("subclassed model") and observed.endswith("the one seen while the model ran.")
