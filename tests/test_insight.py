"""The regularization insight as plain data: the twin's config, the gaps, the verdict and its sentence,
result.json's round trip, the views, and the bounded sample that carries the student's data (no Keras)."""
from __future__ import annotations

import base64
import io
import json
import os
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from autograder import insight as ins
from autograder.i18n import catalog, translate
from autograder.integrations.result_file import result_from_dict
from autograder.render import render_html, render_markdown, render_summary_markdown
from autograder.render.insight_view import class_insight, insight_view, student_fit_view
from autograder.render.result_json import result_to_dict
from autograder.types import FitCall, FitData, GradeResult, Insight, InsightCurves, SourceLocation
from tests.checks.factory import model

INNER = Path(__file__).resolve().parent.parent / "autograder" / "sandbox" / "inner"
sys.path.insert(0, str(INNER))
import ag_sample  # noqa: E402


def l2(value):
    return {"module": "keras.regularizers", "class_name": "L2", "config": {"l2": value}, "registered_name": None}


def layer(class_name, **config):
    return {"module": "keras.layers", "class_name": class_name, "config": {"name": config.pop("name"), **config},
            "registered_name": None}


def sequential(*layers):
    return {"model": {"module": "keras", "class_name": "Sequential", "config": {"name": "seq", "layers": list(layers)}},
            "layers": [], "input_shape": [None, 30], "optimizer": None, "loss": "binary_crossentropy"}


REFERENCE = sequential(
    layer("InputLayer", name="input_layer", batch_shape=[None, 30]),
    layer("Dense", name="dense", units=64, activation="relu", kernel_regularizer=l2(0.01), bias_regularizer=None),
    layer("Dropout", name="dropout", rate=0.5),
    layer("Dense", name="dense_1", units=64, activation="relu", kernel_regularizer=l2(0.01)),
    layer("Dropout", name="dropout_1", rate=0.5),
    layer("Dense", name="dense_2", units=1, activation="sigmoid", kernel_regularizer=None),
)


# -- the twin ----------------------------------------------------------------------------------------

def test_twin_has_the_same_layers_without_l2_and_with_dropout_zero():
    twin, removed = ins.twin_rebuild(REFERENCE)
    layers = twin["model"]["config"]["layers"]
    assert [l["class_name"] for l in layers] == [l["class_name"] for l in REFERENCE["model"]["config"]["layers"]]
    assert [l["config"].get("kernel_regularizer") for l in layers if l["class_name"] == "Dense"] == [None] * 3
    assert [l["config"]["rate"] for l in layers if l["class_name"] == "Dropout"] == [0.0, 0.0]
    assert [l["config"]["units"] for l in layers if l["class_name"] == "Dense"] == [64, 64, 1]
    assert removed == ("dense: kernel L2(0.01)", "dropout: Dropout rate 0.5", "dense_1: kernel L2(0.01)",
                       "dropout_1: Dropout rate 0.5")


def test_the_original_config_is_not_touched():
    before = json.dumps(REFERENCE, sort_keys=True)
    ins.twin_rebuild(REFERENCE)
    assert json.dumps(REFERENCE, sort_keys=True) == before


def test_l1l2_keeps_its_l1_term_and_l1_alone_is_left_as_it_is():
    both = {"module": "keras.regularizers", "class_name": "L1L2", "config": {"l1": 0.001, "l2": 0.01}}
    only_l1 = {"module": "keras.regularizers", "class_name": "L1", "config": {"l1": 0.01}}
    twin, removed = ins.twin_rebuild(sequential(layer("Dense", name="a", units=8, kernel_regularizer=both),
                                                layer("Dense", name="b", units=8, kernel_regularizer=only_l1)))
    a, b = twin["model"]["config"]["layers"]
    assert a["config"]["kernel_regularizer"]["config"] == {"l1": 0.001, "l2": 0.0}
    assert b["config"]["kernel_regularizer"] == only_l1
    assert removed == ("a: kernel L2(0.01)",)


def test_bias_and_activity_l2_are_removed_too():
    twin, removed = ins.twin_rebuild(sequential(layer("Dense", name="d", units=8, bias_regularizer=l2(0.1),
                                                      activity_regularizer=l2(0.2))))
    cfg = twin["model"]["config"]["layers"][0]["config"]
    assert cfg["bias_regularizer"] is None and cfg["activity_regularizer"] is None
    assert removed == ("d: bias L2(0.1)", "d: activity L2(0.2)")


def test_a_model_without_regularization_has_nothing_to_remove():
    _, removed = ins.twin_rebuild(sequential(layer("Dense", name="d", units=8, kernel_regularizer=None),
                                             layer("Dropout", name="x", rate=0.0)))
    assert removed == ()


def test_subclassed_models_are_rebuilt_from_their_layer_list():
    rebuild = {"model": None, "layers": [layer("Dense", name="d", units=8, kernel_regularizer=l2(0.01)),
                                         layer("SpatialDropout1D", name="s", rate=0.2)], "input_shape": [None, 30]}
    twin, removed = ins.twin_rebuild(rebuild)
    assert twin["layers"][0]["config"]["kernel_regularizer"] is None and twin["layers"][1]["config"]["rate"] == 0.0
    assert len(removed) == 2


def test_nested_models_are_walked():
    inner = {"module": "keras", "class_name": "Sequential",
             "config": {"name": "inner", "layers": [layer("Dense", name="d", units=4, kernel_regularizer=l2(0.5))]}}
    twin, removed = ins.twin_rebuild(sequential(inner))
    assert removed == ("d: kernel L2(0.5)",)
    assert twin["model"]["config"]["layers"][0]["config"]["layers"][0]["config"]["kernel_regularizer"] is None


# -- gaps and verdicts --------------------------------------------------------------------------------

def curves(train, val):
    return InsightCurves(loss=tuple(train), val_loss=tuple(val), gap=ins.final_gap(tuple(train), tuple(val)))


def test_the_final_gap_is_the_mean_over_the_last_tenth():
    train = [1.0] * 90 + [0.1] * 10
    val = [1.0] * 90 + [0.2, 0.3] * 5
    assert ins.final_gap(tuple(train), tuple(val)) == pytest.approx(0.15)
    assert ins.final_gap((0.5, 0.4), (0.7, 0.9)) == pytest.approx(0.5)  # at least one epoch
    assert ins.final_gap((), ()) is None
    assert ins.final_gap((0.1, float("nan")), (0.2, 0.3)) is None


@pytest.mark.parametrize("model_gap, twin_gap, expected", [
    (0.05, 0.15, "reduced"),
    (0.14, 0.15, "not_reduced"),     # closed less than a tenth of the twin's gap
    (0.20, 0.15, "not_reduced"),     # widened it
    (0.00, 0.01, "no_overfit"),      # the twin did not overfit: nothing to reduce
])
def test_verdicts(model_gap, twin_gap, expected):
    kind, reduction = ins.verdict(InsightCurves(gap=model_gap), InsightCurves(gap=twin_gap))
    assert kind == expected and reduction == pytest.approx(twin_gap - model_gap)


def test_no_twin_means_no_regularization():
    assert ins.verdict(InsightCurves(gap=0.1), None) == ("no_regularization", None)


def reply(model_curves, twin_curves=None, **extra):
    out = {"model": {"loss": list(model_curves[0]), "val_loss": list(model_curves[1])},
           "train_samples": 341, "val_samples": 114, "batch_size": 0, "elapsed_s": 1.5, **extra}
    if twin_curves:
        out["twin"] = {"loss": list(twin_curves[0]), "val_loss": list(twin_curves[1])}
    return out


def test_insight_from_a_reply_measures_both_models():
    r = ins.insight_from_reply(reply(([0.5, 0.3], [0.6, 0.35]), ([0.5, 0.1], [0.6, 0.3])), ("dense: kernel L2(0.01)",),
                               "student")
    assert (r.verdict, r.epochs, r.train_samples, r.data) == ("reduced", 2, 341, "student")
    assert r.model.gap == pytest.approx(0.05) and r.twin.gap == pytest.approx(0.2)
    assert r.reduction == pytest.approx(0.15)


def test_untrusted_replies_become_skipped_insights():
    assert ins.insight_from_reply(None, (), "assignment").reason == "failed"
    assert ins.insight_from_reply({"error": "boom"}, (), "assignment").error == "boom"
    assert ins.insight_from_reply({"error": "slow", "timeout": True}, (), "assignment").reason == "timeout"
    assert ins.insight_from_reply({"model": "nonsense"}, (), "assignment").verdict == "skipped"
    assert ins.insight_from_reply(reply(([1, 2], [1, 2])), ("a",), "assignment").reason == "failed"  # twin lost
    odd = ins.insight_from_reply(reply((["x", None], [1, 2]), ([1, 2], [1, 2])), ("a",), "assignment")
    assert odd.verdict == "skipped" and odd.reason == "not_finite"


def test_a_twin_sent_for_a_model_with_nothing_removed_is_ignored():
    r = ins.insight_from_reply(reply(([0.5, 0.3], [0.6, 0.5]), ([0.0, 0.0], [9.0, 9.0])), (), "assignment")
    assert r.verdict == "no_regularization" and r.twin is None


@pytest.mark.parametrize("insight, key", [
    (Insight("reduced", model=InsightCurves(gap=0.05), twin=InsightCurves(gap=0.15), reduction=0.1), "reduced"),
    (Insight("not_reduced", model=InsightCurves(gap=0.2), twin=InsightCurves(gap=0.15), reduction=-0.05), "increased"),
    (Insight("not_reduced", model=InsightCurves(gap=0.14), twin=InsightCurves(gap=0.15), reduction=0.01),
     "not_reduced"),
    (Insight("no_overfit", model=InsightCurves(gap=0.0), twin=InsightCurves(gap=0.01), reduction=0.01), "no_overfit"),
    (Insight("no_regularization", model=InsightCurves(gap=0.15)), "no_regularization"),
])
def test_each_verdict_has_an_honest_sentence_in_both_languages(insight, key):
    message_key, params = ins.message(insight)
    assert message_key == f"insight.verdict.{key}"
    for lang in ("es", "en"):
        text = translate(message_key, lang, params)
        assert "{" not in text and "?" not in text and f"{insight.model.gap:.3f}" in text


def test_the_reduced_sentence_gives_the_measured_numbers():
    insight = Insight("reduced", model=InsightCurves(gap=0.0547), twin=InsightCurves(gap=0.1550), reduction=0.1003)
    key, params = ins.message(insight)
    text = translate(key, "en", params)
    assert "0.055" in text and "0.155" in text and "0.100" in text and "65 %" in text


@pytest.mark.parametrize("reason", ["not_trained", "custom_layers", "no_data", "failed", "timeout", "not_finite"])
def test_each_skip_reason_is_said(reason):
    key, params = ins.message(ins.skipped(reason, "detail"))
    assert key == f"insight.skipped.{reason}"
    assert key in catalog("es") and key in catalog("en")


def test_sample_settings_follow_the_assignment():
    assert ins.sample_settings({}) is None
    assert ins.sample_settings({"enabled": False, "samples": 5}) is None
    assert ins.sample_settings({"samples": 100, "max_sample_kb": 8}) == {"rows": 100, "max_bytes": 8192}


def test_the_request_takes_the_students_sample_else_the_assignments():
    default = {"x": "DX", "y": "DY"}
    request, removed, data = ins.insight_request(REFERENCE, {"epochs": 7, "seed": 3}, {"x": "SX", "y": "SY"}, default)
    assert (request["x"], data, request["settings"]) == ("SX", "student", {"epochs": 7, "seed": 3})
    assert request["twin"] is not None and len(removed) == 4
    request, _, data = ins.insight_request(REFERENCE, {}, {"x": 3}, default)
    assert (request["x"], data) == ("DX", "assignment")
    plain = sequential(layer("Dense", name="d", units=1))
    assert ins.insight_request(plain, {}, None, default)[0]["twin"] is None


# -- result.json, reports, summary ---------------------------------------------------------------------

def graded(insight=None, fits=None, lang="es"):
    spec = replace(model(), global_names=("modelo",), fit_calls=fits if fits is not None else model().fit_calls)
    return GradeResult(id="alumna", assignment="l2-dropout", source="alumna.py", sha256="0" * 64, status="graded",
                       error=None, score=10.0, max_score=10.0, checks=(), model=spec, training=None, lang=lang,
                       elapsed_s=1.0, insight=insight)


MEASURED = ins.insight_from_reply(reply(([0.7, 0.4, 0.2], [0.7, 0.5, 0.3]), ([0.7, 0.3, 0.01], [0.7, 0.5, 0.4])),
                                  ("dense: kernel L2(0.01)", "dropout: Dropout rate 0.5"), "student")


def test_result_json_round_trip_keeps_the_insight():
    doc = json.loads(json.dumps(result_to_dict(graded(MEASURED))))
    assert doc["insight"]["verdict"] == "reduced" and doc["insight"]["twin_gap"] == pytest.approx(0.39)
    assert doc["insight"]["model"]["val_loss"] == [0.7, 0.5, 0.3]
    back = result_from_dict(doc).insight
    assert back.verdict == MEASURED.verdict and back.removed == MEASURED.removed
    assert back.model.loss == MEASURED.model.loss and back.twin.gap == pytest.approx(MEASURED.twin.gap)


def test_result_json_describes_the_students_own_training():
    fit = FitCall(epochs_requested=100, epochs_run=2, batch_size=32, has_validation_data=True, loss=(0.9, 0.8),
                  data=FitData(samples=450, features=(20,), source="own", sampled=450),
                  location=SourceLocation(file="own.py", line=23))
    doc = result_to_dict(graded(fits=(fit,)))
    st = doc["student_training"]
    assert st["fit_reached"] and (st["samples"], st["features"], st["data_source"]) == (450, [20], "own")
    assert (st["epochs_requested"], st["epochs_run"], st["batch_size"], st["loss"]) == (100, 2, 32, 0.8)
    assert st["location"] == {"file": "own.py", "line": 23}
    back = result_from_dict(json.loads(json.dumps(doc))).model
    assert back.fit_calls[0].data == fit.data and back.global_names == ("modelo",)
    assert result_to_dict(graded(fits=()))["student_training"] == {"fit_reached": False, "calls": 0,
                                                                   "names": ["modelo"]}


def test_student_fit_view_names_the_dataset_and_whose_data_it_was():
    fit = FitCall(epochs_requested=5, epochs_run=2, data=FitData(samples=60000, features=(28, 28), dataset="mnist",
                                                                  source="own"))
    lines = student_fit_view(graded(fits=(fit,), lang="en"))["lines"]
    assert "`mnist`" in lines[0] and "60000 samples of 28×28" in lines[0] and "own data" in lines[1]
    predefined = FitCall(epochs_requested=50, epochs_run=2, data=FitData(samples=455, features=(30,),
                                                                         source="predefined"))
    assert "predefinidos" in student_fit_view(graded(fits=(predefined,)))["lines"][1]
    failed = FitCall(epochs_requested=150, epochs_run=0, called=False, error="NameError: name 'X' is not defined")
    assert "NameError" in student_fit_view(graded(fits=(failed,)))["error"]
    assert student_fit_view(graded(fits=()))["lines"] == [translate("student_fit.none", "es")]


def test_insight_view_and_chart_show_four_curves_with_distinct_dashes_and_markers():
    view = insight_view(graded(MEASURED, lang="en"))
    assert view["sentence"].startswith("In the end") and "341 rows" in view["setup"]
    series = view["chart"]["series"]
    assert len(series) == 4
    assert len({s["dash"] for s in series}) == 4 and len({s["shape"] for s in series}) == 4
    assert all(s["markers"] for s in series)
    assert [g["value"] for g in view["gaps"]] == [f"{MEASURED.model.gap:.3f}", f"{MEASURED.twin.gap:.3f}",
                                                 f"{MEASURED.reduction:.3f}"]


def test_reports_show_the_insight_and_escape_what_the_student_named():
    hostile = replace(MEASURED, removed=("<script>alert(1)</script>: kernel L2(0.01)",))
    html = render_html(graded(hostile))
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert 'id="insight"' in html and html.count("<polyline") >= 4 and "insight-chart-title" in html
    md = render_markdown(graded(MEASURED, lang="en"))
    assert "## Does your regularization help?" in md and "| Unregularized |" in md
    assert "## Your training (step 4)" in md


def test_no_insight_no_section():
    assert 'id="insight"' not in render_html(graded(None))
    assert insight_view(graded(None)) is None


def test_class_summary_counts_and_distribution():
    no_reg = Insight("no_regularization", model=InsightCurves(gap=0.1))
    widened = Insight("not_reduced", model=InsightCurves(gap=0.3), twin=InsightCurves(gap=0.2), reduction=-0.1)
    results = [graded(MEASURED), graded(MEASURED), graded(no_reg), graded(widened), graded(ins.skipped("no_data")),
               graded(None)]
    view = class_insight(results, "en")
    assert view["sentence"].startswith("Of 4 models measured, the regularization reduced the gap between validation "
                                       "and training loss in 2; it did not in 1")
    assert {r["label"]: r["count"] for r in view["rows"]} == {"< 0": 1, "0 – 0.025": 0, "0.025 – 0.05": 0,
                                                              "0.05 – 0.1": 0, "≥ 0.1": 2}
    assert "Did the regularization help?" in render_summary_markdown(results, "en")
    assert class_insight([graded(None)], "en") is None


# -- the bounded sample of the student's arrays -----------------------------------------------------------

def npy(array, **kwargs):
    out = io.BytesIO()
    np.save(out, array, **kwargs)
    return base64.b64encode(out.getvalue()).decode("ascii")


def test_take_bounds_rows_and_bytes_and_keeps_pairs_aligned():
    x = np.arange(10000 * 30, dtype="float64").reshape(10000, 30)
    y = np.arange(10000)
    xs, ys = ag_sample.take(x, y, 2000, 10**9)
    assert xs.shape == (2000, 30) and xs.dtype == np.float32 and (xs[:, 0] / 30 == ys).all()
    xs, _ = ag_sample.take(x, y, 2000, 30 * 4 * 100 + 800)  # ~100 rows fit in the byte budget
    assert 90 <= xs.shape[0] <= 100


def test_take_refuses_what_is_not_a_pair_of_numeric_arrays():
    assert ag_sample.take(np.zeros((5, 2)), np.zeros(4), 10, 10**6) is None
    assert ag_sample.take(np.array([object()] * 5), np.zeros(5), 10, 10**6) is None
    assert ag_sample.take({"a": np.zeros((5, 2))}, np.zeros(5), 10, 10**6) is None
    assert ag_sample.take(np.zeros((5, 2)), None, 10, 10**6) is None
    assert ag_sample.take([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], [0, 1, 0], 10, 10**6)[0].shape == (3, 2)


def test_load_parses_numeric_npy_only():
    assert ag_sample.load(npy(np.ones((4, 3), dtype="float32")), 10**6).shape == (4, 3)
    with pytest.raises(ValueError):
        ag_sample.load(npy(np.array([{"a": 1}], dtype=object), allow_pickle=True), 10**6)
    with pytest.raises(ValueError):
        ag_sample.load(npy(np.array(["text"])), 10**6)
    with pytest.raises(ValueError):
        ag_sample.load(npy(np.ones(1000)), 100)


def test_load_refuses_a_header_that_promises_more_than_the_bytes():
    out = io.BytesIO()
    np.lib.format.write_array_header_1_0(out, {"descr": "<f8", "fortran_order": False, "shape": (10**10,)})
    out.write(np.ones(10).tobytes())  # 80 bytes behind a header that promises 80 GB
    with pytest.raises(ValueError):
        ag_sample.load(base64.b64encode(out.getvalue()).decode(), 10**6)


def test_read_takes_regular_files_only(tmp_path):
    ag_sample.write(str(tmp_path), 3, np.ones((4, 2), dtype="float32"), np.zeros(4))
    got = ag_sample.read(str(tmp_path), ["3", "7", "junk"], 10**6)
    assert list(got) == ["3"] and ag_sample.load(got["3"]["x"], 10**6).shape == (4, 2)
    folder = tmp_path / ag_sample.FOLDER
    os.replace(folder / "m3_x.npy", tmp_path / "elsewhere.npy")
    os.symlink(tmp_path / "elsewhere.npy", folder / "m3_x.npy")
    assert ag_sample.read(str(tmp_path), [3], 10**6) == {}
    os.remove(folder / "m3_x.npy")
    os.mkfifo(folder / "m3_x.npy")
    assert ag_sample.read(str(tmp_path), [3], 10**6) == {}
    assert ag_sample.read(str(tmp_path), [3], 10) == {}
