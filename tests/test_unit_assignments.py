"""The unit's other exercises through the real CLI and real TensorFlow: for each assignment, one run over its
fixtures (tests/fixtures/unit/<assignment>/): the course text's example scores full marks, and each near-miss
fails exactly the checks listed in expected.json. Transfer learning serves VGG16 weights that Keras itself wrote
under the name its get_file asks for, from the --datasets folder's models/; without them, random weights and
one sentence in the environment section."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, catalog_keys_shown, read_results, run_cli
from tests.test_insight_techniques import assert_course_examples_report_whether_the_technique_helps

FIXTURES = ROOT / "tests" / "fixtures" / "unit"
EXPECTED = {k: v for k, v in json.loads((FIXTURES / "expected.json").read_text()).items() if not k.startswith("_")}
VGG16_NOTOP = "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"
TRANSFER_SUBSET = ("course_example", "weights_none")
"""VGG16 at 224x224 costs 30-120 s per submission on 2 cores: the suite grades these two (served ImageNet weights
and weights=None); the other near-misses have pure tests per check kind (tests/checks/) and are graded the same way by ``autograder grade tests/fixtures/unit/transfer-learning --assignment transfer-learning``."""

WRITE_WEIGHTS = """
import sys, h5py, keras
from keras.src.legacy.saving import legacy_h5_format
base = keras.applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
with h5py.File(sys.argv[1], "w") as f:
    legacy_h5_format.save_weights_to_hdf5_group(f, base)
"""


def failing(result: dict) -> list[str]:
    return sorted(c["id"] for c in result["checks"] if c["status"] != "pass")


def assert_verdicts(assignment: str, results: dict[str, dict], names) -> None:
    assert sorted(results) == sorted(names)
    got = {name: failing(results[name]) for name in names}
    assert got == {name: sorted(EXPECTED[assignment][name]) for name in names}
    for name in names:
        assert results[name]["assignment"] == assignment and results[name]["status"] == "graded"
        if not EXPECTED[assignment][name]:
            assert results[name]["score"] == results[name]["max_score"] == 10.0


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ["early-stopping", "batch-norm", "data-augmentation"])
def test_fixtures_score_as_expected(assignment, tmp_path):
    out = tmp_path / "out"
    proc = run_cli("grade", str(FIXTURES / assignment), "--assignment", assignment, "--out", str(out))
    assert proc.returncode == 1, proc.stderr[-2000:]  # some near-miss fails a check
    assert_verdicts(assignment, read_results(out), EXPECTED[assignment])
    assert catalog_keys_shown(out) == {}  # every sentence worded
    assert_course_examples_report_whether_the_technique_helps(assignment, read_results(out), out)
    if assignment == "data-augmentation":  # TF 2.3-2.5's layers.experimental, imported or reached by attributes
        for name, line in (("tf25_experimental_preprocessing", 6), ("tf23_preprocessing_attributes", 8)):
            notes = read_results(out)[name]["keras2"]
            assert [(n["idiom"], n["modern"], n["location"]["line"]) for n in notes] == [
                ("tensorflow.keras.layers.experimental", "tensorflow.keras.layers", line)]


@pytest.mark.slow
def test_transfer_learning_with_served_and_without_weights(tmp_path):
    models = tmp_path / "datasets" / "models"
    models.mkdir(parents=True)
    subprocess.run([sys.executable, "-c", WRITE_WEIGHTS, str(models / VGG16_NOTOP)], check=True, cwd=ROOT,
                   capture_output=True, timeout=300)
    subs = tmp_path / "subs"
    subs.mkdir()
    for name in TRANSFER_SUBSET:
        shutil.copy(FIXTURES / "transfer-learning" / f"{name}.py", subs)
    out = tmp_path / "served"
    proc = run_cli("grade", str(subs), "--assignment", "transfer-learning", "--datasets", str(tmp_path / "datasets"),
                   "--out", str(out), timeout=900)
    assert proc.returncode == 1, proc.stderr[-2000:]
    results = read_results(out)
    assert_verdicts("transfer-learning", results, TRANSFER_SUBSET)
    served = results["course_example"]
    assert "ImageNet" in served["checks"][1]["message"] and "aleatorios" not in served["checks"][1]["message"]
    assert not served.get("environment")

    out = tmp_path / "random"
    proc = run_cli("grade", str(FIXTURES / "transfer-learning" / "course_example.py"), "--assignment", "transfer-learning", "--out", str(out), timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = read_results(out)["course_example"]
    assert result["score"] == 10.0 and "pesos aleatorios" in result["checks"][1]["message"]
    report = (out / "course_example" / "report.md").read_text()
    assert f"Los pesos preentrenados `{VGG16_NOTOP}` no están disponibles" in report
