"""The desk attacked: hostile submissions (markup and script in code, output, file names, ids, notebook metadata),
forged requests (no token, wrong token, CSRF, cross-origin, foreign Host), path tricks in ids, huge outputs.
Each test asserts the refusal or the escaping, and that nothing changed."""
from __future__ import annotations

import json
import os
import re
from dataclasses import replace

import nbformat
import pytest

from autograder.batch import write_cells
from autograder.desk.auth import CSP
from autograder.loading import load_submission
from autograder.render import write_submission_outputs
from autograder.types import CheckResult
from tests.bulk.results import graded

from .helpers import HOST, Desk, csrf, form_fields, make_out, submission

SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(2)">'
HOSTILE_ID = '<img src=x onerror=alert(3)>'


@pytest.fixture
def hostile(tmp_path):
    """A class whose submissions carry markup everywhere a student controls text."""
    out = tmp_path / "out"
    notebook = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": SCRIPT, "display_name": IMG}})
    notebook.cells = [nbformat.v4.new_code_cell(f"print('{SCRIPT}')  # {IMG}", metadata={"tags": [SCRIPT], IMG: 1}),
                      nbformat.v4.new_markdown_cell(SCRIPT)]
    path = tmp_path / f"{SCRIPT.replace('/', '')}.ipynb"
    path.write_text(nbformat.writes(notebook), encoding="utf-8")
    loaded = load_submission(path, sub_id="mallory")
    base = graded("mallory", failing=("dropout",))
    checks = tuple(replace(c, message=f"found {IMG}", hint=f"`{SCRIPT}`") if c.id == "dropout" else c
                   for c in base.checks)
    mallory = replace(base, sha256="m" * 64, source=str(path), checks=checks, output=f"{SCRIPT}\n{IMG}\n",
                      filename=path.name)
    evil = replace(graded(HOSTILE_ID), sha256="e" * 64, source=f"entregas/{SCRIPT}.py", output=IMG)
    make_out(out, results=[mallory, evil], subs={"mallory": loaded, HOSTILE_ID: submission(HOSTILE_ID, [SCRIPT])},
             pairs=[{"a": "mallory", "b": HOSTILE_ID, "code": 0.9, "jaccard": 0.8, "shared": 3,
                     "same_architecture": None}])
    return Desk(out)


def no_markup(html: str) -> None:
    """No student markup reached the page as markup: every <script> is the desk's own, no event handlers."""
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/desk.js" defer>']
    assert "onerror=" not in html.replace("onerror=&#34;", "").replace("onerror=alert(3)&gt;", "")
    assert "<img" not in html


@pytest.mark.parametrize("path", ["/class", "/s/mallory", f"/s/{'~3Cimg~20src~3Dx~20onerror~3Dalert~283~29~3E'}"])
def test_student_text_is_shown_as_text(hostile, path):
    page = hostile.client().get(path)
    assert page.status_code == 200
    no_markup(page.text)
    assert "&lt;script&gt;" in page.text or "&lt;img" in page.text  # it is there, escaped


def test_hostile_notebook_code_output_file_name_and_metadata_are_escaped(hostile):
    page = hostile.client().get("/s/mallory").text
    no_markup(page)
    assert "print(&#39;&lt;script&gt;alert(1)&lt;/script&gt;&#39;)" in page  # the code, as text
    assert "found &lt;img src=x onerror=&#34;alert(2)&#34;&gt;" in page  # the check message
    assert "<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>" in page  # a hint's code span
    twin = hostile.client().get("/s/mallory.json")
    assert twin.headers["content-type"].startswith("application/json")
    assert SCRIPT in twin.json()["output"]["text"]  # the JSON twin holds the text itself, typed as JSON


def test_every_response_carries_the_csp(hostile):
    client = hostile.client()
    for answer in (client.get("/class"), client.get("/class.json"), client.get("/static/desk.css"),
                   hostile.anonymous().get("/class"), client.get("/s/nobody")):
        assert answer.headers["content-security-policy"] == CSP
        assert answer.headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self'" in CSP and "'unsafe-inline'" not in CSP and "http" not in CSP


# -- forged requests -------------------------------------------------------------------------------------------

@pytest.fixture
def desk(tmp_path):
    out = tmp_path / "out"
    make_out(out)
    return Desk(out)


def state_of(desk, sid="beto"):
    return desk.client().get(f"/s/{sid}.json").json()["review"]


def good_form(desk, client=None):
    page = (client or desk.client()).get("/s/beto").text
    return {**form_fields(page, "override"), "check": "dropout", "points": "2", "comment": "forged"}


@pytest.mark.parametrize("path", ["/", "/class", "/class.json", "/s/beto", "/s/beto.json", "/export", "/files/grades.csv"])
def test_no_token_no_page(desk, path):
    assert desk.anonymous().get(path).status_code == 401
    assert desk.anonymous().get(path, headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert desk.anonymous().get(path, cookies={desk.reviewers.cookie_name: "wrong"}).status_code == 403
    assert desk.anonymous().get(path + ("&" if "?" in path else "?") + "token=wrong").status_code == 403


def test_no_token_no_change(desk):
    form = good_form(desk)
    assert desk.anonymous().post("/s/beto/override", data=form).status_code == 401
    assert desk.anonymous().post("/s/beto/override", data=form, headers={"Authorization": "Bearer x"}).status_code == 403
    token = desk.tokens["prof"]
    assert desk.anonymous().post(f"/s/beto/override?token={token}", data=form).status_code == 401  # no token in URLs of changes
    assert state_of(desk)["state"] == "none"


def test_missing_or_wrong_csrf_token_is_refused(desk):
    client = desk.client()
    form = good_form(desk, client)
    del form["csrftoken"]
    assert client.post("/s/beto/override", data=form).status_code == 403
    assert client.post("/s/beto/override", data={**form, "csrftoken": "forged"}).status_code == 403
    other = desk.client("ta")  # another session's valid token does not fit this session's cookie
    assert client.post("/s/beto/override", data={**form, "csrftoken": csrf(other.get("/s/beto").text)}).status_code == 403
    assert client.post("/s/beto/override", json=form).status_code == 403  # JSON body: no form token
    assert state_of(desk)["state"] == "none"


def test_cross_origin_change_is_refused(desk):
    client = desk.client()
    form = good_form(desk, client)
    for origin in ("http://evil.example", "null", "http://127.0.0.1:1"):
        assert client.post("/s/beto/override", data=form, headers={"Origin": origin}).status_code == 403
    assert client.post("/s/beto/override", data=form, headers={"Referer": "http://evil.example/x"}).status_code == 403
    assert state_of(desk)["state"] == "none"
    assert client.post("/s/beto/override", data=form, headers={"Origin": f"http://{HOST}"}).status_code == 303


def test_foreign_host_is_refused_dns_rebinding(desk):
    client = desk.client()
    assert client.get("/class", headers={"Host": "evil.example"}).status_code == 403
    assert client.get("/static/desk.css", headers={"Host": "evil.example:80"}).status_code == 403


def test_bearer_token_works_for_scripts_and_is_attributed(desk):
    api = desk.anonymous()
    auth = {"Authorization": f"Bearer {desk.tokens['ta']}", "Accept": "application/json"}
    twin = api.get("/s/beto.json", headers=auth).json()
    answer = api.post("/s/beto/adjust", headers=auth, data={"version": twin["review"]["version"],
                                                            "sha256": twin["sha256"], "points": "1", "reason": "bonus"})
    assert answer.status_code == 200 and answer.json()["ok"] is True
    assert state_of(desk)["adjustments"][0]["by"] == "ta"


def test_session_cookie_is_httponly_and_strict(desk):
    answer = desk.anonymous().get(f"/?token={desk.tokens['prof']}")
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and answer.headers["location"] == "/"


# -- path tricks -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [
    "/s/~2E~2E", "/s/~2E~2E~2Fbeto", "/s/..%2Fbeto", "/s/%2E%2E%2Fresults.sqlite", "/s/~2Fetc~2Fpasswd",
    "/s/%2Fetc%2Fpasswd", "/s/beto~2F..~2Fana", "/s/~", "/s/~ZZ", "/s/~C3", "/s/beto.html", "/s/beto.json.json",
    "/files/results.sqlite", "/files/..%2Fresults.sqlite", "/files/%2Fetc%2Fpasswd", "/files/beto",
    "/static/..%2F..%2Fdesk%2Fapp.py", "/static/%2Fetc%2Fpasswd",
])
def test_path_tricks_in_ids_find_nothing(desk, path):
    answer = desk.client().get(path)
    assert answer.status_code in (404, 405), (path, answer.status_code)
    assert "root:" not in answer.text and "SQLite" not in answer.text


def test_path_tricks_cannot_change_anything(desk):
    client = desk.client()
    form = good_form(desk, client)
    for sid in ("~2E~2E", "..%2Fbeto", "~2Fetc~2Fpasswd", "beto~2F..~2Fbeto"):
        assert client.post(f"/s/{sid}/override", data=form).status_code in (404, 405)
    assert client.post("/s/beto/delete-everything", data=form).status_code == 404
    assert state_of(desk)["state"] == "none"


def test_a_symlinked_folder_is_not_a_submission(desk, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "result.json").write_text((desk.out / "ana" / "result.json").read_text())
    os.symlink(outside, desk.out / "linked")
    client = desk.client()
    assert "linked" not in [r["id"] for r in client.get("/class.json").json()["rows"]]
    assert client.get("/s/linked").status_code == 404


# -- huge outputs ----------------------------------------------------------------------------------------------

def test_huge_output_and_code_are_cut_not_served_whole(tmp_path):
    out = tmp_path / "out"
    big = replace(graded("big"), sha256="b" * 64, output="x" * 5_000_000 + SCRIPT)
    make_out(out, results=[big], subs={"big": submission("big", ["y = 1\n" * 200_000] + ["z = 2"] * 3000)})
    client = Desk(out).client()
    page = client.get("/s/big")
    assert page.status_code == 200 and len(page.text) < 1_500_000
    assert "more bytes were printed and not kept" in page.text and "more characters not shown" in page.text
    twin = client.get("/s/big.json").json()
    assert len(twin["output"]["text"]) == 200_000 and len(twin["cells"]) == 500
    no_markup(page.text)


def test_unreadable_result_is_a_clear_404_not_a_traceback(desk):
    (desk.out / "ana" / "result.json").write_text("{not json")
    client = desk.client()
    assert client.get("/s/ana").status_code == 404
    assert client.get("/class").status_code == 200


def test_a_check_message_with_markup_in_a_result_written_by_the_renderer(tmp_path):
    out = tmp_path / "out"
    result = replace(graded("r"), sha256="r" * 64,
                     checks=(CheckResult("model_built", "fail", 0, 1, SCRIPT, hint=IMG),) + graded("r").checks[1:])
    make_out(out, results=[result])
    assert json.loads((out / "r" / "result.json").read_text())["checks"][0]["message"] == SCRIPT
    no_markup(Desk(out).client().get("/s/r").text)


@pytest.mark.parametrize("raw", ["..", ".", "a/b", "/etc/passwd", "~2", "~zz", "a~2", "%2E%2E", "\0"])
def test_decode_id_refuses_what_encode_id_never_makes(raw):
    from autograder.desk.views import decode_id

    assert decode_id(raw) is None
