"""Moodle "Download all submissions": a folder (or flat files) per participant, named with its id."""
from __future__ import annotations

from autograder.inputs import read_inputs
from autograder.inputs.lms import MOODLE_NAME
from tests.bulk.conftest import zip_folder


def by_id(inputs):
    return {s.id: s for s in inputs.submissions}


def test_moodle_names_parse_as_documented():
    m = MOODLE_NAME.match("José Núñez_102_assignsubmission_file_")
    assert (m["name"], m["participant"], m["plugin"], m["rest"]) == ("José Núñez", "102", "file", "")
    m = MOODLE_NAME.match("Ann Lee_103_assignsubmission_file_practica.ipynb")
    assert (m["name"], m["participant"], m["rest"]) == ("Ann Lee", "103", "practica.ipynb")


def test_one_submission_per_participant(moodle_download):
    inputs = read_inputs([moodle_download])
    subs = by_id(inputs)
    assert sorted(subs) == ["ann-lee_103", "bo-chen_104", "jane-doe_101", "jose-nunez_102"]
    assert inputs.students["jose-nunez_102"].name == "José Núñez"
    assert inputs.students["jose-nunez_102"].moodle_participant_id == "102"
    assert inputs.students["jose-nunez_102"].canvas_user_id == ""


def test_folder_per_student_keeps_paths_and_merges_plugins(moodle_download):
    subs = by_id(read_inputs([moodle_download]))
    jane = subs["jane-doe_101"]
    assert jane.kind == "notebook" and jane.filename == "tarea.ipynb"
    assert sorted(name for name, _ in jane.files) == ["onlinetext.html", "tarea.ipynb"]
    assert jane.source.endswith("Jane Doe_101_assignsubmission_file_/tarea.ipynb")
    jose = subs["jose-nunez_102"]
    assert jose.filename == "entrega.ipynb"
    assert "src/utils.py" in [name for name, _ in jose.files]
    assert jose.entry.reason == "notebook" and jose.entry.left == ("src/utils.py",) and jose.notes[0].startswith("entry:")


def test_flat_files_of_older_moodle(moodle_download):
    ann = by_id(read_inputs([moodle_download]))["ann-lee_103"]
    assert ann.kind == "notebook" and ann.filename == "practica.ipynb" and ann.load_error is None


def test_online_text_only_is_reported_as_not_code(moodle_download):
    bo = by_id(read_inputs([moodle_download]))["bo-chen_104"]
    assert bo.load_error is not None and bo.load_error.kind == "unsupported_file"
    assert bo.load_error.detail == "onlinetext.html"


def test_moodle_zip_gives_the_same_submissions(moodle_download, tmp_path):
    archive = zip_folder(moodle_download, tmp_path / "L2-Dropout-12345.zip")
    from_zip, from_folder = by_id(read_inputs([archive])), by_id(read_inputs([moodle_download]))
    assert sorted(from_zip) == sorted(from_folder)
    assert all(from_zip[k].sha256 == from_folder[k].sha256 for k in from_zip)
