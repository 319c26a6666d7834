"""Turn the paths given to ``autograder grade`` into submissions and the students they belong to.

A path may be a notebook or script, a folder holding one (its name is the id), a folder of such
submissions, a zip archive of any of these (unpacked as a folder named after the zip), a Canvas
"Download Submissions" folder or zip, or a Moodle "Download all submissions" folder or zip (see
``inputs.lms``). An optional roster CSV adds names, emails and LMS ids (see ``inputs.roster``).

Stages: ``find_submissions`` (paths -> Found: what is where, whose) -> ``attach_roster`` ->
``load_found`` (Found -> Submission, read by ``autograder.loading``). ``read_inputs`` runs them all.
"""
from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from autograder.inputs.archives import ArchiveError, is_zip, safe_member_path, unpack_zip, MAX_TOTAL_BYTES
from autograder.inputs.lms import LmsFile, LmsGroup, canvas_entries, group_canvas, group_id, group_moodle, \
    moodle_entries
from autograder.inputs.roster import RosterEntry, Student, match_entry, merge, read_roster
from autograder.inputs.layout import exercise_folder, folder_role, is_student_list
from autograder.loading import CODE_SUFFIXES, is_plumbing, load_submission
from autograder.program import EntryRules
from autograder.types import LoadError, Submission

MAX_ZIP_DEPTH = 3

__all__ = ["ClassInputs", "Found", "Student", "RosterEntry", "find_submissions", "attach_roster", "load_found",
           "read_inputs"]


@dataclass(frozen=True)
class Found:
    """One submission as found on disk, not read yet."""

    id: str
    source: str
    """Where it is, as shown in reports (``export.zip!/name`` for a file inside an archive)."""
    path: Path | None = None
    """A file or a folder; None for a group of LMS files."""
    files: tuple[LmsFile, ...] = ()
    """The student's files of an LMS download (path on disk, original name)."""
    student: Student = field(default_factory=Student)
    notes: tuple[str, ...] = ()
    error: LoadError | None = None
    """Set when it could not even be found properly (an unreadable archive)."""


@dataclass(frozen=True)
class ClassInputs:
    """Everything read from the inputs: the submissions, whose each one is, and what did not fit."""

    submissions: tuple[Submission, ...]
    students: dict[str, Student]
    """Submission id -> its student (empty fields when nothing is known)."""
    unmatched: tuple[RosterEntry, ...] = ()
    """Roster rows that no submission matched (students who handed nothing in)."""
    problems: tuple[str, ...] = ()
    """Messages for the person running the grader (unreadable archives, skipped archive members)."""


class _Finder:
    """Walks the given paths; archives are unpacked under ``scratch``."""

    def __init__(self, scratch: Path, exercise: str = ""):
        self.scratch = scratch
        self.exercise = exercise
        self.labels: dict[Path, str] = {}  # unpacked folder -> how its archive is shown
        self.problems: list[str] = []
        self.budget = [MAX_TOTAL_BYTES]

    def shown(self, path: Path) -> str:
        for root, label in sorted(self.labels.items(), key=lambda kv: -len(kv[0].parts)):
            if path == root or root in path.parents:
                rel = path.relative_to(root).as_posix()
                return label if rel == "." else f"{label}!/{rel}"
        return str(path)

    def walk(self, path: Path, depth: int = 0) -> list[Found]:
        if is_zip(path):
            return self.walk_zip(path, depth)
        if path.is_dir() and not path.is_symlink():
            return self.walk_folder(path, depth, given=True)
        return [Found(id=path.stem, source=self.shown(path), path=path)]

    def walk_zip(self, archive: Path, depth: int) -> list[Found]:
        shown = self.shown(archive)
        if depth >= MAX_ZIP_DEPTH:
            return [Found(id=archive.stem, source=shown, error=LoadError("unsupported_file", "nested archive"))]
        target = Path(tempfile.mkdtemp(dir=self.scratch, prefix="zip-")) / archive.stem
        try:
            unpacked = unpack_zip(archive, target, self.budget)
        except ArchiveError as exc:
            self.problems.append(str(exc))
            return [Found(id=archive.stem, source=shown, error=LoadError("unreadable", str(exc)))]
        self.labels[target] = shown
        if unpacked.skipped:
            self.problems.append(f"{shown}: skipped {len(unpacked.skipped)} unsafe entries "
                                 f"({', '.join(unpacked.skipped[:3])})")
        return self.walk_folder(target, depth + 1, given=True)

    def walk_folder(self, folder: Path, depth: int, given: bool = False, in_list: bool = False) -> list[Found]:
        try:
            return self._walk_folder(folder, depth, given, in_list)
        except OSError as exc:  # a folder we may not list: one error row, the rest goes on
            self.problems.append(f"{self.shown(folder)}: {exc.strerror or exc}")
            return [Found(id=folder.name, source=self.shown(folder),
                          error=LoadError("unreadable", str(exc.strerror or exc)))]

    def _walk_folder(self, folder: Path, depth: int, given: bool, in_list: bool) -> list[Found]:
        lms = moodle_entries(folder)
        groups = group_moodle(lms) if lms else []
        if not lms:
            lms = canvas_entries(folder)
            groups = group_canvas(lms) if lms else []
        if groups:
            taken = set(lms or ())
            rest = [p for p in sorted(folder.iterdir()) if p not in taken]
            return [self.group_found(g) for g in groups] + self.walk_entries(rest, depth, code_only=True)
        role = folder_role(folder, given=given, in_list=in_list, exercise=self.exercise)
        if role == "student":  # the student's own name, even when the program is one exercise folder in it
            program = exercise_folder(folder, self.exercise)
            return [Found(id=folder.name, source=self.shown(program), path=program)]
        if role == "skip":
            return []
        return self.walk_entries(sorted(folder.iterdir()), depth, code_only=True, in_list=is_student_list(folder))

    def walk_entries(self, entries: list[Path], depth: int, code_only: bool, in_list: bool = False) -> list[Found]:
        found: list[Found] = []
        for child in entries:
            if child.name.startswith("."):
                continue
            if child.is_dir() and not child.is_symlink():
                if not is_plumbing(child):
                    found.extend(self.walk_folder(child, depth, in_list=in_list))
            elif is_zip(child):
                found.extend(self.walk_zip(child, depth))
            elif child.suffix in CODE_SUFFIXES or child.is_symlink() or not code_only:
                found.append(Found(id=child.stem, source=self.shown(child), path=child))
        return found

    def group_found(self, group: LmsGroup) -> Found:
        canvas = group.lms == "canvas"
        student = Student(name=group.name, canvas_user_id=group.user_id if canvas else "",
                          moodle_participant_id="" if canvas else group.user_id, late=group.late)
        files = tuple(replace(f, shown=self.shown(f.path)) for f in group.files)
        return Found(id=group_id(group), source=files[0].shown if files else group.name, files=files,
                     student=student)


def find_submissions(paths: list[Path], scratch: Path, exercise: str = "") -> tuple[list[Found], list[str]]:
    """Every student's submission in ``paths`` with a unique id (repeats get ``-2``, ``-3`` ... and a note),
    and the problems met on the way (see ``inputs.layout`` for how students are told apart; ``exercise``
    is the assignment's id). Archives are unpacked under ``scratch``, which must outlive loading."""
    finder = _Finder(scratch, exercise)
    found = [f for path in paths for f in finder.walk(Path(path))]
    seen: dict[str, int] = {}
    unique = []
    for item in found:
        seen[item.id] = seen.get(item.id, 0) + 1
        if seen[item.id] > 1:
            new_id = f"{item.id}-{seen[item.id]}"
            item = replace(item, id=new_id, notes=item.notes + (f"renamed_id:{new_id}",))
        unique.append(item)
    return unique, finder.problems


def attach_roster(found: list[Found], roster: tuple[RosterEntry, ...]) -> tuple[list[Found], tuple[RosterEntry, ...]]:
    """Each submission with its roster details; and the roster rows no submission matched."""
    used: set[int] = set()
    out = []
    for item in found:
        entry = match_entry(item.id, item.student, roster)
        if entry is not None:
            used.add(entry.row)
            item = replace(item, student=merge(item.student, entry))
        out.append(item)
    return out, tuple(e for e in roster if e.row not in used)


def _stage(item: Found, staging: Path) -> tuple[Path, dict[str, str]]:
    """Copy an LMS group's files into one folder under their original names (zips unpacked);
    returns the folder and, for each relative name, where it came from (as shown)."""
    folder = staging / item.id
    origin: dict[str, str] = {}
    for f in item.files:
        rel = safe_member_path(f.name)
        if rel is None:
            continue
        dest = folder.joinpath(*rel.parts)
        dest.parent.mkdir(parents=True, exist_ok=True)
        if is_zip(f.path):
            try:
                unpack_zip(f.path, dest.with_suffix(""))
                origin.update({p.relative_to(folder).as_posix(): f"{f.shown or f.path}!/"
                               f"{p.relative_to(dest.with_suffix('')).as_posix()}"
                               for p in dest.with_suffix("").rglob("*") if p.is_file()})
                continue
            except ArchiveError:
                pass  # keep the zip itself: the student's folder then has no code, and the report says so
        shutil.copyfile(f.path, dest)
        origin[rel.as_posix()] = f.shown or str(f.path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder, origin


def load_found(item: Found, staging: Path, rules: EntryRules | None = None) -> Submission:
    """Read one found submission (never raises for bad input; problems become ``load_error``);
    ``rules`` refine which file of a folder is the program."""
    if item.error is not None:
        return Submission(id=item.id, source=item.source, kind="unknown", sha256="", load_error=item.error,
                          notes=item.notes)
    if item.path is not None:
        sub = replace(load_submission(item.path, item.id, rules), source=item.source)
    elif len(item.files) == 1 and not is_zip(item.files[0].path):
        only = item.files[0]
        sub = replace(load_submission(only.path, item.id), filename=Path(only.name).name, source=item.source)
    else:
        folder, origin = _stage(item, staging)
        sub = load_submission(folder, item.id, rules)
        sub = replace(sub, source=origin.get(sub.filename, item.source))
    return replace(sub, notes=sub.notes + item.notes)


def read_inputs(paths: list[Path], roster_path: Path | None = None, rules: EntryRules | None = None) -> ClassInputs:
    """Find, match and read every submission in ``paths``. Raises RosterError for an unusable roster."""
    roster = read_roster(roster_path) if roster_path is not None else ()
    with tempfile.TemporaryDirectory(prefix="autograder-inputs-") as tmp:
        found, problems = find_submissions(paths, Path(tmp), rules.exercise if rules else "")
        found, unmatched = attach_roster(found, roster)
        subs = tuple(load_found(item, Path(tmp) / "staged", rules) for item in found)
    return ClassInputs(submissions=subs, students={f.id: f.student for f in found}, unmatched=unmatched,
                       problems=tuple(problems))
