"""An output folder with hand-built results (no TensorFlow) for the review tests."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from autograder.render import write_run_outputs, write_submission_outputs
from autograder.review.store import ReviewStore
from tests.bulk.results import graded


def make_out(out: Path, failing: dict[str, tuple[str, ...]] | None = None, sha: dict[str, str] | None = None):
    """``out`` with result.json, reports and grades.csv for each id of ``failing``; the results recorded as
    the run's current ones. Returns the results."""
    failing = failing if failing is not None else {"ana": (), "beto": ("dropout",), "caro": ("dropout", "trains")}
    results = [replace(graded(sid, failing=fails), sha256=(sha or {}).get(sid, sid[0] * 64))
               for sid, fails in failing.items()]
    for result in results:
        write_submission_outputs(result, out)
    write_run_outputs(results, out)
    with ReviewStore.in_folder(out) as store:
        store.record_current((r.id, r.sha256, r.max_score, {c.id: c.max_points for c in r.checks}, None)
                             for r in results)
    return results


def result_json(out: Path, sid: str) -> dict:
    return json.loads((out / sid / "result.json").read_text(encoding="utf-8"))
