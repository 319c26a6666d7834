"""refresh_outputs: the run's files show the final grade, each replaced atomically (a reader never sees half)."""
from __future__ import annotations

import csv
import os
import threading
from pathlib import Path

from autograder.exports import CANVAS_FILE, MOODLE_FILE
from autograder.review import outputs
from autograder.review.outputs import refresh_outputs
from autograder.review.store import ReviewStore
from tests.review.helpers import make_out, result_json


def rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def setup_run(out: Path) -> None:
    make_out(out)
    with ReviewStore.in_folder(out) as store:
        store.set_context("students", {"beto": {"name": "Beto Ruiz", "moodle_participant_id": "77",
                                                "canvas_user_id": "1200"}})
        store.set_context("assignment", {"title": "L2 y Dropout", "rules": {}})
        store.set_context("junit", {"path": str(out / "junit.xml"), "root": str(out)})
        store.set_override("beto", None, "dropout", 2, "ok", "prof")
        store.add_adjustment("caro", None, -3, "copied from beto", "prof")


def test_every_export_shows_the_final_grade(tmp_path):
    setup_run(tmp_path)
    finals = refresh_outputs(tmp_path)
    assert {k: (f.score, f.auto_score, f.state) for k, f in finals.items()} == {
        "ana": (10.0, 10.0, "none"), "beto": (10.0, 8.0, "reviewed"), "caro": (4.0, 7.0, "reviewed")}
    canvas = {r[0]: r for r in rows(tmp_path / CANVAS_FILE)[2:]}
    assert canvas["Beto Ruiz"][1] == "1200" and canvas["Beto Ruiz"][5] == "10" and canvas["caro"][5] == "4"
    assert rows(tmp_path / CANVAS_FILE)[0][5] == "L2 y Dropout"
    moodle = {r[1]: r for r in rows(tmp_path / MOODLE_FILE)[1:]}
    assert moodle["Beto Ruiz"][0] == "Participant 77" and moodle["Beto Ruiz"][4] == "10"
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "| beto | 10 / 10 |" in summary and "| caro | 4 / 10 |" in summary
    junit = (tmp_path / "junit.xml").read_text(encoding="utf-8")
    assert '<property name="score" value="4" />' in junit
    assert result_json(tmp_path, "caro")["review"]["adjustments"][0]["reason"] == "copied from beto"
    assert result_json(tmp_path, "ana")["review"] == {"state": "none", "score": 10.0, "overrides": [],
                                                      "adjustments": []}


def test_files_are_replaced_from_a_temporary_file_in_the_same_folder(tmp_path, monkeypatch):
    setup_run(tmp_path)
    replaced = []
    real_replace = os.replace

    def spy(src, dst):
        replaced.append((Path(src), Path(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    refresh_outputs(tmp_path)
    targets = {dst.relative_to(tmp_path).as_posix() for _, dst in replaced}
    assert {"grades.csv", "summary.html", "summary.md", CANVAS_FILE, MOODLE_FILE, "junit.xml", "ana/result.json",
            "beto/result.json", "caro/result.json"} <= targets
    for src, dst in replaced:
        assert src.parent == dst.parent and src.name.startswith(f".{dst.name}.")
    assert not list(tmp_path.rglob("*.tmp"))


def test_a_reader_never_sees_half_a_file(tmp_path):
    setup_run(tmp_path)
    refresh_outputs(tmp_path)
    expected_header = rows(tmp_path / "grades.csv")[0]
    seen, stop, bad = [0], threading.Event(), []

    def reader():
        while not stop.is_set():
            text = (tmp_path / "grades.csv").read_text(encoding="utf-8")
            got = list(csv.reader(text.splitlines()))
            if got[0] != expected_header or len(got) != 4 or not text.endswith("\n"):
                bad.append(text)
            doc = (tmp_path / "beto" / "result.json").read_text(encoding="utf-8")
            if not doc.rstrip().endswith("}"):
                bad.append(doc[-50:])
            seen[0] += 1

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        with ReviewStore.in_folder(tmp_path) as store:
            for points in (0, 1, 2, 0.5, 1.5) * 2:
                store.set_override("beto", None, "dropout", points, "again", "prof")
                refresh_outputs(tmp_path, ids=["beto"])
    finally:
        stop.set()
        thread.join()
    assert seen[0] > 0 and bad == []
    assert rows(tmp_path / "grades.csv")[2][1] == "9.5"  # beto: 8 + 1.5


def test_one_refresh_at_a_time(tmp_path, monkeypatch):
    setup_run(tmp_path)
    inside, overlaps = [0], []
    real = outputs.write_final_run_files

    def counting(*args, **kwargs):
        inside[0] += 1
        overlaps.append(inside[0])
        try:
            real(*args, **kwargs)
        finally:
            inside[0] -= 1

    monkeypatch.setattr(outputs, "write_final_run_files", counting)
    threads = [threading.Thread(target=refresh_outputs, args=(tmp_path,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert overlaps == [1, 1, 1, 1]


def test_an_output_folder_from_before_reviews(tmp_path):
    """No review tables, no recorded run: the ids of grades.csv and their result.json are the current results."""
    from autograder.render import write_run_outputs, write_submission_outputs
    from tests.bulk.results import graded

    results = [graded("ana"), graded("beto", failing=("dropout",))]
    for r in results:
        write_submission_outputs(r, tmp_path)
    write_run_outputs(results, tmp_path)
    finals = refresh_outputs(tmp_path)
    assert {k: f.score for k, f in finals.items()} == {"ana": 10.0, "beto": 8.0}
    assert result_json(tmp_path, "beto")["review"]["state"] == "none"


def test_gradescope_results_use_the_final_grade_of_a_reviewed_result_json(tmp_path):
    import json

    from tests.conftest import run_cli

    setup_run(tmp_path)
    refresh_outputs(tmp_path)
    proc = run_cli("gradescope-results", str(tmp_path / "beto" / "result.json"), str(tmp_path / "gs.json"))
    assert proc.returncode == 0, proc.stderr
    document = json.loads((tmp_path / "gs.json").read_text(encoding="utf-8"))
    assert document["score"] == 10.0
    assert {t["name"]: t["score"] for t in document["tests"]}["Dropout (dropout)"] == 2.0  # automatic: 0


def test_a_cache_skips_unchanged_results_and_rereads_changed_ones(tmp_path):
    from dataclasses import replace as _replace

    from autograder.render import write_submission_outputs
    from tests.bulk.results import graded

    setup_run(tmp_path)
    cache: dict = {}
    assert refresh_outputs(tmp_path, cache=cache)["ana"].score == 10.0
    assert len(cache) == 3
    stale_entries = dict(cache)
    # ana's result.json is rewritten by a new run (same id, fewer points): the cache must not hide it
    write_submission_outputs(_replace(graded("ana", failing=("trains",)), sha256="a" * 64), tmp_path)
    assert refresh_outputs(tmp_path, cache=cache)["ana"].score == 9.0
    assert refresh_outputs(tmp_path, cache=cache)["beto"].score == 10.0
    assert any(key not in stale_entries for key in cache)
