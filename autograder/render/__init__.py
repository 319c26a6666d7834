"""Renderers: each output format is one function over GradeResult values plus one template."""
from __future__ import annotations

import base64
import functools
import hashlib
import json
from pathlib import Path

import jinja2
from markupsafe import Markup

from autograder.atomic import write_text_atomic
from autograder.render.filters import code_spans, fence, md_cell, md_text, tidy_markdown
from autograder.render.gradebook import write_grades_csv
from autograder.render.result_json import result_to_dict
from autograder.render.summary_view import summary_view
from autograder.render.view import report_view
from autograder.types import GradeResult

TEMPLATES = Path(__file__).parent / "templates"
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
"""Reports load nothing at all: no script, font, image or style from anywhere, not even from disk."""


@functools.lru_cache(maxsize=2)
def environment(autoescape: bool) -> jinja2.Environment:
    """The templates' environment: HTML autoescaped, Markdown not; an unknown name in a template is an error."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=autoescape,
                             trim_blocks=False, lstrip_blocks=False, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["code_spans"] = code_spans
    env.filters["md_cell"] = md_cell
    env.filters["md_text"] = md_text
    env.filters["fence"] = fence
    return env


@functools.lru_cache(maxsize=1)
def sort_script() -> tuple[Markup, str]:
    """The summary's inline sorting script and the CSP source that allows exactly it."""
    script = (TEMPLATES / "sort_table.js").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return Markup(script), f"'sha256-{digest}'"


def render_markdown(result: GradeResult, review: dict | None = None) -> str:
    """report.md: the report for places that render Markdown (tables, ``<details>``, no other HTML).
    ``review``: result.json's ``review`` object, when a reviewer changed the grade."""
    return tidy_markdown(environment(False).get_template("report.md.j2").render(**report_view(result, review)))


def render_html(result: GradeResult, review: dict | None = None) -> str:
    """report.html: one self-contained page (inline CSS and SVG, no script) that loads nothing from anywhere."""
    return environment(True).get_template("report.html.j2").render(csp=Markup(REPORT_CSP),
                                                                   **report_view(result, review))


def write_reports(result: GradeResult, folder: Path, review: dict | None = None) -> None:
    """``report.md`` and ``report.html`` of one result, each replaced atomically."""
    write_text_atomic(folder / "report.md", render_markdown(result, review))
    write_text_atomic(folder / "report.html", render_html(result, review))


def _run_version(results: list[GradeResult]) -> str:
    return next((r.grader_version for r in results if r.grader_version), "?")


def render_summary_markdown(results: list[GradeResult], lang: str | None = None) -> str:
    """summary.md: the class summary for places that render Markdown."""
    view = summary_view(results, lang)
    return tidy_markdown(environment(False).get_template("summary.md.j2").render(version=_run_version(results), **view))


def render_summary_html(results: list[GradeResult], lang: str | None = None) -> str:
    """summary.html: the class summary, sortable by a tiny inline script that the page's CSP pins by hash."""
    script, script_source = sort_script()
    csp = REPORT_CSP.replace("default-src 'none';", f"default-src 'none'; script-src {script_source};")
    view = summary_view(results, lang)
    return environment(True).get_template("summary.html.j2").render(csp=Markup(csp), script=script,
                                                                    version=_run_version(results), **view)


def write_submission_outputs(result: GradeResult, out_dir: Path, review: dict | None = None) -> Path:
    """``OUT/<id>/result.json``, ``report.md`` and ``report.html``; returns the folder. ``review``: the
    ``review`` object of result.json (``autograder.review.final.review_document``), when there is one."""
    folder = out_dir / result.id
    folder.mkdir(parents=True, exist_ok=True)
    document = result_to_dict(result)
    if review is not None:
        document["review"] = review
    (folder / "result.json").write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    (folder / "report.md").write_text(render_markdown(result, review), encoding="utf-8")
    (folder / "report.html").write_text(render_html(result, review), encoding="utf-8")
    return folder


def write_run_outputs(results: list[GradeResult], out_dir: Path, lang: str | None = None,
                      finals: dict | None = None) -> None:
    """Outputs for the whole run: ``grades.csv``, ``summary.html`` and ``summary.md``, each replaced atomically.

    ``lang`` defaults to the language most reports were written in. ``results`` as the exports show them
    (final grades); ``finals``: id -> FinalGrade (``autograder.review``), for grades.csv's review columns.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    write_grades_csv(results, out_dir / "grades.csv", finals)
    write_text_atomic(out_dir / "summary.html", render_summary_html(results, lang))
    write_text_atomic(out_dir / "summary.md", render_summary_markdown(results, lang))
