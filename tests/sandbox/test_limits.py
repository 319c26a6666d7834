"""Every limit is applied to every run, with or without bubblewrap, at the values configured."""
from __future__ import annotations

import os
import sys

import pytest

from autograder.sandbox import bwrap
from autograder.sandbox.worker import SandboxWorker
from autograder.types import RunLimits

sys.path.insert(0, os.path.dirname(__file__))
from sandbox_probe import run_snippet  # noqa: E402

pytestmark = pytest.mark.slow
LEVELS = [pytest.param("bwrap", marks=pytest.mark.skipif(bwrap.bwrap_path() is None, reason="no usable bwrap")),
          "process"]
LIMITS = RunLimits(timeout_s=40, memory_mb=5000, cpu_s=70, nproc=300, fsize_mb=16, nofile=200,
                   output_bytes=2000, output_limit_bytes=4 * 2**20)


@pytest.fixture(scope="module", params=LEVELS)
def worker(request):
    with SandboxWorker(isolation=request.param) as started:
        yield started


RLIMITS = '''
import resource
names = ("AS", "CPU", "NPROC", "FSIZE", "NOFILE", "CORE", "MEMLOCK")
emit(**{name: resource.getrlimit(getattr(resource, "RLIMIT_" + name)) for name in names},
     tasks=sum(1 for _ in open("/proc/self/status")), uid=_os.getuid())
'''


def test_every_rlimit_is_set_as_configured(worker):
    artifact, facts = run_snippet(worker, RLIMITS, LIMITS)
    assert artifact.outcome == "completed" and artifact.isolation == worker.isolation
    mb = 2**20
    assert facts["AS"] == [5000 * mb] * 2
    assert facts["CPU"] == [70, 70]
    assert facts["FSIZE"] == [16 * mb] * 2
    assert facts["NOFILE"] == [200, 200]
    assert facts["CORE"] == [0, 0] and facts["MEMLOCK"] == [0, 0]
    if worker.info["drop_uid"]:  # a sandbox user of its own: the allowance is the whole limit
        assert facts["NPROC"] == [300, 300] and facts["uid"] == worker.info["run_as"] != 0
    else:
        assert facts["NPROC"][0] >= 300


def test_the_cpu_limit_ends_the_run_as_a_timeout(worker):
    artifact, _ = run_snippet(worker, "while True:\n    pass\n", RunLimits(timeout_s=30, cpu_s=2))
    assert (artifact.outcome, artifact.message) == ("timeout", "cpu")
    assert artifact.elapsed_s < 15


def test_printed_output_is_kept_up_to_the_limit_and_the_rest_counted(worker):
    artifact, _ = run_snippet(worker, "print('z' * 9999, end='')", LIMITS)
    assert artifact.outcome == "completed"
    assert len(artifact.output.encode()) <= 2000 + 200  # the prelude's own lines are small
    assert artifact.output_dropped_bytes >= 9999 - 2000


def test_a_file_cannot_grow_past_the_file_size_limit(worker):
    artifact, facts = run_snippet(worker, '''
with open("big.bin", "wb") as fh:
    try:
        for _ in range(64):
            fh.write(b"0" * 2**20)
    except OSError as exc:
        emit(errno=exc.errno, size=fh.tell())
''', LIMITS)
    assert facts["errno"] == 27  # EFBIG
    assert facts["size"] <= 16 * 2**20


def test_open_files_are_limited(worker):
    _, facts = run_snippet(worker, '''
files = []
try:
    while True:
        files.append(open("/dev/null"))
except OSError as exc:
    emit(errno=exc.errno, opened=len(files))
''', LIMITS)
    assert facts["errno"] == 24 and facts["opened"] < 200  # EMFILE
