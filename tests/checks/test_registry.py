"""Choosing and running an assignment's checks: dependencies, skipping with a reason, all of them always listed."""
from dataclasses import replace

from autograder.assignment import load_assignment
from autograder.checks import plan, run_checks, training_wanted
from autograder.checks.base import CheckSpec, Evidence
from tests.checks.factory import dense, dropout, model, output, training

CONTRACT_IDS = ("model_built", "hidden_layers", "l2_regularization", "dropout", "output_layer", "compiled", "trains")
CHECKS = load_assignment("l2-dropout").checks


def test_l2_dropout_declares_the_contracts_ids_in_order():
    assert tuple(c.id for c in CHECKS) == CONTRACT_IDS
    assert [c.kind for c in CHECKS] == ["model_built", "hidden_dense", "kernel_regularizer", "after_each_hidden",
                                        "output_layer", "compiled", "trains"]


def test_dependencies_come_from_the_kinds():
    deps = {c.id: c.depends_on for c in plan(CHECKS)}
    assert deps["model_built"] == () and deps["dropout"] == ("model_built",)
    assert deps["trains"] == ("model_built", "compiled")


def test_a_table_may_name_its_own_dependencies():
    checks = CHECKS[:3] + (replace(CHECKS[3], depends_on=("hidden_layers",)),)
    done = run_checks(Evidence(model(dense(), dense(), dense(), output())), checks)
    assert done["dropout"].status == "skipped" and done["dropout"].params["depends"] == "hidden_layers"


def test_no_model_skips_everything_with_reason():
    done = run_checks(Evidence(None), CHECKS)
    assert done["model_built"].status == "fail"
    for cid in CONTRACT_IDS[1:]:
        assert done[cid].status == "skipped" and done[cid].params["depends"] == "model_built"


def test_training_wanted_only_when_compiled_passes():
    ok = run_checks(Evidence(model()), CHECKS, only=lambda c: not c.needs_training)
    assert "trains" not in ok and training_wanted(ok, CHECKS)
    bad = run_checks(Evidence(model(compiled=False)), CHECKS, only=lambda c: not c.needs_training)
    assert not training_wanted(bad, CHECKS)
    assert run_checks(Evidence(model(compiled=False)), CHECKS)["trains"].params["depends"] == "compiled"


def test_full_run_with_training():
    done = run_checks(Evidence(model(), training=training(1.0, 0.5)), CHECKS)
    assert all(f.status == "pass" for f in done.values())


def test_each_check_reads_its_own_parameters():
    three = tuple(replace(c, params={**c.params, "count": 3}) if c.id == "hidden_layers" else c for c in CHECKS)
    layers = (dense(), dropout(), dense(), dropout(), dense(), dropout(), output())
    assert run_checks(Evidence(model(*layers)), CHECKS)["hidden_layers"].status == "fail"
    assert run_checks(Evidence(model(*layers)), three)["hidden_layers"].status == "pass"


def test_messages_follow_the_checks_family():
    generic = tuple(replace(c, messages="") for c in CHECKS)
    done = run_checks(Evidence(model(dense(), dense(), output())), generic)
    assert (done["dropout"].message, done["dropout"].hint) == ("after_each_hidden.missing", "after_each_hidden.hint")
    assert done["hidden_layers"].message == "hidden_dense.ok"
    assert run_checks(Evidence(model(dense(), dense(), output())), CHECKS)["dropout"].message == "dropout.missing"


def test_a_crashing_check_is_an_error_not_a_crash(monkeypatch):
    from autograder.checks import vocabulary

    monkeypatch.setitem(vocabulary.VOCABULARY, "after_each_hidden",
                        replace(vocabulary.VOCABULARY["after_each_hidden"], run=lambda ev: 1 / 0))
    done = run_checks(Evidence(model(dense(), dropout(), dense(), dropout(), output())), CHECKS)
    assert done["dropout"].status == "error" and "ZeroDivisionError" in done["dropout"].params["error"]


def test_two_checks_of_one_kind_run_with_their_own_ids():
    bn = CheckSpec("batch_norm", "after_each_hidden", 1.0, {"layer": "BatchNormalization", "between": ["Dropout"]})
    layers = (dense(), dropout(), dense(), dropout(), output())
    done = run_checks(Evidence(model(*layers)), CHECKS + (bn,))
    assert done["dropout"].status == "pass" and done["batch_norm"].status == "fail"
    assert done["batch_norm"].params["expected_layer"] == "BatchNormalization"
