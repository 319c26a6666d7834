"""An output folder with hand-built results (no TensorFlow) for the review tests."""
from __future__ import annotations

import json
from dataclasses import asdict, replace
from pathlib import Path

from autograder.render import write_run_outputs, write_submission_outputs
from autograder.review.store import ReviewStore
from autograder.store import DB_NAME, ResultKey, ResultStore
from tests.bulk.results import graded


def make_out(out: Path, failing: dict[str, tuple[str, ...]] | None = None, sha: dict[str, str] | None = None,
             stored: bool = False):
    """``out`` with result.json, reports and grades.csv for each id of ``failing``; the results recorded as
    the run's current ones (``stored``: also whole in the results table, by their key, as a grading run
    keeps them; else only their result.json, as a folder from before the store). Returns the results."""
    failing = failing if failing is not None else {"ana": (), "beto": ("dropout",), "caro": ("dropout", "trains")}
    results = [replace(graded(sid, failing=fails), sha256=(sha or {}).get(sid, sid[0] * 64))
               for sid, fails in failing.items()]
    for result in results:
        write_submission_outputs(result, out)
    write_run_outputs(results, out)
    keys = {r.id: ResultKey(r.id, r.sha256, r.assignment, r.grader_version, "test") for r in results}
    if stored:
        results_store = ResultStore(out / DB_NAME)
        try:
            for result in results:
                results_store.put(keys[result.id], result, "run-1")
        finally:
            results_store.close()
    with ReviewStore.in_folder(out) as store:
        store.record_current((r.id, r.sha256, r.max_score, {c.id: c.max_points for c in r.checks},
                              asdict(keys[r.id]) if stored else None) for r in results)
    return results


def result_json(out: Path, sid: str) -> dict:
    return json.loads((out / sid / "result.json").read_text(encoding="utf-8"))
