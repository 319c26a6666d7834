"""Plain layouts: files, a folder per student, folders of them, and zip archives of any of these."""
from __future__ import annotations

import zipfile

from autograder.inputs import archives, read_inputs
from tests.bulk.conftest import notebook, write, zip_folder


def ids(inputs):
    return sorted(s.id for s in inputs.submissions)


def class_folder(root):
    write(root / "ana.ipynb", notebook("print('ana')"))
    write(root / "luis.py", "print('luis')\n")
    write(root / "marta" / "tarea.ipynb", notebook("print('marta')"))
    write(root / "marta" / "datos.csv", "x\n1\n")
    write(root / "grupo-b" / "pedro" / "p.ipynb", notebook("print('pedro')"))
    write(root / "notas.txt", "not a submission")
    return root


def test_files_and_folders(tmp_path):
    inputs = read_inputs([class_folder(tmp_path / "clase")])
    assert ids(inputs) == ["ana", "luis", "marta", "pedro"]
    marta = next(s for s in inputs.submissions if s.id == "marta")
    assert marta.filename == "tarea.ipynb" and [n for n, _ in marta.files] == ["datos.csv", "tarea.ipynb"]
    assert all(not student.name and not student.in_roster for student in inputs.students.values())


def test_class_zip_is_read_like_the_folder(tmp_path):
    folder = class_folder(tmp_path / "clase")
    archive = zip_folder(folder, tmp_path / "clase.zip")
    from_zip, from_folder = read_inputs([archive]), read_inputs([folder])
    assert ids(from_zip) == ids(from_folder)
    assert {s.id: s.sha256 for s in from_zip.submissions} == {s.id: s.sha256 for s in from_folder.submissions}
    assert next(s for s in from_zip.submissions if s.id == "ana").source == f"{archive}!/ana.ipynb"


def test_zip_of_one_students_folder_is_named_after_the_zip(tmp_path):
    write(tmp_path / "src" / "tarea.ipynb", notebook("print(1)"))
    write(tmp_path / "src" / "datos.csv", "x\n1\n")
    archive = zip_folder(tmp_path / "src", tmp_path / "carla.zip")
    inputs = read_inputs([archive])
    assert ids(inputs) == ["carla"]
    assert inputs.submissions[0].filename == "tarea.ipynb"


def test_zip_holding_a_top_folder(tmp_path):
    write(tmp_path / "src" / "tarea.ipynb", notebook("print(1)"))
    archive = zip_folder(tmp_path / "src", tmp_path / "entrega.zip", prefix="diego/")
    assert ids(read_inputs([archive])) == ["diego"]


def test_unsafe_members_are_skipped_and_reported(tmp_path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../escape.ipynb", notebook("print('out')"))
        zf.writestr("/abs.ipynb", notebook("print('abs')"))
        zf.writestr("ok.ipynb", notebook("print('ok')"))
        link = zipfile.ZipInfo("link.ipynb")
        link.external_attr = 0o120777 << 16  # a symlink
        zf.writestr(link, "/etc/passwd")
    inputs = read_inputs([archive])
    assert ids(inputs) == ["evil"]  # the one safe notebook, as a one-student archive
    assert not (tmp_path / "escape.ipynb").exists()
    assert any("skipped 3 unsafe entries" in p for p in inputs.problems)


def test_oversized_archive_is_an_error_row_not_a_crash(tmp_path, monkeypatch):
    write(tmp_path / "src" / "big.ipynb", notebook("x = '" + "a" * 5000 + "'"))
    archive = zip_folder(tmp_path / "src", tmp_path / "big.zip")
    monkeypatch.setattr(archives, "MAX_MEMBER_BYTES", 1000)
    inputs = read_inputs([archive])
    assert [(s.id, s.load_error.kind) for s in inputs.submissions] == [("big", "unreadable")]
    assert inputs.problems


def test_corrupt_zip_is_an_error_row(tmp_path):
    write(tmp_path / "roto.zip", b"PK\x03\x04 not really a zip")
    inputs = read_inputs([tmp_path / "roto.zip"])
    assert [(s.id, s.load_error.kind) for s in inputs.submissions] == [("roto", "unreadable")]


def test_repeated_ids_get_a_suffix_and_a_note(tmp_path):
    write(tmp_path / "a" / "ana.ipynb", notebook("print(1)"))
    write(tmp_path / "b" / "ana.ipynb", notebook("print(2)"))
    subs = read_inputs([tmp_path / "a" / "ana.ipynb", tmp_path / "b" / "ana.ipynb"]).submissions
    assert [s.id for s in subs] == ["ana", "ana-2"]
    assert subs[1].notes == ("renamed_id:ana-2",)
