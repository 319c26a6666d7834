"""Fuzzing every renderer and export with hostile student text: HTML stays inert under the page's CSP,
a Markdown table cell stays one row, spreadsheet cells cannot start a formula, XML stays well-formed,
a GitHub command stays one line, Gradescope's document stays JSON."""
from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograder.assignment import load_assignment
from autograder.exports import write_lms_exports
from autograder.exports.common import FORMULA_START
from autograder.inputs.roster import Student
from autograder.integrations.github import annotation_commands
from autograder.integrations.gradescope import gradescope_results
from autograder.integrations.junit import junit_xml
from autograder.render import REPORT_CSP, render_html, sort_script, render_markdown, render_summary_html, render_summary_markdown
from autograder.render.gradebook import write_grades_csv
from autograder.types import (
    CheckResult,
    CompileSpec,
    ErrorInfo,
    FitCall,
    GradeResult,
    LayerSpec,
    ModelSpec,
    RegularizerSpec,
    SourceLocation,
    StudentError,
    TrainingResult,
)

FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                        HealthCheck.function_scoped_fixture],
                derandomize=True)
RULES = load_assignment("l2-dropout").rules
CHECK_IDS = load_assignment("l2-dropout").check_ids
PAYLOADS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "\"><svg onload=alert(1)>",
            "<a href='https://evil.example/x'>x</a>", "<link rel=stylesheet href=//evil.example/s.css>",
            "<meta http-equiv=refresh content='0;url=https://evil.example'>", "<base href=//evil.example/>",
            "<iframe src=//evil.example></iframe>", "javascript:alert(1)", "| a | b |\n|---|---|", "a|b\\|c\\",
            "`` ` ```", "```\n</details><script>x</script>\n```", "\x1b[31mred\x1b[0m\x1b]8;;http://e.x\x07", "\u202e\u2066bidi\u2069",
            "=HYPERLINK(\"http://evil.example\")", "+1+1", "-2-1", "@SUM(A1)", "\t=1", "\r=1", "{{ 7*7 }}", "{0} {x}",
            "%(a)s", "\x00\x01\x0b\x0c", "::error ::injected", "\n::warning file=x::y", "]]><!--", "&lt;&amp;"]
MEGA = "x" * (1 << 20)
texts = st.one_of(st.sampled_from(PAYLOADS), st.text(max_size=60),
                  st.lists(st.sampled_from(PAYLOADS) | st.text(max_size=10), min_size=1, max_size=4).map("".join))
KEEP = {"status", "lang", "kind", "selected_by", "layer_order", "assignment", "grader_version", "isolation",
        "sha256", "schema", "source", "filename", "file"}
"""Fields the grader sets itself (ids of its own vocabulary): the student cannot choose them."""
OWN_FIELDS = {"CheckResult": ("id",), "ErrorInfo": ("kind",), "FitData": ("source",)}


def base_result() -> GradeResult:
    where = SourceLocation(cell=2, line=3)
    reg = RegularizerSpec("L2", l2=0.01)
    layers = (LayerSpec("Dense", "dense", units=64, activation="relu", kernel_regularizer=reg, created_at=where),
              LayerSpec("Dropout", "dropout", rate=0.5, created_at=where),
              LayerSpec("Dense", "dense_1", units=1, activation="sigmoid", created_at=where))
    model = ModelSpec(kind="sequential", class_name="Sequential", name="model", selected_by="fit", layers=layers,
                      input_shape=(None, 30), compile=CompileSpec("Adam", "binary_crossentropy", metrics=("acc",),
                                                                  location=where),
                      fit_calls=(FitCall(50, 2, 32, 0.2, error="ValueError: boom"),))
    checks = tuple(CheckResult(id=c, status=s, points=0.0 if s != "pass" else 1.0, max_points=1.0,
                               message=f"message {c}", hint="Cambia esto: `Dense(64)`." if s != "pass" else None)
                   for c, s in zip(CHECK_IDS, ["pass", "fail", "error", "skipped", "fail", "pass", "fail"]))
    return GradeResult(id="alumna", assignment="l2-dropout", source="entregas/alumna.ipynb", sha256="0" * 64,
                       status="graded", error=None, score=3.0, max_score=10.0, checks=checks, model=model,
                       training=TrainingResult(5, (0.9, 0.7), (0.8, 0.75)), lang="es", elapsed_s=1.5,
                       student_errors=(StudentError("NameError", "name 'x' is not defined", where,
                                                    ("celda 2, línea 3, en <module>: x",)),),
                       output="Epoch 1/2\nloss: 0.7\n", notes=("una nota",), ignored=("%matplotlib inline",),
                       filename="alumna.ipynb")


file_names = texts.map(lambda t: t.replace("\x00", "").replace("/", "_")[:200] or "x")
"""An id is a file or folder name: no NUL, no slash, at most 255 bytes; anything else goes."""


def poison(value, draw, field=""):
    """Every student-reachable string inside ``value`` replaced by hostile text."""
    if field in KEEP:
        return value
    if field == "id" and isinstance(value, str):
        return draw(file_names)
    if isinstance(value, str):
        return draw(texts)
    if isinstance(value, tuple):
        return tuple(poison(v, draw, field) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        own = OWN_FIELDS.get(type(value).__name__, ())
        return dataclasses.replace(value, **{f.name: poison(getattr(value, f.name), draw, f.name)
                                             for f in dataclasses.fields(value) if f.init and f.name not in own})
    return value


class Inert(HTMLParser):
    """Collects anything in a page that could run, load or navigate."""

    BAD_TAGS = {"script", "iframe", "object", "embed", "link", "base", "form", "frame", "applet", "portal"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.csp: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BAD_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}=")
            if name in ("src", "href", "action", "formaction", "srcset", "xlink:href", "poster", "background") \
                    and not value.startswith("data:") and (SCHEME.match(value) or value.startswith(("//", "\\"))):
                self.problems.append(f"{tag} {name}={value[:40]}")  # a relative link (a report beside it) is fine
        if tag == "meta":
            attributes = dict(attrs)
            equiv = (attributes.get("http-equiv") or "").lower()
            if equiv == "content-security-policy":
                self.csp.append(attributes.get("content") or "")
            elif equiv:
                self.problems.append(f"meta http-equiv={equiv}")


def assert_inert(page: str, scripts: int = 0) -> None:
    """No way to run, load or navigate; ``scripts`` inline scripts allowed (the summary's sorting script,
    pinned by its hash in the page's CSP)."""
    parser = Inert()
    parser.feed(page)
    parser.close()
    assert [p for p in parser.problems if p != "<script>"] == []
    assert parser.problems.count("<script>") == scripts
    _, allowed = sort_script()
    expected = REPORT_CSP if not scripts else REPORT_CSP.replace("; style-src", f"; script-src {allowed}; style-src")
    assert parser.csp == [expected]


SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:")
UNESCAPED_PIPE = re.compile(r"(?<!\\)(?:\\\\)*\|")


def assert_tables_hold(markdown: str) -> None:
    """Every row of a Markdown table has as many cells as its header (no cell broke out of its row)."""
    in_fence, table = None, []
    for line in markdown.split("\n") + [""]:
        fence = re.match(r"^(`{3,})", line)
        if fence and (in_fence is None or fence.group(1).startswith(in_fence)):
            in_fence = None if in_fence else fence.group(1)
            continue
        if in_fence is None and line.startswith("|"):
            table.append(len(UNESCAPED_PIPE.findall(line)))
            continue
        if table:
            assert len(set(table)) == 1, (table, markdown[:2000])
            table = []


def assert_no_formula(rows) -> None:
    for row in rows:
        for cell in row:
            if cell.startswith(FORMULA_START):
                try:
                    float(cell)
                except ValueError:
                    raise AssertionError(f"formula-like cell {cell[:40]!r}") from None


@FUZZ
@given(st.data())
def test_reports_stay_inert_and_tables_hold(data):
    result = poison(base_result(), data.draw)
    error = dataclasses.replace(result, status="error", error=ErrorInfo("report_mismatch", data.draw(texts),
                                                                         data.draw(texts)))
    for item in (result, error):
        assert_inert(render_html(item))
        assert_tables_hold(render_markdown(item))
    assert_inert(render_summary_html([result, error]), scripts=1)
    assert_tables_hold(render_summary_markdown([result, error]))


@FUZZ
@given(st.data())
def test_exports_cannot_start_a_formula(tmp_path_factory, data):
    out = tmp_path_factory.mktemp("exports")
    results = [poison(base_result(), data.draw) for _ in range(2)]
    students = {r.id: Student(name=data.draw(texts), email=data.draw(texts), section=data.draw(texts),
                              login_id=data.draw(texts), sis_user_id=data.draw(texts)) for r in results}
    write_grades_csv(results, out / "grades.csv")
    paths = [out / "grades.csv", *write_lms_exports(results, students, out, data.draw(texts))]
    for path in paths:
        assert_no_formula(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


@FUZZ
@given(st.data())
def test_junit_github_and_gradescope_stay_well_formed(data):
    results = [poison(base_result(), data.draw) for _ in range(2)]
    ET.fromstring(junit_xml(results, RULES))
    for command in annotation_commands(results, RULES):
        assert "\n" not in command and "\r" not in command and command.startswith("::error ")
    for result in results:
        document = gradescope_results(result, RULES)
        assert json.loads(json.dumps(document)) == document


def test_a_one_megabyte_line_everywhere(tmp_path):
    """A 1 MB line in what a student controls most easily: printed output, an error, a layer name, the id."""
    line = MEGA + "<script>x</script>|\n=1"
    base = base_result()
    model = dataclasses.replace(base.model, layers=(dataclasses.replace(base.model.layers[0], name=line),
                                                    *base.model.layers[1:]))
    result = dataclasses.replace(base, id="=1+" + "x" * 200, output=line, notes=(line,), model=model,
                                 student_errors=(StudentError("ValueError", line),))
    assert_inert(render_html(result))
    assert_tables_hold(render_markdown(result))
    write_grades_csv([result], tmp_path / "grades.csv")
    assert_no_formula(csv.reader(io.StringIO((tmp_path / "grades.csv").read_text(), newline="")))
    ET.fromstring(junit_xml([result], RULES))
    assert all("\n" not in c for c in annotation_commands([result], RULES))


def test_regression_a_file_name_that_is_a_formula(tmp_path):
    """Found by fuzzing: grades.csv wrote the id (a file name) as it came, ``=HYPERLINK(...)`` included."""
    from autograder.exports.common import spreadsheet_safe

    assert [spreadsheet_safe(v) for v in ("=1+1", "+A1", "-A1", "@SUM(A1)", "\t=1", "\r=1")] == \
        ["'=1+1", "'+A1", "'-A1", "'@SUM(A1)", "'\t=1", "'\r=1"]
    assert [spreadsheet_safe(v) for v in ("-1.5", "+2", "10", "ana", "")] == ["-1.5", "+2", "10", "ana", ""]
    write_grades_csv([dataclasses.replace(base_result(), id='=HYPERLINK("http://e.x")')], tmp_path / "g.csv")
    rows = list(csv.reader(io.StringIO((tmp_path / "g.csv").read_text(), newline="")))
    assert rows[1][0] == "'=HYPERLINK(\"http://e.x\")"
