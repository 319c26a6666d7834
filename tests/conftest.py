"""Shared fixtures: the real CLI run on real files, once per session where it is expensive."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"


def run_cli(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """``python -m autograder ARGS`` as a user would run it."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.run([sys.executable, "-m", "autograder", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, env=env)


def catalog_keys_shown(out_dir: Path) -> dict[str, set[str]]:
    """Catalog keys that reached a report unworded (``augmentation.by_flow`` instead of its sentence), per report.md.

    A token ``<prefix>.<word>`` where ``<prefix>`` starts some catalog key, not part of a dotted name or a call."""
    import re

    from autograder.i18n import catalog

    prefixes = {key.split(".")[0] for lang in ("es", "en") for key in catalog(lang) if "." in key}
    pattern = re.compile(r"(?<![\w./`'])(?:" + "|".join(map(re.escape, sorted(prefixes))) + r")\.[a-z_]+(?![\w(])")
    shown = {p.parent.name: set(pattern.findall(p.read_text(encoding="utf-8"))) for p in out_dir.glob("*/report.md")}
    return {name: keys for name, keys in shown.items() if keys}


def read_results(out_dir: Path) -> dict[str, dict]:
    return {p.parent.name: json.loads(p.read_text()) for p in out_dir.glob("*/result.json")}


@pytest.fixture(scope="session")
def graded_solutions(tmp_path_factory):
    """Every file in solutions/ graded by the real CLI with real TensorFlow: (process, out_dir, results)."""
    out = tmp_path_factory.mktemp("graded-solutions")
    proc = run_cli("grade", str(SOLUTIONS), "--out", str(out), "--jobs", "2")
    return proc, out, read_results(out)


@pytest.fixture(scope="session")
def expected_verdicts():
    data = json.loads((SOLUTIONS / "variants" / "expected.json").read_text())
    return {k: v for k, v in data.items() if not k.startswith("_")}


@pytest.fixture
def shots(tmp_path) -> Path:
    """Where a browser test saves its screenshots: AUTOGRADER_SCREENSHOTS (e.g. docs) or a temporary folder."""
    target = os.environ.get("AUTOGRADER_SCREENSHOTS")
    folder = Path(target) if target else tmp_path / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
