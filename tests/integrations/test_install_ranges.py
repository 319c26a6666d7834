"""What installing the grader pulls in: ranges a student's Colab already meets, TensorFlow only in [grader],
one lock (constraints.txt) for every grading install, and the assignments inside the wheel."""
from __future__ import annotations

import importlib.metadata
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

from autograder.environment import environment_requirements
from autograder.installed import CHECKOUT_ASSIGNMENTS, assignments_dir, holds_assignments
from tests.integrations.installs import ROOT, checkout_wheel, make_venv, pyproject, run, site_packages

COLAB = {
    "tensorflow": "2.20.0", "keras": "3.13.2", "numpy": "2.1.3", "jinja2": "3.1.6", "markupsafe": "3.0.3",
    "nbformat": "5.11.1", "ipython": "7.34.0", "ipykernel": "6.17.1", "click": "8.4.2", "rich": "13.9.4",
    "pandas": "2.2.3", "scikit-learn": "1.6.1", "matplotlib": "3.10.0",
}
"""Colab's preinstalled versions (googlecolab/backend-info, pip-freeze.txt of 2026-08-19, Python 3.13.15)."""
COLAB["jsonschema"] = "4.19.1"
"""nbformat's own dependency, so in every Colab; the oldest of its pip-freeze.txt versions read (2023, 4.19.1) is
the strictest test of the range. The grader validates assignment.toml with it (autograder/assignment_file.py)."""
COLAB_PYTHON = "3.13.15"


def requirements(group: str | None = None) -> list[Requirement]:
    project = pyproject()["project"]
    raw = project["dependencies"] if group is None else project["optional-dependencies"][group]
    return [Requirement(r) for r in raw]


def applies(req: Requirement) -> bool:
    return req.marker is None or req.marker.evaluate()


def lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, sep, version = line.partition("==")
            assert sep and version, f"constraints.txt: {line!r} is not a name==version pin"
            pins[canonicalize_name(name)] = version.strip()
    return pins


def tensorflow_dependencies() -> set[str]:
    for dist in ("tensorflow-cpu", "tensorflow"):
        try:
            return {canonicalize_name(Requirement(r).name) for r in importlib.metadata.requires(dist) or []}
        except importlib.metadata.PackageNotFoundError:
            continue
    pytest.skip("no TensorFlow distribution installed")


def test_the_checker_needs_no_tensorflow_the_grader_extra_brings_it():
    base = {canonicalize_name(r.name) for r in requirements()}
    assert not {n for n in base if n.startswith("tensorflow")}, base
    assert "keras" in base
    grader = requirements("grader")
    distributions = [r for r in grader if canonicalize_name(r.name).startswith("tensorflow")]
    assert {canonicalize_name(r.name) for r in distributions} == {"tensorflow-cpu", "tensorflow"}
    assert sum(applies(r) for r in distributions) == 1, "exactly one TensorFlow distribution on any machine"
    # Anything else in the extra only narrows a package TensorFlow already brings (no new install).
    others = {canonicalize_name(r.name) for r in grader} - {"tensorflow-cpu", "tensorflow"}
    assert others <= tensorflow_dependencies(), others - tensorflow_dependencies()


def test_colab_already_meets_every_dependency_of_the_checker():
    assert Version(COLAB_PYTHON) in SpecifierSet(pyproject()["project"]["requires-python"])
    for req in requirements():
        name = canonicalize_name(req.name)
        assert name in COLAB, f"{name}: not preinstalled in Colab, so installing the checker would add it"
        assert req.specifier.contains(COLAB[name], prereleases=True), \
            f"{req} would replace Colab's {name} {COLAB[name]}"


def test_every_range_admits_what_the_lock_pins_and_the_lock_pins_every_one():
    pins = lock()
    wanted = [r for group in (None, "grader", "dev", "dask") for r in requirements(group) if applies(r)]
    wanted += [Requirement(r) for r in environment_requirements()]
    for req in wanted:
        name = canonicalize_name(req.name)
        assert name in pins, f"{name} is not pinned in constraints.txt (run make lock)"
        assert req.specifier.contains(pins[name], prereleases=True), f"{req} excludes the locked {pins[name]}"


def test_the_tests_run_on_the_locked_versions():
    differ = {}
    for name, version in lock().items():
        try:
            found = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue  # e.g. a platform's own package
        if Version(found) != Version(version):
            differ[name] = (version, found)
    assert not differ, f"installed versions differ from constraints.txt (locked, found): {differ}"


def test_make_installs_everything_from_the_lock_then_the_environment_list():
    proc = subprocess.run(["make", "-n", "-B", ".venv/.installed"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    installs = [line for line in proc.stdout.splitlines() if " install " in line and "pip" in line]
    assert len(installs) == 2 and all("-c constraints.txt" in line for line in installs), installs
    assert '".[grader,dev,dask,desk]"' in installs[0] and "environment.txt" in installs[1]
    assert "python -m autograder.environment" in proc.stdout
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci  # the README's test command, so the same installs
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    dask = readme[readme.index("## Grading beyond one machine"):]
    assert 'pip install -c constraints.txt -e ".[grader,dask]"' in dask and "autograder.environment" in dask


def test_the_wheel_carries_every_assignment():
    data_files = pyproject()["tool"]["setuptools"]["data-files"]
    for toml in sorted(ROOT.glob("assignments/*/assignment.toml")):
        folder = toml.parent
        key = f"share/autograder/assignments/{folder.name}"
        assert key in data_files, f"{folder.name} is missing from [tool.setuptools.data-files]"
        matched = {p for pattern in data_files[key] for p in ROOT.glob(pattern)}
        data = tomllib.loads(toml.read_text(encoding="utf-8"))["data"]["file"]
        assert {toml, folder / data} <= matched


def test_assignments_are_the_checkouts_here(tmp_path):
    assert assignments_dir() == CHECKOUT_ASSIGNMENTS and holds_assignments(CHECKOUT_ASSIGNMENTS)
    assert not holds_assignments(tmp_path)
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "assignment.toml").write_text("id = 'x'\n")
    assert holds_assignments(tmp_path)


def colab_like(venv: Path) -> Path:
    """A virtualenv whose installed distributions are Colab's (metadata only: pip reads nothing else)."""
    python = make_venv(venv, reuse_main=None, with_pip=False)
    for name, version in COLAB.items():
        info = site_packages(venv) / f"{name.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
        (info / "INSTALLER").write_text("pip\n")
        (info / "RECORD").write_text("")
    return python


def dry_run(python: Path, report: Path, *args) -> list[tuple[str, str]]:
    """What ``pip install`` would install into ``python``'s environment: [(name, version)]."""
    proc = run([sys.executable, "-m", "pip", "--python", python, "install", "--dry-run", "-q", "--report", report,
                *args])
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return [(canonicalize_name(i["metadata"]["name"]), i["metadata"]["version"])
            for i in json.loads(report.read_text(encoding="utf-8"))["install"]]


@pytest.mark.slow
def test_pip_adds_only_the_grader_next_to_colabs_tensorflow(tmp_path):
    """`pip install git+...` in Colab: only the grader is installed; TensorFlow, Keras, IPython stay as they are."""
    wheel = checkout_wheel()
    python = colab_like(tmp_path / "colab")
    assert dry_run(python, tmp_path / "colab.json", wheel) == [("autograder", "0.1.0")]
