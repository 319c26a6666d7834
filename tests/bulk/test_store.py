"""The results store: exact keys, faithful round trips, durable commits, grader failures not kept."""
from __future__ import annotations

import json
from dataclasses import replace

from autograder.assignment import load_assignment
from autograder.render import render_html, render_markdown
from autograder.render.result_json import result_to_dict
from autograder.store import ResultKey, ResultStore, grader_fingerprint, settings_fingerprint
from tests.bulk.results import errored, graded

KEY = ResultKey("ana", "ab" * 32, "fp-assignment", "0.1.0+abc", "fp-settings")


def test_round_trip_keeps_everything_the_reports_show(tmp_path):
    result = graded("ana", failing=("dropout",))
    with ResultStore(tmp_path / "r.sqlite") as store:
        run = store.start_run(1, 0)
        assert store.put(KEY, result, run)
        back = store.get(KEY)
    assert json.dumps(result_to_dict(back)) == json.dumps(result_to_dict(result))
    for field in ("output", "output_dropped_bytes", "ignored", "filename", "student_errors", "notes"):
        assert getattr(back, field) == getattr(result, field), field
    assert back.model.models_seen == 2 and back.training.elapsed_s == 1.25
    assert back.model.layers[2].builtin is False
    assert render_markdown(back) == render_markdown(result)
    assert render_html(back) == render_html(result)


def test_any_change_of_key_misses(tmp_path):
    with ResultStore(tmp_path / "r.sqlite") as store:
        store.put(KEY, graded("ana"), store.start_run(1, 0))
        assert store.get(KEY) is not None
        for field in ("submission_id", "sha256", "assignment", "grader", "settings"):
            assert store.get(replace(KEY, **{field: "other"})) is None, field


def test_committed_results_survive_reopening(tmp_path):
    path = tmp_path / "r.sqlite"
    store = ResultStore(path)
    store.put(KEY, graded("ana"), store.start_run(1, 0))
    del store  # never closed, as after a kill
    with ResultStore(path) as again:
        assert again.get(KEY).score == 10.0
        assert again._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_grader_failures_are_not_kept(tmp_path):
    with ResultStore(tmp_path / "r.sqlite") as store:
        run = store.start_run(2, 0)
        assert not store.put(KEY, errored("ana", kind="sandbox"), run)
        assert store.get(KEY) is None
        assert store.put(replace(KEY, submission_id="bea"), errored("bea", kind="timeout"), run)


def test_replacing_a_result_keeps_one_row(tmp_path):
    with ResultStore(tmp_path / "r.sqlite") as store:
        run = store.start_run(1, 0)
        store.put(KEY, graded("ana", failing=("dropout",)), run)
        store.put(KEY, graded("ana"), run)
        assert len(store.history("ana")) == 1 and store.get(KEY).score == 10.0


def test_fingerprints_follow_what_changes_grades():
    assignment = load_assignment()
    base = settings_fingerprint(assignment, None, None, "auto")
    assert base == settings_fingerprint(assignment, "es", None, "auto")  # "es" is the assignment's language
    assert base != settings_fingerprint(assignment, "en", None, "auto")
    assert base != settings_fingerprint(assignment, None, 30, "auto")
    assert base != settings_fingerprint(assignment.with_run_overrides(memory_mb=4096), None, None, "auto")
    assert grader_fingerprint().startswith("0.") and "+" in grader_fingerprint()
