"""``autograder export gradescope OUT.zip``: a Gradescope autograder bundle for one assignment.

The zip holds Gradescope's two entry points at its root (``setup.sh`` installs the grader from the
bundled source, pinned by its ``constraints.txt``, and the assignment's ``[environment]`` list; ``run_autograder`` grades ``/autograder/submission/`` and writes
``/autograder/results/results.json`` with ``autograder gradescope-results``) and, under ``autograder/``,
this grader's source with the one assignment folder it grades.
"""
from __future__ import annotations

import shlex
import zipfile
from dataclasses import dataclass
from pathlib import Path

import autograder
from autograder.assignment import Assignment

FILES = Path(__file__).parent / "gradescope_files"
SOURCE_DIR = "autograder"
"""Where the grader's source lands in the bundle, so in ``/autograder/source/``."""
SKIP_PARTS = {"__pycache__", ".ipynb_checkpoints"}
SKIP_SUFFIXES = {".pyc", ".pyo"}


@dataclass(frozen=True)
class BundleOptions:
    lang: str | None = None
    timeout_s: float | None = None
    visibility: str = "visible"
    stdout_visibility: str = "hidden"


def project_root() -> Path:
    """The source checkout this grader runs from (it must have its pyproject.toml)."""
    root = Path(autograder.__file__).resolve().parent.parent
    if not (root / "pyproject.toml").is_file():
        raise FileNotFoundError(f"no pyproject.toml in {root}: export needs the grader installed from a source "
                                "checkout (pip install -e .)")
    return root


def _tree(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and not SKIP_PARTS.intersection(p.parts) and p.suffix not in SKIP_SUFFIXES)


def run_script(assignment: Assignment, options: BundleOptions) -> str:
    """``run_autograder`` with this assignment and these options filled in (shell-quoted)."""
    grade = []
    if options.lang:
        grade += ["--lang", options.lang]
    if options.timeout_s:
        grade += ["--timeout", f"{options.timeout_s:g}"]
    result = ["--visibility", options.visibility, "--stdout-visibility", options.stdout_visibility]
    folder = f"/autograder/source/{SOURCE_DIR}/assignments/{assignment.folder.name}"
    text = (FILES / "run_autograder").read_text(encoding="utf-8")
    return (text.replace("@ASSIGNMENT@", shlex.quote(folder))
            .replace(" @GRADE_OPTIONS@", "".join(" " + shlex.quote(a) for a in grade))
            .replace(" @RESULT_OPTIONS@", "".join(" " + shlex.quote(a) for a in result)))


def _add(zf: zipfile.ZipFile, name: str, data: bytes, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = ((0o755 if executable else 0o644) | 0o100000) << 16
    zf.writestr(info, data)


def build_bundle(out_zip: Path, assignment: Assignment, options: BundleOptions = BundleOptions()) -> list[str]:
    """Write the bundle; returns the names it holds (setup.sh and run_autograder first)."""
    if assignment.folder is None:
        raise ValueError("the assignment has no folder to bundle")
    root = project_root()
    out_zip.parent.mkdir(parents=True, exist_ok=True)
    names = []
    with zipfile.ZipFile(out_zip, "w") as zf:
        _add(zf, "setup.sh", (FILES / "setup.sh").read_bytes(), executable=True)
        _add(zf, "run_autograder", run_script(assignment, options).encode("utf-8"), executable=True)
        names += ["setup.sh", "run_autograder"]
        # constraints.txt: setup.sh installs the versions the grader was tested with.
        sources = [root / "pyproject.toml", root / "README.md", root / "constraints.txt", *_tree(root / "autograder")]
        # The student repository template is for GitHub; the grader needs only the assignment's data.
        sources += [p for p in _tree(assignment.folder) if p.relative_to(assignment.folder).parts[0] != "template"]
        for path in sources:
            if not path.is_file():
                continue
            if path.is_relative_to(root / "autograder") or path.parent == root:
                rel = path.relative_to(root)
            else:
                rel = Path("assignments") / assignment.folder.name / path.relative_to(assignment.folder)
            name = f"{SOURCE_DIR}/{rel.as_posix()}"
            _add(zf, name, path.read_bytes())
            names.append(name)
    return names
