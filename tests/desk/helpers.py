"""An output folder built with the project's own renderers from GradeResult values (no TensorFlow), and an
in-process client of the desk (Starlette's TestClient) logged in as one reviewer."""
from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

from starlette.testclient import TestClient

from autograder.batch import write_cells
from autograder.desk.app import create_app
from autograder.desk.auth import Reviewers
from autograder.render import write_run_outputs, write_submission_outputs
from autograder.review.store import ReviewStore
from autograder.types import EnvironmentIssue, SourceCell, Submission
from tests.bulk.results import graded

HOST = "testserver"
CODE = ["import numpy as np\nfrom keras import layers, models, regularizers",
        "model = models.Sequential([\n    layers.Dense(64, activation='relu', kernel_regularizer=regularizers.l2(0.01)),\n"
        "    layers.Dense(1, activation='sigmoid')])",
        "model.compile(optimizer='adam', loss='binary_crossentropy')\nmodel.fit(X_train, y_train, epochs=50)"]


def submission(sid: str, cells: list[str] | None = None, filename: str | None = None) -> Submission:
    cells = CODE if cells is None else cells
    return Submission(id=sid, source=f"entregas/{sid}.ipynb", kind="notebook", sha256=sid[0] * 64,
                      filename=filename or f"{sid}.ipynb",
                      cells=tuple(SourceCell(index=i + 1, source=code, original=code) for i, code in enumerate(cells)))


def make_out(out: Path, failing: dict[str, tuple[str, ...]] | None = None, pairs: list[dict] | None = None,
             environment: dict[str, str] | None = None, results: list | None = None, subs: dict | None = None) -> list:
    """``out`` as a grade run leaves it: result.json, reports, cells.json, grades.csv, similarity.json."""
    failing = failing if failing is not None else {"ana": (), "beto": ("dropout",), "caro": ("dropout", "trains")}
    if results is None:
        results = []
        for sid, fails in failing.items():
            result = replace(graded(sid, failing=fails), sha256=sid[0] * 64, output=f"Epoch 1/2 of {sid}\n")
            if sid in (environment or {}):
                result = replace(result, environment=(EnvironmentIssue("missing_module", environment[sid]),))
            results.append(result)
    out.mkdir(parents=True, exist_ok=True)
    for result in results:
        write_submission_outputs(result, out)
        write_cells((subs or {}).get(result.id) or submission(result.id), result, out)
    write_run_outputs(results, out)
    (out / "similarity.json").write_text(json.dumps({"schema": "x", "submissions": [], "pairs": pairs or [],
                                                     "clusters": []}), encoding="utf-8")
    with ReviewStore.in_folder(out) as store:
        store.record_current((r.id, r.sha256, r.max_score, {c.id: c.max_points for c in r.checks}, None)
                             for r in results)
    return results


class Desk:
    """The desk app over ``out`` with its reviewers; ``client(name)`` is a browser-like session of one of them."""

    def __init__(self, out: Path, names=("prof", "ta"), refresh=None):
        self.out = out
        self.reviewers = Reviewers.create(list(names))
        self.app = create_app(out, self.reviewers, frozenset({HOST}), refresh=refresh)
        self.tokens = {r.name: r.token for r in self.reviewers.by_token.values()}

    def anonymous(self) -> TestClient:
        return TestClient(self.app, follow_redirects=False)

    def client(self, name: str = "prof") -> TestClient:
        client = TestClient(self.app, follow_redirects=False)
        answer = client.get(f"/?token={self.tokens[name]}")
        assert answer.status_code == 303 and "token" not in answer.headers["location"]
        return client


def csrf(page_html: str) -> str:
    return re.search(r'name="csrftoken" value="([^"]+)"', page_html).group(1)


def form_fields(page_html: str, action: str, check: str | None = None) -> dict[str, str]:
    """The hidden fields of the page's form posting to ``action`` (csrftoken, version, sha256)."""
    return {"csrftoken": csrf(page_html), "version": re.search(r'name="version" value="(\d+)"', page_html).group(1),
            "sha256": re.search(r'name="sha256" value="([0-9a-f]+)"', page_html).group(1)}
