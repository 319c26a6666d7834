"""Fixtures for the render tests: the real results of grading solutions/ (once per session), Chromium."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = ROOT / "solutions"
EXPECTED = json.loads((SOLUTIONS / "variants" / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    """(output folder, {id: GradeResult}) from grading every file in solutions/ with the real sandbox."""
    from autograder.assignment import load_assignment
    from autograder.batch import BatchOptions, grade_batch, load_all

    out = tmp_path_factory.mktemp("graded")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)  # so reports name the files as a user would: solutions/reference.py
        submissions = load_all([Path("solutions")])
    results = grade_batch(submissions, load_assignment(), BatchOptions(out_dir=out, jobs=2))
    return out, {r.id: r for r in results}


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """A headless Chromium driven by chromedriver, cut off from the network; skipped when not installed."""
    binary, driver_path = chromium_path(), shutil.which("chromedriver")
    if not binary or not driver_path:
        pytest.skip("chromium and chromedriver are not installed (Debian: apt-get install chromium chromium-driver; "
                    "or `make system-deps`)")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[dev]')")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--hide-scrollbars", "--force-device-scale-factor=1",
                f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    service = webdriver.ChromeService(executable_path=driver_path)
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()
