"""Does it help? for the unit's other techniques (autograder/insight_techniques.py and its use in
autograder/insight.py): the twins as configs, early stopping replayed as Keras does it, an ImageDataGenerator's
settings bounded and replayed (ag_augment), the verdicts, their sentences in both languages, result.json, and
``[insight]`` validated where assignment.toml is read."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from autograder import insight as ins
from autograder import insight_techniques as tech
from autograder import spec as spec_mod
from autograder.assignment import ASSIGNMENTS_DIR, load_assignment
from autograder.assignment_file import AssignmentError
from autograder.i18n import translate
from autograder.render.insight_view import insight_view
from autograder.types import CallbackSpec, FitCall, FlowSpec, GradeResult, Insight, InsightCurves, ModelSpec
from autograder.sandbox.inner import ag_augment, ag_state
from tests.conftest import run_cli

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "autograder" / "sandbox" / "inner"))


def layer(cls: str, name: str, **config) -> dict:
    return {"module": "keras.layers", "class_name": cls, "config": {"name": name, **config}}


def sequential(*layers: dict, name: str = "sequential") -> dict:
    return {"module": "keras", "class_name": "Sequential", "config": {"name": name, "layers": list(layers)}}


BN_MODEL = sequential(layer("InputLayer", "input_layer", batch_shape=[None, 4]),
                      layer("Dense", "dense", units=8, activation="relu"), layer("BatchNormalization", "bn"),
                      layer("Dense", "dense_1", units=8, activation="relu"), layer("BatchNormalization", "bn_1"),
                      layer("Dense", "dense_2", units=1, activation="sigmoid"))


# -- twins as configs --------------------------------------------------------------------------------------
def test_batch_norm_twin_drops_every_batch_normalization_and_keeps_the_rest():
    rebuild = {"model": BN_MODEL, "layers": [], "input_shape": [None, 4]}
    twin, removed = tech.twin_without(rebuild, tech.is_batch_norm)
    assert removed == ("bn: BatchNormalization", "bn_1: BatchNormalization")
    assert [l["class_name"] for l in twin["model"]["config"]["layers"]] == ["InputLayer", "Dense", "Dense", "Dense"]
    assert len(rebuild["model"]["config"]["layers"]) == 6  # the request itself is untouched


def test_augmentation_twin_removes_a_nested_sequential_left_empty():
    augment = sequential(layer("RandomFlip", "flip"), layer("RandomRotation", "rot", factor=0.1), name="augment")
    model = sequential(layer("InputLayer", "in", batch_shape=[None, 8, 8, 3]), augment,
                       layer("Rescaling", "rescale", scale=1 / 255), layer("Conv2D", "conv", filters=4),
                       layer("Flatten", "flat"), layer("Dense", "out", units=10))
    twin, removed = tech.twin_without({"model": model}, tech.is_augmentation)
    assert removed == ("flip: RandomFlip", "rot: RandomRotation")
    assert [l["class_name"] for l in twin["model"]["config"]["layers"]] == [
        "InputLayer", "Rescaling", "Conv2D", "Flatten", "Dense"]


def test_the_layers_form_and_a_model_without_the_technique():
    rebuild = {"model": None, "layers": [layer("Dense", "d", units=2), layer("BatchNormalization", "bn")]}
    twin, removed = tech.twin_without(rebuild, tech.is_batch_norm)
    assert removed == ("bn: BatchNormalization",) and [l["class_name"] for l in twin["layers"]] == ["Dense"]
    assert tech.twin_without({"model": BN_MODEL}, tech.is_augmentation)[1] == ()


def test_in_a_functional_graph_a_dropped_layer_becomes_an_identity_of_the_same_name():
    wired = lambda cls, name, source: dict(layer(cls, name), name=name, inbound_nodes=[{"args": [source]}])
    functional = {"module": "keras", "class_name": "Functional",
                  "config": {"name": "f", "layers": [wired("Dense", "d", "in"), wired("BatchNormalization", "bn", "d"),
                                                     wired("Dense", "out", "bn")], "output_layers": [["out", 0, 0]]}}
    twin, removed = tech.twin_without({"model": functional}, tech.is_batch_norm)
    assert removed == ("bn: BatchNormalization",)
    graph = twin["model"]["config"]["layers"]
    assert [l["class_name"] for l in graph] == ["Dense", "Identity", "Dense"]
    assert graph[1]["name"] == graph[1]["config"]["name"] == "bn"
    assert graph[1]["inbound_nodes"] == [{"args": ["d"], "kwargs": {}}]  # BatchNormalization's keywords are not its
    assert graph[2] == functional["config"]["layers"][2]  # what reads from it is untouched
    assert functional["config"]["layers"][1]["class_name"] == "BatchNormalization"  # the request itself too
    assert tech.twin_without({"model": functional}, tech.is_augmentation)[1] == ()  # nothing to take out


def test_a_technique_inside_a_model_whose_config_lists_no_layers_is_not_comparable():
    subclassed = {"module": None, "class_name": "MyModel", "config": {"name": "m", "inner": layer("BatchNormalization", "bn")}}
    with pytest.raises(tech.NotComparable):
        tech.twin_without({"model": subclassed}, tech.is_batch_norm)


# -- early stopping, replayed as Keras' EarlyStopping.on_epoch_end does it -------------------------------------
VAL = (1.0, 0.8, 0.6, 0.5, 0.55, 0.56, 0.57, 0.58, 0.59, 0.6)


def test_replay_stops_after_patience_epochs_without_improvement():
    assert tech.replay_early_stopping(VAL, patience=3) == (7, 7)  # best at epoch 4; epochs 5, 6, 7 wait
    assert tech.replay_early_stopping(VAL, patience=3, restore_best=True) == (7, 4)
    assert tech.replay_early_stopping(VAL, patience=20) == (None, 10)
    assert tech.replay_early_stopping(VAL, patience=20, restore_best=True) == (None, 4)  # Keras restores at the end


def test_replay_min_delta_start_and_mode():
    slow = (1.0, 0.99, 0.98, 0.97, 0.96)
    assert tech.replay_early_stopping(slow, patience=2) == (None, 5)
    assert tech.replay_early_stopping(slow, patience=2, min_delta=0.05) == (3, 3)  # 0.99 and 0.98 do not count
    assert tech.replay_early_stopping(VAL, patience=1, start_from_epoch=5) == (7, 7)
    assert tech.replay_early_stopping((0.5, 0.7, 0.6, 0.6), patience=2, mode="max") == (4, 4)


def test_replay_agrees_with_keras_early_stopping():
    keras = pytest.importorskip("keras")
    for patience, restore, min_delta in ((3, False, 0.0), (2, True, 0.0), (1, True, 0.02), (30, True, 0.0)):
        callback = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience, min_delta=min_delta,
                                                 restore_best_weights=restore)

        class Model:
            stop_training = False
            weights = None

            def get_weights(self):
                return self.epoch

            def set_weights(self, w):
                self.weights = w

        model = Model()
        callback.set_model(model)
        callback.on_train_begin()
        ran = 0
        for epoch, value in enumerate(VAL):
            model.epoch = epoch
            callback.on_epoch_end(epoch, {"val_loss": value})
            ran = epoch + 1
            if model.stop_training:
                break
        callback.on_train_end()
        kept = model.weights + 1 if model.weights is not None else ran
        stopped = ran if model.stop_training else None
        assert tech.replay_early_stopping(VAL, patience, min_delta, restore) == (stopped, kept), (patience, restore)


def test_stopping_rule_from_the_recorded_callback():
    callback = CallbackSpec("EarlyStopping", monitor="val_loss", patience=5, restore_best_weights=True,
                            settings=(("min_delta", 0.001), ("mode", "auto")))
    rule = tech.stopping_rule(callback)
    assert rule == {"monitor": "val_loss", "patience": 5, "min_delta": 0.001, "restore_best": True,
                    "start_from_epoch": 0, "mode": "min"}
    assert tech.stopping_described(rule) == \
        "EarlyStopping(monitor='val_loss', patience=5, min_delta=0.001, restore_best_weights=True)"
    model = ModelSpec(kind="sequential", class_name="Sequential", name="m", selected_by="fit", layers=(),
                      fit_calls=(FitCall(epochs_requested=100, epochs_run=2, callbacks=(callback,)),))
    assert tech.stopping_callback(model) is callback


# -- verdicts ----------------------------------------------------------------------------------------------
def curves(loss, val) -> InsightCurves:
    return InsightCurves(loss=tuple(loss), val_loss=tuple(val), gap=None)


def test_batch_norm_verdicts_compare_epochs_to_the_common_training_loss():
    quick = curves([0.6, 0.3, 0.2, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1], [0.5] * 10)
    slow = curves([0.6, 0.5, 0.4, 0.35, 0.3, 0.25, 0.2, 0.15, 0.12, 0.1], [0.6] * 10)
    kind, measures = tech.batch_norm_measures(quick, slow)
    assert kind == "faster" and dict(measures)["epochs_model"] == 4 and dict(measures)["epochs_twin"] == 10
    assert dict(measures)["val_loss"] == 0.5 and dict(measures)["twin_val_loss"] == 0.6
    assert tech.batch_norm_measures(slow, quick)[0] == "slower"
    assert tech.batch_norm_measures(quick, quick)[0] == "same_speed"


def test_early_stopping_verdicts():
    rule = {"monitor": "val_loss", "patience": 3, "min_delta": 0.0, "restore_best": True, "start_from_epoch": 0,
            "mode": "min"}
    kind, measures = tech.early_stopping_measures(curves([0.1] * 10, VAL), rule)
    assert kind == "helped" and dict(measures) == {"stopped_epoch": 7, "kept_epoch": 4, "val_kept": 0.5,
                                                    "val_end": 0.6, "best_val": 0.5, "watched": "val_loss"}
    flat = (1.0, 0.5, 0.505, 0.505, 0.505, 0.505)
    assert tech.early_stopping_measures(curves([0.1] * 6, flat), rule)[0] == "no_gain"
    assert tech.early_stopping_measures(curves([0.1] * 3, (0.3, 0.2, 0.1)), rule)[0] == "not_stopped"


def test_an_accuracy_monitor_is_replayed_on_the_validation_accuracy_highest_first():
    callback = CallbackSpec(class_name="EarlyStopping", monitor="val_accuracy", patience=2)
    rule = tech.stopping_rule(callback)
    assert rule["mode"] == "max"  # Keras' "auto" for an accuracy
    assert tech.stopping_rule(CallbackSpec(class_name="EarlyStopping", monitor="val_acc", patience=2,
                                           settings=(("mode", "min"),)))["mode"] == "min"  # as given
    # the accuracy peaks at epoch 3 and then falls: stops after epoch 5, keeps 5 (no restore)
    model = InsightCurves(loss=(0.1,) * 8, val_loss=(0.9, 0.7, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75), gap=None,
                          val_accuracy=(0.5, 0.6, 0.8, 0.7, 0.7, 0.7, 0.6, 0.6))
    kind, measures = tech.early_stopping_measures(model, rule)
    assert dict(measures)["stopped_epoch"] == 5 and dict(measures)["kept_epoch"] == 5
    assert dict(measures)["val_kept"] == 0.6 and dict(measures)["val_end"] == 0.75 and kind == "helped"
    assert dict(measures)["watched"] == "val_accuracy"
    # replayed on the validation loss instead it would never stop (patience 2 on a curve that rises from epoch 4)
    assert dict(tech.early_stopping_measures(model, dict(rule, monitor="val_loss", mode="min"))[1])["stopped_epoch"] == 5
    no_accuracy = InsightCurves(loss=(0.1,) * 8, val_loss=model.val_loss, gap=None)
    assert tech.early_stopping_measures(no_accuracy, rule)[0] == "skipped"  # not measured: never guessed


def test_the_watched_quantity_is_worded_and_survives_result_json(tmp_path):
    insight = Insight(verdict="not_stopped", model=InsightCurves(loss=(0.1,) * 3, val_loss=(0.3, 0.2, 0.1), gap=None,
                                                                 val_accuracy=(0.5, 0.6, 0.7)),
                      removed=("EarlyStopping(monitor='val_accuracy', patience=3)",), epochs=3, compare="early_stopping",
                      measures=(("stopped_epoch", 0), ("kept_epoch", 3), ("val_kept", 0.1), ("val_end", 0.1),
                                ("best_val", 0.1), ("watched", "val_accuracy")))
    back = ins.insight_from_dict(ins.insight_to_dict(insight))
    assert dict(back.measures)["watched"] == "val_accuracy" and back.model.val_accuracy == (0.5, 0.6, 0.7)
    for lang, words in (("en", "validation accuracy"), ("es", "exactitud (accuracy) de validación")):
        key, params = ins.message(back)
        assert words in translate(key, lang, params)
    forged = dict(ins.insight_to_dict(insight), measures={"watched": "<script>"})
    assert "watched" not in dict(ins.insight_from_dict(forged).measures)


def reply(model, twin=None) -> dict:
    out = {"model": {"loss": list(model.loss), "val_loss": list(model.val_loss)}, "train_samples": 30,
           "val_samples": 10, "batch_size": 32, "elapsed_s": 0.5}
    if twin is not None:
        out["twin"] = {"loss": list(twin.loss), "val_loss": list(twin.val_loss)}
    return out


def result_with(insight: Insight, lang: str) -> GradeResult:
    return GradeResult(id="s", assignment="a", source="s.py", sha256="0", status="graded", error=None, score=10,
                       max_score=10, checks=(), model=None, training=None, lang=lang, elapsed_s=1.0, insight=insight)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_each_technique_reads_its_reply_and_words_it(lang):
    rule = tech.stopping_rule(CallbackSpec("EarlyStopping", monitor="val_loss", patience=3))
    stopped = ins.insight_from_reply(reply(curves([0.1] * 10, VAL)), ("EarlyStopping(monitor='val_loss', patience=3)",),
                                     "student", "early_stopping", rule)
    assert stopped.verdict == "helped" and stopped.twin is None and dict(stopped.measures)["stopped_epoch"] == 7
    quick = curves([0.6, 0.3, 0.2, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1], [0.5] * 10)
    slow = curves([0.6, 0.5, 0.4, 0.35, 0.3, 0.25, 0.2, 0.15, 0.12, 0.1], [0.6] * 10)
    bn = ins.insight_from_reply(reply(quick, slow), ("bn: BatchNormalization",), "student", "batch_norm")
    assert bn.verdict == "faster" and bn.compare == "batch_norm"
    aug = ins.insight_from_reply(reply(curves([0.1] * 10, [0.2] * 10), curves([0.1] * 10, [0.5] * 10)),
                                 ("flip: RandomFlip",), "assignment", "augmentation")
    assert aug.verdict == "reduced" and aug.reduction == pytest.approx(0.3)
    for insight, words in ((stopped, ("7", "0.570", "0.600")), (bn, ("4", "10")), (aug, ("0.300",))):
        view = insight_view(result_with(insight, lang))
        assert not view["sentence"].startswith("insight.") and all(w in view["sentence"] for w in words)
        assert view["title"] == translate(f"insight.{insight.compare}.title", lang)
        assert view["setup"] and view["chart"] is not None and view["gaps"]
        assert all(not g["label"].startswith("insight.") for g in view["gaps"])
        back = ins.insight_from_dict(ins.insight_to_dict(insight))
        assert back.compare == insight.compare and back.verdict == insight.verdict
        assert dict(back.measures) == pytest.approx(dict(insight.measures))


@pytest.mark.parametrize("lang", ["es", "en"])
def test_nothing_to_compare_and_skipped_are_worded_per_technique(lang):
    flow = ModelSpec(kind="sequential", class_name="Sequential", name="m", selected_by="fit", layers=(),
                     fit_calls=(FitCall(epochs_requested=5, epochs_run=2, generator=FlowSpec(generator=0)),))
    by_flow = ins.nothing_to_compare("augmentation", flow)
    assert (by_flow.verdict, by_flow.reason) == ("no_technique", "by_flow")
    assert "ImageDataGenerator" in insight_view(result_with(by_flow, lang))["sentence"]
    for compare in ("batch_norm", "early_stopping"):
        none = insight_view(result_with(ins.nothing_to_compare(compare, None), lang))["sentence"]
        assert not none.startswith("insight.")
    technique = translate("insight.technique.early_stopping", lang)
    for reason in ("failed", "timeout", "too_large", "not_trained", "functional", "monitor", "monitor_not_logged",
                   "no_data"):
        sentence = insight_view(result_with(ins.skipped(reason, "x", compare="early_stopping"), lang))["sentence"]
        assert technique in sentence, reason


def test_regularization_result_json_is_unchanged():
    insight = ins.insight_from_reply(reply(curves([0.1] * 10, [0.2] * 10), curves([0.1] * 10, [0.5] * 10)),
                                     ("dense: kernel L2(0.01)",), "student")
    out = ins.insight_to_dict(insight)
    assert "compare" not in out and "measures" not in out and insight.compare == "regularization"
    assert ins.message(insight)[0] == "insight.verdict.reduced"


def test_insight_request_per_technique():
    rebuild = {"model": BN_MODEL, "layers": [], "input_shape": [None, 4]}
    sample = {"x": "X", "y": "Y"}
    settings = {"compare": "batch_norm", "epochs": 10}
    request, removed, data = ins.insight_request(rebuild, settings, None, sample)
    assert len(removed) == 2 and request["twin"] is not None and "compare" not in request["settings"]
    request, removed, _ = ins.insight_request(rebuild, {"compare": "early_stopping"}, None, sample)
    assert request["twin"] is None and removed == ()  # no model, no callback: nothing to replay


# -- an ImageDataGenerator's settings: recorded, bounded, replayed -----------------------------------------------
COURSE_GENERATOR = ag_state.new(ag_state.GeneratorSettings, rotation_range=20.0, width_shift_range=0.2,
                                height_shift_range=0.2, zoom_range=[1.0, 1.0], horizontal_flip=True,
                                fill_mode="nearest")


def flow_model(rebuild_settings: dict | None) -> ModelSpec:
    """A model whose only fit was fed by a flow, its recorded settings read as spec.py reads the state."""
    raw = ag_state.new(ag_state.Flow, generator=0, transforms=["rotation"], rebuild=rebuild_settings)
    return ModelSpec(kind="sequential", class_name="Sequential", name="m", selected_by="fit", layers=(),
                     fit_calls=(FitCall(epochs_requested=5, epochs_run=2,
                                        generator=spec_mod.flow(ag_state.conform(raw, ag_state.Flow))),))


def test_replay_settings_keep_the_known_bounded_plain_settings_that_change_something():
    assert ag_augment.replay_settings(COURSE_GENERATOR) == {
        "rotation_range": 20.0, "width_shift_range": 0.2, "height_shift_range": 0.2, "horizontal_flip": True}
    kept = ag_augment.replay_settings({"width_shift_range": 4, "zoom_range": [0.9, 1.1], "fill_mode": "reflect",
                                       "brightness_range": (0.8, 1.2), "rescale": 1 / 255, "vertical_flip": True})
    assert kept == {"width_shift_range": 4, "zoom_range": [0.9, 1.1], "brightness_range": [0.8, 1.2],
                    "rescale": 1 / 255, "vertical_flip": True, "fill_mode": "reflect"}
    assert isinstance(kept["width_shift_range"], int)  # whole pixels stay whole pixels


def test_hostile_generator_settings_are_dropped_never_passed_on():
    hostile = {"preprocessing_function": "os.system", "featurewise_center": True, "__class__": "x", "cval": 1,
               "rotation_range": "20", "width_shift_range": True, "height_shift_range": float("nan"),
               "shear_range": float("inf"), "zoom_range": [1.2, 0.8], "brightness_range": [0.5, "x"],
               "channel_shift_range": -3.0, "rescale": 1e9, "horizontal_flip": 1, "vertical_flip": "yes",
               "fill_mode": "__import__", "dtype": "object"}
    assert ag_augment.replay_settings(hostile) == {}
    assert ag_augment.replay_settings(["rotation_range", 20]) == {} and ag_augment.replay_settings(None) == {}
    assert ag_augment.replay_settings({"rotation_range": 1e6, "zoom_range": [0.9, 1.1, 1.3]}) == {}
    # through the state's schema and spec.py, what the grader reads: the same, and never an unknown key
    state = ag_state.conform({"generator": 0, "rebuild": dict(hostile, rotation_range=15)}, ag_state.Flow)
    assert set(state["rebuild"]) == set(ag_state.new(ag_state.GeneratorSettings))
    assert spec_mod.flow(state).settings == (("rotation_range", 15.0),)
    assert flow_model(hostile).fit_calls[0].generator.settings == ()
    assert tech.flow_settings(flow_model(hostile)) is None


def test_the_replayed_generator_receives_only_whitelisted_keywords(monkeypatch):
    pytest.importorskip("keras")
    from keras.src.legacy.preprocessing import image

    received = []
    monkeypatch.setattr(image, "ImageDataGenerator", lambda **kwargs: received.append(kwargs))
    ag_augment.generator({"rotation_range": 10, "preprocessing_function": print, "featurewise_center": True,
                          "horizontal_flip": True, "rescale": "1/255"})
    assert received == [{"rotation_range": 10.0, "horizontal_flip": True}]


def test_a_flow_fed_model_is_compared_with_itself_on_the_rows():
    rebuild = {"model": sequential(layer("InputLayer", "in", batch_shape=[None, 8, 8, 3]),
                                   layer("Flatten", "flat"), layer("Dense", "out", units=2)),
               "layers": [], "input_shape": [None, 8, 8, 3]}
    model = flow_model(COURSE_GENERATOR)
    request, removed, data = ins.insight_request(rebuild, {"compare": "augmentation"}, None, {"x": "X", "y": "Y"},
                                                 model)
    assert removed == ("ImageDataGenerator(rotation_range=20, width_shift_range=0.2, height_shift_range=0.2, "
                       "horizontal_flip=True)",)
    assert request["twin"] == rebuild and request["augment"] == ag_augment.replay_settings(COURSE_GENERATOR)
    assert data == "assignment"
    # only a rescale, or no recorded settings: nothing random to replay, said as before
    for settings in (ag_state.new(ag_state.GeneratorSettings, rescale=1 / 255), None):
        request, removed, _ = ins.insight_request(rebuild, {"compare": "augmentation"}, None, {"x": "X", "y": "Y"},
                                                  flow_model(settings))
        assert removed == () and "augment" not in request
        assert ins.nothing_to_compare("augmentation", flow_model(settings)).reason == "by_flow"
    # other techniques never replay a generator
    request, _, _ = ins.insight_request(rebuild, {"compare": "batch_norm"}, None, {"x": "X", "y": "Y"}, model)
    assert "augment" not in request


def test_the_sandbox_records_the_generator_settings_as_plain_values():
    pytest.importorskip("keras")
    import numpy as np
    from keras.src.legacy.preprocessing.image import ImageDataGenerator

    import ag_evidence

    generator = ImageDataGenerator(rotation_range=20, width_shift_range=0.2, height_shift_range=3, zoom_range=0.1,
                                   horizontal_flip=True, rescale=1 / 255, preprocessing_function=lambda x: x)
    generator.shear_range = np.float32(0.5)  # a NumPy scalar is read as a number
    generator.channel_shift_range = [1, 2, 3]  # an array: not described
    recorded = ag_evidence.rebuild_settings(generator)
    assert recorded == ag_state.conform(recorded, ag_state.GeneratorSettings)
    assert recorded["height_shift_range"] == 3 and isinstance(recorded["height_shift_range"], int)
    assert recorded["zoom_range"] == pytest.approx([0.9, 1.1]) and recorded["shear_range"] == 0.5
    assert recorded["channel_shift_range"] is None and recorded["rescale"] == pytest.approx(1 / 255)
    assert "preprocessing_function" not in recorded


def test_each_epoch_draws_the_rows_anew_and_a_run_replays_exactly():
    pytest.importorskip("keras")
    import numpy as np

    x = np.random.default_rng(0).random((6, 8, 8, 3)).astype("float32")
    settings = {"rotation_range": 20.0, "horizontal_flip": True, "rescale": 0.5}
    first = ag_augment.Epochs(settings, x, seed=3).take(3)
    assert first.shape == (3, 6, 8, 8, 3) and first.dtype == np.float32
    assert not np.allclose(first[0], first[1])
    assert np.array_equal(first, ag_augment.Epochs(settings, x, seed=3).take(3))
    assert first.max() <= 0.5 + 1e-6  # the generator's rescale, applied after its transforms
    flat = ag_augment.Epochs(settings, x.reshape(6, -1), seed=3, image_shape=(8, 8, 3)).take(3)
    assert np.array_equal(flat, first.reshape(3, 6, -1))  # a model of flat rows: transformed as images


def test_the_model_fed_its_own_rows_trains_beside_its_copy_in_one_trace():
    keras = pytest.importorskip("keras")
    import numpy as np
    import tensorflow as tf

    import ag_graphfit

    keras.utils.set_random_seed(0)

    def build():
        return keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Flatten(), keras.layers.Dense(3)])

    model, copy_ = build(), build()
    copy_.set_weights(model.get_weights())
    trainer = ag_graphfit.Trainer(tf, [model, copy_], [keras.optimizers.Adam(), keras.optimizers.Adam()],
                                  keras.losses.MeanSquaredError(), 0, augmented=True)
    x = np.random.default_rng(1).random((8, 4, 4, 1)).astype("float32")
    y = np.random.default_rng(2).random((8, 3)).astype("float32")
    same = trainer.epochs(x, y, x[:2], y[:2], 3, 4, None, np.stack([x] * 3))
    assert np.allclose(same[:, 0], same[:, 1], equal_nan=True)  # the same rows: the same curves
    trainer.reset()
    flipped = trainer.epochs(x, y, x[:2], y[:2], 3, 4, None, np.stack([x[:, ::-1]] * 3))
    assert not np.allclose(flipped[:, 0, ag_graphfit.FIT_LOSS], flipped[:, 1, ag_graphfit.FIT_LOSS])
    assert np.allclose(flipped[:, 1], same[:, 1], equal_nan=True)  # the copy never sees the other rows
    trainer.fit(x, y, 2, 4, 0.25)  # the brief training, without rows of its own, takes the same trace
    assert len(trainer.traces) == 1


# -- [insight] validated with the file ----------------------------------------------------------------------
def copy_assignment(tmp_path: Path, name: str, insight_table: str) -> Path:
    folder = tmp_path / name
    shutil.copytree(ASSIGNMENTS_DIR / name, folder)
    toml = folder / "assignment.toml"
    text = toml.read_text()
    start = text.index("[insight]")
    end = text.index("\n[", start + 1) if "\n[" in text[start + 1:] else len(text)
    toml.write_text(text[:start] + insight_table + text[end:])
    return folder


@pytest.mark.parametrize("table, where, expected", [
    ('[insight]\ncompare = "dropout"\n', "[insight], key compare", '"regularization", "batch_norm"'),
    ('[insight]\nepochs = 0\n', "[insight], key epochs", "at least 1"),
    ('[insight]\nenabled = "yes"\n', "[insight], key enabled", "true or false"),
    ('[insight]\nepoch = 10\n', "[insight], key epoch", "one of the keys"),
    ('[insight]\nvalidation_share = 1\n', "[insight], key validation_share", "between 0 and 1"),
])
def test_a_bad_insight_table_is_refused_with_file_table_key_and_expectation(tmp_path, table, where, expected):
    folder = copy_assignment(tmp_path, "batch-norm", table)
    with pytest.raises(AssignmentError) as info:
        load_assignment(folder)
    assert str(folder / "assignment.toml") in str(info.value) and where in str(info.value)
    assert expected in str(info.value)


def test_the_shipped_assignments_compare_what_they_teach():
    compares = {name: load_assignment(name).insight for name in
                ("l2-dropout", "early-stopping", "batch-norm", "data-augmentation", "transfer-learning")}
    assert "compare" not in compares["l2-dropout"] and ins.compare_of(compares["l2-dropout"]) == "regularization"
    assert {n: ins.compare_of(c) for n, c in compares.items() if c.get("enabled")} == {
        "l2-dropout": "regularization", "early-stopping": "early_stopping", "batch-norm": "batch_norm",
        "data-augmentation": "augmentation"}
    assert compares["transfer-learning"]["enabled"] is False


def test_cli_refuses_a_bad_compare_with_exit_2(tmp_path):
    folder = copy_assignment(tmp_path, "early-stopping", '[insight]\ncompare = "early-stopping"\n')
    sub = tmp_path / "s.py"
    sub.write_text("x = 1\n")
    proc = run_cli("grade", str(sub), "--assignment", str(folder), "--out", str(tmp_path / "out"), timeout=120)
    assert proc.returncode == 2
    assert "[insight], key compare" in proc.stderr and "early-stopping" in proc.stderr


# -- the twin in the sandbox's trainer, with real Keras ----------------------------------------------------
def test_a_twin_with_fewer_layers_starts_from_the_models_weights():
    keras = pytest.importorskip("keras")
    import ag_insight
    import ag_trainer

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu", name="dense"),
                              keras.layers.BatchNormalization(name="bn"), keras.layers.Dense(1, name="out")])
    rebuild = {"model": keras.saving.serialize_keras_object(model), "layers": [], "input_shape": [None, 4]}
    twin_config, removed = tech.twin_without(rebuild, tech.is_batch_norm)
    assert removed == ("bn: BatchNormalization",)
    built = ag_trainer.rebuild_model(keras, rebuild)
    twin = ag_insight.twin_of(keras, twin_config, built, 0, ag_trainer.rebuild_model)
    assert [l.name for l in twin.layers] == ["dense", "out"]
    for name in ("dense", "out"):
        for mine, theirs in zip(built.get_layer(name).get_weights(), twin.get_layer(name).get_weights()):
            assert (mine == theirs).all()


def test_functional_twins_rebuild_in_the_trainer_with_the_models_weights():
    """keras.io's "Image classification from scratch" shape: augmentation layers and a nested augmentation
    Sequential applied to the Input, BatchNormalization in the graph; each twin rebuilds (safe_mode) and
    starts from the model's weights."""
    keras = pytest.importorskip("keras")
    import numpy as np
    import ag_insight
    import ag_trainer

    layers = keras.layers
    keras.utils.set_random_seed(0)
    inputs = keras.Input((8, 8, 3))
    x = layers.RandomFlip("horizontal", name="flip")(inputs)
    x = keras.Sequential([layers.RandomRotation(0.1, name="rot"), layers.RandomZoom(0.1, name="zoom")], name="augment")(x)
    x = layers.Conv2D(4, 3, name="conv")(x)
    x = layers.BatchNormalization(name="bn")(x)
    x = layers.Activation("relu", name="act")(x)
    x = layers.GlobalAveragePooling2D(name="pool")(x)
    model = keras.Model(inputs, layers.Dense(3, activation="softmax", name="out")(x))
    rebuild = {"model": keras.saving.serialize_keras_object(model), "layers": [], "input_shape": [None, 8, 8, 3]}
    built = ag_trainer.rebuild_model(keras, rebuild)
    images = np.random.default_rng(0).normal(size=(2, 8, 8, 3)).astype("float32")

    twin_config, removed = tech.twin_without(rebuild, tech.is_augmentation)
    assert removed == ("flip: RandomFlip", "rot: RandomRotation", "zoom: RandomZoom")
    twin = ag_insight.twin_of(keras, twin_config, built, 0, ag_trainer.rebuild_model)
    assert [type(l).__name__ for l in twin.layers[1:3]] == ["Identity", "Identity"]
    assert [l.name for l in twin.layers] == [l.name for l in built.layers]
    for name in ("conv", "bn", "out"):
        for mine, theirs in zip(built.get_layer(name).get_weights(), twin.get_layer(name).get_weights()):
            assert (mine == theirs).all()
    first = twin(images, training=True)  # (moves the twin's batch statistics: after the weights were compared)
    assert np.allclose(first, twin(images, training=True), atol=1e-5)  # nothing random left in it

    twin_config, removed = tech.twin_without(rebuild, tech.is_batch_norm)
    assert removed == ("bn: BatchNormalization",)
    twin = ag_insight.twin_of(keras, twin_config, built, 0, ag_trainer.rebuild_model)
    assert type(twin.get_layer("bn")).__name__ == "Identity" and not twin.get_layer("bn").weights
    assert len(twin.weights) == len(built.weights) - 4  # gamma, beta, moving mean and variance gone
    for name in ("conv", "out"):
        for mine, theirs in zip(built.get_layer(name).get_weights(), twin.get_layer(name).get_weights()):
            assert (mine == theirs).all()


# -- the course examples through the real CLI ------------------------------------------------------------------
# tests/test_unit_assignments.py grades every fixture of each assignment through the CLI once and hands its
# results here (one run serves both: the verdicts there, the comparison here).
COURSE = {"early-stopping": ("course_example", "restore_best"), "batch-norm": ("course_example",),
          "data-augmentation": ("course_example", "random_layers", "functional_tutorial")}


def assert_course_examples_report_whether_the_technique_helps(assignment: str, results: dict, out: Path) -> None:
    for name in COURSE[assignment]:
        result = results[name]
        assert result["score"] == result["max_score"] == 10.0  # feedback only
        report = (out / name / "report.md").read_text()
        assert translate(f"insight.{ins.compare_of(load_assignment(assignment).insight)}.title", "es") in report
    insight = results["course_example"]["insight"]
    if assignment == "early-stopping":
        assert insight["compare"] == "early_stopping" and insight["twin"] is None
        assert insight["removed"] == ["EarlyStopping(monitor='val_loss', patience=5)"]
        assert insight["verdict"] in ("helped", "no_gain", "not_stopped") and insight["epochs"] == 150
        m = insight["measures"]
        assert m["val_kept"] == pytest.approx(insight["model"]["val_loss"][m["kept_epoch"] - 1])
        assert m["val_end"] == pytest.approx(insight["model"]["val_loss"][-1])
        assert 0 < m["stopped_epoch"] < 150  # patience 5 on this data stops well before the budget's end
        accuracy = results["restore_best"]["insight"]  # EarlyStopping(monitor="val_accuracy", restore_best_weights)
        assert accuracy["verdict"] in ("helped", "no_gain", "not_stopped") and accuracy["measures"]["watched"] == \
            "val_accuracy"
        watched = accuracy["model"]["val_accuracy"]
        assert len(watched) == accuracy["epochs"] and all(0.0 <= v <= 1.0 for v in watched)
        if accuracy["measures"]["stopped_epoch"]:  # restored: the weights of the best accuracy before the stop
            kept = accuracy["measures"]["kept_epoch"]
            assert watched[kept - 1] == max(watched[:accuracy["measures"]["stopped_epoch"]])
        assert "validation accuracy" in (out / "restore_best" / "report.md").read_text() or \
            "exactitud (accuracy) de validación" in (out / "restore_best" / "report.md").read_text()
    elif assignment == "batch-norm":
        assert insight["compare"] == "batch_norm" and insight["verdict"] in ("faster", "slower", "same_speed")
        assert insight["removed"] == ["batch_normalization: BatchNormalization",
                                      "batch_normalization_1: BatchNormalization"]
        assert len(insight["model"]["loss"]) == len(insight["twin"]["loss"]) == 60
        assert {"epochs_model", "epochs_twin", "val_loss", "twin_val_loss"} <= set(insight["measures"])
    else:  # the course example's ImageDataGenerator replayed: the model on its flow, beside itself on the rows
        assert insight["compare"] == "augmentation" and insight["verdict"] in ("reduced", "not_reduced", "no_overfit")
        assert insight["removed"] == ["ImageDataGenerator(rotation_range=20, width_shift_range=0.2, "
                                      "height_shift_range=0.2, horizontal_flip=True)"]
        assert insight["epochs"] == 15 and insight["twin_gap"] is not None and insight["gap"] is not None
        layers = results["random_layers"]["insight"]
        assert layers["compare"] == "augmentation" and layers["verdict"] in ("reduced", "not_reduced", "no_overfit")
        assert [r.split(": ")[1] for r in layers["removed"]] == ["RandomFlip", "RandomRotation", "RandomZoom"]
        assert layers["twin"] is not None and layers["twin_gap"] is not None
        functional = results["functional_tutorial"]["insight"]  # keras.io's Functional tutorial: Identity twins
        assert functional["verdict"] in ("reduced", "not_reduced", "no_overfit") and functional["twin"] is not None
        assert [r.split(": ")[1] for r in functional["removed"]] == ["RandomFlip", "RandomRotation"]


def test_an_accuracy_monitor_counts_only_when_compile_logs_that_metric():
    """Keras logs ``val_<name>`` for a compiled metric ``name`` only; an EarlyStopping on anything else never stops
    (Keras warns and goes on), so the insight does not pretend to replay it."""
    from dataclasses import replace as with_

    from autograder.grading import logs_metric
    from autograder.types import CompileSpec
    from tests.checks.factory import model

    spec = model()
    compiled = lambda *metrics: with_(spec, compile=CompileSpec(optimizer="Adam", loss="binary_crossentropy",
                                                                metrics=metrics))
    assert logs_metric(compiled("accuracy"), "val_accuracy") and not logs_metric(compiled("accuracy"), "val_acc")
    assert logs_metric(compiled("acc"), "val_acc") and not logs_metric(compiled(), "val_accuracy")
    assert logs_metric(compiled(), "val_loss") and logs_metric(compiled(), "loss")
    assert not logs_metric(with_(spec, compile=None), "val_accuracy")
