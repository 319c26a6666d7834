"""Trainings reused within one batch.

The grader's training (the brief training and the regularization insight) is a pure function of its
request: plain data (the rebuilt model's config, the compile settings, the task, the seed, the data
sample), run by grader code only, in a sandboxed child, with fixed seeds and a fixed thread count. Two
submissions whose requests are equal byte for byte get equal replies (``tests/test_memo.py`` checks it
across workers), so a batch trains each distinct request once: a class whose students kept the
course's template architecture on the course's data trains it once, not once per student.

What is reused is keyed by the whole request, the limits it ran under and the worker's thread count;
only clean replies are kept (no error, no timeout, an insight that ran to the end), so a failure one
submission met under load is never handed to another. Student code never runs where this cache lives
(the grader's process), and what a submission can put in a request only changes its own key.
"""
from __future__ import annotations

import copy
import hashlib
import json
import threading
from collections import OrderedDict
from typing import Any

from autograder.types import ExecutionArtifact, RunLimits

CAPACITY = 256
"""Replies kept (a few tens of kB each): more distinct trainings than a class has students."""


def request_key(request: dict[str, Any], limits: RunLimits, threads: int | None) -> str:
    """The reply's identity: a digest of the request, its limits and the worker's TensorFlow threads."""
    text = json.dumps({"request": request, "limits": limits.to_job(), "threads": threads},
                      sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def reusable(reply: dict[str, Any]) -> bool:
    """A clean reply: trained without error, and an insight (when asked) that ran all its epochs."""
    if not isinstance(reply, dict) or reply.get("error") or reply.get("type") != "train_result":
        return False
    insight = reply.get("insight")
    if insight is None:
        return True
    return isinstance(insight, dict) and not insight.get("error") and not insight.get("timeout") \
        and not insight.get("cut")


class TrainingMemo:
    """Replies by request key, shared by the batch's workers (threads of the grader's process).

    A request already being trained by another worker is waited for rather than trained twice."""

    def __init__(self, capacity: int = CAPACITY):
        self.capacity = capacity
        self.replies: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.running: dict[str, threading.Event] = {}
        self.lock = threading.Lock()
        self.hits = self.misses = 0

    def train(self, sandbox: Any, request: dict[str, Any], limits: RunLimits) -> dict[str, Any]:
        key = request_key(request, limits, getattr(sandbox, "threads", None))
        mine = None  # the event this call sets when it trains the request first
        with self.lock:
            if key in self.replies:
                return self._hit(key)
            running = self.running.get(key)
            if running is None:
                mine = self.running[key] = threading.Event()
        if running is not None:
            # Another worker trains this very request: wait for it (it ends within its own limits); when it
            # failed there, or took too long, this submission trains it itself.
            running.wait(timeout=limits.timeout_s + 90)
            with self.lock:
                if key in self.replies:
                    return self._hit(key)
        reply = None
        try:
            with self.lock:
                self.misses += 1
            reply = sandbox.train(request, limits)
            return reply
        finally:
            with self.lock:
                if reply is not None and reusable(reply):
                    self.replies[key] = copy.deepcopy(reply)
                    while len(self.replies) > self.capacity:
                        self.replies.popitem(last=False)
                if mine is not None and self.running.get(key) is mine:
                    del self.running[key]
            if mine is not None:
                mine.set()

    def _hit(self, key: str) -> dict[str, Any]:
        """A copy of the kept reply, marked as reused (called with the lock held)."""
        self.replies.move_to_end(key)
        self.hits += 1
        return dict(copy.deepcopy(self.replies[key]), reused=True)

    def wrap(self, sandbox: Any) -> "MemoSandbox":
        return MemoSandbox(sandbox, self)


class MemoSandbox:
    """A sandbox whose trainings go through a TrainingMemo; everything else is the sandbox's own."""

    def __init__(self, sandbox: Any, memo: TrainingMemo):
        self.sandbox, self.memo = sandbox, memo

    @property
    def isolation(self) -> str:
        return self.sandbox.isolation

    def run(self, job: dict, limits: RunLimits) -> ExecutionArtifact:
        return self.sandbox.run(job, limits)

    def train(self, request: dict, limits: RunLimits) -> dict:
        return self.memo.train(self.sandbox, request, limits)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.sandbox, name)
