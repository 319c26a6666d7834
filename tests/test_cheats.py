"""Submissions written to fool the model inspection: none gains a point it did not earn."""
import pytest

from tests.conftest import ROOT, read_results, run_cli

pytestmark = pytest.mark.slow
CHEATS = ROOT / "tests" / "cheats"


@pytest.fixture(scope="module")
def cheat_results(tmp_path_factory):
    out = tmp_path_factory.mktemp("cheats")
    proc = run_cli("grade", str(CHEATS), str(ROOT / "solutions" / "reference.py"), "--out", str(out), "-j", "2")
    return proc, read_results(out)


def statuses(result):
    return {c["id"]: c["status"] for c in result["checks"]}


def test_fake_dense_claiming_keras_module_is_not_counted(cheat_results):
    r = cheat_results[1]["fake_dense"]
    s = statuses(r)
    assert s["hidden_layers"] == s["l2_regularization"] == s["dropout"] == "fail"
    assert "no es la de Keras" in r["checks"][1]["message"]


def test_patched_get_config_does_not_invent_l2(cheat_results):
    s = statuses(cheat_results[1]["patched_config"])
    assert s["l2_regularization"] == "fail" and s["hidden_layers"] == "pass"


def test_non_keras_global_named_model_is_no_model(cheat_results):
    r = cheat_results[1]["spoofed_global"]
    assert r["score"] == 0 and statuses(r)["model_built"] == "fail"


def test_patching_grader_modules_and_builtins_changes_nothing(cheat_results):
    r = cheat_results[1]["patched_checks"]
    s = statuses(r)
    assert s["hidden_layers"] == "fail" and r["model"]["layers"][0]["units"] == 1
    # What it really has: model_built, output_layer, compiled. It never calls fit, so step 4 (trains) fails.
    assert r["score"] == 3.0 and s["trains"] == "fail"


def test_reference_in_same_batch_unaffected(cheat_results):
    assert cheat_results[1]["reference"]["score"] == 10.0
