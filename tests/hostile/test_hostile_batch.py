"""The hostile corpus graded as real batches (real TensorFlow): under bubblewrap, all of it; under
the process fallback, the attacks on limits and fences. After each attack a copy of the reference
solution in the same batch must still get 10/10, and after the batch nothing may be left behind."""
from __future__ import annotations

import json
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from hostile_cases import CASES, FULL_MARKS  # noqa: E402
from hostile_corpus import markdown_table, run_corpus  # noqa: E402

from autograder.sandbox import bwrap  # noqa: E402

pytestmark = pytest.mark.slow
BWRAP_CASES = [c.name for c in CASES if "bwrap" in c.modes]
PROCESS_CASES = [c.name for c in CASES if "process" in c.modes]


@pytest.fixture(scope="module")
def bwrap_run(tmp_path_factory):
    if bwrap.bwrap_path() is None:
        pytest.skip("bubblewrap cannot run on this machine")
    run = run_corpus(tmp_path_factory.mktemp("hostile-bwrap"), "bwrap")
    print("\n" + markdown_table(run))
    return run


@pytest.fixture(scope="module")
def process_run(tmp_path_factory):
    run = run_corpus(tmp_path_factory.mktemp("hostile-process"), "process")
    print("\n" + markdown_table(run))
    return run


def row(run, name):
    return next(r for r in run["rows"] if r.case.name == name)


def test_the_corpus_has_at_least_twenty_attacks():
    assert len(CASES) >= 20
    assert len(PROCESS_CASES) >= 10


@pytest.mark.parametrize("name", BWRAP_CASES)
def test_bwrap_attack_is_recorded_as_expected_and_the_next_reference_gets_full_marks(bwrap_run, name):
    found = row(bwrap_run, name)
    assert not found.problems, found.problems
    assert found.reference.score == FULL_MARKS


@pytest.mark.parametrize("name", PROCESS_CASES)
def test_process_attack_is_recorded_as_expected_and_the_next_reference_gets_full_marks(process_run, name):
    found = row(process_run, name)
    if found.case.needs_fence and not process_run["fenced"]:
        pytest.skip("no Landlock here: the process fallback has limits but no file-system or network fence")
    assert not found.problems, found.problems


@pytest.mark.parametrize("which", ["bwrap_run", "process_run"])
def test_nothing_is_left_behind(which, request):
    run = request.getfixturevalue(which)
    assert run["stray_processes"] == [], "processes left running"
    assert run["planted_files"] == [], "files written outside the run's temporary folders"
    assert run["leftover_tempdirs"] == [], "the run's temporary folders were not removed"
    assert run["listener_reached"] == [], "the listener on 127.0.0.1 was reached"
    assert run["unexpected_out_dirs"] == []


@pytest.mark.parametrize("which, level", [("bwrap_run", "bwrap"), ("process_run", "process")])
def test_every_result_that_ran_records_the_isolation_it_ran_under(which, level, request):
    run = request.getfixturevalue(which)
    out = run["ctx"].out_dir
    ran = [r for r in run["results"] if r.error is None or r.error.kind not in ("corrupt_notebook", "symlink")]
    assert ran
    for result in ran:
        assert result.isolation == level, result.id
        assert json.loads((out / result.id / "result.json").read_text())["isolation"] == level
        assert level in (out / result.id / "report.md").read_text()


def test_the_forged_report_only_touches_its_own_grade(bwrap_run):
    """Student code shares its process with the hooks, so it can write a report of its own: the
    cross-check against its source refuses it (``report_mismatch``), and the next submission is unharmed."""
    found = row(bwrap_run, "forge_channel")
    assert found.result.status == "error" and found.result.error.kind == "report_mismatch"
    assert found.result.score < FULL_MARKS
    assert next(c for c in found.result.checks if c.id == "trains").status != "pass"
    assert found.reference.score == FULL_MARKS
