"""JUnit XML: one ``testsuite`` per submission, one ``testcase`` per check, points in ``properties``.

A failed check is a ``failure`` (its message, where it points and the hint), a check the grader could
not decide is an ``error``, a check skipped because another did not pass is ``skipped``. The XML is
built with ElementTree, so every student string is escaped by the library.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Sequence

from autograder.checks.base import CheckSpec
from autograder.integrations.feedback import check_feedback, located_checks
from autograder.types import GradeResult

CONTROL_CHARS = {i: None for i in range(32) if chr(i) not in "\t\n\r"}


def _clean(text: Any) -> str:
    """XML 1.0 cannot carry most control characters, even escaped: drop them."""
    return str(text).translate(CONTROL_CHARS)


def _properties(parent: ET.Element, values: dict[str, Any]) -> None:
    props = ET.SubElement(parent, "properties")
    for name, value in values.items():
        if value is not None:
            ET.SubElement(props, "property", name=name, value=_clean(value))


def _testsuite(result: GradeResult, rules: Sequence[CheckSpec], root: Path | None, maps: dict) -> ET.Element:
    items = located_checks(result, rules, root, maps)
    counts = {status: sum(1 for i in items if i.check.status == status) for status in ("fail", "error", "skipped")}
    suite = ET.Element("testsuite", name=_clean(result.id), tests=str(len(items)), failures=str(counts["fail"]),
                       errors=str(counts["error"]), skipped=str(counts["skipped"]), time=f"{result.elapsed_s:.3f}")
    _properties(suite, {"assignment": result.assignment, "source": result.source, "sha256": result.sha256,
                        "status": result.status, "score": f"{result.score:g}", "max_score": f"{result.max_score:g}",
                        "error": result.error.message if result.error else None,
                        "grader_version": result.grader_version})
    for item in items:
        check = item.check
        case = ET.SubElement(suite, "testcase", classname=_clean(f"{result.assignment}.{result.id}"),
                             name=check.id, time="0")
        _properties(case, {"title": item.title, "points": f"{check.points:g}", "max_points": f"{check.max_points:g}",
                           "file": item.where.path if check.status != "pass" else None,
                           "line": item.where.line if check.status != "pass" else None,
                           "cell": item.where.cell})
        if check.status == "pass":
            continue
        text = _clean(check_feedback(item))
        if check.status == "skipped":
            ET.SubElement(case, "skipped", message=_clean(check.message))
        else:
            tag = "failure" if check.status == "fail" else "error"
            element = ET.SubElement(case, tag, message=_clean(check.message), type=check.status)
            element.text = text
    if result.output:
        ET.SubElement(suite, "system-out").text = _clean(result.output)
    return suite


def junit_xml(results: list[GradeResult], rules: Sequence[CheckSpec], root: Path | None = None) -> bytes:
    """The whole run as a ``testsuites`` document (UTF-8 bytes with an XML declaration)."""
    maps: dict = {}
    suites = [_testsuite(r, rules, root, maps) for r in results]
    top = ET.Element("testsuites", name="autograder",
                     tests=str(sum(int(s.get("tests")) for s in suites)),
                     failures=str(sum(int(s.get("failures")) for s in suites)),
                     errors=str(sum(int(s.get("errors")) for s in suites)),
                     skipped=str(sum(int(s.get("skipped")) for s in suites)),
                     time=f"{sum(r.elapsed_s for r in results):.3f}")
    top.extend(suites)
    ET.indent(top)
    return ET.tostring(top, encoding="utf-8", xml_declaration=True)


def write_junit(results: list[GradeResult], rules: Sequence[CheckSpec], path: Path, root: Path | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(junit_xml(results, rules, root) + b"\n")
