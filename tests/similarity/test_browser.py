"""similarity.html in headless Chromium: clean console, no network, contrast, fits a phone, prints; the
side-by-side view opens without any script. Its screenshot (similarity-labelled.png) goes to
$AUTOGRADER_SCREENSHOTS when set; docs/similarity.png is the same page from a real graded run (see README)."""
from __future__ import annotations

from autograder.render.similarity_view import write_similarity_outputs
from tests.render.conftest import browser  # noqa: F401  (the fixture)
from tests.render.test_browser import check_page, full_page_png, open_page

from .evaluate import labelled_report


def test_similarity_page_in_chromium(browser, tmp_path, shots):  # noqa: F811
    report, _ = labelled_report()
    write_similarity_outputs(report, tmp_path, "es", "test")
    page = tmp_path / "similarity.html"
    check_page(browser, page, phone_shot=tmp_path / "similarity-phone.png")
    open_page(browser, page)
    assert browser.execute_script("return document.querySelector('#pair-1 .sbs').checkVisibility()") is False
    browser.find_element("css selector", "a[href='#pair-1']").click()
    browser.find_element("css selector", "#pair-1 > summary").click()
    assert browser.execute_script("return document.querySelector('#pair-1 .sbs').checkVisibility()") is True
    shared = browser.execute_script("return document.querySelectorAll('#pair-1 tr.shared').length")
    assert shared > 5
    full_page_png(browser, shots / "similarity-labelled.png")
    assert (shots / "similarity-labelled.png").read_bytes().startswith(b"\x89PNG")
