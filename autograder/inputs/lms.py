"""Recognise the two common LMS bulk downloads and group their files by student.

Canvas, "Download Submissions": one flat folder (or zip) of files named
``<lastfirst>_[LATE_]<user id>_<attachment id>_<original name>``; a re-uploaded file's original name
gets ``-1``, ``-2`` ... before its extension (``tarea-1.ipynb``).

Moodle, "Download all submissions": one folder per student and plugin,
``<Full Name>_<participant id>_assignsubmission_file_/`` holding the student's files (Moodle >= 3.1), or,
with "Download submissions in folders" off, flat files ``<Full Name>_<participant id>_assignsubmission_file_<name>``.
The participant id is the number in the grading worksheet's ``Identifier`` column (``Participant 123``).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

CANVAS_NAME = re.compile(
    r"^(?P<name>[^_]+)_(?:(?P<late>late)_)?(?P<user>\d+)_(?:(?P<attachment>\d+)_)?(?P<original>.+)$",
    re.IGNORECASE)
MOODLE_NAME = re.compile(
    r"^(?P<name>[^_]+)_(?P<participant>\d+)_assignsubmission_(?P<plugin>[a-z0-9]+)_(?P<rest>.*)$")
RESUBMISSION = re.compile(r"^(?P<stem>.+)-(?P<n>\d+)$")
GRADED_SUFFIXES = (".ipynb", ".py", ".zip")


@dataclass(frozen=True)
class LmsFile:
    """One file of an LMS download: where it is, and the name the student gave it."""

    path: Path
    name: str
    """Relative path inside the student's submission (the original file name, restored)."""
    shown: str = ""
    """Where it is, as reports show it (set once archives are known)."""


@dataclass(frozen=True)
class LmsGroup:
    """All the files one student handed in, as the LMS named them."""

    lms: str
    """``canvas`` or ``moodle``."""
    user_id: str
    """Canvas user id, or Moodle participant id."""
    name: str
    """The name in the file names: Canvas's ``lastfirst``, or Moodle's full name."""
    files: tuple[LmsFile, ...]
    late: bool = False


def slug(text: str) -> str:
    """ASCII, lowercase, words joined by ``-``: a name that is safe as a folder and an id."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-") or "student"


def group_id(group: LmsGroup) -> str:
    """The submission id of a student's group: ``<name>_<user id>`` (stable across downloads)."""
    return f"{slug(group.name)}_{group.user_id}"


def _visible(path: Path) -> bool:
    return not path.name.startswith(".") and path.name != "__MACOSX"


def canvas_entries(folder: Path) -> list[Path] | None:
    """The folder's Canvas-named files, when the folder is a Canvas download: every code or zip file at
    its top level has a Canvas name (and there is at least one). Else None."""
    files = [p for p in sorted(folder.iterdir()) if _visible(p) and p.is_file()]
    graded = [p for p in files if p.suffix.lower() in GRADED_SUFFIXES]
    if not graded or not all(CANVAS_NAME.match(p.name) for p in graded):
        return None
    return [p for p in files if CANVAS_NAME.match(p.name)]


def moodle_entries(folder: Path) -> list[Path] | None:
    """The folder's Moodle-named entries (folders or files), when it has any; else None."""
    found = [p for p in sorted(folder.iterdir()) if _visible(p) and MOODLE_NAME.match(p.name)]
    return found or None


def _restore_names(files: list[tuple[Path, str]]) -> tuple[LmsFile, ...]:
    """Drop Canvas's ``-N`` re-upload suffix from original names, unless that would make two
    files of the student share a name (then both keep the name Canvas gave them)."""
    restored = []
    for path, original in files:
        stem, dot, ext = original.rpartition(".")
        if not dot:
            stem, ext = original, ""
        match = RESUBMISSION.match(stem)
        plain = f"{match['stem']}{dot}{ext}" if match else original
        restored.append((path, original, plain))
    counts: dict[str, int] = {}
    for _, _, plain in restored:
        counts[plain] = counts.get(plain, 0) + 1
    originals = {original for _, original, _ in restored}
    out = []
    for path, original, plain in restored:
        clash = counts[plain] > 1 or (plain != original and plain in originals)
        out.append(LmsFile(path=path, name=original if clash else plain))
    return tuple(out)


def group_canvas(paths: list[Path]) -> list[LmsGroup]:
    """Canvas-named files grouped by user id, in first-seen order."""
    by_user: dict[str, dict] = {}
    for path in paths:
        match = CANVAS_NAME.match(path.name)
        if match is None:
            continue
        entry = by_user.setdefault(match["user"], {"name": match["name"], "files": [], "late": False})
        entry["files"].append((path, match["original"]))
        entry["late"] = entry["late"] or bool(match["late"])
    return [LmsGroup(lms="canvas", user_id=user, name=e["name"], files=_restore_names(e["files"]), late=e["late"])
            for user, e in by_user.items()]


def group_moodle(paths: list[Path]) -> list[LmsGroup]:
    """Moodle-named folders and files grouped by participant id, in first-seen order. Files of every
    submission plugin are kept (online text becomes ``onlinetext.html``); only code is graded."""
    by_participant: dict[str, dict] = {}
    for path in paths:
        match = MOODLE_NAME.match(path.name)
        if match is None:
            continue
        entry = by_participant.setdefault(match["participant"], {"name": match["name"], "files": []})
        if path.is_dir():
            for inner in sorted(path.rglob("*")):
                rel = inner.relative_to(path)
                if inner.is_file() and not inner.is_symlink() and all(_visible(Path(p)) for p in rel.parts):
                    entry["files"].append(LmsFile(path=inner, name=rel.as_posix()))
        elif path.is_file() and match["rest"]:
            entry["files"].append(LmsFile(path=path, name=match["rest"]))
    return [LmsGroup(lms="moodle", user_id=pid, name=e["name"], files=tuple(e["files"]))
            for pid, e in by_participant.items()]
