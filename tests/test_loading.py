"""Reading submissions: notebooks through nbformat, scripts, folders, bad input as load errors."""
import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder.loading import discover, load_submission, neutralise_magics, unique_ids


def write_nb(path, *cells):
    nb = new_notebook(cells=list(cells))
    nbformat.write(nb, str(path))
    return path


def test_notebook_code_cells_keep_jupyter_numbering(tmp_path):
    p = write_nb(tmp_path / "alumna.ipynb", new_markdown_cell("# Título"), new_code_cell("x = 1"),
                 new_markdown_cell("texto"), new_code_cell("y = x + 1"))
    sub = load_submission(p)
    assert sub.load_error is None and sub.kind == "notebook" and sub.id == "alumna"
    assert [c.index for c in sub.cells] == [2, 4]
    assert len(sub.sha256) == 64


def test_magics_and_shell_lines_become_plain_python(tmp_path):
    p = write_nb(tmp_path / "colab.ipynb", new_code_cell("%matplotlib inline\n!pip install -q tensorflow\nx = 1"),
                 new_code_cell("%%time\ny = 2"))
    sub = load_submission(p)
    compile(sub.cells[0].source, "c", "exec")
    compile(sub.cells[1].source, "c", "exec")
    assert "get_ipython()" in sub.cells[0].source and "x = 1" in sub.cells[0].source
    assert sub.cells[0].original.startswith("%matplotlib")


def test_plain_code_is_not_changed():
    code = "a = 5 % 3\nb = not a != 2\nprint('100%!')\n"
    assert neutralise_magics(code) == code


def test_script_with_shell_line_still_parses(tmp_path):
    p = tmp_path / "s.py"
    p.write_text("!pip install keras\nx = 1\n")
    sub = load_submission(p)
    assert sub.load_error is None and sub.kind == "script"


@pytest.mark.parametrize("name,content,kind", [
    ("rota.ipynb", b'{"cells": [', "corrupt_notebook"),
    ("lista.ipynb", b"[1, 2, 3]", "corrupt_notebook"),
    ("bin.py", b"\x00\x01\x02ELF", "binary_file"),
    ("bin.ipynb", b"\x89PNG\r\n\x1a\n\x00", "binary_file"),
    ("sintaxis.py", b"def f(:\n  pass\n", "syntax_error"),
    ("notas.txt", b"hola", "unsupported_file"),
])
def test_bad_input_is_a_load_error_not_an_exception(tmp_path, name, content, kind):
    p = tmp_path / name
    p.write_bytes(content)
    sub = load_submission(p)
    assert sub.load_error is not None and sub.load_error.kind == kind


def test_syntax_error_names_the_line(tmp_path):
    p = tmp_path / "s.py"
    p.write_text("x = 1\ny = (\n")
    assert "s.py:2" in load_submission(p).load_error.detail


def test_nbformat3_notebook_is_upgraded(tmp_path):
    v3 = {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": [
        {"cell_type": "code", "input": "z = 3", "language": "python", "outputs": [], "metadata": {}}]}]}
    p = tmp_path / "viejo.ipynb"
    p.write_text(json.dumps(v3))
    sub = load_submission(p)
    assert sub.load_error is None and sub.cells[0].source.strip() == "z = 3"


def test_off_schema_notebook_is_read_with_a_note(tmp_path):
    raw = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "source": "q = 1", "metadata": {}, "outputs": [], "execution_count": None, "extra": 1}]}
    p = tmp_path / "colab.ipynb"
    p.write_text(json.dumps(raw))
    sub = load_submission(p)
    assert sub.load_error is None and sub.cells[0].source == "q = 1"


def test_folder_submission_prefers_notebook_and_says_so(tmp_path):
    folder = tmp_path / "carla"
    folder.mkdir()
    write_nb(folder / "tarea.ipynb", new_code_cell("a = 1"))
    (folder / "datos.csv").write_text("x,y\n1,2\n")
    (folder / "sub").mkdir()
    sub = load_submission(folder)
    assert sub.id == "carla" and sub.filename == "tarea.ipynb"
    assert {p for p, _ in sub.files} == {"tarea.ipynb", "datos.csv"}


def test_discover_class_folder_and_unique_ids(tmp_path):
    (tmp_path / "ana.py").write_text("x = 1")
    (tmp_path / "ana.ipynb").write_text("{}")
    (tmp_path / "notes.txt").write_text("not a submission")
    bea = tmp_path / "bea"
    bea.mkdir()
    (bea / "main.py").write_text("x = 1")
    found = discover([tmp_path])
    assert [p.name for p in found] == ["ana.ipynb", "ana.py", "bea"]
    assert unique_ids(found) == ["ana", "ana-2", "bea"]


def test_symlink_submission_is_refused(tmp_path):
    target = tmp_path / "real.py"
    target.write_text("x = 1")
    link = tmp_path / "link.py"
    link.symlink_to(target)
    assert load_submission(link).load_error.kind == "symlink"
