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
