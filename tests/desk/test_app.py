"""The desk in-process: the class list (filters, sorting, JSON twin), a submission page, the changes, two reviewers."""
from __future__ import annotations

import csv
import json

import pytest

from autograder.desk.views import decode_id, encode_id

from .helpers import Desk, csrf, form_fields, make_out

PAIRS = [{"a": "beto", "b": "caro", "code": 0.82, "jaccard": 0.6, "shared": 40, "same_architecture": True,
          "shared_lines_a": [[2, 1]], "shared_lines_b": [[2, 2]]}]


@pytest.fixture
def desk(tmp_path):
    out = tmp_path / "out"
    make_out(out, {"ana": (), "beto": ("dropout",), "caro": ("dropout", "trains"), "dani": ("l2_regularization",)},
             pairs=PAIRS, environment={"dani": "wandb"})
    return Desk(out)


def test_the_list_shows_every_submission_with_its_scores(desk):
    page = desk.client().get("/class")
    assert page.status_code == 200
    for sid in ("ana", "beto", "caro", "dani"):
        assert f'href="/s/{sid}"' in page.text
    data = desk.client().get("/class.json").json()
    assert [r["id"] for r in data["rows"]] == ["ana", "beto", "caro", "dani"]
    assert {r["id"]: r["score"] for r in data["rows"]} == {"ana": 10.0, "beto": 8.0, "caro": 7.0, "dani": 8.0}
    assert all(r["review"] == "none" for r in data["rows"])


@pytest.mark.parametrize("query, expected", [
    ("failing=dropout", ["beto", "caro"]),
    ("failing=trains", ["caro"]),
    ("lead=yes", ["beto", "caro"]),
    ("lead=no", ["ana", "dani"]),
    ("env=yes", ["dani"]),
    ("status=graded", ["ana", "beto", "caro", "dani"]),
    ("review=reviewed", []),
    ("look=yes", ["beto", "caro", "dani"]),
    ("q=AR", ["caro"]),
    ("sort=-score", ["ana", "beto", "dani", "caro"]),
    ("sort=score", ["caro", "beto", "dani", "ana"]),
    ("sort=-lead", ["beto", "caro", "ana", "dani"]),
    ("failing=nonsense&sort=nonsense&page=x", []),
])
def test_filters_and_sorting(desk, query, expected):
    data = desk.client().get(f"/class.json?{query}").json()
    assert [r["id"] for r in data["rows"]] == expected


def test_submission_page_shows_code_report_leads_and_environment(desk):
    client = desk.client()
    page = client.get("/s/beto")
    assert page.status_code == 200
    text = page.text
    assert "kernel_regularizer=regularizers.l2(0.01)" in text.replace("&#39;", "'")  # its code, cell by cell
    assert "Epoch 1/2 of beto" in text  # its output
    assert 'id="check-dropout"' in text and "pista para dropout" in text  # its report
    assert 'href="/s/caro"' in text and "82 %" in text  # its similarity lead
    assert 'class="line shared"' in text  # the shared passage is marked in its code
    twin = client.get("/s/beto.json").json()
    assert twin["score"] == "8" and [c["id"] for c in twin["checks"]][3] == "dropout"
    assert twin["cells"][1]["index"] == 2 and twin["leads"][0]["other"] == "caro"
    dani = client.get("/s/dani.json").json()
    assert dani["environment"]["issues"][0]["subject"] == "wandb"
    assert client.get("/s/dani").status_code == 200


def test_override_adjust_comment_confirm_are_attributed_and_exported(desk):
    client = desk.client("ta")
    page = client.get("/s/beto").text
    answer = client.post("/s/beto/override", data={**form_fields(page, "override"), "check": "dropout", "points": "1.5",
                                                   "comment": "Dropout is there, rate 0 by mistake"})
    assert answer.status_code == 303 and answer.headers["location"].startswith("/s/beto")
    page = client.get("/s/beto").text
    client.post("/s/beto/adjust", data={**form_fields(page, "adjust"), "points": "-1", "reason": "late: 1 day"})
    page = client.get("/s/beto").text
    client.post("/s/beto/comment", data={**form_fields(page, "comment"), "text": "Good work"})
    twin = client.get("/s/beto.json").json()
    assert twin["score"] == "8.5" and twin["auto_score"] == "8" and twin["review"]["state"] == "reviewed"
    dropout = next(c for c in twin["checks"] if c["id"] == "dropout")
    assert dropout["override"]["by"] == "ta" and dropout["final_points"] == "1.5"
    assert twin["review"]["adjustments"][0]["by"] == "ta" and twin["review"]["comments"][0]["text"] == "Good work"
    rows = {r["id"]: r for r in csv.DictReader(open(desk.out / "grades.csv", encoding="utf-8"))}
    assert rows["beto"]["score"] == "8.5" and rows["beto"]["auto_score"] == "8" and rows["beto"]["review"] == "reviewed"
    result = json.loads((desk.out / "beto" / "result.json").read_text(encoding="utf-8"))
    assert result["score"] == 8.0 and result["review"]["score"] == 8.5
    assert result["review"]["overrides"][0]["by"] == "ta"
    listed = {r["id"]: r for r in client.get("/class.json?review=reviewed").json()["rows"]}
    assert list(listed) == ["beto"] and listed["beto"]["score"] == 8.5


def test_remove_adjustment_clear_check_and_clear(desk):
    client = desk.client()
    page = client.get("/s/caro").text
    client.post("/s/caro/adjust", data={**form_fields(page, "adjust"), "points": "2", "reason": "extra credit"})
    twin = client.get("/s/caro.json").json()
    assert twin["score"] == "9"
    page = client.get("/s/caro").text
    aid = twin["review"]["adjustments"][0]["id"]
    client.post("/s/caro/remove-adjustment", data={**form_fields(page, "x"), "adjustment": str(aid)})
    assert client.get("/s/caro.json").json()["score"] == "7"
    page = client.get("/s/caro").text
    client.post("/s/caro/override", data={**form_fields(page, "x"), "check": "trains", "points": "1", "comment": ""})
    page = client.get("/s/caro").text
    client.post("/s/caro/clear-check", data={**form_fields(page, "x"), "check": "trains"})
    assert client.get("/s/caro.json").json()["score"] == "7"
    page = client.get("/s/caro").text
    assert client.post("/s/caro/clear", data=form_fields(page, "x")).status_code == 303


def test_second_reviewer_is_told_and_nothing_is_lost(desk):
    first, second = desk.client("prof"), desk.client("ta")
    page_first, page_second = first.get("/s/beto").text, second.get("/s/beto").text
    assert first.post("/s/beto/override", data={**form_fields(page_first, "x"), "check": "dropout", "points": "2",
                                                "comment": "full marks"}).status_code == 303
    answer = second.post("/s/beto/override", data={**form_fields(page_second, "x"), "check": "dropout",
                                                   "points": "0.5", "comment": "my careful reasoning"})
    assert answer.status_code == 409
    assert "prof changed this review" in answer.text and "NOT applied" in answer.text
    assert "my careful reasoning" in answer.text and 'value="0.5"' in answer.text  # the second's input is kept
    twin = second.get("/s/beto.json").json()
    dropout = next(c for c in twin["checks"] if c["id"] == "dropout")
    assert dropout["override"]["by"] == "prof" and dropout["final_points"] == "2"  # the first change stands


def test_bad_input_is_refused_with_a_sentence(desk):
    client = desk.client()
    page = client.get("/s/beto").text
    answer = client.post("/s/beto/override", data={**form_fields(page, "x"), "check": "dropout", "points": "7",
                                                   "comment": ""})
    assert answer.status_code == 400 and "between 0 and 2" in answer.text
    answer = client.post("/s/beto/adjust", data={**form_fields(page, "x"), "points": "abc", "reason": "r"})
    assert answer.status_code == 400
    answer = client.post("/s/beto/override", data={**form_fields(page, "x"), "check": "no_such", "points": "1"})
    assert answer.status_code == 400
    assert client.get("/s/beto.json").json()["review"]["state"] == "none"


def test_next_submission_that_needs_a_look(desk):
    client = desk.client()
    nav = client.get("/s/ana.json").json()["nav"]
    assert nav["next_look"] == "/s/beto" and nav["next"] == "/s/beto"
    nav = client.get("/s/beto.json?failing=dropout").json()["nav"]
    assert nav["next_look"] == "/s/caro?failing=dropout" and nav["position"] == "1 / 2"
    page = client.get("/s/beto").text
    client.post("/s/beto/confirm", data=form_fields(page, "confirm"))
    assert client.get("/s/ana.json").json()["nav"]["next_look"] == "/s/caro"


def test_export_lists_and_serves_the_runs_files(desk):
    client = desk.client()
    files = [f["name"] for f in client.get("/export.json").json()["files"]]
    assert "grades.csv" in files
    answer = client.get("/files/grades.csv")
    assert answer.status_code == 200 and answer.headers["content-disposition"].startswith("attachment")
    page = client.get("/export").text
    assert client.post("/export", data={"csrftoken": csrf(page)}).status_code == 303


@pytest.mark.parametrize("sid", ["ana", "a.b", "x/../y", "über", "~7E", "con.json", " "])
def test_ids_round_trip_through_urls(sid):
    encoded = encode_id(sid)
    assert all(c.isalnum() or c in "_-~" for c in encoded) and decode_id(encoded) == sid


def test_keys_and_styles_are_served_from_the_package(desk):
    client = desk.anonymous()
    assert client.get("/static/desk.js").status_code == 200
    assert "text/css" in client.get("/static/desk.css").headers["content-type"]


def test_review_command_refuses_a_folder_without_results(tmp_path):
    from click.testing import CliRunner

    from autograder.cli import main

    answer = CliRunner().invoke(main, ["review", str(tmp_path)])
    assert answer.exit_code == 2 and "holds no results" in answer.output


def test_the_printed_urls_hold_one_token_per_reviewer():
    from autograder.desk.auth import Reviewers

    reviewers = Reviewers.create(["prof", "ta"])
    urls = dict(reviewers.urls("http://127.0.0.1:8000"))
    assert set(urls) == {"prof", "ta"} and urls["prof"] != urls["ta"]
    assert all(url.startswith("http://127.0.0.1:8000/?token=") and len(url) > 50 for url in urls.values())
    assert Reviewers.create([]).by_token  # default: one reviewer, the OS user
    with pytest.raises(ValueError):
        Reviewers.create(["prof", "prof"])


def test_a_new_hand_in_makes_the_review_stale_until_confirmed(desk):
    from dataclasses import replace

    from autograder.render import write_submission_outputs
    from autograder.review.store import ReviewStore
    from tests.bulk.results import graded

    client = desk.client()
    page = client.get("/s/beto").text
    client.post("/s/beto/override", data={**form_fields(page, "x"), "check": "dropout", "points": "2", "comment": "ok"})
    new = replace(graded("beto", failing=("dropout",)), sha256="f" * 64)  # handed in again, regraded
    write_submission_outputs(new, desk.out)
    maxima = {c.id: c.max_points for c in new.checks}
    with ReviewStore.in_folder(desk.out) as store:
        store.record_current((sid, "f" * 64 if sid == "beto" else sid[0] * 64, 10.0, maxima, None)
                             for sid in ("ana", "beto", "caro", "dani"))
    import os
    import time
    os.utime(desk.out, (time.time() + 5, time.time() + 5))  # the desk notices the new results at once
    twin = client.get("/s/beto.json").json()
    assert twin["review"]["state"] == "stale" and twin["score"] == "8"  # the old override waits
    assert twin["review"]["previous"]["overrides"][0]["check"] == "dropout"
    assert "stale" in [r["review"] for r in client.get("/class.json?look=yes").json()["rows"] if r["id"] == "beto"]
    page = client.get("/s/beto").text
    assert "Stale review" in page
    assert client.post("/s/beto/confirm", data=form_fields(page, "confirm")).status_code == 303
    twin = client.get("/s/beto.json").json()
    assert twin["review"]["state"] == "reviewed" and twin["score"] == "10"


def test_roster_names_show_in_the_list_and_are_searchable(desk):
    from autograder.review.store import ReviewStore

    with ReviewStore.in_folder(desk.out) as store:
        store.set_context("students", {"beto": {"name": "Beto <b>Gómez</b>"}})
    client = desk.client()
    assert [r["id"] for r in client.get("/class.json?q=gómez").json()["rows"]] == ["beto"]
    assert "Beto &lt;b&gt;Gómez&lt;/b&gt;" in client.get("/class").text


def test_the_grade_run_keeps_the_code_and_output_for_the_desk(tmp_path):
    from autograder.batch import write_cells
    from tests.bulk.results import graded

    from .helpers import submission

    write_cells(submission("eva", ["print(1)", "x = 2"]), graded("eva"), tmp_path)
    kept = json.loads((tmp_path / "eva" / "cells.json").read_text(encoding="utf-8"))
    assert kept["cells"] == [{"index": 1, "code": "print(1)"}, {"index": 2, "code": "x = 2"}]
    assert kept["output"] == "Epoch 1/2\nloss: 0.9\n" and kept["output_dropped_bytes"] == 12
    assert [p.name for p in (tmp_path / "eva").iterdir()] == ["cells.json"]  # no temporary file left


def test_each_cell_shows_its_own_output_when_the_run_marked_it(tmp_path):
    from dataclasses import replace

    from tests.bulk.results import graded

    from .helpers import submission

    output = "a warning\none\n<b>two</b>\n"
    result = replace(graded("eva"), sha256="e" * 64, output=output, output_cells=((1, 10), (2, 14), (3, len(output))))
    make_out(tmp_path / "out", results=[result], subs={"eva": submission("eva", ["print('one')", "print('<b>two</b>')",
                                                                                   "x = 1"])})
    client = Desk(tmp_path / "out").client()
    twin = client.get("/s/eva.json").json()
    assert [c["output"] for c in twin["cells"]] == ["one\n", "<b>two</b>\n", ""]
    assert twin["output"]["text"] == "a warning\n" and twin["output"]["per_cell"] is True
    assert "&lt;b&gt;two&lt;/b&gt;" in client.get("/s/eva").text
    broken = json.loads((tmp_path / "out" / "eva" / "cells.json").read_text())
    broken["output_cells"] = [[1, 50], [2, 3], "x"]  # offsets going back: not trusted, the output shown whole
    (tmp_path / "out" / "eva" / "cells.json").write_text(json.dumps(broken))
    twin = client.get("/s/eva.json").json()
    assert twin["output"]["text"] == output and all(c["output"] == "" for c in twin["cells"])
