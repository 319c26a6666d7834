"""How the way a run ended becomes a result row: a clear error kind and a sentence a student can
read, in both languages; or, when a model was already built, a graded row that says it was cut short."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from autograder.assignment import load_assignment
from autograder.grading import LIMIT_OUTCOMES, grade_submission
from autograder.i18n import catalog
from autograder.loading import load_submission
from autograder.types import ExecutionArtifact, RunLimits

I18N = Path(__file__).resolve().parents[2] / "autograder" / "i18n"


def model_state():
    """What the runner reports for solutions/reference.py (the cross-check compares it with that code)."""
    at = lambda line: {"file": "reference.py", "line": line}  # noqa: E731
    dense = lambda units, act, reg, line: {"class_name": "Dense", "name": f"dense_{units}_{act}", "builtin": True,
                                           "units": units, "activation": act, "kernel_regularizer": reg,
                                           "created_at": at(line)}
    l2 = {"class_name": "L2", "l2": 0.01}
    layers = [dense(64, "relu", l2, 7),
              {"class_name": "Dropout", "name": "dropout", "builtin": True, "rate": 0.5, "created_at": at(8)},
              dense(64, "relu", l2, 9),
              {"class_name": "Dropout", "name": "dropout_1", "builtin": True, "rate": 0.5, "created_at": at(10)},
              dense(1, "sigmoid", None, 11)]
    model = {"index": 0, "kind": "sequential", "class_name": "Sequential", "builtin": True, "name": "sequential",
             "layer_order": "config", "input_shape": [None, 30], "layers": layers,
             "compile": {"optimizer": {"class_name": "Adam"}, "loss": {"name": "binary_crossentropy"},
                         "metrics": [], "error": None, "optimizer_given": True, "site": at(13)},
             "fits": [{"epochs_requested": 50, "epochs_run": 2, "loss": [0.7, 0.6], "called": True, "site": at(14)}],
             "serialized": None}
    return {"type": "state", "final": None, "events": [["fit", 0]], "models": {"0": model}, "models_seen": 1,
            "global_model": 0, "errors": [], "notes": []}


class FakeSandbox:
    isolation = "bwrap"

    def __init__(self, outcome, detail="", state=None, output=""):
        self.artifact = ExecutionArtifact(outcome=outcome, state=state or {}, output=output, isolation="bwrap",
                                          message=detail)

    def run(self, job, limits):
        return self.artifact

    def train(self, request, limits):
        return {"loss": [0.9, 0.7, 0.5], "val_loss": [0.9, 0.8, 0.7], "elapsed_s": 0.1}


@pytest.fixture(scope="module")
def submission(tmp_path_factory):
    path = tmp_path_factory.mktemp("sub") / "alumno.py"
    path.write_text("print('hola')\n")
    return load_submission(path, "alumno")


CASES = [
    # outcome, detail code, what the English message must say
    ("timeout", "wall", "time limit (20 s)"),
    ("timeout", "cpu", "time limit (50 s of CPU time)"),
    ("memory_limit", "memory", "memory limit (6144 MB)"),
    ("output_limit", "output", "printed more than 32 MB"),
    ("disk_limit", "disk", "more than 512 MB of files"),
    ("crash", "signal:SIGSEGV", "abruptly (signal SIGSEGV)"),
    ("crash", "channel_closed", "closed the channel the grader reads its results from"),
    ("exited", "exit:3", "(exit code 3)"),
]


@pytest.mark.parametrize("outcome, detail, words", CASES)
def test_a_run_stopped_before_any_model_is_an_error_row_with_a_clear_sentence(submission, outcome, detail, words):
    assignment = load_assignment().with_run_overrides(cpu_s=50)
    result = grade_submission(submission, assignment, FakeSandbox(outcome, detail), lang="en", timeout_s=20)
    assert result.status == "error" and result.score == 0
    assert result.error.kind == outcome
    assert words in result.error.message
    assert len(result.checks) == 7
    spanish = grade_submission(submission, assignment, FakeSandbox(outcome, detail), lang="es", timeout_s=20)
    assert spanish.error.message != result.error.message
    for message in (result.error.message, spanish.error.message):
        assert "{" not in message and "?" not in message and not message.startswith("error.")


@pytest.mark.parametrize("outcome", ["timeout", "memory_limit", "output_limit", "disk_limit", "crash"])
def test_a_model_built_before_the_run_was_stopped_is_graded_and_the_row_says_so(outcome):
    reference = load_submission(Path(__file__).resolve().parents[2] / "solutions" / "reference.py")
    result = grade_submission(reference, load_assignment(), FakeSandbox(outcome, "wall", model_state()), lang="en")
    assert result.status == "graded" and result.error is None
    assert result.score == 10.0
    assert result.cut_short and "{" not in result.cut_short


@pytest.mark.parametrize("error_type", ["MemoryError", "ResourceExhaustedError"])
def test_running_out_of_memory_inside_python_or_tensorflow_is_a_memory_limit(submission, error_type):
    state = {"final": "completed", "events": [], "models": {},
             "errors": [{"type": error_type, "message": "OOM when allocating tensor", "location": None}]}
    result = grade_submission(submission, load_assignment(), FakeSandbox("completed", "", state), lang="en")
    assert result.error.kind == "memory_limit"


def test_both_catalogs_have_the_same_keys_and_a_sentence_for_every_way_a_run_can_end():
    es = json.loads((I18N / "es.json").read_text(encoding="utf-8"))
    en = json.loads((I18N / "en.json").read_text(encoding="utf-8"))
    assert set(es) == set(en)
    for outcome in LIMIT_OUTCOMES:
        for prefix in ("error", "cut_short"):
            assert f"{prefix}.{outcome}" in es, f"{prefix}.{outcome}"
    for key in es:
        if key.startswith(("error.", "cut_short.")):
            assert set(re.findall(r"\{(\w+)\}", es[key])) == set(re.findall(r"\{(\w+)\}", en[key])), key
    assert catalog("en")["error.why.signal"] == "signal {signal}"


def test_limits_reach_the_sandbox(submission):
    seen = {}

    class Recording(FakeSandbox):
        def run(self, job, limits):
            seen["limits"] = limits
            return super().run(job, limits)

    assignment = load_assignment().with_run_overrides(memory_mb=4096, nproc=64, nofile=128, fsize_mb=8,
                                                      output_kept_kb=16, output_limit_mb=4)
    grade_submission(submission, assignment, Recording("completed"), lang="en", timeout_s=30)
    assert seen["limits"] == RunLimits(timeout_s=30.0, memory_mb=4096, cpu_s=70, nproc=64, fsize_mb=8, nofile=128,
                                       output_bytes=16 * 1024, output_limit_bytes=4 * 2**20, fit_epochs_cap=2)
