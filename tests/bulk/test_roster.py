"""--roster: names, emails and LMS ids attached from a class list (own CSV, Canvas or Moodle export)."""
from __future__ import annotations

import pytest

from autograder.inputs import read_inputs
from autograder.inputs.roster import RosterError, read_roster
from tests.bulk.conftest import notebook, write
from tests.conftest import run_cli

CANVAS_GRADEBOOK = '''Student,ID,SIS User ID,SIS Login ID,Section,Tarea L2 (998877)
    Points Possible,,,,,10
"Doe, Jane",1234,A001,jdoe,Sección 1,
"Smith, Bob",5678,A002,bsmith,Sección 1,
"Lee, Ann",91011,A003,alee,Sección 2,
"Pérez, Juan",121314,A004,jperez,Sección 2,
"Gone, Nobody",999,A005,ngone,Sección 2,
'''

MOODLE_WORKSHEET = '''Identifier,Full name,Email address,Status,Grade,Maximum Grade,Grade can be changed,Last modified (submission),Last modified (grade),Feedback comments
Participant 101,Jane Doe,jane@uni.es,Submitted for grading,,10.00,Yes,"Monday, 3 March 2025, 10:00 AM",-,
Participant 102,José Núñez,jose@uni.es,Submitted for grading,,10.00,Yes,"Monday, 3 March 2025, 11:00 AM",-,
Participant 103,Ann Lee,ann@uni.es,Submitted for grading,,10.00,Yes,"Monday, 3 March 2025, 11:30 AM",-,
Participant 104,Bo Chen,bo@uni.es,Submitted for grading,,10.00,Yes,"Monday, 3 March 2025, 12:00 PM",-,
Participant 105,Eva Ruiz,eva@uni.es,No submission,,10.00,Yes,-,-,
'''

OWN_LIST = "Nombre;Apellidos;Correo electrónico;Grupo\nAna;García;ana@uni.es;A\nLuis;Pérez Gil;lpg@uni.es;B\n"


def test_canvas_gradebook_export_as_roster(canvas_download, tmp_path):
    roster = write(tmp_path / "gradebook.csv", CANVAS_GRADEBOOK)
    inputs = read_inputs([canvas_download], roster)
    jane = inputs.students["doejane_1234"]
    assert (jane.name, jane.canvas_user_id, jane.sis_user_id, jane.login_id, jane.section, jane.in_roster) == \
        ("Doe, Jane", "1234", "A001", "jdoe", "Sección 1", True)
    assert inputs.students["perezjuan_121314"].name == "Pérez, Juan"
    assert [e.student.name for e in inputs.unmatched] == ["Gone, Nobody"]


def test_moodle_worksheet_as_roster(moodle_download, tmp_path):
    roster = write(tmp_path / "worksheet.csv", MOODLE_WORKSHEET)
    inputs = read_inputs([moodle_download], roster)
    assert inputs.students["jose-nunez_102"].email == "jose@uni.es"
    assert inputs.students["bo-chen_104"].email == "bo@uni.es"
    assert [e.student.moodle_participant_id for e in inputs.unmatched] == ["105"]


def test_own_list_matches_by_email_or_name(tmp_path):
    write(tmp_path / "clase" / "ana.ipynb", notebook("print(1)"))           # email's local part
    write(tmp_path / "clase" / "luis-perez-gil.py", "print(2)\n")          # the name, as a slug
    write(tmp_path / "clase" / "desconocido.py", "print(3)\n")
    roster = write(tmp_path / "lista.csv", OWN_LIST)
    inputs = read_inputs([tmp_path / "clase"], roster)
    assert inputs.students["ana"].name == "Ana García" and inputs.students["ana"].section == "A"
    assert inputs.students["luis-perez-gil"].email == "lpg@uni.es"
    assert inputs.students["desconocido"].in_roster is False
    assert inputs.unmatched == ()


def test_roster_without_usable_columns_is_refused(tmp_path):
    with pytest.raises(RosterError, match="no column"):
        read_roster(write(tmp_path / "r.csv", "foo,bar\n1,2\n"))


def test_bad_roster_is_a_usage_error(tmp_path):
    write(tmp_path / "clase" / "ana.ipynb", notebook("print(1)"))
    roster = write(tmp_path / "r.csv", "foo,bar\n1,2\n")
    proc = run_cli("grade", str(tmp_path / "clase"), "--out", str(tmp_path / "o"), "--roster", str(roster))
    assert proc.returncode == 2 and "roster" in proc.stderr
