"""Each isolation property, observed from inside a real sandbox (bubblewrap, or the process
fallback with Landlock), and the sandbox dying with the grader."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from autograder.sandbox import bwrap
from autograder.sandbox.worker import SandboxWorker
from autograder.types import RunLimits

sys.path.insert(0, os.path.dirname(__file__))
from sandbox_probe import REPO, alive, descendants, processes_with, run_snippet  # noqa: E402

pytestmark = pytest.mark.slow
needs_bwrap = pytest.mark.skipif(bwrap.bwrap_path() is None, reason="bubblewrap cannot run on this machine")


@pytest.fixture(scope="module")
def bwrap_worker():
    if bwrap.bwrap_path() is None:
        pytest.skip("bubblewrap cannot run on this machine")
    with SandboxWorker(isolation="bwrap") as worker:
        yield worker


@pytest.fixture(scope="module")
def listener():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    server.settimeout(0.3)
    yield server
    server.close()


VIEW = f'''
import socket, sys
cwd = _os.getcwd()
mounts = [line.split() for line in open("/proc/self/mountinfo")]
fs_of = {{m[4]: m[m.index("-") + 1] for m in mounts}}
def connect():
    socket.create_connection(("127.0.0.1", PORT), timeout=3).close()
status = dict(line.split(":", 1) for line in open("/proc/self/status"))
emit(cwd=cwd, listing=_os.listdir(cwd), cwd_fs=fs_of.get("/tmp"), uid=_os.getuid(),
     write_usr=err(lambda: open("/usr/ag-probe", "w")), write_etc=err(lambda: open("/etc/ag-probe", "w")),
     write_prefix=err(lambda: open(sys.prefix + "/ag-probe", "w")),
     write_tmp=err(lambda: open("/tmp/ag-probe", "w")), write_root=err(lambda: open("/ag-probe", "w")),
     list_jobs=err(lambda: _os.listdir(_os.path.dirname(cwd))),
     jobs_seen=_os.listdir(_os.path.dirname(cwd)) if err(lambda: _os.listdir(_os.path.dirname(cwd))) == "allowed" else None,
     grader={{name: _os.path.exists("{REPO}/" + name) for name in
              ("solutions", "tests", "assignments", "autograder", "reports", "pyproject.toml")}},
     read_grader={{name: err(lambda: open("{REPO}/" + name, "rb").read(1)) for name in
                   ("solutions/reference.py", "assignments/l2-dropout/data.npz", "autograder/grading.py",
                    "pyproject.toml")}},
     shadow=err(lambda: open("/etc/shadow").read()),
     interfaces=[line.split(":")[0].strip() for line in open("/proc/net/dev").readlines()[2:]],
     connect=err(connect), pids=sorted(int(p) for p in _os.listdir("/proc") if p.isdigit()),
     seccomp=status["Seccomp"].strip(), no_new_privs=status["NoNewPrivs"].strip(), caps=status["CapEff"].strip())
'''


@pytest.fixture(scope="module")
def bwrap_view(bwrap_worker, listener):
    artifact, facts = run_snippet(bwrap_worker, VIEW.replace("PORT", str(listener.getsockname()[1])))
    assert artifact.outcome == "completed", artifact
    assert artifact.isolation == "bwrap"
    return facts


def test_the_job_starts_in_a_fresh_empty_folder_on_a_ram_disk(bwrap_view):
    assert bwrap_view["cwd"].startswith(bwrap.WORKROOT + "/")
    assert bwrap_view["listing"] == []
    assert bwrap_view["cwd_fs"] == "tmpfs"


def test_the_system_is_read_only_and_only_the_jobs_folder_is_writable(bwrap_view):
    for key in ("write_usr", "write_etc", "write_prefix"):
        assert bwrap_view[key] in ("EROFS", "EACCES"), key
    assert bwrap_view["write_tmp"] == "EACCES" and bwrap_view["write_root"] in ("EROFS", "EACCES")
    # The folder around the job's is the job's own while it runs (``../results`` is a throwaway place of the job,
    # issue 23): nothing of another job is there.
    assert bwrap_view["list_jobs"] == "EACCES" or bwrap_view["jobs_seen"] == [os.path.basename(bwrap_view["cwd"])]


def test_the_graders_files_are_not_there(bwrap_view):
    assert not any(bwrap_view["grader"].values()), bwrap_view["grader"]
    assert bwrap_view["shadow"] == "EACCES"


def test_there_is_no_network(bwrap_view, listener):
    assert bwrap_view["interfaces"] == ["lo"]
    assert bwrap_view["connect"] == "ECONNREFUSED"
    with pytest.raises(socket.timeout):
        listener.accept()


def test_the_job_runs_in_its_own_pid_namespace_unprivileged_and_filtered(bwrap_view):
    assert max(bwrap_view["pids"]) < 100 and 1 in bwrap_view["pids"]
    assert os.getpid() not in bwrap_view["pids"] or os.getpid() < 100
    assert bwrap_view["uid"] != 0
    assert bwrap_view["caps"] == "0000000000000000"
    assert (bwrap_view["seccomp"], bwrap_view["no_new_privs"]) == ("2", "1")


def test_a_job_cannot_see_the_files_of_the_job_before_it(bwrap_worker):
    _, first = run_snippet(bwrap_worker, "open('secret.txt', 'w').write('alice'); emit(cwd=_os.getcwd())")
    _, second = run_snippet(bwrap_worker, f"emit(cwd=_os.getcwd(), seen=_os.path.exists({first['cwd']!r} + '/secret.txt'))")
    assert second["cwd"] != first["cwd"] and second["seen"] is False


@needs_bwrap
def test_outputs_around_the_job_and_in_content_are_the_jobs_and_gone_after_it(bwrap_worker):
    write = ("_os.makedirs('../results/figures', exist_ok=True); open('../results/figures/a.txt', 'w').write('alice'); "
             "open('/content/drive/MyDrive/m.txt', 'w').write('alice'); open('/content/out.csv', 'w').write('a'); "
             "emit(ok=open('../results/figures/a.txt').read() + open('/content/drive/MyDrive/m.txt').read())")
    _, first = run_snippet(bwrap_worker, write)
    assert first["ok"] == "alicealice"
    look = ("emit(results=_os.path.exists('../results'), content=sorted(_os.listdir('/content')), "
            "drive=_os.listdir('/content/drive/MyDrive'))")
    _, second = run_snippet(bwrap_worker, look)
    assert second == {"results": False, "content": ["drive"], "drive": []}


@pytest.mark.skipif(sys.platform != "linux", reason="Landlock is Linux only")
def test_the_process_fallback_fences_files_and_network_with_landlock(listener):
    with SandboxWorker(isolation="process") as worker:
        if not worker.info.get("landlock_abi"):
            pytest.skip("this kernel has no Landlock: the process fallback has limits only")
        artifact, facts = run_snippet(worker, VIEW.replace("PORT", str(listener.getsockname()[1])))
    assert artifact.isolation == "process"
    assert facts["listing"] == []
    # Landlock refuses opening; that a path exists stays visible (no mount namespace here).
    assert set(facts["read_grader"].values()) == {"EACCES"}, facts["read_grader"]
    assert facts["write_tmp"] == "EACCES" and facts["write_usr"] in ("EACCES", "EROFS")
    assert facts["connect"] == "EACCES"
    assert (facts["seccomp"], facts["no_new_privs"]) == ("2", "1")


DETACHER = '''
import subprocess, os
for _ in range(3):
    subprocess.Popen(["/bin/bash", "-c", "exec -a TOKEN sleep 600"], start_new_session=True)
if os.fork() == 0:
    os.setsid()
    os.execv("/bin/bash", ["/bin/bash", "-c", "exec -a TOKEN sleep 600"])
import time
time.sleep(600)
'''

GRADER = '''
import sys
from autograder.sandbox.worker import SandboxWorker
from autograder.types import RunLimits
worker = SandboxWorker(isolation=sys.argv[1])
worker.start()
print(worker.tempdir or "", flush=True)
job = {"id": "d", "kind": "script", "filename": "d.py", "files": [], "data": None,
       "cells": [{"index": 0, "source": open(sys.argv[2]).read()}]}
worker.run(job, RunLimits(timeout_s=600))
'''


@pytest.mark.parametrize("isolation", [pytest.param("bwrap", marks=needs_bwrap), "process"])
def test_everything_the_submission_started_dies_with_the_grader(isolation, tmp_path):
    token = f"ag-orphan-{os.getpid()}-{time.time_ns()}"
    job = tmp_path / "job.py"
    job.write_text(DETACHER.replace("TOKEN", token))
    grader = subprocess.Popen([sys.executable, "-c", GRADER, isolation, str(job)],
                              cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        tempdir = grader.stdout.readline().strip()  # the process sandbox's folders on the host
        deadline = time.monotonic() + 120
        while len(processes_with(token)) < 4 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert len(processes_with(token)) >= 4, "the job did not start its processes"
        sandbox = descendants(grader.pid)
        grader.send_signal(signal.SIGKILL)  # the grader dies without any chance to clean up
        grader.wait()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and (processes_with(token) or any(alive(p) for p in sandbox)):
            time.sleep(0.2)
        while time.monotonic() < deadline and tempdir and os.path.exists(tempdir):
            time.sleep(0.2)
        assert processes_with(token) == []
        assert [p for p in sandbox if alive(p)] == []
        assert not tempdir or not os.path.exists(tempdir), "the job folders were left on the host"
    finally:
        if grader.poll() is None:
            grader.kill()
            grader.wait()
