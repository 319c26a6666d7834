"""Which file of a student's folder is the program (autograder.program), and how its report says so."""
from __future__ import annotations

import json

from autograder.grading import entry_sentence
from autograder.loading import load_submission
from autograder.program import EntryRules, choose_entry, import_graph, never_entry
from tests.programs.class_builder import HELPERS, MAIN, notebook, write


def files(**named: str) -> dict[str, bytes]:
    return {name.replace("__", "/").replace("_DOT_", "."): text.encode() for name, text in named.items()}


def test_the_entry_is_the_file_no_other_imports_whatever_its_name():
    choice = choose_entry({"main.py": MAIN.encode(), "helpers.py": HELPERS.encode()})
    assert (choice.entry, choice.reason, choice.modules, choice.left) == ("main.py", "only", ("helpers.py",), ())
    # "aaa.py" comes first by name, yet it is imported: it is a module, not the program.
    choice = choose_entry({"zz_run.py": b"from aaa import build\nbuild()\n", "aaa.py": b"def build(): pass\n"})
    assert choice.entry == "zz_run.py"


def test_star_imports_packages_and_relative_imports_are_followed():
    graph = import_graph({
        "train.py": "from src.model import build\nfrom utils import *\n",
        "utils.py": "import numpy as np\n",
        "src/__init__.py": "",
        "src/model.py": "from .config import UNITS\nfrom . import layers_util\n",
        "src/config.py": "UNITS = 64\n",
        "src/layers_util.py": "",
    })
    assert graph["train.py"] == {"src/__init__.py", "src/model.py", "utils.py"}
    assert graph["src/model.py"] == {"src/config.py", "src/layers_util.py"}


def test_a_notebooks_cells_count_as_its_code_and_percent_run_references_a_file():
    nb = notebook("%run helpers.py", "from utils import load\nmodel = build()")
    choice = choose_entry({"lab.ipynb": nb.encode(), "helpers.py": b"def build(): pass\n", "utils.py": b"x = 1\n"})
    assert choice.entry == "lab.ipynb" and choice.modules == ("helpers.py", "utils.py")


def test_tests_init_and_setup_files_are_never_entries():
    for rel in ("test_model.py", "model_test.py", "tests/check.py", "src/__init__.py", "setup.py", "conftest.py",
                "public_tests.py"):
        assert never_entry(rel), rel
    assert not never_entry("tarea.py") and not never_entry("latest.py")
    assert choose_entry({"test_tarea.py": b"import tarea\n", "setup.py": b"x = 1\n"}) is None
    choice = choose_entry({"tarea.py": b"x = 1\n", "tests/test_tarea.py": b"import tarea\n"})
    assert choice.entry == "tarea.py" and choice.ignored == ("tests/test_tarea.py",)


def test_the_documented_order_decides_between_several_entries():
    two = {"draft.ipynb": notebook("a = 1").encode(), "final.ipynb": notebook("b = 1").encode()}
    assert (choose_entry(two).entry, choose_entry(two).reason) == ("final.ipynb", "not_draft")
    nb_and_script = {"analisis.py": b"x = 1\n", "z.ipynb": notebook("y = 2").encode()}
    assert (choose_entry(nb_and_script).entry, choose_entry(nb_and_script).reason) == ("z.ipynb", "notebook")
    deep = {"a/b/tarea.ipynb": notebook("x = 1").encode(), "zeta.ipynb": notebook("x = 1").encode()}
    assert choose_entry(deep).reason == "top"
    mains = {"plots.py": b"x = 1\n", "solution.py": b"x = 2\n"}
    assert (choose_entry(mains).entry, choose_entry(mains).reason) == ("solution.py", "main_name")
    plain = {"b.py": b"x = 1\n", "a.py": b"x = 2\n"}
    assert (choose_entry(plain).entry, choose_entry(plain).reason, choose_entry(plain).left) == ("a.py", "name", ("b.py",))


def test_the_assignment_refines_and_the_instructor_pins():
    two = {"draft.ipynb": notebook("a = 1").encode(), "final.ipynb": notebook("b = 1").encode(),
           "helpers.py": b"x = 1\n"}
    refined = choose_entry(two, EntryRules(patterns=("draft*",)))
    assert (refined.entry, refined.reason, refined.pattern) == ("draft.ipynb", "assignment", "draft*")
    pinned = choose_entry(two, EntryRules(pin="helpers.py", patterns=("draft*",)))
    assert (pinned.entry, pinned.reason, pinned.pattern) == ("helpers.py", "pinned", "helpers.py")
    exercise = {"l2-dropout/main.py": b"x = 1\n", "early-stopping/es.ipynb": notebook("y = 1").encode()}
    assert choose_entry(exercise, EntryRules(exercise="l2-dropout")).entry == "l2-dropout/main.py"


def test_a_folder_submission_carries_every_file_and_names_the_entry_in_both_languages(tmp_path):
    folder = tmp_path / "carla"
    write(folder / "main.py", MAIN)
    write(folder / "helpers.py", HELPERS)
    write(folder / "estilo.mplstyle", "lines.linewidth : 2\n")
    write(folder / "__pycache__" / "helpers.cpython-311.pyc", "junk")
    sub = load_submission(folder)
    assert sub.filename == "main.py" and sub.kind == "script"
    assert sorted(n for n, _ in sub.files) == ["estilo.mplstyle", "helpers.py", "main.py"]
    note = json.loads(sub.notes[0].partition(":")[2])
    assert note["modules"] == ["helpers.py"]
    assert entry_sentence(sub.notes[0].partition(":")[2], "en").startswith("'main.py' was graded")
    assert "helpers.py" in entry_sentence(sub.notes[0].partition(":")[2], "es")
    before = sub.sha256
    write(folder / "helpers.py", HELPERS.replace("0.01", "0.02"))
    assert load_submission(folder).sha256 != before  # the digest covers the modules, not just the entry


def test_a_student_folder_without_code_is_a_no_code_row(tmp_path):
    (tmp_path / "mia").mkdir()
    (tmp_path / "mia" / "informe.pdf").write_bytes(b"%PDF")
    sub = load_submission(tmp_path / "mia")
    assert sub.load_error.kind == "no_code" and sub.load_error.detail == "informe.pdf"
