"""Read a class roster (CSV) and attach names, emails and LMS ids to the submissions it matches.

Any CSV with a header row works, in UTF-8 (a BOM is fine), separated by commas, semicolons or tabs:
a list you made, Canvas's gradebook export (``Student, ID, SIS User ID, SIS Login ID, Section``),
Moodle's grading worksheet (``Identifier, Full name, Email address``) or GitHub Classroom's
``classroom_roster.csv`` (``identifier, github_username, github_id, name``). Headers are matched without
regard to case, accents or punctuation, in English or Spanish.

A submission matches a row by an identifier (the submission id, a Canvas user id, a Moodle participant
id, a login, an email or its local part, a GitHub username), else a GitHub Classroom clone
``<assignment>-<username>`` by its username, else by the student's name when exactly one row has it.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

MAX_ROSTER_BYTES = 20 * 1024 * 1024


class RosterError(ValueError):
    """The roster cannot be used; the message says why."""


@dataclass(frozen=True)
class Student:
    """Who a submission belongs to, as far as the inputs and the roster tell."""

    name: str = ""
    email: str = ""
    canvas_user_id: str = ""
    """Canvas's numeric user id (the ``ID`` column of its gradebook)."""
    moodle_participant_id: str = ""
    """Moodle's participant id (``Participant <id>`` in the grading worksheet's ``Identifier``)."""
    sis_user_id: str = ""
    login_id: str = ""
    section: str = ""
    late: bool = False
    """Canvas marked the submission late."""
    in_roster: bool = False
    submitted_at: str = ""
    """When it was handed in, as the roster writes it (``submitted_at``, Moodle's "Last modified (submission)")."""
    extension_days: float = 0.0
    """Days added to the assignment's due date for this student (the roster's ``extension_days``)."""
    github_username: str = ""
    """GitHub Classroom's ``github_username`` (its clones are named ``<assignment>-<username>``)."""


@dataclass(frozen=True)
class RosterEntry:
    row: int
    """Line number in the CSV (the header is line 1)."""
    student: Student
    keys: frozenset[str]
    """Normalised identifiers that point at this student."""
    names: frozenset[str]
    """Normalised forms of the student's name (both word orders)."""


def compact(text: str) -> str:
    """Lowercase ASCII letters and digits only: ``"Núñez, José"`` -> ``"nunezjose"``."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]", "", plain)


HEADERS = {
    "name": {"student", "name", "fullname", "studentname", "nombrecompleto", "alumno", "alumna", "estudiante",
             "nombreyapellidos"},
    "first": {"firstname", "givenname", "nombre"},
    "last": {"lastname", "surname", "familyname", "apellido", "apellidos"},
    "email": {"email", "emailaddress", "mail", "correo", "correoelectronico", "direcciondecorreo",
              "direcciondecorreoelectronico"},
    "id": {"id", "userid", "canvasid", "canvasuserid", "submission", "submissionid", "entrega"},
    "participant": {"identifier", "identificador", "participant", "participantid", "participante"},
    "sis_user_id": {"sisuserid", "studentid", "studentnumber", "idnumber", "numerodeid", "matricula", "legajo"},
    "login_id": {"sisloginid", "login", "loginid", "username", "usuario", "nombredeusuario"},
    "section": {"section", "seccion", "group", "grupo"},
    "submitted_at": {"submittedat", "lastmodifiedsubmission", "submissiontime", "submitted", "handedin",
                     "ultimamodificacionentrega", "fechadeentrega", "entregadoel"},
    "extension_days": {"extensiondays", "extension", "extensions", "prorroga", "diasdeprorroga", "diasextra"},
    "github": {"githubusername", "githublogin", "github", "usuariogithub"},
}


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        key = compact(title)
        for role, names in HEADERS.items():
            if key in names and role not in found:
                found[role] = index
    if "github" in found and "participant" in found:  # GitHub Classroom's "identifier": an email or a login
        found["classroom_identifier"] = found.pop("participant")
    if "first" in found and "last" not in found and "name" not in found:
        found["name"] = found.pop("first")  # a lone "Nombre" column holds the whole name
    return found


def _read_rows(path: Path) -> list[list[str]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RosterError(f"cannot read the roster {path}: {exc.strerror}") from exc
    if len(data) > MAX_ROSTER_BYTES:
        raise RosterError(f"the roster {path} is larger than {MAX_ROSTER_BYTES // 2**20} MB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # Excel on Windows
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect) if any(cell.strip() for cell in row)]


def read_roster(path: Path) -> tuple[RosterEntry, ...]:
    """The roster's students. Raises RosterError when it has no usable identifier or name column."""
    rows = _read_rows(path)
    if not rows:
        raise RosterError(f"the roster {path} is empty")
    cols = _columns(rows[0])
    if not any(role in cols for role in ("name", "first", "email", "id", "participant", "sis_user_id", "login_id",
                                         "github")):
        raise RosterError(f"the roster {path} has no column for ids, names or emails "
                          f"(found: {', '.join(rows[0])})")
    canvas_like = "name" in cols and "id" in cols and ("sis_user_id" in cols or "login_id" in cols)
    entries = []
    for number, row in enumerate(rows[1:], start=2):
        def cell(role: str) -> str:
            index = cols.get(role)
            return row[index].strip() if index is not None and index < len(row) else ""

        name = cell("name") or " ".join(p for p in (cell("first"), cell("last")) if p)
        if compact(name) == "pointspossible" and not cell("id"):
            continue  # the second row of a Canvas gradebook export
        participant = re.sub(r"\D", "", cell("participant"))
        email = cell("email")
        try:
            extension = float(cell("extension_days").replace(",", ".") or 0)
        except ValueError:
            raise RosterError(f"the roster {path}, line {number}: extension_days must be a number of days, "
                              f"not {cell('extension_days')!r}") from None
        identifier = cell("classroom_identifier")
        if "@" in identifier and not email:
            email = identifier
        login = cell("login_id") or ("" if "@" in identifier else identifier)
        github = cell("github")
        student = Student(name=name, email=email, canvas_user_id=cell("id") if canvas_like else "",
                          moodle_participant_id=participant, sis_user_id=cell("sis_user_id"),
                          login_id=login, section=cell("section"), in_roster=True, github_username=github,
                          submitted_at=cell("submitted_at"), extension_days=extension)
        keys = {cell("id"), participant, cell("sis_user_id"), login, email, email.split("@")[0], github}
        names = {compact(name)}
        if cell("first") and cell("last"):
            names |= {compact(cell("first") + cell("last")), compact(cell("last") + cell("first"))}
        elif "," in name:  # "Doe, Jane" as Canvas writes it
            last, _, first = name.partition(",")
            names.add(compact(first + last))
        else:
            words = name.split()
            if len(words) > 1:
                names.add(compact(words[-1] + "".join(words[:-1])))
        entries.append(RosterEntry(row=number, student=student, keys=frozenset(k.lower() for k in keys if k),
                                   names=frozenset(n for n in names if n)))
    return tuple(entries)


def match_entry(sub_id: str, student: Student, roster: tuple[RosterEntry, ...]) -> RosterEntry | None:
    """The roster row for a submission: by identifier first, else by a name only one row has."""
    wanted = {sub_id.lower(), student.canvas_user_id, student.moodle_participant_id}
    wanted.discard("")
    by_key = [e for e in roster if e.keys & wanted]
    if by_key:
        return by_key[0]
    clones = [(len(e.student.github_username), e) for e in roster if e.student.github_username
              and sub_id.lower().endswith("-" + e.student.github_username.lower())]
    if clones:  # ``l2-dropout-jim-bob`` is jim-bob's, not bob's: the longest username that ends the id
        return max(clones, key=lambda pair: pair[0])[1]
    names = {compact(student.name), compact(sub_id)} - {""}
    by_name = [e for e in roster if e.names & names]
    return by_name[0] if len(by_name) == 1 else None


def merge(student: Student, entry: RosterEntry) -> Student:
    """The submission's student with the roster's details filled in (the roster's name wins)."""
    r = entry.student
    return replace(
        student, name=r.name or student.name, email=r.email or student.email,
        canvas_user_id=student.canvas_user_id or r.canvas_user_id,
        moodle_participant_id=student.moodle_participant_id or r.moodle_participant_id,
        sis_user_id=r.sis_user_id or student.sis_user_id, login_id=r.login_id or student.login_id,
        section=r.section or student.section, in_roster=True,
        submitted_at=r.submitted_at or student.submitted_at, extension_days=r.extension_days or student.extension_days,
        github_username=r.github_username or student.github_username)
