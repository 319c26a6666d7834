"""Where a failing check points: the offending layer's line, mapped into the raw .ipynb file."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from autograder.integrations.locations import blame, locate, notebook_line_map, repo_relative, submitted_file
from autograder.types import SourceLocation
from tests.integrations.conftest import MODEL_CELL


def check(result, check_id):
    return next(c for c in result.checks if c.id == check_id)


def test_failing_checks_blame_the_offending_layer(notebook_result, assignment):
    _, result = notebook_result
    assert blame(check(result, "l2_regularization"), result, assignment.rules) == SourceLocation(cell=3, line=5)
    # The Dropout with the bad rate, not the Dense before it.
    assert blame(check(result, "dropout"), result, assignment.rules) == SourceLocation(cell=3, line=6)


def test_compile_problems_blame_the_compile_call(notebook_result, assignment):
    _, result = notebook_result
    assert blame(check(result, "compiled"), result, assignment.rules) == SourceLocation(cell=4, line=1)
    uncompiled = replace(result, model=replace(result.model, compile=None))
    # Never compiled: the end of the model's definition, where compile should follow.
    assert blame(check(result, "compiled"), uncompiled, assignment.rules) == SourceLocation(cell=3, line=7)


def test_too_many_hidden_layers_blames_the_extra_one(notebook_result, assignment):
    _, result = notebook_result
    layers = result.model.layers
    extra = replace(layers[2], name="dense_9", created_at=SourceLocation(cell=3, line=9))
    model = replace(result.model, layers=layers[:4] + (extra,) + layers[4:])
    assert blame(check(result, "hidden_layers"), replace(result, model=model), assignment.rules).line == 9


def test_no_model_blames_the_first_student_error(notebook_result, assignment):
    from autograder.types import StudentError

    _, result = notebook_result
    crashed = replace(result, model=None,
                      student_errors=(StudentError("NameError", "x", SourceLocation(cell=3, line=2)),))
    assert blame(check(result, "model_built"), crashed, assignment.rules) == SourceLocation(cell=3, line=2)
    assert blame(check(result, "model_built"), replace(crashed, student_errors=()), assignment.rules) is None


def test_notebook_lines_map_to_the_raw_json_line_holding_the_code(notebook_result):
    folder, _ = notebook_result
    text = (folder / "alumna.ipynb").read_text(encoding="utf-8")
    mapping = notebook_line_map(text)
    raw_lines = text.splitlines()
    for number, code in enumerate(MODEL_CELL.splitlines(), start=1):
        assert json.dumps(code)[1:-1] in raw_lines[mapping[(3, number)] - 1]
    assert (1, 1) not in mapping or "Regularizaci" in raw_lines[mapping[(1, 1)] - 1]


def test_line_map_handles_string_sources_one_line_files_and_escaped_unicode():
    cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
              "source": "a = 1\nb = 'ñ'\nmodel = f()"}]
    compact = json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells})
    assert notebook_line_map(compact) == {(1, 1): 1, (1, 2): 1, (1, 3): 1}
    # Colab-like: source written before outputs, as a list, non-ASCII escaped, one key per line.
    cells[0]["source"] = ["a = 1\n", "b = 'ñ'\n", "model = f()"]
    pretty = json.dumps({"cells": cells, "metadata": {}}, indent=2, ensure_ascii=True)
    mapping = notebook_line_map(pretty)
    lines = pretty.splitlines()
    assert "model = f()" in lines[mapping[(1, 3)] - 1] and "\\u00f1" in lines[mapping[(1, 2)] - 1]


def test_line_map_of_a_broken_file_is_empty():
    assert notebook_line_map('{"cells": [') == {}
    assert notebook_line_map("not json") == {}


def test_locate_gives_repository_paths(notebook_result, tmp_path):
    folder, result = notebook_result
    where = locate(SourceLocation(cell=3, line=5), result, root=folder)
    assert (where.path, where.cell, where.cell_line) == ("alumna.ipynb", 3, 5)
    assert "Dense(64, activation='relu')," in (folder / "alumna.ipynb").read_text().splitlines()[where.line - 1]
    script = replace(result, source=str(folder / "sub" / "tarea.py"), filename="tarea.py")
    assert locate(SourceLocation(file="tarea.py", line=7), script, root=folder).path == "sub/tarea.py"
    assert locate(None, result, root=folder).line is None


def test_folder_submissions_point_inside_the_folder(notebook_result):
    _, result = notebook_result
    folder_sub = replace(result, source="entregas/ana", filename="cuaderno.ipynb")
    assert submitted_file(folder_sub) == Path("entregas/ana/cuaderno.ipynb")
    assert repo_relative(Path("./x/y.ipynb"), None) == "x/y.ipynb"
