"""The batch's render process: the same files as rendering here, at the lowest priority, and every way it
can fail (a crash, an unpicklable value, an error of the call itself) still gives the caller its answer."""
from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from autograder.batch import STAGING, write_outputs
from autograder.render_process import NICENESS, Renderer
from tests.bulk.results import errored, graded


def die_unless_in(parent_pid: int) -> str:
    if os.getpid() != parent_pid:
        os._exit(3)  # the render process dies mid-call
    return "rendered here"


def raise_where_called() -> None:
    raise ValueError(os.getpid())


@pytest.fixture
def renderer():
    r = Renderer()
    yield r
    r.close()


def test_calls_run_in_another_process_at_the_lowest_priority(renderer):
    assert renderer.call(os.getpid) != os.getpid()
    assert renderer.call(os.nice, 0) == NICENESS


def test_the_files_are_the_ones_rendering_here_writes(renderer, tmp_path):
    results = [graded("ana"), graded("ben", failing=("dropout", "trains"), lang="en"), errored("carla")]
    for where, call in (("apart", renderer.call), ("here", lambda fn, *a: fn(*a))):
        out = tmp_path / where
        (out / STAGING).mkdir(parents=True)
        for result in results:
            call(write_outputs, result, out)
    for result in results:
        for name in ("result.json", "report.md", "report.html"):
            apart = (tmp_path / "apart" / result.id / name).read_bytes()
            assert apart == (tmp_path / "here" / result.id / name).read_bytes(), (result.id, name)


def test_an_error_of_the_call_is_raised_as_it_was_and_not_run_again_here(renderer):
    with pytest.raises(ValueError) as raised:
        renderer.call(raise_where_called)
    assert raised.value.args[0] != os.getpid()
    assert renderer.pool is not None  # the process is fine and keeps rendering
    assert renderer.call(os.getpid) != os.getpid()


def test_a_render_process_that_dies_costs_only_speed(renderer, capfd):
    assert renderer.call(die_unless_in, os.getpid()) == "rendered here"
    assert renderer.pool is None
    assert renderer.call(os.getpid) == os.getpid()  # every later call runs here
    assert "rendering in this process instead" in capfd.readouterr().err


def test_a_value_that_cannot_travel_is_rendered_here(renderer):
    lock = threading.Lock()
    with pytest.raises(TypeError):
        pickle.dumps(lock)
    assert renderer.call(lambda held: (os.getpid(), held.locked()), lock) == (os.getpid(), False)


def test_apart_false_never_starts_a_process():
    r = Renderer(apart=False)
    assert r.pool is None and r.call(os.getpid) == os.getpid()
    r.close()


GRADER = """
import os, sys, time
from autograder.render_process import Renderer
r = Renderer()
print(r.call(os.getpid), flush=True)
time.sleep(600)
"""


def alive(pid: int) -> bool:
    try:
        status = open(f"/proc/{pid}/status", encoding="ascii").read()
    except FileNotFoundError:
        return False
    return "\\nState:\\tZ" not in status  # a zombie has exited


def test_a_grader_killed_outright_takes_its_render_process_with_it():
    grader = subprocess.Popen([sys.executable, "-c", GRADER], stdout=subprocess.PIPE, text=True,
                              cwd=Path(__file__).parents[2])
    child = int(grader.stdout.readline())
    assert alive(child)
    grader.send_signal(signal.SIGKILL)
    grader.wait()
    deadline = time.monotonic() + 20
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(child)
