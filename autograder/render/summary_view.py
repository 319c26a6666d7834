"""Prepare a run's GradeResults for the class summary (summary.html, summary.md).

Score distribution, pass rate of each check, the most common failure messages and one row per
submission, all as strings and chart geometry.
"""
from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import replace
from typing import Any
from urllib.parse import quote

from autograder.i18n import catalog, check_title, translate
from autograder.render.gradebook import result_check_ids
from autograder.render.chart import histogram
from autograder.render.environment_view import class_environment
from autograder.render.insight_view import class_insight
from autograder.render.view import ui_labels
from autograder.types import GradeResult

MAX_FAILURES = 10
QUOTED = re.compile(r"'[^']*'")
NUMBER = re.compile(r"\d+(?:\.\d+)?")


def summary_lang(results: list[GradeResult], lang: str | None = None) -> str:
    """The language most results were written in (Spanish when there are none)."""
    if lang:
        return lang
    counts = Counter(r.lang for r in results)
    return counts.most_common(1)[0][0] if counts else "es"


def report_href(result_id: str) -> str:
    """Relative link from the output folder to a submission's report."""
    return quote(result_id, safe="") + "/report.html"


def fully_passed(result: GradeResult) -> bool:
    return result.status == "graded" and all(c.status == "pass" for c in result.checks)


def _location_pattern(lang: str) -> re.Pattern[str]:
    """Matches the catalog's location text (`` (cell 3, line 5)``) so messages group across students."""
    cat = catalog(lang)
    parts = []
    for key in ("loc.cell", "loc.file"):
        parts.append(re.escape(cat[key]).replace(r"\{cell\}", r"\d+").replace(r"\{line\}", r"\d+")
                     .replace(r"\{file\}", r"[^,()]+"))
    return re.compile(re.escape(cat["loc.wrap"]).replace(r"\{loc\}", "(?:" + "|".join(parts) + ")"))


def message_pattern(message: str, lang: str) -> str:
    """A message with the student-specific parts (layer names, locations, numbers) blanked out."""
    text = _location_pattern(lang).sub("", message)
    return NUMBER.sub("#", QUOTED.sub("'…'", text))


def failure_groups(results: list[GradeResult], lang: str) -> list[tuple[tuple[str, str], list[tuple[GradeResult, str]]]]:
    """Failure messages grouped by (check, wording), most frequent first."""
    groups: dict[tuple[str, str], list[tuple[GradeResult, str]]] = {}
    for r in results:
        for c in r.checks:
            if c.status in ("fail", "error"):
                groups.setdefault((c.id, message_pattern(c.message, lang)), []).append((r, c.message))
    order = result_check_ids(results)
    return sorted(groups.items(), key=lambda item: (-len(item[1]), order.index(item[0][0])
                                                    if item[0][0] in order else 99, item[0][1]))


def common_failures(results: list[GradeResult], lang: str) -> list[dict[str, Any]]:
    """The most frequent failure messages, each with an example and links to the reports that show it."""
    out = []
    titles = {c.id: check_title(c, lang) for r in results for c in r.checks}
    for (check_id, _), members in failure_groups(results, lang)[:MAX_FAILURES]:
        out.append({
            "check": titles[check_id], "id": check_id, "count": len(members),
            "example": members[0][1],
            "submissions": [{"id": r.id, "href": report_href(r.id)} for r, _ in sorted(members, key=lambda m: m[0].id)],
        })
    return out


def more_failures(results: list[GradeResult], lang: str) -> str:
    hidden = len(failure_groups(results, lang)) - MAX_FAILURES
    return translate("summary.more_failures", lang, {"count": hidden}) if hidden > 0 else ""


def check_rates(results: list[GradeResult], lang: str) -> list[dict[str, Any]]:
    total = len(results)
    rows = []
    titles = {c.id: check_title(c, lang) for r in results for c in r.checks}
    for check_id in result_check_ids(results):
        statuses = Counter(c.status for r in results for c in r.checks if c.id == check_id)
        passed = statuses.get("pass", 0)
        percent = round(100 * passed / total) if total else 0
        rows.append({"id": check_id, "title": titles[check_id], "passed": passed, "total": total,
                     "percent": percent, "failed": statuses.get("fail", 0), "error": statuses.get("error", 0),
                     "skipped": statuses.get("skipped", 0), "bar": "█" * round(percent / 10) + "░" * (10 - round(percent / 10))})
    return rows


def submission_row(r: GradeResult, lang: str) -> dict[str, Any]:
    not_passed = [c for c in r.checks if c.status != "pass"]
    if r.status == "error":
        tone, label = "error", translate("ui.result.error", lang)
        detail = r.error.message if r.error else ""
    elif not_passed:
        tone, label = "fail", translate("summary.row.failed", lang, {"count": len(not_passed)})
        detail = ", ".join(check_title(c, lang) for c in not_passed)
    else:
        tone, label, detail = "pass", translate("summary.row.passed", lang), ""
    return {"id": r.id, "href": report_href(r.id), "md_href": quote(r.id, safe="") + "/report.md",
            "score": f"{r.score:g}", "max_score": f"{r.max_score:g}", "score_value": f"{r.score:.4f}",
            "percent": round(100 * r.score / r.max_score) if r.max_score else 0, "tone": tone,
            "icon": {"pass": "✔", "fail": "✘", "error": "⚠"}[tone], "status_label": label, "detail": detail,
            "tone_rank": {"error": 0, "fail": 1, "pass": 2}[tone]}


def summary_view(results: list[GradeResult], lang: str | None = None) -> dict[str, Any]:
    """Everything summary.html / summary.md show."""
    lang = summary_lang(results, lang)
    scores = [r.score for r in results]
    max_score = max((r.max_score for r in results), default=0.0)
    rows = [submission_row(r, lang) for r in sorted(results, key=lambda r: r.id)]
    n = len(results)
    stats = {
        "count": n,
        "mean": f"{statistics.fmean(scores):.1f}" if scores else "–",
        "median": f"{statistics.median(scores):g}" if scores else "–",
        "max_score": f"{max_score:g}",
        "all_pass": sum(1 for r in results if fully_passed(r)),
        "errors": sum(1 for r in results if r.status == "error"),
    }
    chart = None
    if results:
        chart = histogram(scores, max_score, translate("summary.histogram_title", lang), translate("ui.score", lang), "")
        described = ", ".join(f"{b.label}: {b.count}" for b in chart.bars if b.count)
        chart = replace(chart, desc=translate("summary.histogram_desc", lang, {"counts": described}))
    return {
        "ui": ui_labels(lang),
        "s": {k[8:]: v for k, v in catalog(lang).items() if k.startswith("summary.")},
        "lang": lang,
        "stats": stats,
        "stats_line": translate("summary.stats", lang, stats),
        "histogram": chart,
        "distribution": [{"label": b.label, "count": b.count, "bar": "█" * b.count} for b in chart.bars] if chart else [],
        "checks": check_rates(results, lang),
        "failures": common_failures(results, lang),
        "environment": class_environment(results, lang),
        "insight": class_insight(results, lang),
        "more_failures": more_failures(results, lang),
        "rows": rows,
        "rows_by_score": sorted(rows, key=lambda row: (float(row["score_value"]), row["id"])),
    }
