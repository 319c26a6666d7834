"""assignment.toml as data: every installed one validates; a malformed one is refused with the file, the
[[check]] table and key, and what was expected (a clear CLI error, exit 2, never a traceback)."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder.assignment import ASSIGNMENTS_DIR, load_assignment
from autograder.assignment_file import AssignmentError
from autograder.assignments_command import installed_names
from autograder.checks.vocabulary import VOCABULARY
from autograder.cli import main

SOURCE = (ASSIGNMENTS_DIR / "l2-dropout" / "assignment.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", installed_names())
def test_every_installed_assignment_validates(name):
    task = load_assignment(name)
    assert task.checks and all(c.kind in VOCABULARY for c in task.checks)
    assert task.check_ids[0] == "model_built" and len(set(task.check_ids)) == len(task.checks)


def test_the_listing_names_each_assignment_and_its_checks_with_points():
    out = CliRunner().invoke(main, ["assignments"])
    assert out.exit_code == 0, out.output
    assert "l2-dropout  Regularización L2 y Dropout en Keras  (10 points, 7 checks, lang es)" in out.output
    assert re.search(r"^  dropout +after_each_hidden +2  layer=Dropout ", out.output, re.M)
    assert re.search(r"^  hidden_layers +hidden_dense +2  count=2$", out.output, re.M)
    kinds = CliRunner().invoke(main, ["assignments", "--kinds"])
    assert kinds.exit_code == 0 and all(f"{k}:" in kinds.output for k in VOCABULARY)


def edited(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of l2-dropout with one edit (``old`` must occur exactly once)."""
    assert SOURCE.count(old) == 1, old
    folder = tmp_path / "variant"
    shutil.copytree(ASSIGNMENTS_DIR / "l2-dropout", folder)
    (folder / "assignment.toml").write_text(SOURCE.replace(old, new), encoding="utf-8")
    return folder


MALFORMED = [
    # (edit, the table named, the key named, what was expected)
    (('count = 2 ', 'count = "two" '), "[[check]] #2 (id 'hidden_layers')", "key count",
     "expected an integer >= 0 (hidden Dense layers), found 'two'"),
    (('kind = "hidden_dense"', 'kind = "hiden_dense"'), "[[check]] #2 (id 'hidden_layers')", "key kind",
     "expected one of: after_each_hidden, augmentation, compiled"),
    (('rate_max = 1.0 ', 'rate_mx = 1.0 '), "[[check]] #4 (id 'dropout')", "key rate_mx",
     "expected one of the keys this table may have (kind, id, points, depends_on, messages, title, layer"),
    (('kinds = ["l2"] ', 'kinds = ["l3"] '), "[[check]] #3 (id 'l2_regularization')", "key kinds[0]",
     "expected one of 'l1', 'l2', found 'l3'"),
    (('min_factor = 0.0 ', 'min_factor = -1 '), "[[check]] #3 (id 'l2_regularization')", "key min_factor",
     "expected a number >= 0 (factors must be above it), found -1"),
    (('id = "dropout"', 'id = "hidden_layers"'), "[[check]] #4 (id 'hidden_layers')", "key id",
     "expected an id no other [[check]] uses"),
    (('kind = "compiled"\n', ''), "[[check]] #6 (id 'compiled')", "key kind", "expected this key, which is required"),
    (('kind = "trains"\n', 'kind = "trains"\ndepends_on = ["nope"]\n'), "[[check]] #7 (id 'trains')",
     "key depends_on", "expected ids of checks declared before this one, found 'nope'"),
    (('layer = "Dropout" ', 'layer = ["Dropout"] '), "[[check]] #4 (id 'dropout')", "key layer",
     "expected a Keras layer class name"),
    (('kinds = ["sigmoid", "softmax", "linear"]', 'kinds = []'), "[[check]] #5 (id 'output_layer')", "key kinds",
     'expected a list of "sigmoid", "softmax", "linear", found []'),
    (('id = "model_built"\npoints = 1', 'id = "built"\npoints = 1'), "[[check]] tables", "",
     'expected exactly one check of kind "model_built", with id "model_built"'),
    (('id = "l2-dropout"\n', 'id = "l2-dropout"\n[points]\nmodel_built = 1\n[x]\n'), "key points", "",
     "expected no [points] table: each [[check]] has its own points"),
]


@pytest.mark.parametrize("edit,table,key,expected", MALFORMED, ids=[m[1] + " " + m[2] for m in MALFORMED])
def test_a_malformed_file_is_refused_with_file_table_key_and_expectation(tmp_path, edit, table, key, expected):
    folder = edited(tmp_path, *edit)
    with pytest.raises(AssignmentError) as caught:
        load_assignment(folder)
    message = str(caught.value)
    assert message.startswith(f"{folder / 'assignment.toml'}: {table}")
    assert key in message and expected in message, message
    out = CliRunner().invoke(main, ["assignments", str(folder)])
    assert out.exit_code == 2 and isinstance(out.exception, SystemExit), out.output
    assert expected in out.output and "Traceback" not in out.output


def test_grading_against_a_malformed_file_is_a_usage_error(tmp_path):
    folder = edited(tmp_path, 'count = 2 ', 'count = 2.5 ')
    submission = tmp_path / "alumno.py"
    submission.write_text("print('hola')\n", encoding="utf-8")
    out = CliRunner().invoke(main, ["grade", str(submission), "--assignment", str(folder), "--out", str(tmp_path / "o")])
    assert out.exit_code == 2 and isinstance(out.exception, SystemExit)
    assert "[[check]] #2 (id 'hidden_layers'), key count: expected an integer >= 0 (hidden Dense layers), found 2.5" \
        in out.output


def test_toml_syntax_errors_name_the_line(tmp_path):
    folder = edited(tmp_path, 'count = 2 ', 'count = = 2 ')
    with pytest.raises(AssignmentError, match=r"TOML syntax: expected valid TOML \(.*line \d+"):
        load_assignment(folder)


def test_the_fingerprint_covers_the_checks(tmp_path):
    base = load_assignment("l2-dropout").fingerprint
    assert load_assignment(edited(tmp_path / "a", 'count = 2 ', 'count = 3 ')).fingerprint != base
    assert load_assignment(edited(tmp_path / "b", 'rate_max = 1.0 ', 'rate_max = 0.9 ')).fingerprint != base
    assert load_assignment(edited(tmp_path / "c", 'id = "trains"\npoints = 1', 'id = "trains"\npoints = 2')
                           ).fingerprint != base
