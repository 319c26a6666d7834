"""How a class folder is laid out: which folders are one student's program and which hold students.

Students are found first, then each student's program (``autograder.program``). The roles:

- A folder named like a list of students (``students/``, ``alumnos/``, ``submissions/``, ``*-submissions/``
  as ``gh classroom clone`` names it): each child is one student (a file child is one student too).
- A folder holding such a list (a class repository) holds students.
- A folder that is a repository or a project (``.git``, ``requirements.txt``, ``pyproject.toml`` ...; a
  Python package or a ``src/``/``notebooks/``-like folder inside; top-level code importing a sub-folder;
  a sub-folder named after the assignment) is one student: a GitHub Classroom clone, an unzipped project.
- Inside a folder of students, a folder with code at its top and in sub-folders is one student.
- A folder with code only at its top is one student when its files make one program (one entry), versions
  of one (names such as ``draft``/``final``/``main``) or, inside a class, one notebook beside scripts; else
  its files are loose submissions, one per student (a folder of scripts or of notebooks).
- A folder with code only in sub-folders, and none of the signs above, holds students (a section).
- A folder without any code inside a folder of students is a student who handed in no code (its row
  says ``no_code``), unless its name says it is shared material (``data/``, ``template/`` ...).
"""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from autograder.loading import CODE_SUFFIXES, is_plumbing
from autograder.program import DRAFT_WORDS, MAIN_WORDS, _has_word, compact, entry_candidates, never_entry

Role = Literal["student", "students", "skip"]
STUDENT_LISTS = frozenset({"students", "alumnos", "alumnas", "estudiantes", "studentrepos", "participants",
                           "participantes"})
PROJECT_FILES = ("requirements.txt", "pyproject.toml", "setup.py", "setup.cfg", "environment.yml", "environment.yaml",
                 "Pipfile", ".git")
PROJECT_DIRS = frozenset({"src", "lib", "libs", "notebooks", "notebook", "nb", "nbs", "scripts", "code", "codigo",
                          "utils", "helpers", "modules", "modulos", "package", "pkg", "tests", "test"})
SHARED_DIRS = frozenset({"data", "datasets", "dataset", "datos", "template", "templates", "plantilla", "plantillas",
                         "starter", "docs", "doc", "resources", "recursos", "assets", "img", "images", "imagenes",
                         "figures", "figuras", "roster", "rosters", "solutions", "soluciones", "reports"})


def is_student_list(folder: Path) -> bool:
    """A folder whose children are students, by its name."""
    name = compact(folder.name)
    return name in STUDENT_LISTS or folder.name.lower().endswith("-submissions")


def _children(folder: Path) -> list[Path]:
    return [c for c in sorted(folder.iterdir()) if not (c.is_dir() and is_plumbing(c)) and not c.name.startswith(".")]


def _holds_code(folder: Path) -> bool:
    for path in folder.rglob("*"):
        rel = path.relative_to(folder)
        if path.suffix in CODE_SUFFIXES and path.is_file() and not any(
                is_plumbing(folder.joinpath(*rel.parts[:i])) for i in range(1, len(rel.parts))):
            return True
    return False


def _top_code(folder: Path) -> list[Path]:
    return [c for c in _children(folder) if c.is_file() and c.suffix in CODE_SUFFIXES and not c.is_symlink()
            and not never_entry(c.name)]


def _code_dirs(folder: Path) -> list[Path]:
    return [c for c in _children(folder) if c.is_dir() and not c.is_symlink() and _holds_code(c)]


def _sources(paths: list[Path]) -> dict[str, str]:
    from autograder.program import _source_of

    out = {}
    for path in paths:
        try:
            out[path.name] = _source_of(path.name, path.read_bytes()[:2_000_000])
        except OSError:
            out[path.name] = ""
    return out


def _imports_into(top: list[Path], dirs: list[Path]) -> bool:
    """Top-level code importing a sub-folder (``from src.model import build``, ``import helpers``)."""
    from autograder.program import references

    names = {d.name for d in dirs}
    for source in _sources(top).values():
        modules, files = references(source)
        if any(dotted.split(".")[0] in names for _, dotted in modules) or \
                any(Path(f).parts and Path(f).parts[0] in names for f in files):
            return True
    return False


def looks_like_project(folder: Path, exercise: str = "") -> bool:
    """Signs that a folder is one student's repository or project (see the module's docstring)."""
    if any((folder / name).exists() for name in PROJECT_FILES):
        return not any(is_student_list(c) for c in _children(folder) if c.is_dir())
    dirs = _code_dirs(folder)
    if any((d / "__init__.py").is_file() or compact(d.name) in PROJECT_DIRS for d in dirs):
        return True
    wanted = compact(exercise)
    if wanted and any(wanted in compact(d.name) for d in dirs):
        return True
    return bool(dirs) and _imports_into(_top_code(folder), dirs)


def folder_role(folder: Path, given: bool = False, in_list: bool = False, exercise: str = "") -> Role:
    """What ``folder`` is: one ``student``'s, a folder of ``students``, or to ``skip`` (shared material).

    ``given``: the path was named on the command line (or is an unpacked archive); ``in_list``: its
    parent is a folder of students (``students/``), so it is one student whatever it holds."""
    if is_student_list(folder) or any(is_student_list(c) for c in _children(folder) if c.is_dir()):
        return "students"
    if in_list:
        return "student"
    if looks_like_project(folder, exercise):
        return "student"
    top, dirs = _top_code(folder), _code_dirs(folder)
    if top and dirs:  # code at the top and below: a student's project; a given path: a class of both
        return "students" if given else "student"
    if top:
        entries = entry_candidates(_sources(top))
        # One program; or versions of one (``draft.ipynb`` and ``final.ipynb``), which students' own
        # names (``ana.ipynb``, ``beto.py``) never look like; or, inside a class, one notebook beside
        # scripts. Else the files are loose submissions, one per student (a folder of scripts).
        versions = all(_has_word(Path(e).stem, DRAFT_WORDS + MAIN_WORDS) for e in entries)
        one_notebook = not given and sum(e.endswith(".ipynb") for e in entries) == 1
        return "student" if len(entries) <= 1 or versions or one_notebook else "students"
    if dirs:
        return "students"
    if given:
        return "students"
    return "skip" if compact(folder.name) in SHARED_DIRS else "student"


def exercise_folder(folder: Path, exercise: str) -> Path:
    """Inside one student's folder of exercises (``students/ana/<exercise>/``), the assignment's own
    exercise folder when the student's folder has no code at its top and exactly one sub-folder is named
    after it; else the student's folder itself."""
    wanted = compact(exercise)
    if not wanted or _top_code(folder):
        return folder
    named = [d for d in _code_dirs(folder) if wanted in compact(d.name)]
    return named[0] if len(named) == 1 else folder


def student_paths(path: Path, exercise: str = "") -> list[Path]:
    """The students' paths under a path given on the command line (plain folders only; the inputs'
    finder also handles archives and LMS downloads)."""
    if not path.is_dir() or path.is_symlink():
        return [path]
    return _walk(path, given=True, in_list=False, exercise=exercise)


def _walk(folder: Path, given: bool, in_list: bool, exercise: str) -> list[Path]:
    role = folder_role(folder, given=given, in_list=in_list, exercise=exercise)
    if role == "student":
        return [folder]
    if role == "skip":
        return []
    children_in_list = is_student_list(folder)
    found: list[Path] = []
    for child in _children(folder):
        if child.is_dir() and not child.is_symlink():
            found.extend(_walk(child, given=False, in_list=children_in_list, exercise=exercise))
        elif child.suffix in CODE_SUFFIXES or child.is_symlink():
            found.append(child)
    return found

