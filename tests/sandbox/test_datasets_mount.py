"""The instructor's Keras datasets folder reaches the sandbox read-only: bound at a fixed path under
bubblewrap, readable (Landlock) in the process sandbox, and a job's ``keras_datasets`` names it as seen inside."""
from __future__ import annotations

import os

import pytest

from autograder.sandbox import bwrap
from autograder.sandbox.worker import SandboxWorker


@pytest.mark.skipif(bwrap.bwrap_path() is None, reason="no usable bwrap")
def test_bwrap_binds_the_datasets_folder_read_only_at_its_fixed_path(tmp_path):
    cmd = bwrap.bwrap_command("/usr/bin/python3", datasets_dir=str(tmp_path))
    at = cmd.index(bwrap.DATASETS_MOUNT)
    assert cmd[at - 2:at + 1] == ["--ro-bind", os.path.realpath(tmp_path), bwrap.DATASETS_MOUNT]
    assert cmd.index(bwrap.DATASETS_MOUNT) < cmd.index("--chdir")
    assert bwrap.DATASETS_MOUNT not in bwrap.bwrap_command("/usr/bin/python3")


@pytest.mark.parametrize("isolation", ["bwrap", "process"])
def test_a_jobs_datasets_folder_is_named_as_the_sandbox_sees_it(tmp_path, isolation):
    worker = SandboxWorker(isolation="process")
    worker.isolation = isolation  # not started: only the job's rewriting is looked at
    job = worker.serve_datasets({"id": "a", "keras_datasets": str(tmp_path)})
    assert worker.datasets_dir == os.path.realpath(tmp_path)
    expected = bwrap.DATASETS_MOUNT if isolation == "bwrap" else os.path.realpath(tmp_path)
    assert job["keras_datasets"] == expected
    assert worker.serve_datasets({"id": "b"}) == {"id": "b"}
