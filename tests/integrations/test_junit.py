"""JUnit XML: read back with real parsers (ElementTree, and junitparser as CI tools read it)."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace

from junitparser import Error, Failure, JUnitXml, Skipped

from autograder.integrations.junit import junit_xml, write_junit


def props(element) -> dict[str, str]:
    return {p.get("name"): p.get("value") for p in element.findall("properties/property")}


def test_one_testcase_per_check_with_points_and_failures(notebook_result, assignment, tmp_path):
    folder, result = notebook_result
    path = tmp_path / "out" / "junit.xml"
    write_junit([result], assignment.rules, path, root=folder)
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites" and root.get("tests") == "7" and root.get("failures") == "2"
    [suite] = root.findall("testsuite")
    assert props(suite)["score"] == "6" and props(suite)["max_score"] == "10"
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert list(cases) == [c.id for c in result.checks]
    l2 = cases["l2_regularization"]
    assert props(l2)["points"] == "0" and props(l2)["max_points"] == "2" and props(l2)["cell"] == "3"
    failure = l2.find("failure")
    assert failure.get("message") == next(c.message for c in result.checks if c.id == "l2_regularization")
    assert failure.text.startswith("Celda 3, línea 5: ") and "Qué cambiar:" in failure.text
    assert props(cases["hidden_layers"])["points"] == "2" and cases["hidden_layers"].find("failure") is None


def test_junitparser_reads_results_statuses(notebook_result, assignment, tmp_path):
    _, result = notebook_result
    checks = tuple(replace(c, status="skipped", points=0.0) if c.id == "trains" else
                   replace(c, status="error", points=0.0) if c.id == "compiled" else c for c in result.checks)
    path = tmp_path / "junit.xml"
    write_junit([replace(result, checks=checks, output="Epoch 1/2\x1b[0m\x00 <done> & ok")], assignment.rules, path)
    xml = JUnitXml.fromfile(str(path))
    [suite] = list(xml)
    kinds = {case.name: [type(r) for r in case.result] for case in suite}
    assert kinds["dropout"] == [Failure] and kinds["compiled"] == [Error] and kinds["trains"] == [Skipped]
    assert kinds["model_built"] == []
    assert (suite.tests, suite.failures, suite.errors, suite.skipped) == (7, 2, 1, 1)
    assert "<done> & ok" in ET.parse(path).getroot().find("testsuite/system-out").text


def test_student_text_is_escaped(notebook_result, assignment):
    _, result = notebook_result
    checks = tuple(replace(c, message='</failure><x a="1">&') if c.id == "dropout" else c for c in result.checks)
    root = ET.fromstring(junit_xml([replace(result, checks=checks, id='a"<b')], assignment.rules))
    assert root.find("testsuite").get("name") == 'a"<b'
    assert root.find("testsuite/testcase[@name='dropout']/failure").get("message") == '</failure><x a="1">&'
