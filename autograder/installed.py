"""Where the assignments are: a source checkout's ``assignments/``, else the copy a wheel installed.

``pip install -e .`` (``make``, the student workflow) runs from the checkout. ``pip install
git+https://...`` (Colab, a student's Jupyter) installs a wheel, which carries each assignment folder
under ``<prefix>/share/autograder/assignments/`` (``[tool.setuptools.data-files]`` in pyproject.toml).
"""
from __future__ import annotations

import importlib.metadata
from pathlib import Path

CHECKOUT_ASSIGNMENTS = Path(__file__).resolve().parent.parent / "assignments"
INSTALLED_PREFIX = ("share", "autograder", "assignments")
"""Where the wheel's data files put the assignment folders, relative to the installation prefix."""


def holds_assignments(folder: Path) -> bool:
    """True when ``folder`` has at least one ``<name>/assignment.toml``."""
    return folder.is_dir() and any(folder.glob("*/assignment.toml"))


def installed_assignments_dir(distribution: str = "autograder") -> Path | None:
    """The assignments folder that an installed wheel of ``distribution`` brought, if any."""
    try:
        files = importlib.metadata.distribution(distribution).files or []
    except importlib.metadata.PackageNotFoundError:
        return None
    for file in files:
        parts = file.parts
        if parts[-1] == "assignment.toml" and tuple(parts[-5:-2]) == INSTALLED_PREFIX:
            folder = Path(str(file.locate())).resolve().parent.parent
            if holds_assignments(folder):
                return folder
    return None


def assignments_dir() -> Path:
    """The folder holding the assignment folders: the checkout's when there is one, else the installed copy.

    Falls back to the checkout path (which then does not exist) so that errors name the usual place.
    """
    if holds_assignments(CHECKOUT_ASSIGNMENTS):
        return CHECKOUT_ASSIGNMENTS
    return installed_assignments_dir() or CHECKOUT_ASSIGNMENTS
