"""Canvas "Download Submissions": files grouped per student, original names restored, late flag kept."""
from __future__ import annotations

from autograder.inputs import read_inputs
from autograder.inputs.lms import CANVAS_NAME, canvas_entries
from tests.bulk.conftest import notebook, write, zip_folder


def by_id(inputs):
    return {s.id: s for s in inputs.submissions}


def test_canvas_names_parse_as_documented():
    m = CANVAS_NAME.match("doejane_1234_556677_tarea_l2.ipynb")
    assert (m["name"], m["late"], m["user"], m["attachment"], m["original"]) == \
        ("doejane", None, "1234", "556677", "tarea_l2.ipynb")
    m = CANVAS_NAME.match("smithbob_LATE_5678_556690_Tarea-1.ipynb")
    assert (m["name"], m["late"], m["user"], m["original"]) == ("smithbob", "LATE", "5678", "Tarea-1.ipynb")
    assert CANVAS_NAME.match("smithbob_late_5678_556690_x.py")["late"] == "late"


def test_one_submission_per_student_with_canvas_ids(canvas_download):
    inputs = read_inputs([canvas_download])
    subs = by_id(inputs)
    assert sorted(subs) == ["doejane_1234", "leeann_91011", "perezjuan_121314", "smithbob_5678"]
    assert inputs.students["doejane_1234"].canvas_user_id == "1234"
    assert inputs.students["doejane_1234"].name == "doejane"
    assert inputs.students["smithbob_5678"].late is True
    assert inputs.students["doejane_1234"].late is False


def test_original_names_restored_and_other_files_kept(canvas_download):
    subs = by_id(read_inputs([canvas_download]))
    jane = subs["doejane_1234"]
    assert jane.kind == "notebook" and jane.filename == "tarea_l2.ipynb"
    assert sorted(name for name, _ in jane.files) == ["datos.csv", "tarea_l2.ipynb"]  # the data travels with it
    assert jane.source.endswith("doejane_1234_556677_tarea_l2.ipynb")
    bob = subs["smithbob_5678"]
    assert bob.filename == "Tarea.ipynb"  # Canvas's "-1" re-upload suffix dropped
    assert bob.load_error is None


def test_several_files_grade_the_notebook_and_say_so(canvas_download):
    ann = by_id(read_inputs([canvas_download]))["leeann_91011"]
    assert ann.filename == "cuaderno.ipynb"
    assert ann.entry.entry == "cuaderno.ipynb" and ann.entry.reason == "notebook" and ann.entry.left == ("modelo.py",)
    assert len(ann.notes) == 1 and ann.notes[0].startswith("entry:")


def test_zip_handed_in_is_unpacked_into_the_students_folder(canvas_download):
    juan = by_id(read_inputs([canvas_download]))["perezjuan_121314"]
    assert juan.kind == "notebook" and juan.filename == "entrega/proyecto/main.ipynb"
    assert juan.source.endswith("perezjuan_121314_556710_entrega.zip!/proyecto/main.ipynb")


def test_canvas_zip_gives_the_same_submissions(canvas_download, tmp_path):
    archive = zip_folder(canvas_download, tmp_path / "submissions.zip")
    from_zip, from_folder = by_id(read_inputs([archive])), by_id(read_inputs([canvas_download]))
    assert sorted(from_zip) == sorted(from_folder)
    for sub_id, sub in from_zip.items():
        assert sub.sha256 == from_folder[sub_id].sha256  # same content, same key in the results store
    assert from_zip["doejane_1234"].source == f"{archive}!/doejane_1234_556677_tarea_l2.ipynb"


def test_same_name_twice_keeps_both_names(tmp_path):
    folder = tmp_path / "dl"
    write(folder / "doejane_1_10_hw.ipynb", notebook("print(1)"))
    write(folder / "doejane_1_11_hw-1.ipynb", notebook("print(2)"))
    sub = read_inputs([folder]).submissions[0]
    assert sorted(name for name, _ in sub.files) == ["hw-1.ipynb", "hw.ipynb"]
    assert sub.notes and sub.notes[0].startswith("entry:")


def test_plain_folder_with_underscored_names_is_not_taken_for_canvas(tmp_path):
    write(tmp_path / "c" / "lab_1_2_final.ipynb", notebook("print(1)"))
    write(tmp_path / "c" / "maria.ipynb", notebook("print(2)"))
    assert canvas_entries(tmp_path / "c") is None
    assert sorted(s.id for s in read_inputs([tmp_path / "c"]).submissions) == ["lab_1_2_final", "maria"]
