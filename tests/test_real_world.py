"""Realistic notebooks graded end to end (one CLI run, real TensorFlow, an English report, a datasets folder).

The fixtures in tests/fixtures/real_world/ are written from patterns of public course notebooks: a Colab
homework importing seaborn and wandb beside Keras and mounting Drive; a Keras 2 MNIST tutorial; a course
notebook reading its CSV from the web and then using Keras 2's history keys; a script with optuna/mlxtend and
Keras' Boston Housing download; a notebook whose code cells are empty; a Keras 2 learning-rate schedule
(``K.set_value(model.optimizer.lr, ...)``, ``keras.optimizers.adam``); ``keras.preprocessing.text`` with
``save_weights('w.h5')`` and ``model.save('folder')``; a web CSV whose loss leaves the split's names stale.
Each is asserted on its verdict and on the report's sections: the environment apart from the student's own
errors, followers folded, English pointers.
"""
from __future__ import annotations

import importlib.util
import re
import tempfile
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import ROOT, read_results, run_cli

FIXTURES = ROOT / "tests" / "fixtures" / "real_world"
pytestmark = pytest.mark.slow


def write_mnist(folder: Path) -> None:
    """A small ``mnist.npz`` in Keras' own format (the arrays ``keras.datasets.mnist.load_data`` reads)."""
    rng = np.random.default_rng(0)
    np.savez_compressed(folder / "mnist.npz",
                        x_train=rng.integers(0, 256, (300, 28, 28), dtype=np.uint8),
                        y_train=rng.integers(0, 10, 300, dtype=np.uint8),
                        x_test=rng.integers(0, 256, (60, 28, 28), dtype=np.uint8),
                        y_test=rng.integers(0, 10, 60, dtype=np.uint8))


@pytest.fixture(scope="module")
def run():
    # Not tmp_path_factory: on a machine shared by several pytest sessions, a newer session's clean-up of old
    # base folders could delete the datasets folder while the grader still reads it.
    with tempfile.TemporaryDirectory(prefix="ag-real-world-") as tmp:
        datasets, out = Path(tmp) / "keras-datasets", Path(tmp) / "out"
        datasets.mkdir()
        write_mnist(datasets)
        proc = run_cli("grade", str(FIXTURES), "--out", str(out), "--lang", "en", "--datasets", str(datasets),
                       "--jobs", "2", "--timeout", "120")
        results = read_results(out)
        assert results, proc.stdout + proc.stderr
        yield proc, out, results


def report(out: Path, sub_id: str) -> str:
    return (out / sub_id / "report.md").read_text(encoding="utf-8")


def section(markdown: str, title: str) -> str:
    """A ``## title`` section of report.md, up to the next ``## `` heading."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", markdown, re.S | re.M)
    return match.group(1) if match else ""


def environment(result: dict) -> dict[str, dict]:
    return {i["subject"]: i for i in result["environment"]}


def own(result: dict) -> list[dict]:
    return [e for e in result["student_errors"] if e["environment"] is None and e["follows_from"] is None]


def test_every_fixture_whose_model_is_right_gets_full_marks_through_the_cli(run):
    """The fixtures tests/sandbox/test_real_world.py runs in a worker, here through the real CLI with --datasets
    (a Colab notebook with seaborn and Drive, a download served from the folder, 50 MB printed, and the rest)."""
    _, _, results = run
    right = {"colab_seaborn_drive", "wandb_tracking", "keras2_tutorial", "keras2_generator_script", "mnist_download",
             "print_50mb", "statements_after_error"}
    assert {i: (results[i]["status"], results[i]["score"]) for i in right} == {i: ("graded", 10.0) for i in right}


def test_colab_notebook_gets_full_marks_and_its_environment_apart(run):
    _, out, results = run
    r = results["colab_drive_wandb"]
    assert (r["status"], r["score"]) == ("graded", 10.0)
    env = environment(r)
    assert env["wandb"]["stood_in"] and env["google.colab"]["kind"] == "colab"
    csv = env["/content/drive/MyDrive/IA/heart.csv"]
    assert csv["kind"] == "missing_file" and csv["followers"] >= 3  # X, y, the split, the scaler ... follow
    seaborn_here = importlib.util.find_spec("seaborn") is not None
    assert ("seaborn" in env) is (not seaborn_here)  # listed exactly when this environment lacks it
    assert own(r) == [] and not any(e["type"] == "NameError" and e["environment"] is None and e["follows_from"] is None
                                    for e in r["student_errors"])
    md = report(out, "colab_drive_wandb")
    env_md = section(md, "Grading environment")
    assert "`wandb`" in env_md and "google.colab" in env_md and "heart.csv" in env_md
    assert re.search(r"and \d+ more errors that follow from this one", env_md)
    assert section(md, "Errors while running your code") == ""


def test_keras2_tutorial_is_mapped_and_its_mnist_served_offline(run):
    _, out, results = run
    r = results["keras2_mnist_tutorial"]
    assert (r["status"], r["score"]) == ("graded", 10.0)
    idioms = {n["idiom"] for n in r["keras2"]}
    assert "keras.layers.core" in idioms and any("lr" in i for i in idioms)
    assert not [i for i in r["environment"] if i["kind"] == "download"]  # mnist.npz came from --datasets
    fit = r["model"]["fit_calls"][-1]
    assert fit["epochs_requested"] == 20 and not fit["error"]
    md = report(out, "keras2_mnist_tutorial")
    assert "### Keras 2 spellings" in md and "`keras.layers.core` → `keras.layers`" in md


def test_web_csv_is_the_environments_and_history_keys_are_the_students(run):
    _, out, results = run
    r = results["web_csv_history_keys"]
    assert (r["status"], r["score"]) == ("graded", 10.0)
    (download,) = [i for i in r["environment"] if i["kind"] == "download"]
    assert download["subject"] == "jh-simple-dataset.csv" and download["followers"] == 2
    assert [(e["type"], e["location"]) for e in own(r)] == [("KeyError", {"cell": 4, "line": 11}),
                                                          ("KeyError", {"cell": 5, "line": 1})]
    md = report(out, "web_csv_history_keys")
    errors = section(md, "Errors while running your code")
    assert "cell 4, line 11, in <module>: print('Final validation accuracy:'" in errors
    assert "<summary>and 1 more error that follows from this one</summary>" in errors
    assert "jh-simple-dataset" not in errors
    assert "celda" not in md and "línea" not in md and ", en <module>" not in md
    assert "Submit the file next to the notebook" in section(md, "Grading environment")


def test_script_with_stand_ins_and_a_refused_keras_download(run):
    _, out, results = run
    r = results["optuna_mlxtend_boston"]
    assert (r["status"], r["score"]) == ("graded", 10.0)
    env = environment(r)
    assert env["optuna"]["stood_in"] and env["mlxtend"]["stood_in"]
    boston = env["boston_housing.npz"]
    assert boston["kind"] == "download" and boston["through_keras"] and boston["followers"] >= 1
    assert own(r) == []
    assert "--datasets" in section(report(out, "optuna_mlxtend_boston"), "Grading environment")


def test_a_keras_2_learning_rate_schedule_runs_with_its_spellings_noted(run):
    _, out, results = run
    r = results["keras2_backend_lr_schedule"]
    assert (r["status"], r["score"]) == ("graded", 10.0)
    assert r["student_errors"] == []  # before: keras.optimizers.adam, optimizer.lr and K.get_value all raised
    idioms = {n["idiom"]: n["modern"] for n in r["keras2"]}
    assert idioms["keras.optimizers.adam"] == "keras.optimizers.Adam"
    assert idioms["optimizer.lr"] == "optimizer.learning_rate"
    assert idioms["keras.backend.set_value(x, value)"] == "x.assign(value)"
    assert idioms["keras.backend.get_value(x)"] == "keras.ops.convert_to_numpy(x)"
    fit = r["model"]["fit_calls"][-1]
    assert fit["epochs_requested"] == 10 and not fit["error"]  # the scheduler ran inside fit
    assert "`optimizer.lr` → `optimizer.learning_rate`" in report(out, "keras2_backend_lr_schedule")


def test_tokenizer_and_keras_2_file_names_for_saving_are_mapped(run):
    _, _, results = run
    r = results["tokenizer_save_weights"]
    assert (r["status"], r["score"]) == ("graded", 10.0)
    # before: ModuleNotFoundError for keras.preprocessing.text, the .h5 ValueError, and a PermissionError from
    # model.save (the warm worker's tempfile still pointed at the read-only /tmp)
    assert r["student_errors"] == [] and r["environment"] == []
    idioms = {n["idiom"]: (n["modern"], n["location"]["line"]) for n in r["keras2"]}
    assert idioms["keras.preprocessing.text"] == ("keras.layers.TextVectorization", 8)
    assert idioms["save_weights('...h5')"] == ("save_weights('....weights.h5')", 28)
    assert idioms["model.save('folder')"] == ("model.save('folder.keras')", 30)


def test_errors_on_data_a_missing_download_left_stale_are_the_environments(run):
    _, out, results = run
    r = results["web_csv_stale_split"]
    assert (r["status"], r["score"]) == ("graded", 10.0)
    (download,) = [i for i in r["environment"] if i["kind"] == "download"]
    assert download["subject"] == "churn-simple.csv"  # the URL is on the statement's second line
    assert download["followers"] == 7  # 3 df NameErrors, the split, fit and predict on the predefined data, y_pred
    assert own(r) == []
    md = report(out, "web_csv_stale_split")
    assert section(md, "Errors while running your code") == ""
    assert "(and 7 more errors that follow from this one)" in section(md, "Grading environment")


def test_notebook_without_code_is_graded_with_its_reason(run):
    _, _, results = run
    r = results["only_text_cells"]
    assert (r["status"], r["score"], r["error"]) == ("graded", 0.0, None)
    assert r["checks"][0]["status"] == "fail" and "holds no code" in r["checks"][0]["message"]
    assert {c["status"] for c in r["checks"][1:]} == {"skipped"}


def test_class_summary_tables_what_the_environment_lacked(run):
    proc, out, results = run
    assert proc.returncode == 1  # only_text_cells fails its checks
    md = (out / "summary.md").read_text(encoding="utf-8")
    table = section(md, "What the grading environment lacked")
    rows = {line.split("|")[1].strip(): line for line in table.splitlines() if line.startswith("| `")}
    assert "| module |" in rows["`wandb`"] and "[colab_drive_wandb](colab_drive_wandb/report.html)" in rows["`wandb`"]
    assert "| download |" in rows["`boston_housing.npz`"] and "| Colab only |" in rows["`google.colab`"]
    counts = [int(line.split("|")[3].split(":")[0]) for line in rows.values()]
    assert counts == sorted(counts, reverse=True)  # most needed first
