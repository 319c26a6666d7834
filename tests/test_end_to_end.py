"""The whole path on real files: CLI -> sandbox -> real TensorFlow -> checks -> result files."""
import csv

import pytest

from tests.conftest import ROOT, read_results, run_cli

CHECK_IDS = ["model_built", "hidden_layers", "l2_regularization", "dropout", "output_layer", "compiled", "trains"]
POINTS = {"model_built": 1, "hidden_layers": 2, "l2_regularization": 2, "dropout": 2, "output_layer": 1,
          "compiled": 1, "trains": 1}

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("sub_id", ["reference", "reference_notebook"])
def test_reference_solution_scores_full_marks(graded_solutions, sub_id):
    _, _, results = graded_solutions
    r = results[sub_id]
    assert (r["status"], r["score"], r["max_score"]) == ("graded", 10.0, 10.0)
    assert [c["status"] for c in r["checks"]] == ["pass"] * 7


def test_each_variant_gets_exactly_its_expected_verdict(graded_solutions, expected_verdicts):
    _, _, results = graded_solutions
    for name, expected in expected_verdicts.items():
        got = {c["id"]: c["status"] for c in results[name]["checks"]}
        assert got == expected, name
        score = sum(POINTS[c] for c, s in expected.items() if s == "pass")
        assert results[name]["score"] == score, name


def test_result_json_keeps_to_the_contract(graded_solutions):
    _, out, results = graded_solutions
    r = results["reference_notebook"]
    for key in ("schema", "id", "assignment", "source", "sha256", "status", "error", "score", "max_score", "checks",
                "model", "training", "lang", "elapsed_s"):
        assert key in r
    assert r["schema"] == "autograder.result/1" and r["assignment"] == "l2-dropout" and r["lang"] == "es"
    assert r["source"].endswith("solutions/reference_notebook.ipynb") and len(r["sha256"]) == 64
    assert [c["id"] for c in r["checks"]] == CHECK_IDS
    assert {c["id"]: c["max_points"] for c in r["checks"]} == POINTS
    for c in r["checks"]:
        assert set(c) == {"id", "status", "points", "max_points", "message", "hint"}
    dense = r["model"]["layers"][0]
    assert dense["class_name"] == "Dense" and dense["units"] == 64 and dense["activation"] == "relu"
    assert dense["kernel_regularizer"] == {"class_name": "L2", "l2": 0.01}
    assert dense["created_at"] == {"cell": 2, "line": 7}
    t = r["training"]
    assert t["epochs"] == len(t["loss"]) == len(t["val_loss"]) and t["loss"][-1] < t["loss"][0]
    fit = r["model"]["fit_calls"][0]
    assert fit["epochs_requested"] == 50 and fit["epochs_run"] == 2 and fit["validation_split"] == 0.2
    for name in ("report.md", "report.html"):
        assert (out / "reference_notebook" / name).stat().st_size > 500


def test_failing_check_has_a_hint_with_code(graded_solutions):
    _, _, results = graded_solutions
    l2 = next(c for c in results["no_l2"]["checks"] if c["id"] == "l2_regularization")
    assert "dense_1" in l2["message"] and "línea" in l2["message"]
    assert "kernel_regularizer=l2(0.01)" in l2["hint"]


def test_grades_csv_has_one_row_per_submission(graded_solutions, expected_verdicts):
    proc, out, results = graded_solutions
    with open(out / "grades.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["id", "score", "max_score", "status"] + CHECK_IDS + ["auto_score", "review"]
    assert all(r["review"] == "none" and r["auto_score"] == r["score"] for r in rows)  # nobody reviewed yet
    assert {r["id"] for r in rows} == set(results) == set(expected_verdicts) | {"reference", "reference_notebook"}
    ref = next(r for r in rows if r["id"] == "reference")
    assert ref["score"] == "10" and ref["l2_regularization"] == "2"
    assert proc.returncode == 1  # some submissions fail some checks


def test_single_passing_submission_exits_zero_and_english_works(tmp_path):
    proc = run_cli("grade", str(ROOT / "solutions" / "reference.py"), "--out", str(tmp_path), "--lang", "en")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    r = read_results(tmp_path)["reference"]
    assert r["lang"] == "en" and "chosen as the last model passed to fit" in r["checks"][0]["message"]
    assert "10/10" in proc.stdout
