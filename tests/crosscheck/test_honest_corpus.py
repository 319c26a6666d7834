"""Zero false alarms on the honest corpus: every honest submission (tests/crosscheck/honest/ and all of
solutions/) passes the cross-check with the report the real runner wrote for it.

The fast test replays the recorded reports (``record_states.py``); the slow one grades a part of the corpus
for real in one CLI run, so a change in what the runner reports cannot hide behind stale recordings."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from autograder.crosscheck import cross_check
from autograder.loading import load_submission
from autograder.spec import extract_model_spec
from autograder.types import ExecutionArtifact
from tests.conftest import ROOT, read_results, run_cli

HERE = Path(__file__).resolve().parent
HONEST = HERE / "honest"
STATES = HERE / "states"
LIVE_SAMPLE = ("functional", "subclassed", "keras2_core_paths", "multiline_calls", "nb_time_magic",
               "nb_out_of_order", "nb_colab_drive_seaborn", "folder_with_data")


def recorded() -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(STATES.glob("*.json"))]


def test_the_corpus_is_big_enough_and_every_file_was_recorded():
    honest = [p for p in HONEST.iterdir() if p.suffix in (".py", ".ipynb") or p.is_dir()]
    solutions = list((ROOT / "solutions").rglob("*.py")) + list((ROOT / "solutions").rglob("*.ipynb"))
    assert len(honest) + len(solutions) >= 60
    ids = {r["id"] for r in recorded()}
    assert {p.stem if p.is_file() else p.name for p in honest} - {"wrong_but_honest_crash"} <= ids | {"no_model"}
    assert len(ids) >= 60


def test_no_false_alarm_on_any_recorded_honest_report():
    alarms, models = [], 0
    for record in recorded():
        sub = load_submission(ROOT / record["path"], record["id"])
        spec = extract_model_spec(ExecutionArtifact(outcome=record["outcome"], state=record["state"]))
        models += spec is not None
        found = cross_check(sub, spec, record["state"])
        if found is not None:
            alarms.append((record["id"], found))
    assert alarms == []
    assert models >= 55  # the reports do describe models: the check had something to confirm


@pytest.fixture(scope="module")
def live_run(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("honest-live")
    for name in LIVE_SAMPLE:
        source = next(p for p in HONEST.iterdir() if (p.stem if p.is_file() else p.name) == name)
        if source.is_dir():
            shutil.copytree(source, corpus / source.name)
        else:
            shutil.copy(source, corpus / source.name)
    out = tmp_path_factory.mktemp("honest-live-out")
    proc = run_cli("grade", str(corpus), "--out", str(out), "--jobs", "2")
    return proc, read_results(out)


@pytest.mark.slow
def test_honest_shapes_graded_for_real_raise_no_alarm(live_run):
    proc, results = live_run
    assert set(results) == set(LIVE_SAMPLE), proc.stderr[-2000:]
    assert {k: r["error"] for k, r in results.items() if r["status"] != "graded"} == {}
    assert all(r["score"] == 10.0 for r in results.values()), {k: r["score"] for k, r in results.items()}
