"""Where bubblewrap cannot run, the grader falls back to the process sandbox and says so."""
from __future__ import annotations

import pytest

from autograder.sandbox import bwrap, worker
from autograder.sandbox.worker import SandboxWorker, WorkerError, resolve_isolation


@pytest.fixture
def no_bwrap(monkeypatch):
    monkeypatch.setattr(bwrap, "bwrap_path", lambda: None)


def test_auto_picks_the_process_sandbox_without_bwrap(no_bwrap):
    assert resolve_isolation("auto") == "process"
    assert SandboxWorker(isolation="auto").isolation == "process"


def test_asking_for_bwrap_where_it_cannot_run_fails_at_start_with_a_clear_message(no_bwrap):
    sandbox = SandboxWorker(isolation="bwrap")  # no exception here: batch code starts workers in a try
    with pytest.raises(WorkerError, match="bubblewrap"):
        sandbox.start()


def test_each_worker_gets_its_own_sandbox_user():
    uids = {worker.pick_sandbox_uid() for _ in range(20)}
    assert len(uids) > 15 and all(u in worker.SANDBOX_UIDS for u in uids)


@pytest.mark.slow
def test_auto_falls_back_when_bwrap_passes_its_probe_but_cannot_start_the_worker(monkeypatch):
    monkeypatch.setattr(bwrap, "bwrap_path", lambda: "/bin/false")
    monkeypatch.setattr(bwrap, "bwrap_command", lambda python, **kwargs: ["/bin/false"])
    with SandboxWorker(isolation="auto") as sandbox:
        assert sandbox.isolation == "process"
        assert sandbox.info["isolation"] == "process"
