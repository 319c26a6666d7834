"""GitHub Classroom's result: valid against the schema from the public reporter, weighted by the contract's points."""
from __future__ import annotations

from dataclasses import replace

import jsonschema
import pytest

from autograder.integrations.classroom import classroom_result, decode_result, encode_result, overall_status
from tests.integrations.conftest import load_schema


@pytest.fixture(scope="module")
def schema():
    schema = load_schema("classroom-result.schema.json")
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def reporter_points(document: dict) -> tuple[float, float]:
    """What the grading reporter sends to Classroom: the tests' scores added up, out of max_score."""
    return sum(t["score"] for t in document["tests"]), document["max_score"]


def test_failing_submission(notebook_result, assignment, schema):
    folder, result = notebook_result
    document = classroom_result([result], assignment.rules, root=folder)
    jsonschema.validate(document, schema)
    assert document["status"] == "fail"
    assert reporter_points(document) == (6, 10)
    by_name = {t["name"]: t for t in document["tests"]}
    l2 = by_name["Regularización L2 (l2_regularization)"]
    assert (l2["status"], l2["score"], l2["filename"]) == ("fail", 0, "alumna.ipynb")
    raw = (folder / "alumna.ipynb").read_text().splitlines()
    assert "Dense(64, activation='relu')," in raw[l2["line_no"] - 1]
    assert l2["message"].startswith("Celda 3, línea 5: ")
    assert by_name["Dos capas ocultas (hidden_layers)"]["score"] == 2
    assert "line_no" not in by_name["Modelo construido (model_built)"]


def test_weights_follow_the_contract(perfect_result, assignment, schema):
    document = classroom_result([perfect_result], assignment.rules)
    jsonschema.validate(document, schema)
    assert document["status"] == "pass" and reporter_points(document) == (10, 10)
    assert [t["score"] for t in document["tests"]] == [1, 2, 2, 2, 1, 1, 1]


def test_several_submissions_add_up_and_name_each(notebook_result, perfect_result, assignment, schema):
    _, result = notebook_result
    document = classroom_result([result, perfect_result], assignment.rules)
    jsonschema.validate(document, schema)
    assert reporter_points(document) == (16, 20) and document["tests"][0]["name"].startswith("alumna: ")


def test_status_error_when_a_submission_could_not_run(notebook_result, perfect_result):
    _, result = notebook_result
    assert overall_status([perfect_result]) == "pass"
    assert overall_status([result, perfect_result]) == "fail"
    assert overall_status([replace(result, status="error")]) == "error"
    assert overall_status([]) == "error"


def test_encoding_round_trips_on_one_line(notebook_result, assignment):
    _, result = notebook_result
    document = classroom_result([result], assignment.rules)
    encoded = encode_result(document)
    assert "\n" not in encoded and decode_result(encoded) == document
