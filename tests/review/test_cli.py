"""``autograder override`` and ``autograder release``: exit codes, one-sentence messages, files rewritten."""
from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner

from autograder.cli import main
from tests.conftest import run_cli
from tests.review.helpers import make_out, result_json


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def grades(out):
    with open(out / "grades.csv", newline="", encoding="utf-8") as fh:
        return {row["id"]: row for row in csv.DictReader(fh)}


@pytest.fixture
def out(tmp_path):
    make_out(tmp_path)
    return tmp_path


def test_override_a_check_rewrites_grades_and_result_json(out):
    result = cli("override", out, "beto", "--check", "dropout", "--points", "2", "--comment", "rate set by a variable",
                 "--by", "prof")
    assert result.exit_code == 0, result.output
    assert "beto: final 10/10 (automatic 8)" in result.output
    row = grades(out)["beto"]
    assert (row["score"], row["dropout"], row["auto_score"], row["review"]) == ("10", "2", "8", "reviewed")
    doc = result_json(out, "beto")
    assert doc["score"] == 8.0 and doc["checks"][3]["points"] == 0.0  # result.json keeps the automatic result
    assert doc["review"]["state"] == "reviewed" and doc["review"]["score"] == 10.0
    assert doc["review"]["overrides"] == [{"check": "dropout", "points": 2.0, "comment": "rate set by a variable",
                                           "by": "prof", "at": doc["review"]["overrides"][0]["at"]}]
    assert set(doc["review"]) == {"state", "score", "overrides", "adjustments"}


def test_adjust_clear_and_confirm(out):
    assert cli("override", out, "ana", "--adjust", "-1.5", "--reason", "late by a day", "--by", "prof").exit_code == 0
    row = grades(out)["ana"]
    assert (row["score"], row["auto_score"], row["review"]) == ("8.5", "10", "reviewed")
    assert result_json(out, "ana")["review"]["adjustments"][0]["points"] == -1.5
    assert cli("override", out, "ana", "--clear").exit_code == 0
    assert (grades(out)["ana"]["score"], grades(out)["ana"]["review"]) == ("10", "none")
    assert cli("override", out, "caro", "--confirm").exit_code == 0
    assert grades(out)["caro"]["review"] == "reviewed"


@pytest.mark.parametrize("args, message", [
    (("nadie", "--check", "dropout", "--points", "1", "--comment", "x"), "no submission 'nadie'"),
    (("beto", "--check", "dropuot", "--points", "1", "--comment", "x"), "'dropuot' is not a check of 'beto'"),
    (("beto", "--check", "dropout", "--points", "5", "--comment", "x"), "between 0 and 2, not 5"),
    (("beto", "--check", "dropout", "--points", "1"), "--points needs --check CHECK_ID and --comment TEXT"),
    (("beto", "--adjust", "1"), "--adjust needs --reason TEXT"),
    (("beto", "--adjust", "x", "--reason", "r"), "an adjustment must be a number"),
    (("beto", "--clear", "--confirm"), "give exactly one of"),
    (("beto",), "give exactly one of"),
    (("beto", "--clear", "--check", "nope"), "'nope' is not a check"),
])
def test_usage_errors_exit_2_with_one_sentence(out, args, message):
    before = (out / "grades.csv").read_bytes()
    result = cli("override", out, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert (out / "grades.csv").read_bytes() == before


def test_an_empty_folder_is_a_usage_error(tmp_path):
    result = cli("override", tmp_path, "x", "--confirm")
    assert result.exit_code == 2 and "holds no graded results" in result.stderr


def test_the_installed_command_line_and_default_reviewer(out):
    proc = run_cli("override", str(out), "caro", "--check", "trains", "--points", "1", "--comment", "fit needed data")
    assert proc.returncode == 0, proc.stderr
    by = result_json(out, "caro")["review"]["overrides"][0]["by"]
    import getpass
    assert by == getpass.getuser()
    proc = run_cli("override", str(out), "caro", "--check", "trains", "--points", "7", "--comment", "x")
    assert proc.returncode == 2 and proc.stderr.strip() == \
        "autograder: points for trains must be between 0 and 1, not 7"


def test_the_reports_show_the_final_grade_and_why_until_the_review_is_cleared(tmp_path):
    """What a student reads (report.md / report.html, released as they are) agrees with grades.csv."""
    out = tmp_path
    make_out(out, stored=True)
    before = (out / "beto" / "report.md").read_text(encoding="utf-8")
    assert "8 / 10" in before and "Revisión de tu profesor" not in before
    comment = "la tasa está en una variable <b>RATE</b>"
    assert cli("override", out, "beto", "--check", "dropout", "--points", "2", "--comment", comment,
               "--by", "prof").exit_code == 0
    assert cli("override", out, "beto", "--adjust", "-1", "--reason", "un día tarde", "--by", "prof").exit_code == 0
    md = (out / "beto" / "report.md").read_text(encoding="utf-8")
    assert "9 / 10" in md and "8 / 10" not in md.split("## ")[1]  # the banner shows the final grade
    assert "Revisión de tu profesor" in md and "Nota final: 9/10" in md and "Nota automática: 8/10" in md
    assert "(automática 0)" in md and "-1 puntos: un día tarde" in md
    page = (out / "beto" / "report.html").read_text(encoding="utf-8")
    assert "Nota final: 9/10" in page and "&lt;b&gt;RATE&lt;/b&gt;" in page and "<b>RATE" not in page
    untouched = (out / "ana" / "report.md").read_text(encoding="utf-8")
    assert "Revisión de tu profesor" not in untouched and "10 / 10" in untouched
    assert cli("override", out, "beto", "--clear").exit_code == 0
    assert (out / "beto" / "report.md").read_text(encoding="utf-8") == before


def test_a_report_is_never_rebuilt_from_result_json_alone(out):
    """A folder whose results are not in the results table: result.json lacks the printed output, so the
    report stays the automatic one (the final grade is in grades.csv, result.json and what is released)."""
    before = (out / "beto" / "report.md").read_text(encoding="utf-8")
    assert cli("override", out, "beto", "--adjust", "1", "--reason", "extra", "--by", "prof").exit_code == 0
    assert (out / "beto" / "report.md").read_text(encoding="utf-8") == before
    assert result_json(out, "beto")["review"]["score"] == 9.0
