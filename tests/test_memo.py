"""A batch trains equal requests once (autograder/memo.py): the reuse gives what training again gives."""
from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest

from autograder.assignment import load_assignment
from autograder.grading import grade_submission
from autograder.loading import load_submission
from autograder.memo import TrainingMemo, request_key, reusable
from autograder.sandbox.worker import SandboxWorker, preimport_modules
from tests.conftest import SOLUTIONS

LIMITS = load_assignment().training_limits()


def test_the_key_ignores_the_order_of_keys_and_names_everything_that_changes_a_training():
    request = {"rebuild": {"layers": [1, 2]}, "task": "binary", "settings": {"seed": 0, "epochs": 5}}
    reordered = {"settings": {"epochs": 5, "seed": 0}, "task": "binary", "rebuild": {"layers": [1, 2]}}
    key = request_key(request, LIMITS, 1)
    assert request_key(reordered, LIMITS, 1) == key
    assert request_key(request, LIMITS, 2) != key  # another thread count may round differently
    assert request_key(request, replace(LIMITS, timeout_s=LIMITS.timeout_s + 1), 1) != key
    assert request_key(dict(request, settings={"seed": 1, "epochs": 5}), LIMITS, 1) != key
    assert request_key(dict(request, insight={"x": "AAAA"}), LIMITS, 1) != key


@pytest.mark.parametrize("reply, kept", [
    ({"type": "train_result", "loss": [1.0]}, True),
    ({"type": "train_result", "loss": [1.0], "insight": {"model": {}, "cut": False}}, True),
    ({"type": "train_result", "error": "the training run ended with timeout"}, False),
    ({"type": "train_result", "loss": [1.0], "insight": {"error": "only 3 epochs ran", "timeout": True}}, False),
    ({"type": "train_result", "loss": [1.0], "insight": {"model": {}, "cut": True}}, False),
    ({"loss": [1.0]}, False),
    (None, False),
])
def test_only_clean_replies_are_reused(reply, kept):
    assert reusable(reply) is kept


class CountingSandbox:
    """Stands for a worker in the memo's own bookkeeping tests: it counts requests and returns its reply."""

    threads = 1
    isolation = "none"

    def __init__(self, reply, delay=None):
        self.reply, self.calls, self.delay = reply, 0, delay

    def train(self, request, limits):
        self.calls += 1
        if self.delay is not None:
            self.delay.wait(5)
        return dict(self.reply)


def test_a_failed_training_is_trained_again_and_a_clean_one_is_not():
    memo = TrainingMemo()
    failing = CountingSandbox({"type": "train_result", "error": "the training run ended with timeout"})
    assert memo.train(failing, {"a": 1}, LIMITS).get("error")
    assert memo.train(failing, {"a": 1}, LIMITS).get("error")
    assert failing.calls == 2
    clean = CountingSandbox({"type": "train_result", "loss": [0.5]})
    first = memo.train(clean, {"a": 2}, LIMITS)
    again = memo.train(clean, {"a": 2}, LIMITS)
    assert clean.calls == 1 and again["loss"] == first["loss"] and again["reused"] is True
    again["loss"].append(9.9)  # a caller changing its copy changes nothing kept
    assert memo.train(clean, {"a": 2}, LIMITS)["loss"] == [0.5]


def two_workers_at_once(memo, reply, request):
    """Two threads ask ``memo`` for ``request``: the first is training it (in flight, held at a gate)
    when the second asks. Returns (the sandbox, with its call count; both replies)."""
    gate = threading.Event()
    sandbox = CountingSandbox(reply, delay=gate)
    replies = []
    threads = [threading.Thread(target=lambda: replies.append(memo.train(sandbox, request, LIMITS)))
               for _ in range(2)]
    threads[0].start()
    for _ in range(500):
        if memo.running:
            break
        time.sleep(0.01)
    threads[1].start()
    time.sleep(0.1)
    gate.set()
    for thread in threads:
        thread.join(10)
    return sandbox, replies


def test_the_same_request_in_two_workers_at_once_is_trained_once():
    memo = TrainingMemo()
    sandbox, replies = two_workers_at_once(memo, {"type": "train_result", "loss": [0.5]}, {"a": 3})
    assert sandbox.calls == 1 and [r["loss"] for r in replies] == [[0.5], [0.5]]


def test_a_worker_waiting_for_a_request_that_failed_elsewhere_trains_it_itself():
    memo = TrainingMemo()
    failed = {"type": "train_result", "error": "the training run ended with memory_limit"}
    sandbox, replies = two_workers_at_once(memo, failed, {"a": 4})
    assert sandbox.calls == 2 and all(r.get("error") for r in replies) and not memo.running


@pytest.mark.slow
def test_a_reused_training_gives_what_a_fresh_worker_trains():
    """Two files with the same model on the assignment's data: the second reuses the first's training,
    and its result equals the one a fresh worker without the memo computes (TensorFlow is deterministic
    here: fixed seeds, one thread)."""
    assignment = load_assignment()
    script, notebook = load_submission(SOLUTIONS / "reference.py"), load_submission(SOLUTIONS / "reference_notebook.ipynb")
    memo = TrainingMemo()
    with SandboxWorker(threads=1, preimport=preimport_modules(assignment.run)) as worker:
        first = grade_submission(script, assignment, memo.wrap(worker))
        reused = grade_submission(notebook, assignment, memo.wrap(worker))
    assert (memo.misses, memo.hits) == (1, 1)
    with SandboxWorker(threads=1, preimport=preimport_modules(assignment.run)) as fresh:
        trained = grade_submission(notebook, assignment, fresh)
    assert reused.training is not None and reused.training.loss, reused.training
    assert reused.training.loss == trained.training.loss == first.training.loss
    assert reused.training.val_loss == trained.training.val_loss
    assert reused.insight is not None and trained.insight is not None
    assert replace(reused.insight, elapsed_s=0) == replace(trained.insight, elapsed_s=0)  # the time is the first's
    assert [(c.id, c.status, c.points) for c in reused.checks] == [(c.id, c.status, c.points) for c in trained.checks]
