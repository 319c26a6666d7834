"""View models of the desk's pages: plain dicts of strings and lists, the same for HTML and its JSON twin.

The class list is filtered, sorted and paged here (``list_view``); a submission page gathers its report,
code cells, output, architecture drawing, similarity leads, environment problems and review (``submission_view``).
Templates only lay these out; nothing here writes markup, so student text reaches the page escaped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import urlencode

from autograder.desk.data import ClassData, Row
from autograder.render.view import report_view
from autograder.review import FinalGrade, Review, final_grade
from autograder.types import GradeResult

PAGE_SIZE = 100
SORTS = {
    "id": lambda r: r["id"].lower(),
    "score": lambda r: r["score"],
    "auto": lambda r: r["auto_score"],
    "status": lambda r: r["status"],
    "review": lambda r: r["review"],
    "lead": lambda r: r["lead"] if r["lead"] is not None else -1.0,
    "env": lambda r: len(r["environment"]),
}
FILTERS = ("status", "failing", "review", "lead", "env", "look", "q")
REVIEW_STATES = ("none", "reviewed", "stale")
UNSAFE_ID = re.compile(r"[^A-Za-z0-9_-]")


def encode_id(sid: str) -> str:
    """A submission id for a URL path, tilde-encoded as Datasette does (``.`` ``/`` ``~`` and the rest as ``~XX``),
    so ``.json`` always means the JSON twin and no id can reach another path."""
    return UNSAFE_ID.sub(lambda m: "".join(f"~{b:02X}" for b in m.group().encode("utf-8")), sid)


def decode_id(text: str) -> str | None:
    """The id ``encode_id`` encoded; None for anything it would not have produced."""
    raw = bytearray()
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "~":
            pair = text[i + 1:i + 3]
            if len(pair) != 2 or not re.fullmatch(r"[0-9A-F]{2}", pair):
                return None
            raw.append(int(pair, 16))
            i += 3
        elif UNSAFE_ID.match(ch):
            return None
        else:
            raw.append(ord(ch))
            i += 1
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def submission_href(sid: str, query: str = "") -> str:
    return f"/s/{encode_id(sid)}" + (f"?{query}" if query else "")


def needs_look(row: Row, state: str) -> bool:
    """What the desk sends a reviewer to next: a stale review, or an unreviewed submission that the grader
    could not fully decide (run error, a check in error, cut short), that a similarity lead or the
    published solution points at, or that the environment got in the way of."""
    if state == "stale":
        return True
    if state == "reviewed":
        return False
    return (row.status == "error" or any(c.status == "error" for c in row.checks) or bool(row.cut_short)
            or row.lead is not None or row.published or bool(row.environment))


def _points(value: float) -> str:
    return f"{value:g}"


def list_row(row: Row, review: Review | None, final: FinalGrade) -> dict[str, Any]:
    state = review.state if review else "none"
    return {"id": row.id, "href": submission_href(row.id), "status": row.status, "error_kind": row.error_kind,
            "score": final.score, "auto_score": row.score, "max_score": row.max_score,
            "score_text": _points(final.score), "auto_text": _points(row.score), "max_text": _points(row.max_score),
            "changed": final.score != row.score, "review": state, "failing": list(row.failing),
            "lead": row.lead, "lead_text": f"{round(100 * row.lead)} %" if row.lead is not None else "",
            "lead_with": list(row.lead_with), "published": row.published, "environment": list(row.environment),
            "cut_short": row.cut_short, "needs_look": needs_look(row, state), "source": row.source}


def final_of_row(row: Row, review: Review | None) -> FinalGrade:
    """The final grade from the list's light row (the same pure function every export calls)."""
    from autograder.types import CheckResult

    result = GradeResult(id=row.id, assignment="", source=row.source, sha256=row.sha256, status=row.status,  # type: ignore[arg-type]
                         error=None, score=row.score, max_score=row.max_score,
                         checks=tuple(CheckResult(c.id, c.status, c.points, c.max_points, "")  # type: ignore[arg-type]
                                      for c in row.checks), model=None, training=None, lang="en", elapsed_s=0.0)
    return final_grade(result, review)


@dataclass(frozen=True)
class ListQuery:
    """What the class list was asked for (from the query string), every value checked."""

    status: str = ""
    failing: str = ""
    review: str = ""
    lead: str = ""
    env: str = ""
    look: str = ""
    q: str = ""
    sort: str = "id"
    page: int = 1

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> "ListQuery":
        def pick(name: str, allowed: tuple[str, ...] | None = None) -> str:
            value = str(params.get(name, "") or "")[:200]
            return value if allowed is None or value in allowed else ""
        sort = pick("sort")
        if sort.lstrip("-") not in SORTS:
            sort = "id"
        try:
            page = max(1, min(10_000, int(params.get("page", "1"))))
        except ValueError:
            page = 1
        return cls(status=pick("status", ("graded", "error")), failing=pick("failing"),
                   review=pick("review", REVIEW_STATES), lead=pick("lead", ("yes", "no")),
                   env=pick("env", ("yes", "no")), look=pick("look", ("yes",)), q=pick("q"), sort=sort, page=page)

    def params(self, **changes: Any) -> dict[str, str]:
        values = {name: getattr(self, name) for name in (*FILTERS, "sort", "page")}
        values.update(changes)
        return {k: str(v) for k, v in values.items() if v not in ("", None) and not (k == "page" and v == 1)
                and not (k == "sort" and v == "id")}

    def query(self, **changes: Any) -> str:
        return urlencode(self.params(**changes))

    def keeps(self, row: dict[str, Any]) -> bool:
        return ((not self.status or row["status"] == self.status)
                and (not self.failing or self.failing in row["failing"])
                and (not self.review or row["review"] == self.review)
                and (not self.lead or (row["lead"] is not None or row["published"]) == (self.lead == "yes"))
                and (not self.env or bool(row["environment"]) == (self.env == "yes"))
                and (not self.look or row["needs_look"])
                and (not self.q or self.q.lower() in row["id"].lower() or self.q.lower() in row.get("name", "").lower()))


def ordered(rows: list[dict[str, Any]], query: ListQuery) -> list[dict[str, Any]]:
    """The rows the query keeps, in its order (ties by id)."""
    kept = sorted((r for r in rows if query.keeps(r)), key=lambda r: r["id"].lower())
    key = SORTS[query.sort.lstrip("-")]
    return sorted(kept, key=key, reverse=query.sort.startswith("-"))


def facets(rows: list[dict[str, Any]]) -> dict[str, list[tuple[str, int]]]:
    """Counts for the filters' choices (over the whole class)."""
    failing: dict[str, int] = {}
    for row in rows:
        for check in row["failing"]:
            failing[check] = failing.get(check, 0) + 1
    review = {state: 0 for state in REVIEW_STATES}
    for row in rows:
        review[row["review"]] = review.get(row["review"], 0) + 1
    status: dict[str, int] = {}
    for row in rows:
        status[row["status"]] = status.get(row["status"], 0) + 1
    return {"failing": sorted(failing.items()), "review": list(review.items()), "status": sorted(status.items()),
            "lead": [("yes", sum(1 for r in rows if r["lead"] is not None or r["published"]))],
            "env": [("yes", sum(1 for r in rows if r["environment"]))],
            "look": [("yes", sum(1 for r in rows if r["needs_look"]))]}


def list_view(rows: list[dict[str, Any]], query: ListQuery) -> dict[str, Any]:
    """The class list page: the kept rows of this page, the filters with their counts, sort links, paging."""
    kept = ordered(rows, query)
    pages = max(1, -(-len(kept) // PAGE_SIZE))
    page = min(query.page, pages)
    shown = kept[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    nav = query.query(page=page)
    for row in shown:
        row["href"] = submission_href(row["id"], nav)
    sorts = {}
    for name in SORTS:  # a click on the sorted column flips it
        current = query.sort.lstrip("-") == name
        flipped = (name if query.sort.startswith("-") else f"-{name}") if current else name
        sorts[name] = {"href": "?" + query.query(sort=flipped, page=1),
                       "state": "none" if not current else "descending" if query.sort.startswith("-") else "ascending"}
    first_look = next((r for r in kept if r["needs_look"]), None)
    return {
        "rows": shown, "total": len(rows), "matched": len(kept), "page": page, "pages": pages,
        "previous": "?" + query.query(page=page - 1) if page > 1 else "",
        "next": "?" + query.query(page=page + 1) if page < pages else "",
        "query": {name: getattr(query, name) for name in (*FILTERS, "sort")}, "sorts": sorts, "facets": facets(rows),
        "first_look": submission_href(first_look["id"], query.query()) if first_look else "",
        "export": "/export",
    }


def neighbours(rows: list[dict[str, Any]], query: ListQuery, sid: str) -> dict[str, str]:
    """Links to the previous and next submission of the list as filtered, and the next that needs a look."""
    kept = ordered(rows, query)
    ids = [r["id"] for r in kept]
    nav = query.query()
    here = ids.index(sid) if sid in ids else -1
    after = kept[here + 1:] + kept[:max(here, 0)] if here >= 0 else kept
    look = next((r for r in after if r["needs_look"] and r["id"] != sid), None)
    return {"previous": submission_href(ids[here - 1], nav) if here > 0 else "",
            "next": submission_href(ids[here + 1], nav) if 0 <= here < len(ids) - 1 else "",
            "next_look": submission_href(look["id"], nav) if look else "",
            "list": "/" + (f"?{nav}" if nav else ""), "position": f"{here + 1} / {len(ids)}" if here >= 0 else ""}


def code_lines(code: str, marked: set[int]) -> list[dict[str, Any]]:
    return [{"number": n, "text": text, "shared": n in marked} for n, text in enumerate(code.split("\n"), start=1)]


def submission_view(data: ClassData, sid: str, result: GradeResult, review: Review) -> dict[str, Any]:
    """Everything a submission page shows, and its JSON twin."""
    report = report_view(result)
    final = final_grade(result, review)
    overrides = {o.check_id: o for o in review.overrides}
    previous = {o.check_id: o for o in review.previous.overrides} if review.previous else {}
    checks = []
    for check, shown in zip(result.checks, report["checks"]):
        override = overrides.get(check.id)
        checks.append(dict(shown, auto_points=_points(check.points), max_points=_points(check.max_points),
                           final_points=_points(final.check_points.get(check.id, check.points)),
                           override=_override(override), previous=_override(previous.get(check.id))))
    leads_by_id, published = data.leads()
    leads = leads_by_id.get(sid, ())
    shared: dict[int, set[int]] = {}
    for lead in leads:
        for cell, line in lead.lines:
            shared.setdefault(cell, set()).add(line)
    errors_by_cell: dict[int, list[dict[str, str]]] = {}
    for error in result.student_errors:
        cell = error.location.cell if error.location and error.location.cell is not None else 0
        errors_by_cell.setdefault(cell, []).append({"type": error.type, "message": error.message,
                                                    "line": str(error.location.line or "") if error.location else ""})
    output = data.output(sid)
    cells = [dict(cell, lines=code_lines(cell["code"], shared.get(cell["index"], set())),
                  errors=errors_by_cell.get(cell["index"], []), output=output["by_cell"].get(cell["index"], ""))
             for cell in data.cells(sid)]
    return {
        "id": sid, "source": result.source, "sha256": result.sha256, "status": result.status,
        "error": {"kind": result.error.kind, "message": result.error.message} if result.error else None,
        "cut_short": result.cut_short or "", "lang": result.lang, "grader_version": result.grader_version,
        "score": _points(final.score), "auto_score": _points(result.score), "max_score": _points(result.max_score),
        "changed": final.score != result.score,
        "review": {"state": review.state, "version": review.version,
                   "adjustments": [{"id": a.id, "points": f"{a.points:+g}", "reason": a.reason, "by": a.by,
                                    "at": a.at, "kind": a.kind} for a in review.adjustments],
                   "comments": [{"id": c.id, "text": c.text, "by": c.by, "at": c.at} for c in review.comments],
                   "previous": None if review.previous is None else {
                       "sha256": review.previous.sha256,
                       "overrides": [_override(o) for o in review.previous.overrides],
                       "adjustments": [{"points": f"{a.points:+g}", "reason": a.reason, "by": a.by}
                                       for a in review.previous.adjustments]}},
        "checks": checks,
        "cells": cells,
        "output": {"text": output["text"], "dropped_bytes": output["dropped_bytes"], "per_cell": bool(output["by_cell"]),
                   "lines": output["text"].count("\n") + (1 if output["text"] else 0)},
        "blocks": [{"role": b.role, "tone": b.tone, "icon": b.icon, "title": b.title, "name": b.name,
                    "settings": [list(s) for s in b.settings], "where": b.where, "problems": list(b.problems),
                    "fix": b.fix} for b in report["blocks"]],
        "model_caption": report["model_caption"],
        "environment": report["environment"],
        "errors": report["errors"],
        "notes": report["notes"],
        "leads": [{"other": lead.other, "href": submission_href(lead.other), "code": f"{round(100 * lead.code)} %",
                   "jaccard": f"{round(100 * lead.jaccard)} %",
                   "same_architecture": lead.same_architecture} for lead in leads],
        "published": sid in published,
        "ui": report["ui"],
    }


def _override(o) -> dict[str, str] | None:
    if o is None:
        return None
    return {"check": o.check_id, "points": _points(o.points), "comment": o.comment, "by": o.by, "at": o.at}
