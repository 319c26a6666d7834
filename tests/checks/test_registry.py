"""Choosing and running checks: dependencies, skipping with a reason, all seven always listed."""
from autograder.checks import CHECK_IDS, run_checks, training_wanted
from autograder.checks.base import Evidence
from tests.checks.factory import dense, dropout, model, output, training

CONTRACT_IDS = ("model_built", "hidden_layers", "l2_regularization", "dropout", "output_layer", "compiled", "trains")


def test_ids_are_the_contracts_in_order():
    assert CHECK_IDS == CONTRACT_IDS


def test_no_model_skips_everything_with_reason():
    done = run_checks(Evidence(None))
    assert done["model_built"].status == "fail"
    for cid in CONTRACT_IDS[1:]:
        assert done[cid].status == "skipped" and done[cid].params["depends"] == "model_built"


def test_training_wanted_only_when_compiled_passes():
    ok = run_checks(Evidence(model()), only=lambda c: not c.needs_training)
    assert "trains" not in ok and training_wanted(ok)
    bad = run_checks(Evidence(model(compiled=False)), only=lambda c: not c.needs_training)
    assert not training_wanted(bad)
    assert run_checks(Evidence(model(compiled=False)))["trains"].params["depends"] == "compiled"


def test_full_run_with_training():
    done = run_checks(Evidence(model(), {"hidden_dense_layers": 2}, training(1.0, 0.5)))
    assert all(f.status == "pass" for f in done.values())


def test_a_crashing_check_is_an_error_not_a_crash(monkeypatch):
    import autograder.checks as registry
    from dataclasses import replace

    broken = tuple(replace(c, run=lambda ev: 1 / 0) if c.id == "dropout" else c for c in registry.CHECKS)
    monkeypatch.setattr(registry, "CHECKS", broken)
    done = registry.run_checks(Evidence(model(dense(), dropout(), dense(), dropout(), output())))
    assert done["dropout"].status == "error" and "ZeroDivisionError" in done["dropout"].params["error"]
