"""An empty submission is graded (the contract): model_built fails with its reason, the other checks are skipped.

A corrupt notebook stays an ``error`` row. Nothing here runs TensorFlow: an empty submission never reaches
the sandbox, which the sandbox below asserts by refusing to run.
"""
from __future__ import annotations

import json

import pytest

from autograder.assignment import load_assignment
from autograder.grading import grade_submission
from autograder.loading import has_code, load_submission
from autograder.render import render_html, render_markdown
from autograder.render.result_json import result_to_dict


class RefusingSandbox:
    """A sandbox that fails the test if the pipeline asks it to run anything."""

    isolation = "none"

    def run(self, job, limits):
        raise AssertionError(f"an empty submission was sent to the sandbox: {job['id']}")

    def train(self, request, limits):
        raise AssertionError("nothing to train")


def notebook(*cells: tuple[str, str]) -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": kind, "metadata": {}, "source": source, "id": f"c{i}",
         **({"outputs": [], "execution_count": None} if kind == "code" else {})}
        for i, (kind, source) in enumerate(cells)]})


EMPTY = {
    "vacio.py": "",
    "espacios.py": "  \n\n\t\n",
    "comentarios.py": "# TODO: el modelo\n# (sin terminar)\n",
    "vacio.ipynb": "",
    "sin_celdas.ipynb": notebook(),
    "solo_texto.ipynb": notebook(("markdown", "# Regularización L2 y Dropout\nPendiente.")),
    "celdas_vacias.ipynb": notebook(("markdown", "# Tarea"), ("code", ""), ("code", "   \n"), ("code", "# luego")),
}


@pytest.mark.parametrize("name", sorted(EMPTY))
def test_empty_submissions_load_without_error_and_without_code(tmp_path, name):
    path = tmp_path / name
    path.write_text(EMPTY[name], encoding="utf-8")
    sub = load_submission(path)
    assert sub.load_error is None and sub.cells == ()


@pytest.mark.parametrize("name,content", [
    ("magia.ipynb", notebook(("code", "%matplotlib inline"))),
    ("sintaxis.ipynb", notebook(("code", "# modelo\nmodel = Sequential(["))),
    ("una_linea.py", "x = 1\n"),
])
def test_any_statement_is_code(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert load_submission(path).cells != ()


def test_has_code():
    assert not has_code("") and not has_code("# nada\n\n") and has_code("pass") and has_code("def f(:")


@pytest.mark.parametrize("lang,reason", [("es", "no tiene código"), ("en", "holds no code")])
def test_empty_submission_is_graded_with_model_built_failed_and_its_reason(tmp_path, lang, reason):
    path = tmp_path / "celdas_vacias.ipynb"
    path.write_text(EMPTY["celdas_vacias.ipynb"], encoding="utf-8")
    result = grade_submission(load_submission(path), load_assignment(), RefusingSandbox(), lang=lang)
    assert result.status == "graded" and result.error is None and result.score == 0.0
    first, *rest = result.checks
    assert (first.id, first.status) == ("model_built", "fail") and reason in first.message
    assert "Sequential" in first.hint
    assert [c.status for c in rest] == ["skipped"] * 6 and all("model_built" in c.message for c in rest)
    doc = result_to_dict(result)
    assert doc["status"] == "graded" and doc["error"] is None and len(doc["checks"]) == 7
    assert reason in render_html(result) and reason in render_markdown(result)


def test_a_corrupt_notebook_stays_an_error(tmp_path):
    path = tmp_path / "roto.ipynb"
    path.write_text('{"cells": [{"cell_type": "code", "source": "x = 1"', encoding="utf-8")
    result = grade_submission(load_submission(path), load_assignment(), RefusingSandbox(), lang="en")
    assert result.status == "error" and result.error.kind == "corrupt_notebook"
    assert [c.status for c in result.checks] == ["error"] + ["skipped"] * 6
