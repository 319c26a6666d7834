"""One row per student whatever the class folder's layout, and ``autograder grade --list`` (runs nothing)."""
from __future__ import annotations

from click.testing import CliRunner

from autograder.assignment import load_assignment
from autograder.cli import main
from autograder.inputs import read_inputs
from autograder.inputs.roster import read_roster, match_entry
from tests.programs.class_builder import CORRECT, ENTRIES, STUDENTS, build_class, notebook, write


def test_every_layout_gives_one_row_per_student(tmp_path):
    clase = build_class(tmp_path)
    inputs = read_inputs([clase], tmp_path / "classroom_roster.csv", load_assignment().entry_rules())
    subs = {s.id: s for s in inputs.submissions}
    assert sorted(subs) == sorted(STUDENTS)
    assert {sid: subs[sid].filename for sid in ENTRIES} == ENTRIES
    assert all(subs[sid].load_error is None for sid in CORRECT)
    assert subs["mia"].load_error.kind == "no_code"
    # The split programs carry their modules and files; the lab's style file is there for its helpers.
    assert {"utils.py", "lab_utils_common.py", "public_tests.py", "deeplearning.mplstyle"} <= \
        {n for n, _ in subs["diego"].files}
    assert subs["diego"].entry.modules == ("lab_utils_common.py", "public_tests.py", "utils.py")
    assert subs["elena"].entry.modules == ("src/__init__.py", "src/config.py", "src/data.py", "src/model.py")
    assert subs["fer"].entry.left == ("draft.ipynb",)
    # students/<name>/<exercise>/: the assignment's exercise folder is the program, the id is the student's.
    assert subs["kim"].source.endswith("students/kim/l2-dropout") and subs["kim"].entry.modules == ("helpers.py",)
    # The Classroom clone: plumbing and the starter's tests are never the program, and never copied in.
    juan = subs["l2-dropout-juan-c"]
    assert juan.entry.ignored == ("tests/test_tarea.py",)
    assert not any(n.startswith((".git", ".github")) for n, _ in juan.files)
    # GitHub Classroom's roster joins clones by username (the longest that ends the id: juan-c, not c).
    assert inputs.students["l2-dropout-juan-c"].name == "Juan Castro"
    assert inputs.students["l2-dropout-inesr"].github_username == "inesr"
    assert [e.student.name for e in inputs.unmatched] == ["Carolina C", "Pablo Sin Cuenta"]


def test_never_splits_a_student_nor_merges_two(tmp_path):
    write(tmp_path / "clase" / "ana" / "main.py", "from helpers import f\n")
    write(tmp_path / "clase" / "ana" / "helpers.py", "def f(): pass\n")
    write(tmp_path / "clase" / "ana" / "old" / "intento.py", "x = 1\n")       # an old try inside her folder
    write(tmp_path / "clase" / "bea" / "tarea.ipynb", notebook("x = 1"))
    write(tmp_path / "clase" / "bea" / "src" / "__init__.py", "")
    write(tmp_path / "clase" / "bea" / "src" / "m.py", "x = 1\n")
    write(tmp_path / "clase" / "grupo-a" / "carlos" / "t.py", "x = 1\n")      # a section of one student
    write(tmp_path / "clase" / "grupo-a" / "dani" / "t.py", "x = 1\n")
    (tmp_path / "clase" / "eva").mkdir()                                      # nothing handed in
    write(tmp_path / "clase" / "template" / "tarea.txt", "starter")           # shared material: no row
    subs = {s.id: s for s in read_inputs([tmp_path / "clase"]).submissions}
    assert sorted(subs) == ["ana", "bea", "carlos", "dani", "eva"]
    assert subs["ana"].filename == "main.py" and subs["ana"].entry.left == ("old/intento.py",)
    assert subs["eva"].load_error.kind == "no_code"


def test_a_given_folder_of_loose_files_is_one_row_each_and_one_program_is_one_row(tmp_path):
    write(tmp_path / "sueltos" / "ana.py", "x = 1\n")
    write(tmp_path / "sueltos" / "bea.ipynb", notebook("x = 1"))
    assert sorted(s.id for s in read_inputs([tmp_path / "sueltos"]).submissions) == ["ana", "bea"]
    write(tmp_path / "carla" / "main.py", "from helpers import f\n")
    write(tmp_path / "carla" / "helpers.py", "def f(): pass\n")
    assert [s.id for s in read_inputs([tmp_path / "carla"]).submissions] == ["carla"]


def test_roster_classroom_columns(tmp_path):
    write(tmp_path / "r.csv", "identifier,github_username,github_id,name\nana@x.es,ana-g,1,Ana G\nlogin7,bo,2,Bo\n")
    roster = read_roster(tmp_path / "r.csv")
    assert roster[0].student.email == "ana@x.es" and roster[0].student.moodle_participant_id == ""
    assert roster[1].student.login_id == "login7"
    from autograder.inputs.roster import Student
    assert match_entry("hw2-ana-g", Student(), roster).student.name == "Ana G"
    assert match_entry("bo", Student(), roster).student.name == "Bo"
    assert match_entry("hw2-ana", Student(), roster) is None


def test_list_prints_each_row_and_entry_and_runs_nothing(tmp_path):
    clase = build_class(tmp_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["grade", str(clase), "--list", "--lang", "en", "--out", str(out),
                                       "--roster", str(tmp_path / "classroom_roster.csv")], terminal_width=400)
    assert result.exit_code == 0, result.output
    text = result.output
    assert "Rows to grade (14 students)" in text
    for sid in STUDENTS:
        assert sid in text
    assert "final.ipynb" in text and "draft.ipynb" in text and "drafts or copies" in text
    assert "lab_utils_common.py" in text and "Juan Castro" in text and "no program to grade" in text
    assert not out.exists()  # nothing ran, nothing was written
    pinned = CliRunner().invoke(main, ["grade", str(clase / "fer"), "--list", "--entry", "draft*", "--lang", "es"],
                                terminal_width=400)
    assert pinned.exit_code == 0 and "draft.ipynb" in pinned.output and "lo eligió el profesor" in pinned.output
