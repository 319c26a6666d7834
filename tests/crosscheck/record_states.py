"""Record the sandbox's raw report for every honest submission, for the fast false-alarm test.

    .venv/bin/python tests/crosscheck/record_states.py      # rewrites tests/crosscheck/states/*.json

Each state is what the real runner wrote for that file (TensorFlow in the sandbox, as in a grading run),
minus the Keras configs the cross-check never reads. Re-record when the runner changes what it reports;
the slow test in test_honest_corpus.py grades a part of the corpus for real to notice when that is due.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from autograder.assignment import load_assignment  # noqa: E402
from autograder.grading import build_job  # noqa: E402
from autograder.loading import discover, load_submission, unique_ids  # noqa: E402
from autograder.sandbox.worker import SandboxWorker  # noqa: E402

HERE = Path(__file__).resolve().parent
CORPUS = (HERE / "honest", ROOT / "solutions")
STATES = HERE / "states"


def strip(value):
    """The report without Keras' serialized configs (large, and not what the cross-check reads)."""
    if isinstance(value, dict):
        return {k: strip(v) for k, v in value.items() if k != "serialized"}
    if isinstance(value, list):
        return [strip(v) for v in value]
    return value


def honest_paths() -> list[tuple[str, Path]]:
    paths = discover(list(CORPUS))
    return list(zip(unique_ids(paths), paths))


def main() -> int:
    assignment = load_assignment("l2-dropout")
    limits = assignment.limits(None)
    STATES.mkdir(exist_ok=True)
    with SandboxWorker() as worker:
        for sub_id, path in honest_paths():
            sub = load_submission(path, sub_id)
            if sub.load_error is not None or not sub.cells:
                continue
            artifact = worker.run(build_job(sub, assignment), limits)
            record = {"id": sub_id, "path": str(path.relative_to(ROOT)), "outcome": artifact.outcome,
                      "state": strip(artifact.state)}
            (STATES / f"{sub_id}.json").write_text(json.dumps(record, indent=None, sort_keys=True) + "\n")
            print(sub_id, artifact.outcome, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
