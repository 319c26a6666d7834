"""Releasing feedback: what students get back, with the final grade and the reviewers' comments.

``moodle``: ``feedback.zip`` laid out as Moodle's "Upload multiple feedback files in a zip" reads it (one folder
per student, ``<Full Name>_<participant id>_assignsubmission_file_/``, as its "Download all submissions"
writes them: Moodle's importer splits each path part on ``_`` into name, participant id, plugin type, plugin
name and the file's own name, so a name keeps no ``_``), and ``grading-worksheet.csv`` for "Upload grading
worksheet" with the final grade and the comments in "Feedback comments".
``folder``: one folder per student with ``report.html``, ``report.md`` and ``comments.md``.
"""
from __future__ import annotations

import html
import io
import os
import re
import shutil
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from autograder.atomic import write_text_atomic
from autograder.exports.common import grade_value, write_csv
from autograder.exports.moodle import MOODLE_COLUMNS, feedback_comment
from autograder.i18n import translate
from autograder.inputs.roster import Student
from autograder.review.final import FinalGrade, Review, final_view
from autograder.review.outputs import finals_for, load_current_results, output_lock, students_from
from autograder.review.store import ReviewStore
from autograder.types import GradeResult

REPORTS = ("report.html", "report.md")
MOODLE_ZIP = "feedback.zip"
MOODLE_WORKSHEET = "grading-worksheet.csv"


class ReleaseError(ValueError):
    """Nothing can be released as asked; one sentence."""


@dataclass(frozen=True)
class Released:
    path: Path
    count: int
    skipped: int = 0
    """Submissions left out (not reviewed with ``--reviewed-only``, or no Moodle participant id)."""


@dataclass(frozen=True)
class Feedback:
    """One student's release: the automatic result, its review and final grade, who the student is."""

    result: GradeResult
    review: Review | None
    final: FinalGrade
    student: Student


def _fmt(value: float) -> str:
    return f"{value:g}"


def comments_markdown(item: Feedback) -> str:
    """comments.md: the final grade, the reviewers' comments, hand-graded checks and adjustments."""
    lang, r, final = item.result.lang, item.result, item.final
    lines = [f"# {translate('release.title', lang, {'id': r.id})}", "",
             translate("release.final", lang, {"score": _fmt(final.score), "max_score": _fmt(final.max_score)}), "",
             translate("release.auto", lang, {"score": _fmt(final.auto_score), "max_score": _fmt(final.max_score)}), ""]
    for title, entries in _sections(item):
        lines += [f"## {title}", "", *(f"- {e}" for e in entries), ""]
    lines += [translate("release.report", lang), ""]
    return "\n".join(lines)


def _sections(item: Feedback) -> list[tuple[str, list[str]]]:
    lang, review = item.result.lang, item.review
    if review is None or review.state == "stale":
        return []
    checks = {c.id: c for c in item.result.checks}
    out = []
    if review.comments:
        out.append((translate("release.comments", lang), [c.text for c in review.comments]))
    lines = []
    for o in review.overrides:
        check = checks.get(o.check_id)
        if check is None:
            continue
        line = translate("release.override_line", lang, {"check": translate(f"check.{o.check_id}", lang),
                                                         "points": _fmt(o.points), "max_points": _fmt(check.max_points),
                                                         "auto": _fmt(check.points)})
        lines.append(line + (f" — {o.comment}" if o.comment else ""))
    if lines:
        out.append((translate("release.overrides", lang), lines))
    if review.adjustments:
        out.append((translate("release.adjustments", lang),
                    [translate("release.adjustment_line", lang, {"points": f"{a.points:+g}", "reason": a.reason})
                     for a in review.adjustments]))
    return out


def moodle_feedback(item: Feedback) -> str:
    """The worksheet's "Feedback comments" (HTML): the reviewers' words first, then the automatic feedback."""
    parts = []
    for title, entries in _sections(item):
        parts.append(f"<p><strong>{html.escape(title)}</strong></p>")
        parts.extend(f"<p>{html.escape(e)}</p>" for e in entries)
    return "".join(parts) + feedback_comment(final_view(item.result, item.final))


def moodle_folder_name(student: Student) -> str:
    """``<Full Name>_<participant id>_assignsubmission_file_``; the name without ``_`` or characters a file
    system refuses (path separators, ``<>:"|?*``, control characters)."""
    name = " ".join(re.sub(r'[_/\\<>:"|?*\x00-\x1f]', " ", student.name).split()) or "Participant"
    return f"{name}_{student.moodle_participant_id}_assignsubmission_file_"


def gather(out: Path, reviewed_only: bool) -> tuple[list[Feedback], int]:
    """Every current submission's feedback (only reviewed ones with ``reviewed_only``), and how many were left out."""
    with output_lock(out), ReviewStore.in_folder(out) as store:
        results = load_current_results(out, store)
        reviews = store.reviews({r.id: r.sha256 for r in results})
        students = students_from(store.context("students"))
    finals = finals_for(results, reviews)
    items = [Feedback(r, reviews.get(r.id), finals[r.id], students.get(r.id) or Student()) for r in results]
    kept = [i for i in items if not reviewed_only or i.final.state == "reviewed"]
    if not items:
        raise ReleaseError(f"{out} holds no graded results to release")
    if not kept:
        raise ReleaseError("no submission has been reviewed yet (drop --reviewed-only to release them all)")
    return kept, len(items) - len(kept)


def release(out: Path, target: str, reviewed_only: bool = False, dest: Path | None = None) -> Released:
    out = Path(out)
    items, skipped = gather(out, reviewed_only)
    if target == "folder":
        return release_folder(out, items, skipped, Path(dest) if dest else out / "release")
    if target == "moodle":
        return release_moodle(out, items, skipped, Path(dest) if dest else out / "release-moodle")
    raise ReleaseError(f"release goes to 'moodle' or 'folder', not {target!r}")


def release_folder(out: Path, items: list[Feedback], skipped: int, dest: Path) -> Released:
    dest.mkdir(parents=True, exist_ok=True)
    for item in items:
        folder = dest / item.result.id
        folder.mkdir(parents=True, exist_ok=True)
        for name in REPORTS:
            if (out / item.result.id / name).is_file():
                _copy_atomic(out / item.result.id / name, folder / name)
        write_text_atomic(folder / "comments.md", comments_markdown(item))
    return Released(dest, len(items), skipped)


def release_moodle(out: Path, items: list[Feedback], skipped: int, dest: Path) -> Released:
    placed = [i for i in items if i.student.moodle_participant_id]
    if not placed:
        raise ReleaseError("no submission has a Moodle participant id: grade a Moodle download, or pass Moodle's "
                           "grading worksheet as --roster")
    dest.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in placed:
            folder = moodle_folder_name(item.student)
            for name in REPORTS:
                source = out / item.result.id / name
                if source.is_file():
                    archive.write(source, f"{folder}/{name}")
            archive.writestr(f"{folder}/comments.md", comments_markdown(item))
    fd, tmp = tempfile.mkstemp(dir=dest, prefix=f".{MOODLE_ZIP}.", suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        fh.write(buffer.getvalue())
    os.replace(tmp, dest / MOODLE_ZIP)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
    rows = [list(MOODLE_COLUMNS)]
    for item in sorted(placed, key=lambda i: i.result.id):
        view, s = final_view(item.result, item.final), item.student
        rows.append([f"Participant {s.moodle_participant_id}", s.name or view.id, s.email, "Submitted for grading",
                     grade_value(view), _fmt(view.max_score), "Yes", s.submitted_at, stamp, moodle_feedback(item)])
    write_csv(dest / MOODLE_WORKSHEET, rows)
    return Released(dest, len(placed), skipped + len(items) - len(placed))


def _copy_atomic(source: Path, target: Path) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    shutil.copyfile(source, tmp)
    os.replace(tmp, target)
