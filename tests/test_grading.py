"""Pure parts of the pipeline: advice for the student, output cleaning, the training task, error rows."""
import time

from autograder.assignment import load_assignment
from autograder.grading import clean_output, error_result, training_task
from autograder.types import Submission
from tests.checks.factory import dense, dropout, model, output


def test_clean_output_collapses_progress_bars_and_colours():
    raw = "Epoch 1/2\n\x1b[1m1/3\x1b[0m ━━\r\x1b[1m3/3\x1b[0m ━━━━ loss: 0.5\nfin\n"
    assert clean_output(raw) == "Epoch 1/2\n3/3 ━━━━ loss: 0.5\nfin\n"


def test_training_task_follows_output_and_loss():
    hidden = (dense(), dropout(), dense(), dropout())
    assert training_task(model(*hidden, output(1, "sigmoid"))) == "binary"
    assert training_task(model(*hidden, output(3, "softmax"), loss="sparse_categorical_crossentropy")) == "sparse"
    assert training_task(model(*hidden, output(3, "softmax"), loss="categorical_crossentropy")) == "categorical"
    assert training_task(model(*hidden, output(1, "linear"), loss="mse")) == "regression"
    assert training_task(model(*hidden, output(1, None), loss="BinaryCrossentropy", from_logits=True)) == "binary"


def test_error_row_lists_every_check_with_zero_score():
    sub = Submission(id="x", source="x.py", kind="script", sha256="0" * 64)
    r = error_result(sub, load_assignment(), "en", "timeout", {"timeout": "120"}, time.monotonic())
    assert r.status == "error" and r.score == 0 and r.error.kind == "timeout" and "120" in r.error.message
    assert [c.status for c in r.checks] == ["error"] + ["skipped"] * 6
    assert all(c.points == 0 for c in r.checks)
