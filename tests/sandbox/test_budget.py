"""The grader's training is sized by its cost (ag_budget): small models unchanged, large ones briefly."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "autograder" / "sandbox" / "inner"))

import ag_budget  # noqa: E402


def test_an_ordinary_model_keeps_its_whole_plan():
    assert ag_budget.plan(6_209, 512, 5, 2e9) == (512, 5, False)          # the reference model
    assert ag_budget.plan(109_386, 512, 5, 2e9) == (512, 5, False)        # an MNIST Dense model
    assert ag_budget.plan(6_209, 341, 300, 5e10, models=2) == (341, 300, False)  # the insight's default


def test_a_large_model_gives_up_samples_then_epochs_never_below_the_minimum():
    samples, epochs, sized = ag_budget.plan(33_622_986, 512, 5, 2e9, min_samples=64, min_epochs=2)
    assert (samples, epochs, sized) == (64, 2, True)
    samples, epochs, sized = ag_budget.plan(2_000_000, 512, 5, 2e9, min_samples=64, min_epochs=2)
    assert sized and epochs == 5 and 64 <= samples < 512 and 2_000_000 * samples * epochs <= 2e9
    assert ag_budget.plan(10**9, 512, 5, 0) == (512, 5, False)  # 0: no limit


class Layer:
    def __init__(self, params, shape, layers=None):
        self.params, self.output, self.layers = params, type("T", (), {"shape": shape})(), layers

    def count_params(self):
        return self.params


def test_a_convolution_counts_its_weights_once_per_output_position():
    model = Layer(0, (None,), layers=[Layer(896, (None, 32, 32, 32)), Layer(0, (None, 4096)),
                                      Layer(1000, (None, 10))])
    assert ag_budget.weight_uses(model) == 896 * 32 * 32 + 1000


def test_an_insight_cut_by_the_time_limit_keeps_the_brief_trainings_result():
    from autograder.sandbox.worker import SandboxWorker
    from autograder.types import RunLimits

    class Replying(SandboxWorker):
        def __init__(self, reply):
            super().__init__(isolation="process")
            self.reply = reply

        def request(self, message, timeout):
            return self.reply

    partial = {"type": "train_result", "loss": [0.9, 0.7], "partial": True,
               "insight": {"error": "the comparison did not finish in time", "timeout": True}}
    kept = Replying({"outcome": "timeout", "state": partial}).train({}, RunLimits())
    assert kept["loss"] == [0.9, 0.7] and not kept.get("error") and kept["insight"]["timeout"]
    lost = Replying({"outcome": "timeout", "state": {"type": "train_result"}}).train({}, RunLimits())
    assert "timeout" in lost["error"]
