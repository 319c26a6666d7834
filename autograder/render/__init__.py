"""Renderers: each output format is one function over GradeResult values plus one template."""
from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from autograder.render.gradebook import write_grades_csv
from autograder.render.result_json import result_to_dict
from autograder.render.view import report_view
from autograder.types import GradeResult

TEMPLATES = Path(__file__).parent / "templates"


def _code_spans(text: str) -> Markup:
    """`code` in a message becomes <code>, everything else escaped."""
    parts = re.split(r"`([^`]+)`", str(text))
    return Markup("".join(f"<code>{escape(p)}</code>" if i % 2 else str(escape(p)) for i, p in enumerate(parts)))


def _md_cell(text: str) -> str:
    """Text safe inside a Markdown table cell: no pipes or line breaks, no raw HTML."""
    return (str(text).replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", " ").replace("\n", "<br>"))


@functools.lru_cache(maxsize=2)
def environment(autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=autoescape,
                             trim_blocks=False, lstrip_blocks=False, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["code_spans"] = _code_spans
    env.filters["md_cell"] = _md_cell
    return env


def render_markdown(result: GradeResult) -> str:
    return environment(False).get_template("report.md.j2").render(**report_view(result))


def render_html(result: GradeResult) -> str:
    return environment(True).get_template("report.html.j2").render(**report_view(result))


def write_submission_outputs(result: GradeResult, out_dir: Path) -> Path:
    """``OUT/<id>/result.json``, ``report.md`` and ``report.html``; returns the folder."""
    folder = out_dir / result.id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "result.json").write_text(json.dumps(result_to_dict(result), ensure_ascii=False, indent=2), encoding="utf-8")
    (folder / "report.md").write_text(render_markdown(result), encoding="utf-8")
    (folder / "report.html").write_text(render_html(result), encoding="utf-8")
    return folder


def write_run_outputs(results: list[GradeResult], out_dir: Path) -> None:
    """Outputs for the whole run: ``grades.csv``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    write_grades_csv(results, out_dir / "grades.csv")
