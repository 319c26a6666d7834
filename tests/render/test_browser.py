"""The reports in a real browser: headless Chromium, no console errors, no network, readable on a phone, printable.

Screenshots go to $AUTOGRADER_SCREENSHOTS when set (``AUTOGRADER_SCREENSHOTS=docs`` refreshes the ones in docs/),
else to the test's temporary folder.
"""
from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from autograder.render import write_run_outputs, write_submission_outputs

from . import helpers as h

PHONE = (390, 844)
LOW_CONTRAST_JS = """
function rgb(s) { const m = s.match(/[\\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; }
function lum(c) { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); }
function background(el) { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor);
  if (c.a > 0.5) return c; } return {r: 255, g: 255, b: 255, a: 1}; }
const bad = [];
for (const el of document.querySelectorAll("body *")) {
  if (el.closest("svg") || !el.checkVisibility()) continue;
  const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  if (!own) continue;
  const a = lum(rgb(getComputedStyle(el).color)), b = lum(background(el));
  const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  if (ratio < 4.5) bad.push(el.tagName + " " + ratio.toFixed(2) + " " + el.textContent.trim().slice(0, 40));
}
return bad;
"""
DESKTOP_WIDTH = 1000


def open_page(driver, path: Path, width: int = DESKTOP_WIDTH, height: int = 900) -> None:
    driver.get_log("browser")  # drop what earlier pages logged
    driver.get_log("performance")
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
    driver.get(path.resolve().as_uri())


def console_problems(driver) -> list[str]:
    return [f"{e['level']}: {e['message']}" for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]


def requests_made(driver) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def full_page_png(driver, path: Path, width: int = DESKTOP_WIDTH) -> None:
    height = driver.execute_script("return Math.ceil(document.documentElement.scrollHeight)")
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
    path.write_bytes(driver.get_screenshot_as_png())


def check_page(driver, page: Path, shot: Path | None = None, phone_shot: Path | None = None) -> None:
    """Open a page on a desktop and on a phone; assert it is clean, offline, fits the phone and prints."""
    open_page(driver, page)
    assert driver.execute_script("return document.readyState") == "complete"
    assert console_problems(driver) == []
    assert [u for u in requests_made(driver) if u.startswith(("http:", "https:", "ws:", "wss:", "ftp:", "//"))] == []
    assert driver.execute_script(LOW_CONTRAST_JS) == [], "text below WCAG AA contrast (4.5:1)"
    if shot:
        full_page_png(driver, shot)
    open_page(driver, page, *PHONE)
    overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.name} is {overflow}px wider than a phone screen"
    if phone_shot:
        full_page_png(driver, phone_shot, PHONE[0])
    pdf = base64.b64decode(driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": True})["data"])
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000
    assert console_problems(driver) == []


def test_hand_built_reports_in_chromium(browser, tmp_path, shots):
    results = [h.result(), h.missing_dropout_result(), h.error_result(), h.crashing_result()]
    for r in results:
        write_submission_outputs(r, tmp_path)
    write_run_outputs(results, tmp_path)
    for r in results:
        check_page(browser, tmp_path / r.id / "report.html")
    check_page(browser, tmp_path / "summary.html", phone_shot=tmp_path / "summary-phone.png")


def test_summary_sorts_in_chromium(browser, tmp_path):
    results = [h.result(), h.missing_dropout_result(), h.error_result()]
    write_run_outputs(results, tmp_path)
    open_page(browser, tmp_path / "summary.html")
    ids = "return [...document.querySelectorAll('#submissions tbody tr')].map(r => r.cells[0].textContent)"
    assert browser.execute_script(ids) == ["alumno", "roto", "sin_dropout"]
    buttons = browser.find_elements("css selector", "#submissions th button")
    assert [b.text for b in buttons] == ["Entrega", "Nota", "Estado"], "the sorting script did not run"
    buttons[1].click()
    assert browser.execute_script(ids) == ["roto", "sin_dropout", "alumno"]
    buttons[1].click()
    assert browser.execute_script(ids) == ["alumno", "sin_dropout", "roto"]
    assert browser.find_elements("css selector", "#submissions th")[1].get_attribute("aria-sort") == "descending"
    assert console_problems(browser) == []


def test_output_is_folded_by_default(browser, tmp_path):
    write_submission_outputs(h.crashing_result(), tmp_path)
    open_page(browser, tmp_path / "con_error" / "report.html")
    visible = browser.execute_script("return document.querySelector('details pre').checkVisibility()")
    assert visible is False


@pytest.mark.slow
def test_real_reports_in_chromium(browser, graded, shots):
    out, results = graded
    check_page(browser, out / "reference" / "report.html", shots / "report-reference.png")
    check_page(browser, out / "missing_dropout" / "report.html", shots / "report-missing_dropout.png",
               shots / "report-missing_dropout-phone.png")
    check_page(browser, out / "summary.html", shots / "summary.png")
    for rid in sorted(set(results) - {"reference", "missing_dropout"}):
        check_page(browser, out / rid / "report.html")
    for name in ("report-reference.png", "report-missing_dropout.png", "summary.png"):
        assert (shots / name).read_bytes().startswith(b"\x89PNG")
