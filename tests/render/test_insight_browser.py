"""The "your training" and "does your regularization help?" sections in headless Chromium: clean, offline,
readable (contrast, phone width, print), the chart's four curves drawn. The results are real ones, as the
grader wrote them for the reference solution and a model without regularization (tests/render/data/).

Screenshots of the sections go to $AUTOGRADER_SCREENSHOTS (``docs`` refreshes docs/insight-*.png).
"""
from __future__ import annotations

from pathlib import Path

from autograder.integrations.result_file import load_result
from autograder.render import write_submission_outputs

from .test_browser import check_page, open_page

DATA = Path(__file__).parent / "data"


def section_png(driver, selector: str, path: Path) -> None:
    element = driver.find_element("css selector", selector)
    driver.execute_script("arguments[0].scrollIntoView()", element)
    path.write_bytes(element.screenshot_as_png)


def test_insight_sections_in_chromium(browser, tmp_path, shots):  # noqa: F811
    for name, picture in (("reference", "insight-reference.png"), ("no_regularization", "insight-no_regularization.png")):
        result = load_result(DATA / f"{name}.result.json")
        page = write_submission_outputs(result, tmp_path) / "report.html"
        check_page(browser, page)
        open_page(browser, page)
        drawn = browser.execute_script(
            "return [...document.querySelectorAll('#insight svg.chart polyline')].map(p => p.getBBox().width)")
        curves = 4 if result.insight.twin is not None else 2
        assert len(drawn) == curves and min(drawn) > 300, drawn
        dashes = browser.execute_script(
            "return new Set([...document.querySelectorAll('#insight svg.chart polyline')]"
            ".map(p => p.getAttribute('stroke-dasharray'))).size")
        assert dashes == curves  # told apart without colour
        section_png(browser, "#insight", shots / picture)
        assert (shots / picture).read_bytes().startswith(b"\x89PNG")
        if name == "reference":
            section_png(browser, "#student-training", shots / "student-training.png")
