"""``autograder release``: Moodle's feedback-files zip and worksheet, a folder per student, --reviewed-only."""
from __future__ import annotations

import csv
import re
import zipfile

from click.testing import CliRunner

from autograder.cli import main
from autograder.exports.moodle import MOODLE_COLUMNS
from autograder.review.release import MOODLE_WORKSHEET, MOODLE_ZIP, moodle_folder_name
from autograder.inputs.roster import Student
from autograder.review.store import ReviewStore
from tests.review.helpers import make_out

# Moodle's importer (mod/assign/feedback/file/importziplib.php) splits each path part on "_" into at most
# five pieces: full name, participant id (numeric), plugin type, plugin name, then the file's own name.
MOODLE_PART = re.compile(r"^(?P<name>[^_]+)_(?P<participant>\d+)_(?P<type>assignsubmission)_(?P<plugin>file)_$")


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def reviewed_class(out):
    make_out(out)
    with ReviewStore.in_folder(out) as store:
        store.set_context("students", {
            "ana": {"name": "Ana_María Gil", "moodle_participant_id": "101", "email": "ana@uni.es"},
            "beto": {"name": "Beto Ruiz", "moodle_participant_id": "102", "submitted_at": "Monday, 2 March 2026"},
            "caro": {"name": "Caro <b>Paz</b>", "moodle_participant_id": "103"}})
        store.set_override("beto", None, "dropout", 2, "rate set by a variable: fine", "prof")
        store.comment("beto", None, "Muy bien <script>", "prof")
        store.add_adjustment("caro", None, -2, "late by 2 days", "prof")


def test_moodle_release_layout_and_worksheet(tmp_path):
    reviewed_class(tmp_path)
    result = cli("release", tmp_path, "--to", "moodle")
    assert result.exit_code == 0, result.output
    assert "3 students" in result.output
    dest = tmp_path / "release-moodle"
    with zipfile.ZipFile(dest / MOODLE_ZIP) as archive:
        names = sorted(archive.namelist())
        comments = archive.read("Beto Ruiz_102_assignsubmission_file_/comments.md").decode()
    folders = {n.split("/")[0] for n in names}
    assert folders == {"Ana María Gil_101_assignsubmission_file_", "Beto Ruiz_102_assignsubmission_file_",
                       "Caro b Paz b_103_assignsubmission_file_"}
    for name in names:
        folder, _, rest = name.partition("/")
        assert MOODLE_PART.match(folder) and rest in ("report.html", "report.md", "comments.md")
    assert "Nota final: 10/10" in comments and "Muy bien <script>" in comments and "Dropout: 2/2 (automática 0)" in comments
    with open(dest / MOODLE_WORKSHEET, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == MOODLE_COLUMNS
    body = {r[0]: dict(zip(MOODLE_COLUMNS, r)) for r in rows[1:]}
    assert body["Participant 102"]["Grade"] == "10" and body["Participant 103"]["Grade"] == "5"
    assert body["Participant 102"]["Last modified (submission)"] == "Monday, 2 March 2026"
    feedback = body["Participant 102"]["Feedback comments"]
    assert feedback.startswith("<p><strong>Comentarios de tu profesor</strong></p><p>Muy bien &lt;script&gt;</p>")
    assert "rate set by a variable: fine" in feedback and "<script>" not in feedback
    assert "late by 2 days" in body["Participant 103"]["Feedback comments"]


def test_folder_release_and_reviewed_only(tmp_path):
    reviewed_class(tmp_path)
    result = cli("release", tmp_path, "--to", "folder", "--reviewed-only", "--dest", tmp_path / "para-alumnos")
    assert result.exit_code == 0, result.output
    assert "2 students" in result.output and "1 left out" in result.output
    dest = tmp_path / "para-alumnos"
    assert sorted(p.name for p in dest.iterdir()) == ["beto", "caro"]
    assert sorted(p.name for p in (dest / "caro").iterdir()) == ["comments.md", "report.html", "report.md"]
    text = (dest / "caro" / "comments.md").read_text(encoding="utf-8")
    assert "Nota final: 5/10" in text and "Nota automática: 7/10" in text and "-2 puntos: late by 2 days" in text


def test_release_refusals_exit_2(tmp_path):
    make_out(tmp_path)
    result = cli("release", tmp_path, "--to", "folder", "--reviewed-only")
    assert result.exit_code == 2 and "no submission has been reviewed yet" in result.stderr
    result = cli("release", tmp_path, "--to", "moodle")
    assert result.exit_code == 2 and "no submission has a Moodle participant id" in result.stderr
    assert cli("release", tmp_path / "nothing", "--to", "folder").exit_code == 2


def test_moodle_folder_names_keep_no_underscore_or_slash():
    assert moodle_folder_name(Student(name="a_b/c\\d:*", moodle_participant_id="9")) == "a b c d_9_assignsubmission_file_"
    assert moodle_folder_name(Student(name="", moodle_participant_id="9")).startswith("Participant_9_")
