"""View models for what the grading environment lacked, and for the student's own errors with their followers.

The report shows the environment's issues in their own section, apart from the student's errors; each
of the student's errors lists the ones that only follow from it folded under it. The class summary
gets one table of what the environment lacked across the class. All wording comes from the catalogs.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

from autograder.diagnosis import ENVIRONMENT_KINDS, own_errors
from autograder.i18n import format_location, translate
from autograder.types import EnvironmentIssue, GradeResult, SourceLocation, StudentError

ISSUE_TEXT = {
    # kind -> (sentence when a stand-in let the code go on, sentence when it raised)
    "missing_module": ("env.missing_module.stood_in", "env.missing_module.error"),
    "colab": ("env.colab.stood_in", "env.colab.error"),
    "missing_file": ("env.missing_file", "env.missing_file"),
    "download": ("env.download", "env.download"),
    "output": ("env.output", "env.output"),
}
WEB_DOWNLOAD = "env.download_web"
WEIGHTS = "env.weights"
"""Pretrained weights of ``keras.applications`` (Keras' cache ``models/``): the base was built with random ones."""
WEIGHTS_ORIGIN = "/keras-applications/"
"""A download outside Keras (pandas, urllib, requests): the datasets folder cannot serve it."""
KIND_LABEL = {"missing_module": "env.kind.missing_module", "colab": "env.kind.colab",
              "missing_file": "env.kind.missing_file", "download": "env.kind.download", "output": "env.kind.output"}
MAX_FOLLOWERS_SHOWN = 20


def where_text(loc: SourceLocation | None, lang: str) -> str:
    """``cell 3, line 5`` (or ``script.py, line 5``) in the report's language; empty when unknown."""
    return format_location(loc, lang).strip(" ()")


def followers_text(count: int, lang: str) -> str:
    """``and 11 more errors that follow from this one`` (empty for none)."""
    if count <= 0:
        return ""
    return translate("env.followers.one" if count == 1 else "env.followers.many", lang, {"count": count})


def issue_sentence(issue: EnvironmentIssue, lang: str) -> str:
    """One sentence saying what was missing, where, and what the student (or the instructor) can do."""
    if issue.kind == "download" and not issue.subject:
        return translate("env.download_any", lang, {"where": issue.location, "error": issue.error})
    stood_in_key, error_key = ISSUE_TEXT.get(issue.kind, ("env.missing_file", "env.missing_file"))
    if issue.kind == "download" and not issue.through_keras:
        stood_in_key = error_key = WEB_DOWNLOAD
    elif issue.kind == "download" and WEIGHTS_ORIGIN in issue.detail:
        stood_in_key = error_key = WEIGHTS
    origin = translate("env.origin", lang, {"origin": issue.detail}) if issue.detail else ""
    return translate(stood_in_key if issue.stood_in else error_key, lang,
                     {"subject": issue.subject, "where": issue.location, "error": issue.error, "origin": origin})


def environment_view(result: GradeResult) -> dict[str, Any] | None:
    """The report's environment section: one line per issue, and the Keras 2 spellings that were mapped."""
    lang = result.lang
    if not result.environment and not result.keras2:
        return None
    issues = []
    for issue in result.environment:
        extra = [text for text in (translate("env.times", lang, {"count": issue.count}) if issue.count > 1 else "",
                                   followers_text(issue.followers, lang)) if text]
        issues.append({"kind": issue.kind, "kind_label": translate(KIND_LABEL.get(issue.kind, "env.kind.missing_file"), lang),
                       "subject": issue.subject, "text": issue_sentence(issue, lang), "extra": "; ".join(extra)})
    keras2 = None
    if result.keras2:
        keras2 = {"title": translate("env.keras2.title", lang), "intro": translate("env.keras2.intro", lang),
                  "rows": [translate("env.keras2.row", lang, {"idiom": n.idiom, "modern": n.modern, "where": n.location})
                           for n in result.keras2]}
    return {"title": translate("env.title", lang), "intro": translate("env.intro", lang) if issues else "",
            "issues": issues, "keras2": keras2}


def frame_lines(error: StudentError, lang: str) -> list[str]:
    """The traceback's student frames as ``cell 3, line 11, in <module>: code`` lines, in the report's language."""
    lines = []
    for frame in error.frames:
        pointer = translate("env.frame", lang, {"where": where_text(frame.location, lang) or "?", "name": frame.name})
        lines.append(f"{pointer}: {frame.code}" if frame.code else pointer)
    return lines or list(error.traceback)


def error_line(error: StudentError, lang: str) -> dict[str, str]:
    return {"type": error.type, "message": error.message, "where": where_text(error.location, lang)}


def errors_view(result: GradeResult) -> list[dict[str, Any]]:
    """The student's own errors (not the environment's), each with those that only follow from it folded."""
    lang = result.lang
    views = []
    for error, followers in own_errors(result.student_errors):
        views.append(dict(error_line(error, lang), traceback="\n".join(frame_lines(error, lang)),
                          followers=[error_line(f, lang) for f in followers[:MAX_FOLLOWERS_SHOWN]],
                          followers_text=followers_text(len(followers), lang)))
    return views


def class_environment(results: list[GradeResult], lang: str) -> list[dict[str, Any]]:
    """What the environment lacked across the class: one row per (kind, module or file), with the
    submissions that needed it, most needed first."""
    rows: dict[tuple[str, str], list[str]] = {}
    for result in results:
        for issue in result.environment:
            ids = rows.setdefault((issue.kind, issue.subject or "?"), [])
            if result.id not in ids:
                ids.append(result.id)
    ordered = sorted(rows.items(), key=lambda item: (-len(item[1]), ENVIRONMENT_KINDS.index(item[0][0])
                                                     if item[0][0] in ENVIRONMENT_KINDS else 99, item[0][1]))
    return [{"kind": kind, "kind_label": translate(KIND_LABEL.get(kind, "env.kind.missing_file"), lang),
             "subject": subject, "count": len(ids),
             "submissions": [{"id": i, "href": quote(i, safe="") + "/report.html"} for i in sorted(ids)]}
            for (kind, subject), ids in ordered]
