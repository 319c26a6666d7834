"""Issue 10, inside the sandbox, end to end with real TensorFlow: the fixtures in tests/fixtures/real_world/
(written from patterns in public course notebooks) run in a real worker, and through the real CLI.

One worker run over every fixture gives the sandbox's state (stand-ins, Keras 2 notes, downloads, error
records, statement-level execution, output counts) and the pipeline's scores. (The real CLI grades the same
folder with ``--datasets`` in tests/test_real_world.py, which asserts the scores in result.json.)"""
from __future__ import annotations

import io
import json
import os
import pickle
import tarfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from autograder.assignment import load_assignment
from autograder.loading import load_submission
from autograder.sandbox.worker import SandboxWorker
from autograder.grading import grade_submission

pytestmark = pytest.mark.slow
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "real_world"
MINE = ["colab_seaborn_drive.ipynb", "wandb_tracking.ipynb", "keras2_tutorial.ipynb", "keras2_generator_script.py",
        "mnist_download.ipynb", "fashion_download.ipynb", "print_50mb.ipynb", "statements_after_error.ipynb"]
FULL_MARKS = {"colab_seaborn_drive", "wandb_tracking", "keras2_tutorial", "keras2_generator_script",
              "mnist_download", "print_50mb", "statements_after_error"}
CIFAR = ("from keras.datasets import cifar100\n(x_train, y_train), (x_test, y_test) = cifar100.load_data()\n"
         "print('cifar', x_train.shape, y_train.shape, x_test.shape)\n")


def write_datasets(folder: Path) -> Path:
    """A tiny instructor's folder in Keras' own formats: mnist.npz, and CIFAR-100 as the origin's tar.gz
    (cifar-100-python/train and test: pickled dicts), which Keras extracts. No fashion-mnist."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    np.savez(folder / "mnist.npz",
             x_train=rng.integers(0, 256, (300, 28, 28), dtype=np.uint8), y_train=rng.integers(0, 10, 300, dtype=np.uint8),
             x_test=rng.integers(0, 256, (60, 28, 28), dtype=np.uint8), y_test=rng.integers(0, 10, 60, dtype=np.uint8))
    with tarfile.open(folder / "cifar-100-python.tar.gz", "w:gz") as tar:
        for name, rows in (("train", 100), ("test", 20)):
            batch = {b"data": rng.integers(0, 256, (rows, 3072), dtype=np.uint8),
                     b"fine_labels": [int(v) for v in rng.integers(0, 100, rows)]}
            blob = pickle.dumps(batch, protocol=4)  # only ndarray/dtype globals, as Keras' unpickler requires
            info = tarfile.TarInfo(f"cifar-100-python/{name}")
            info.size = len(blob)
            tar.addfile(info, io.BytesIO(blob))
    for path in [folder, *folder.iterdir()]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    return folder


@pytest.fixture(scope="module")
def datasets(tmp_path_factory):
    return write_datasets(tmp_path_factory.mktemp("instructor") / "keras-datasets")


class Recording:
    """The real worker, keeping each job's artifact (the sandbox's state) by submission id."""

    def __init__(self, worker):
        self.worker = worker
        self.isolation = worker.isolation
        self.artifacts = {}

    def run(self, job, limits):
        artifact = self.worker.run(job, limits)
        self.artifacts[job["id"]] = artifact
        return artifact

    def __getattr__(self, name):
        return getattr(self.worker, name)


@pytest.fixture(scope="module")
def graded(datasets, tmp_path_factory):
    """Every fixture (and a CIFAR-100 script) graded once by the pipeline in one real worker with the datasets
    folder. (artifacts, results)"""
    cifar = tmp_path_factory.mktemp("cifar") / "cifar_script.py"
    cifar.write_text(CIFAR)
    assignment = replace(load_assignment().with_datasets(datasets), insight={"enabled": False})
    results = {}
    worker = SandboxWorker(isolation="auto")
    worker.datasets_dir = os.path.realpath(datasets)  # bound from the start: no restart for the first job
    with worker:
        sandbox = Recording(worker)
        for path in [FIXTURES / name for name in MINE] + [cifar]:
            sub = load_submission(path)
            results[sub.id] = grade_submission(sub, assignment, sandbox)
    return sandbox.artifacts, results


@pytest.fixture(scope="module")
def states(graded):
    return graded[0]


def model_of(artifact):
    """The model the runner reported last passed to fit (else the last described one)."""
    state = artifact.state
    fits = [idx for kind, idx in state["events"] if kind == "fit"]
    key = str(fits[-1]) if fits else sorted(state["models"])[-1]
    return state["models"][key]


def hidden_and_output(model):
    return [(layer["class_name"], layer["units"], layer["activation"]) for layer in model["layers"]
            if layer["class_name"] in ("Dense", "Dropout", "Activation")]


def test_every_fixture_ran_to_the_end(states):
    for sub_id, artifact in states.items():
        assert artifact.outcome == "completed", (sub_id, artifact.outcome, artifact.message)
        assert artifact.state["finished"] is True, sub_id


def test_missing_modules_in_the_first_cell_beside_the_keras_imports_are_stood_in(states):
    artifact = states["colab_seaborn_drive"]
    names = {record["name"]: record for record in artifact.state["standins"]}
    assert {"missingno", "mlxtend.plotting", "google.colab"} <= set(names)
    assert names["google.colab"]["location"] == {"cell": 2, "line": 13}  # cell 1 is markdown
    assert names["mlxtend.plotting"]["module"] == "mlxtend"
    assert artifact.state["errors"] == []  # drive.mount, sns.heatmap, plot_decision_regions: all ran
    model = model_of(artifact)
    assert model["fits"] and model["fits"][-1]["error"] is None
    assert [layer["class_name"] for layer in model["layers"]][-5:] == ["Dense", "Dropout", "Dense", "Dropout", "Dense"]


def test_a_stand_in_callback_is_dropped_from_fit_and_stand_in_settings_keep_what_was_set(states):
    artifact = states["wandb_tracking"]
    assert [(r["name"], r["location"]["line"]) for r in artifact.state["standins"]] == [("wandb", 2),
                                                                                      ("wandb.keras", 3)]
    assert artifact.state["errors"] == []
    fit = model_of(artifact)["fits"][-1]
    assert fit["error"] is None and fit["epochs_requested"] == 50 and fit["epochs_run"] == 2


def test_a_keras_2_tutorial_is_mapped_and_each_idiom_noted_where_it_was_used(states):
    artifact = states["keras2_tutorial"]
    notes = {}
    for note in artifact.state["keras2"]:  # each use is a note; the first site of each idiom here
        notes.setdefault((note["idiom"], note["modern"]), note["location"])
    assert [n["location"]["line"] for n in artifact.state["keras2"] if n["idiom"] == "l2(l=...)"] == [2, 5]
    assert notes[("keras.layers.core", "keras.layers")] == {"cell": 2, "line": 3}
    assert notes[("keras.utils.np_utils", "keras.utils")] == {"cell": 2, "line": 6}
    assert notes[("keras.utils.vis_utils", "keras.utils")] == {"cell": 2, "line": 7}
    # plot_model needs pydot, which is missing here: the call did nothing and pydot is named like a stand-in
    assert [(r["name"], r["location"]) for r in artifact.state["standins"]] == [("pydot", {"cell": 3, "line": 10})]
    assert notes[("l2(l=...)", "l2(...)")] == {"cell": 3, "line": 2}
    assert notes[("Adam(lr=...)", "Adam(learning_rate=...)")] == {"cell": 4, "line": 1}
    assert ("Adam(decay=...)", "Adam(learning_rate=keras.optimizers.schedules.InverseTimeDecay(...))") in notes
    assert notes[("fit(nb_epoch=...)", "fit(epochs=...)")] == {"cell": 4, "line": 3}
    assert artifact.state["errors"] == []
    model = model_of(artifact)
    assert model["compile"]["optimizer"]["serialized"]["config"]["learning_rate"] == pytest.approx(0.001)
    assert model["fits"][-1]["epochs_requested"] == 50  # the hooks saw epochs=, not nb_epoch=
    regs = [layer["kernel_regularizer"] for layer in model["layers"] if layer["class_name"] == "Dense"][:2]
    assert all(reg and reg["l2"] == pytest.approx(0.01) for reg in regs)


def test_keras_1_layer_arguments_legacy_optimizers_and_generator_methods_are_mapped(states):
    artifact = states["keras2_generator_script"]
    idioms = {n["idiom"] for n in artifact.state["keras2"]}
    assert {"tensorflow.python.keras.models", "keras.utils.np_utils", "Dense(output_dim=...)", "Dense(init=...)",
            "Dense(W_regularizer=...)", "Dropout(p=...)", "tensorflow.keras.optimizers.legacy.SGD", "SGD(lr=...)",
            "fit_generator(...)", "fit_generator(nb_epoch=...)", "predict_classes(x)"} <= idioms
    assert artifact.state["errors"] == []
    assert "one-hot labels: (" in artifact.output
    model = model_of(artifact)
    assert hidden_and_output(model)[-5:] == [("Dense", 64, "tanh"), ("Dropout", None, None), ("Dense", 64, "tanh"),
                                             ("Dropout", None, None), ("Dense", 1, "sigmoid")]
    assert model["compile"]["optimizer"]["class_name"] == "SGD"
    assert model["fits"][-1]["epochs_requested"] == 20


def test_keras_datasets_are_served_from_the_instructors_folder(states):
    artifact = states["mnist_download"]
    assert artifact.state["downloads"] == [{
        "file": "mnist.npz", "origin": "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz",
        "served": True, "dataset": "mnist", "location": {"cell": 2, "line": 1}}]
    assert "(300, 28, 28) (60, 28, 28)" in artifact.output
    assert artifact.state["errors"] == []
    assert hidden_and_output(model_of(artifact))[-1] == ("Dense", 10, "softmax")


def test_an_archive_keras_extracts_is_extracted_into_the_jobs_own_cache(states):
    artifact = states["cifar_script"]
    assert artifact.state["errors"] == []
    assert artifact.state["downloads"][0]["served"] is True
    assert artifact.state["downloads"][0]["dataset"] == "cifar100"
    assert "cifar (100, 32, 32, 3) (100, 1) (20, 32, 32, 3)" in artifact.output


def test_a_dataset_the_folder_lacks_is_refused_at_once_and_its_follow_on_errors_carry_what_folds_them(states):
    artifact = states["fashion_download"]
    downloads = artifact.state["downloads"]
    assert downloads == [{"file": "train-labels-idx1-ubyte.gz",
                          "origin": "https://storage.googleapis.com/tensorflow/tf-keras-datasets/train-labels-idx1-ubyte.gz",
                          "served": False, "dataset": "fashion_mnist", "location": {"cell": 1, "line": 4}}]
    first, *rest = artifact.state["errors"]
    assert first["type"] == "DatasetUnavailable" and "no network access while grading" in first["message"]
    assert first["download"] == {"file": "train-labels-idx1-ubyte.gz", "origin": downloads[0]["origin"]}
    assert first["defines"] == ["train_images", "train_labels", "test_images", "test_labels"]
    assert first["location"] == {"cell": 1, "line": 4}
    assert rest and all(e["type"] == "NameError" and e["name"] in first["defines"] for e in rest)
    assert [e["location"] for e in rest] == [{"cell": 1, "line": 5}, {"cell": 1, "line": 6}, {"cell": 2, "line": 10}]
    assert "PermissionError" not in json.dumps(artifact.state["errors"])


def test_printing_50_mb_is_counted_and_dropped_and_the_model_after_it_is_built(states):
    artifact = states["print_50mb"]
    assert artifact.output_dropped_bytes > 50 * 10**6
    assert len(artifact.output.encode()) <= load_assignment().limits().output_bytes
    assert artifact.state["errors"] == []
    assert model_of(artifact)["fits"][-1]["error"] is None


def test_statements_after_a_failing_one_in_the_same_cell_still_run(states):
    artifact = states["statements_after_error"]
    errors = artifact.state["errors"]
    assert [(e["type"], e["location"], e["name"], e["defines"]) for e in errors] == [
        ("FileNotFoundError", {"cell": 1, "line": 4}, None, ["df"]),
        ("NameError", {"cell": 1, "line": 6}, "df", []),
        ("NameError", {"cell": 2, "line": 4}, "df", []),  # inside the %%time body: the rest of it still ran
        ("NameError", {"cell": 3, "line": 2}, "df", ["X", "y"]),
    ]
    assert errors[0]["frames"][0] == {"cell": 1, "line": 4, "name": "<module>",
                                      "code": "df = pd.read_csv('datos_que_no_estan.csv')"}
    model = model_of(artifact)
    dense_sites = [layer["created_at"] for layer in model["layers"] if layer["class_name"] == "Dense"]
    assert dense_sites == [{"cell": 2, "line": 3}, {"cell": 2, "line": 6}, {"cell": 2, "line": 8}]  # inside %%time
    assert model["fits"][-1]["error"] is None
    assert model["fits"][-1]["site"] == {"cell": 3, "line": 3}  # run by a %time line magic: still its own line


def test_the_pipeline_gives_full_marks_to_every_fixture_whose_model_is_right(graded):
    _, results = graded
    for sub_id in FULL_MARKS:
        assert (results[sub_id].status, results[sub_id].score) == ("graded", 10.0), (sub_id, results[sub_id].checks)
    assert results["fashion_download"].status == "graded"
