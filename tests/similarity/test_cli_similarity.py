"""End to end through the CLI with real TensorFlow: a small class graded once with --no-similarity, then
again from the store: similarity.* appear beside the summary, computed from the files read that run, and
the gradebook and results are the same either way."""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import read_results, run_cli

LABELLED = Path(__file__).resolve().parent / "labelled"
CLASS = ["o4_diego.ipynb", "c4_functional.ipynb", "p1_verbatim.py"]  # kept small: each costs a sandboxed run

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    for name in CLASS:
        shutil.copy(LABELLED / name, folder / name)
    out = tmp_path_factory.mktemp("out")
    first = run_cli("grade", str(folder), "--out", str(out), "--jobs", "2", "--no-similarity")
    before = {"files": sorted(p.name for p in out.iterdir()), "grades": (out / "grades.csv").read_text(),
              "results": read_results(out)}
    second = run_cli("grade", str(folder), "--out", str(out), "--jobs", "2")
    return first, second, before, out


def test_no_similarity_writes_none_and_the_next_run_writes_all(runs):
    first, second, before, out = runs
    assert first.returncode in (0, 1), first.stderr[-2000:]
    assert second.returncode in (0, 1), second.stderr[-2000:]
    assert not [f for f in before["files"] if f.startswith("similarity")]
    assert {"similarity.html", "similarity.md", "similarity.json"} <= {p.name for p in out.iterdir()}
    assert "similarity" not in second.stderr


def test_pairs_and_published_flag_from_the_real_run(runs):
    *_, out = runs
    data = json.loads((out / "similarity.json").read_text(encoding="utf-8"))
    pairs = {(p["a"], p["b"]): p for p in data["pairs"]}
    assert set(pairs) == {("c4_functional", "o4_diego")}
    assert pairs[("c4_functional", "o4_diego")]["same_architecture"] is True  # a Functional rewrite: same network
    flagged = {s["id"] for s in data["submissions"] if s["published"] and s["published"]["flagged"]}
    assert flagged == {"p1_verbatim"}
    html = (out / "similarity.html").read_text(encoding="utf-8")
    assert 'id="pair-1"' in html and "o4_diego" in html


def test_gradebook_and_results_do_not_change(runs):
    _, _, before, out = runs
    assert (out / "grades.csv").read_text() == before["grades"]
    header = next(csv.reader((out / "grades.csv").read_text().splitlines()))
    assert header[:4] == ["id", "score", "max_score", "status"] and not any("simil" in h for h in header)
    after = read_results(out)
    assert {k: v["score"] for k, v in after.items()} == {k: v["score"] for k, v in before["results"].items()}
    assert not any("similarity" in r for r in after.values())
