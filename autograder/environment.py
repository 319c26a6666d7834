"""The students' environment as data: the libraries an assignment's notebooks may import.

``[environment] requirements`` in ``assignment.toml`` lists them as pip requirement names; the set-up
(``make``, the student workflow, the Gradescope bundle) installs them, and the sandbox stands in for
any other module a submission imports. ``python -m autograder.environment [ASSIGNMENT]`` prints one
requirement per line, for ``pip install $(...)`` or a requirements file.
"""
from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

from autograder.assignment import ASSIGNMENTS_DIR, DEFAULT_ASSIGNMENT, Assignment

REQUIREMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9,._-]+\])?\s*([<>=!~]=?\s*[A-Za-z0-9.*+!_-]+\s*,?\s*)*$")
"""A plain requirement (name, extras, version specifiers): no URLs, paths, options or environment markers."""


def assignment_toml(assignment: Assignment | str | Path = DEFAULT_ASSIGNMENT) -> Path:
    """The ``assignment.toml`` of an Assignment, an assignment name, its folder or the file itself."""
    if isinstance(assignment, Assignment):
        if assignment.folder is None:
            raise ValueError(f"assignment {assignment.id!r} has no folder")
        return assignment.folder / "assignment.toml"
    path = Path(assignment)
    if not path.exists():
        path = ASSIGNMENTS_DIR / str(assignment)
    return path / "assignment.toml" if path.is_dir() else path


def environment_requirements(assignment: Assignment | str | Path = DEFAULT_ASSIGNMENT) -> list[str]:
    """The ``[environment] requirements`` of an assignment, in order, without repeats.

    Raises ValueError when one is not a plain requirement (name, extras, version specifiers).
    """
    with open(assignment_toml(assignment), "rb") as fh:
        section = tomllib.load(fh).get("environment", {})
    raw = section.get("requirements", []) if isinstance(section, dict) else []
    if not isinstance(raw, list):
        raise ValueError("[environment] requirements must be a list of strings")
    out: list[str] = []
    for item in raw:
        if not isinstance(item, str) or not REQUIREMENT.match(item.strip()):
            raise ValueError(f"[environment] requirements: {item!r} is not a plain requirement")
        if item.strip() not in out:
            out.append(item.strip())
    return out


def main(argv: list[str] | None = None) -> int:
    """Print the requirements of the assignment named in ``argv`` (default: the default assignment)."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) > 1 or (args and args[0] in ("-h", "--help")):
        print("usage: python -m autograder.environment [ASSIGNMENT]", file=sys.stderr)
        return 0 if args and args[0] in ("-h", "--help") else 2
    try:
        requirements = environment_requirements(args[0] if args else DEFAULT_ASSIGNMENT)
    except (OSError, ValueError, tomllib.TOMLDecodeError) as exc:
        print(f"autograder.environment: {exc}", file=sys.stderr)
        return 2
    for requirement in requirements:
        print(requirement)
    return 0


if __name__ == "__main__":
    sys.exit(main())
