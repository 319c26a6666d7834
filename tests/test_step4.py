"""Step 4 graded, the student's own training reported, the regularization insight measured: through the
real CLI, the sandbox and real TensorFlow, one run over a folder of submissions shared by every test."""
from __future__ import annotations

import math
import shutil

import pytest

from tests.conftest import ROOT, SOLUTIONS, read_results, run_cli

pytestmark = pytest.mark.slow
FIXTURES = ROOT / "tests" / "fixtures" / "step4"
SUBMISSIONS = [SOLUTIONS / "reference.py", SOLUTIONS / "variants" / "never_trained.py",
               SOLUTIONS / "variants" / "functional_api.py", SOLUTIONS / "variants" / "subclassed.py",
               *sorted(FIXTURES.iterdir())]


@pytest.fixture(scope="module")
def step4(tmp_path_factory):
    folder = tmp_path_factory.mktemp("step4-submissions")
    for path in SUBMISSIONS:
        shutil.copy(path, folder / path.name)
    out = tmp_path_factory.mktemp("step4-out")
    proc = run_cli("grade", str(folder), "--out", str(out), "--jobs", "2")
    assert proc.returncode == 1, proc.stderr[-3000:]  # some submissions fail checks on purpose
    return out, read_results(out)


def statuses(result):
    return {c["id"]: c["status"] for c in result["checks"]}


def check(result, check_id):
    return next(c for c in result["checks"] if c["id"] == check_id)


def test_a_compiled_model_never_trained_loses_exactly_the_trains_point(step4):
    _, results = step4
    r = results["never_trained"]
    assert [k for k, v in statuses(r).items() if v != "pass"] == ["trains"] and r["score"] == 9.0
    trains = check(r, "trains")
    assert trains["status"] == "fail" and "`modelo.fit(...)`" in trains["message"]
    assert "`modelo.fit(X_train, y_train, epochs=50, validation_split=0.2)`" in trains["hint"]
    assert r["student_training"] == {"fit_reached": False, "calls": 0, "names": ["modelo"]}


@pytest.mark.parametrize("sub_id, name", [("reference", "model"), ("functional_api", "modelo"),
                                          ("subclassed", "red"), ("own_data", "modelo")])
def test_models_that_are_fitted_keep_the_point(step4, sub_id, name):
    _, results = step4
    trains = check(results[sub_id], "trains")
    assert trains["status"] == "pass" and f"`{name}.fit`" in trains["message"], trains["message"]


def test_a_fit_that_fails_on_missing_data_still_counts_and_shows_its_error(step4):
    _, results = step4
    r = results["missing_data"]
    assert all(v == "pass" for v in statuses(r).values()) and r["score"] == 10.0
    assert "NameError: name 'X' is not defined" in check(r, "trains")["message"]
    assert "FileNotFoundError" in {e["type"] for e in r["student_errors"]}
    st = r["student_training"]
    assert st["fit_reached"] and st["called"] is False and st["epochs_requested"] == 150
    assert st["location"] == {"cell": 6, "line": 1}
    # Its model takes 8 features: the assignment's 30-feature data cannot stand in for the missing file.
    assert (r["insight"]["verdict"], r["insight"]["reason"]) == ("skipped", "no_data")


def test_the_students_own_training_is_reported(step4):
    _, results = step4
    ref = results["reference"]["student_training"]
    assert (ref["samples"], ref["features"], ref["data_source"]) == (455, [30], "predefined")
    assert (ref["epochs_requested"], ref["epochs_run"], ref["validation_split"]) == (50, 2, 0.2)
    assert ref["loss"] is not None and math.isfinite(ref["loss"])
    own = results["own_data"]["student_training"]
    assert (own["samples"], own["features"], own["data_source"]) == (450, [20], "own")
    assert (own["epochs_requested"], own["batch_size"], own["has_validation_data"]) == (100, 32, True)


def test_the_insight_for_the_reference_solution(step4):
    _, results = step4
    ins = results["reference"]["insight"]
    assert ins["data"] == "student" and (ins["train_samples"], ins["val_samples"]) == (341, 114)
    assert ins["epochs"] == 300 and len(ins["model"]["loss"]) == len(ins["twin"]["val_loss"]) == 300
    assert len(ins["removed"]) == 4
    # what was measured: the unregularized twin overfits the default data, the reference's L2 + Dropout narrow it
    assert ins["twin_gap"] > 0.1 and ins["gap"] < ins["twin_gap"] and ins["verdict"] == "reduced"
    assert ins["reduction"] == pytest.approx(ins["twin_gap"] - ins["gap"], abs=1e-5)


def test_the_insight_for_a_model_without_regularization(step4):
    _, results = step4
    ins = results["no_regularization"]["insight"]
    assert ins["verdict"] == "no_regularization" and ins["twin"] is None and ins["removed"] == []
    assert ins["gap"] > 0 and len(ins["model"]["val_loss"]) == 300


def test_the_insight_on_the_students_own_data(step4):
    _, results = step4
    ins = results["own_data"]["insight"]
    assert ins["data"] == "student" and ins["train_samples"] + ins["val_samples"] == 450
    assert ins["verdict"] in ("reduced", "not_reduced", "no_overfit") and ins["twin_gap"] is not None


@pytest.mark.parametrize("sub_id", ["functional_api", "subclassed"])
def test_the_insight_is_measured_for_functional_and_subclassed_models(step4, sub_id):
    """Regression: Keras consumed the Functional config on the first rebuild, so the insight's failed."""
    _, results = step4
    ins = results[sub_id]["insight"]
    assert ins["verdict"] in ("reduced", "not_reduced", "no_overfit", "widened"), ins
    assert ins["twin_gap"] is not None and ins["epochs"] > 0


def test_the_insight_never_changes_a_score(step4):
    _, results = step4
    assert results["reference"]["score"] == 10.0 and results["no_regularization"]["score"] == 6.0


def test_reports_and_summary_show_the_new_sections(step4):
    out, _ = step4
    html = (out / "reference" / "report.html").read_text(encoding="utf-8")
    assert 'id="insight"' in html and 'id="student-training"' in html and "insight-chart-title" in html
    md = (out / "reference" / "report.md").read_text(encoding="utf-8")
    assert "## ¿Ayuda tu regularización?" in md and "## Tu entrenamiento (paso 4)" in md
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "## ¿Ayudó la regularización?" in summary


def test_no_insight_turns_it_off(tmp_path):
    shutil.copy(SOLUTIONS / "variants" / "never_trained.py", tmp_path / "never_trained.py")
    proc = run_cli("grade", str(tmp_path / "never_trained.py"), "--out", str(tmp_path / "out"), "--no-insight")
    r = read_results(tmp_path / "out")["never_trained"]
    assert proc.returncode == 1 and r["insight"] is None and check(r, "trains")["status"] == "fail"
    assert "¿Ayuda tu regularización?" not in (tmp_path / "out" / "never_trained" / "report.md").read_text()
