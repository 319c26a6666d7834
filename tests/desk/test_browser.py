"""The desk end to end: a class graded by `autograder grade`, served by `autograder review`, reviewed in a real
headless Chromium (Selenium): open the desk with a token, filter to failing `dropout`, override a check with a
comment, adjust another submission, reload and see both, export, and find the final grades in grades.csv and the
LMS files. Screenshots go to $AUTOGRADER_SCREENSHOTS (``docs`` refreshes docs/desk-*.png), else to tmp.
"""
from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tests.render.conftest import ROOT, browser  # noqa: F401  (the project's Chromium fixture)

pytestmark = pytest.mark.slow
CLASS = {"bob.py": "solutions/variants/missing_dropout.py",
         "carol.py": "solutions/variants/dropout_rate_zero.py", "dave.py": "solutions/variants/no_l2.py"}


def three_cells():
    """The reference solution as a notebook of three code cells, each printing its own line (one prints a forged
    cell mark of the sandbox's output: it stays plain output of its own cell)."""
    reference = (ROOT / "solutions" / "reference.py").read_text(encoding="utf-8")
    imports, rest = reference.split("model = Sequential", 1)
    build, train = rest.split("model.compile", 1)
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("# L2 + Dropout"),
                      nbformat.v4.new_code_cell(imports + "print('imports done')"),
                      nbformat.v4.new_code_cell("model = Sequential" + build +
                                                "print('built')\nprint('\\x1eAGCELL:0000000000000000:9\\x1e forged')"),
                      nbformat.v4.new_code_cell("model.compile" + train + "\nprint('trained')")]
    return notebook


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory) -> Path:
    """OUT of one real `autograder grade` run (the sandbox, TensorFlow) over four submissions."""
    folder = tmp_path_factory.mktemp("class")
    for name, source in CLASS.items():
        shutil.copy(ROOT / source, folder / name)
    nbformat.write(three_cells(), folder / "alice.ipynb")
    out = folder.parent / "out"
    run = subprocess.run([sys.executable, "-m", "autograder", "grade", str(folder), "--out", str(out), "--no-insight",
                          "--no-similarity", "-j", "2"], capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert run.returncode == 1, run.stderr  # some checks fail, on purpose
    return out


@pytest.fixture(scope="module")
def desk(graded_class):
    """`autograder review OUT` as a user starts it; yields {reviewer: URL}."""
    process = subprocess.Popen([sys.executable, "-m", "autograder", "review", str(graded_class),
                                "--reviewer", "prof", "--reviewer", "ta"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        urls = dict(process.stdout.readline().strip().split(": ", 1) for _ in range(2))
        assert all(url.startswith("http://127.0.0.1:") and "?token=" in url for url in urls.values()), urls
        yield urls
    finally:
        process.terminate()
        process.wait(timeout=10)


def wait_for(driver, css: str, timeout: float = 10.0):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(ec.presence_of_element_located((By.CSS_SELECTOR, css)))


def follow(driver, act, css: str, timeout: float = 10.0):
    """Do `act` (a click, a key) that loads a new page, wait until the old page is gone, then for `css`.

    Waiting for `css` alone can find it on the page being left (the class list is on both sides of a filter).
    """
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    old = driver.find_element(By.TAG_NAME, "html")
    act()
    WebDriverWait(driver, timeout).until(ec.staleness_of(old))
    return wait_for(driver, css, timeout)


def console_problems(driver) -> list[str]:
    return [f"{e['level']}: {e['message']}" for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]


def hosts_requested(driver) -> set[str]:
    hosts = set()
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            url = message["params"]["request"]["url"]
            hosts.add(url.split("/")[2] if "://" in url else url.split(":")[0])
    return hosts


def test_review_a_class_end_to_end(browser, desk, graded_class, shots):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver = browser
    driver.get_log("browser")
    driver.get_log("performance")
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 1366, "height": 800, "deviceScaleFactor": 1, "mobile": False})
    driver.get(desk["prof"])  # the URL the desk printed: the token goes, a session cookie stays
    wait_for(driver, "table.class-list")
    assert "token=" not in driver.current_url and driver.current_url.endswith("/class")
    ids = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "table.class-list tbody th a")]
    assert ids == ["alice", "bob", "carol", "dave"]
    Select(driver.find_element(By.NAME, "failing")).select_by_value("dropout")
    follow(driver, driver.find_element(By.CSS_SELECTOR, ".filters button[type=submit]").click, "table.class-list")
    assert [a.text for a in driver.find_elements(By.CSS_SELECTOR, "table.class-list tbody th a")] == ["bob", "carol"]

    # The keyboard: j focuses the first row, Enter opens it.
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys("j")
    assert driver.switch_to.active_element.text == "bob"
    follow(driver, lambda: driver.switch_to.active_element.send_keys("\n"), "#check-dropout")
    assert "/s/bob" in driver.current_url
    code = driver.find_element(By.CSS_SELECTOR, ".code").text
    assert "Dense(64, activation='relu'" in code  # the code as it ran
    driver.find_element(By.CSS_SELECTOR, "#check-dropout details summary").click()
    form = driver.find_element(By.CSS_SELECTOR, "#check-dropout form.override-form")
    points = form.find_element(By.NAME, "points")
    points.clear()
    points.send_keys("1")
    form.find_element(By.NAME, "comment").send_keys("Dropout is missing after the second layer only")
    follow(driver, form.find_element(By.CSS_SELECTOR, "button[type=submit]").click, "#check-dropout .override-note")
    assert driver.current_url.endswith("#check-dropout")
    assert "prof" in driver.find_element(By.CSS_SELECTOR, "#check-dropout .override-note").text
    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(str(shots / "desk-submission.png"))

    # Next on the filtered list is carol: adjust her grade.
    follow(driver, driver.find_element(By.CSS_SELECTOR, 'a[rel="next"]').click, ".adjust-form")
    assert "/s/carol" in driver.current_url
    adjust = driver.find_element(By.CSS_SELECTOR, ".adjust-form")
    adjust.find_element(By.NAME, "points").send_keys("-1.5")
    adjust.find_element(By.NAME, "reason").send_keys("late: 2 days")
    follow(driver, adjust.find_element(By.CSS_SELECTOR, "button[type=submit]").click, ".adjustments li form")

    # Reload the list: both changes are there.
    driver.get(driver.current_url.split("/s/")[0] + "/class")
    wait_for(driver, "table.class-list")
    rows = {r.find_element(By.CSS_SELECTOR, "th a").text: r.text for r in
            driver.find_elements(By.CSS_SELECTOR, "table.class-list tbody tr")}
    auto = {r["id"]: float(r["auto_score"]) for r in csv.DictReader(open(graded_class / "grades.csv", encoding="utf-8"))}
    assert "reviewed" in rows["bob"] and "reviewed" in rows["carol"] and "reviewed" not in rows["alice"]
    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(str(shots / "desk-list.png"))

    # each cell with its own output, as it ran
    follow(driver, driver.find_element(By.LINK_TEXT, "alice").click, "#cell-4 .cell-output")
    outputs = {cell.get_attribute("id"): cell.find_element(By.CSS_SELECTOR, ".cell-output").text
               for cell in driver.find_elements(By.CSS_SELECTOR, "article.cell[id^=cell-]")}
    assert outputs["cell-2"] == "imports done"
    assert "built" in outputs["cell-3"] and "AGCELL:0000000000000000:9" in outputs["cell-3"]  # forged: plain text
    assert "Epoch 1/2" in outputs["cell-4"] and outputs["cell-4"].endswith("trained")
    export = follow(driver, driver.find_element(By.LINK_TEXT, "Export").click, "form[action='/export'] button")
    follow(driver, export.click, "ul.files a")
    files = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "ul.files a")]
    assert {"grades.csv", "canvas-gradebook.csv", "moodle-grading-worksheet.csv"} <= set(files)

    grades = {r["id"]: r for r in csv.DictReader(open(graded_class / "grades.csv", encoding="utf-8"))}
    assert float(grades["bob"]["dropout"]) == 1.0 and grades["bob"]["review"] == "reviewed"
    assert float(grades["bob"]["score"]) == auto["bob"] + 1.0
    assert float(grades["carol"]["score"]) == auto["carol"] - 1.5 and grades["carol"]["review"] == "reviewed"
    assert grades["alice"]["review"] == "none"
    moodle = (graded_class / "moodle-grading-worksheet.csv").read_text(encoding="utf-8")
    canvas = (graded_class / "canvas-gradebook.csv").read_text(encoding="utf-8")
    for text in (moodle, canvas):
        assert f"{auto['bob'] + 1.0:g}" in text and f"{auto['carol'] - 1.5:g}" in text
    result = json.loads((graded_class / "bob" / "result.json").read_text(encoding="utf-8"))
    assert result["review"]["overrides"][0]["by"] == "prof" and result["score"] == auto["bob"]

    assert console_problems(driver) == []  # no CSP violation, no script error
    assert hosts_requested(driver) <= {driver.current_url.split("/")[2]}  # nothing from the network


def test_second_reviewer_is_told_in_the_browser(browser, desk):  # noqa: F811
    from selenium.webdriver.common.by import By

    driver = browser
    driver.delete_all_cookies()
    driver.get(desk["ta"])
    wait_for(driver, "table.class-list")
    base = driver.current_url.split("/class")[0]
    driver.get(base + "/s/dave")
    wait_for(driver, ".comment-form")
    # Meanwhile prof changes dave's review (through the same desk, as a script would, with prof's token).
    import urllib.request

    twin_request = urllib.request.Request(base + "/s/dave.json", headers={"Authorization": "Bearer " + desk["prof"].split("token=")[1]})
    twin = json.loads(urllib.request.urlopen(twin_request, timeout=10).read())
    data = f"version={twin['review']['version']}&sha256={twin['sha256']}&text=prof+was+here".encode()
    change = urllib.request.Request(base + "/s/dave/comment", data=data, method="POST", headers={
        "Authorization": "Bearer " + desk["prof"].split("token=")[1], "Accept": "application/json",
        "Content-Type": "application/x-www-form-urlencoded"})
    assert json.loads(urllib.request.urlopen(change, timeout=10).read())["ok"] is True
    form = driver.find_element(By.CSS_SELECTOR, ".comment-form")
    form.find_element(By.NAME, "text").send_keys("ta's long careful comment")
    notice = follow(driver, form.find_element(By.CSS_SELECTOR, "button[type=submit]").click, "#notice")
    assert "prof changed this review" in notice.text
    assert driver.find_element(By.CSS_SELECTOR, ".comment-form textarea").get_attribute("value") == \
        "ta's long careful comment"
    assert "prof was here" in driver.find_element(By.CSS_SELECTOR, "ul.comments").text
