"""report.html: structure and content, on hand-built results and on the real results of solutions/."""
from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser

import pytest

from autograder.render import render_html
from autograder.types import TrainingResult

from . import helpers as h
from .conftest import EXPECTED


class Outline(HTMLParser):
    """Headings, element ids and the text of the page, to assert on structure without a browser."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[tuple[str, str]] = []
        self.ids: list[str] = []
        self.text: list[str] = []
        self._heading: str | None = None
        self._buffer: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag in ("style", "script"):
            self._skip += 1
        if re.fullmatch(r"h[1-6]", tag):
            self._heading, self._buffer = tag, []

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip -= 1
        if tag == self._heading:
            self.headings.append((tag, " ".join("".join(self._buffer).split())))
            self._heading = None

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        if self._heading:
            self._buffer.append(data)

    @property
    def plain(self) -> str:
        return " ".join(" ".join(self.text).split())


def outline(html: str) -> Outline:
    parser = Outline()
    parser.feed(html)
    return parser


def section(html: str, element_id: str) -> str:
    match = re.search(rf'<(\w+)[^>]*id="{element_id}"[^>]*>(.*?)</\1>', html, re.S)
    assert match, f"no element with id {element_id}"
    return match.group(2)


def test_reference_report_structure():
    html = render_html(h.result())
    page = outline(html)
    assert html.startswith("<!DOCTYPE html>") and '<html lang="es">' in html
    assert '<meta name="viewport"' in html and "Content-Security-Policy" in html
    assert page.headings[0] == ("h1", "Informe de corrección: alumno")
    h2 = [text for tag, text in page.headings if tag == "h2"]
    assert h2[:2] == ["Nota", "Comprobaciones"]
    assert {"Arquitectura de tu modelo", "Entrenamiento del corrector", "Tu llamada a fit"} <= set(h2)
    assert [i for i in page.ids if i.startswith("check-")] == [f"check-{c}" for c in h.CHECK_IDS]
    assert "10 / 10" in page.plain and "Todas las comprobaciones superadas" in page.plain
    assert html.count("<h3>") >= 7


def test_each_check_shows_status_in_words_not_only_colour():
    html = render_html(h.missing_dropout_result())
    card = section(html, "check-dropout")
    assert 'class="check fail"' in html and "✘" in card and "no superada" in card and "0/2" in card
    assert "superada · 1/1" in section(html, "check-model_built")


def test_failing_check_shows_message_and_hint_with_corrected_line():
    html = render_html(h.missing_dropout_result())
    card = section(html, "check-dropout")
    assert "viene Dense en lugar de una capa Dropout" in card
    assert "Qué cambiar" in card
    assert '<pre class="fix"><code>Dropout(0.5)</code></pre>' in card
    assert 'href="#architecture"' in card


def test_architecture_column_draws_layers_settings_pointers_and_missing_dropout():
    html = render_html(h.missing_dropout_result())
    arch = section(html, "architecture")
    blocks = re.findall(r'<li class="block ([a-z]+) ([a-z]+)">(.*?)</li>\n', arch, re.S)
    roles = [(role, tone) for role, tone, _ in blocks]
    assert roles == [("input", "ok"), ("hidden", "ok"), ("dropout", "ok"), ("hidden", "ok"),
                     ("missing", "missing"), ("output", "ok")]
    hidden2 = blocks[3][2]
    assert "Capa oculta 2 · Dense" in hidden2 and "dense_1" in hidden2
    assert "<dt>Unidades:</dt><dd>64</dd>" in hidden2 and "<dd>relu</dd>" in hidden2 and "L2 = 0.01" in hidden2
    assert "Creada en: celda 2, línea 9" in hidden2
    missing = blocks[4][2]
    assert "Dropout esperado aquí" in missing and "⚠" in missing
    assert "dense_1" in missing and "celda 2, línea 9" in missing and "Dropout(0.5)," in missing
    assert "<dt>Tasa:</dt><dd>0.5</dd>" in blocks[2][2]
    assert "sigmoid" in blocks[5][2]


def test_training_chart_is_inline_svg_with_both_series_and_fit_request():
    html = render_html(h.result())
    assert html.count("<svg") == 3  # the chart and two legend samples
    chart = re.search(r'<svg class="chart".*?</svg>', html, re.S).group(0)
    assert 'role="img"' in chart and "<title id=\"loss-chart-title\">" in chart
    assert chart.count('<polyline class="loss"') == 1 and chart.count('<polyline class="val-loss"') == 1
    assert chart.count("<circle") == 5 and chart.count("<rect") == 5
    assert "Pérdida: 0.9000 → 0.8000" in chart
    fit = html.split('id="fit-heading"')[1].split("</section>")[0]
    assert "<dt>Épocas pedidas:</dt><dd>50</dd>" in fit and "<dt>Épocas ejecutadas:</dt><dd>2</dd>" in fit
    assert "<dd><code>validation_split=0.2</code></dd>" in fit
    assert "Pediste 50 épocas; durante la corrección se ejecutaron 2." in fit


def test_non_finite_training_explained_instead_of_chart():
    nan = float("nan")
    html = render_html(h.result({"trains": "fail"}, training=TrainingResult(epochs=3, loss=(nan, nan, nan))))
    assert '<svg class="chart"' not in html
    assert "no fue un número finito" in html


def test_student_errors_point_at_cell_and_line_with_trimmed_traceback():
    html = render_html(h.crashing_result())
    assert "Errores al ejecutar tu código" in html
    err = re.search(r'<article class="student-error">(.*?)</article>', html, re.S).group(1)
    assert "<h3>NameError</h3>" in err and "X_tren" in err
    assert "Dónde: celda 3, línea 4" in err
    assert "celda 3, línea 4, en &lt;module&gt;" in err


def test_output_folded_trimmed_and_escaped():
    html = render_html(h.crashing_result())
    details = re.findall(r"<details>(.*?)</details>", html, re.S)[-1]
    assert details.startswith("<summary>Salida impresa (500 líneas)</summary>")
    assert "<details open" not in html
    assert "línea 0 &lt;b&gt;" in details and "<b>" not in details
    assert "línea 499" in details and "línea 200 " not in details
    assert "se omitieron 380 líneas" in details and "2048 bytes" in details


def test_cut_short_and_error_results_are_announced():
    html = render_html(h.crashing_result())
    assert "límite de 120 s" in html
    err = render_html(h.error_result())
    assert 'class="banner error"' in err and "El cuaderno está dañado" in err
    assert 'id="architecture"' not in err and "0 / 10" in err
    assert err.count('class="check skipped"') == 6


def test_footer_has_version_sha_isolation_and_time():
    footer = re.search(r"<footer>(.*?)</footer>", render_html(h.result()), re.S).group(1)
    assert "0.1.0" in footer and "ab" * 32 in footer and "bwrap" in footer and "3.2 s" in footer


def test_english_report():
    html = render_html(h.missing_dropout_result("en"))
    assert '<html lang="en">' in html and "Grading report" in html and "Dropout expected here" in html
    assert "Hidden layer 2 · Dense" in html and "What to change" in html


def test_student_text_is_escaped():
    r = h.result({"compiled": "fail"}, messages={"compiled": "<script>alert(1)</script> `x<y`"}, id="a<b>")
    html = render_html(r)
    assert "<script>alert" not in html and "&lt;script&gt;" in html and "<code>x&lt;y</code>" in html


@pytest.mark.parametrize("make", [h.result, h.missing_dropout_result, h.error_result, h.crashing_result])
def test_no_external_references(make):
    html = render_html(make())
    assert h.external_references(html) == []
    assert "http://" not in html and "https://" not in html


@pytest.mark.slow
@pytest.mark.parametrize("variant", sorted(EXPECTED.keys() - {"_about"}))
def test_real_variant_reports(graded, variant):
    out, results = graded
    html = (out / variant / "report.html").read_text(encoding="utf-8")
    assert html == render_html(results[variant])
    assert h.external_references(html) == []
    for check_id, status in EXPECTED[variant].items():
        card = section(html, f"check-{check_id}")
        assert f'class="check {status}"' in html
        assert f'<li class="check {status}" id="check-{check_id}">' in html
        if status == "fail":
            check = next(c for c in results[variant].checks if c.id == check_id)
            hint = re.search(r'<div class="hint">(.*?)</div>', card, re.S).group(1)
            assert "Qué cambiar" in hint, (variant, check_id)
            assert "<code>" in hint or (variant, check_id) in h.HINTS_WITHOUT_CODE, (variant, check_id)
            assert re.split(r"['`]", check.message)[0].strip() in card  # quoted code is rendered as <code>
    model = results[variant].model
    if model is not None:
        arch = section(html, "architecture")
        for layer in model.layers:
            assert layer.name in arch
            assert layer.created_at is not None, (variant, layer.name)
            assert f"Creada en: {layer.created_at.file}, línea {layer.created_at.line}" in arch


@pytest.mark.slow
def test_real_reference_reports(graded):
    out, results = graded
    for rid in ("reference", "reference_notebook"):
        html = (out / rid / "report.html").read_text(encoding="utf-8")
        assert 'class="banner pass"' in html and "10 / 10" in html
        assert "⚠" not in section(html, "architecture")
        assert '<polyline class="loss"' in html and '<polyline class="val-loss"' in html
        assert h.external_references(html) == []
    notebook = (out / "reference_notebook" / "report.html").read_text(encoding="utf-8")
    assert "Creada en: celda 2, línea 7" in notebook


@pytest.mark.slow
@pytest.mark.parametrize("variant,fragment", [
    ("missing_dropout", "Dropout esperado aquí"),
    ("one_hidden_layer", "Capa oculta Dense esperada aquí"),
    ("three_hidden_layers", "sobra: se esperaban 2 capas ocultas Dense"),
    ("linear_hidden", "sin activación no lineal"),
    ("no_l2", "sin regularización L2"),
    ("l1_instead_of_l2", "solo L1"),
    ("l2_on_bias", "bias_regularizer"),
    ("dropout_rate_zero", "rate=0: debe estar entre 0 y 1"),
    ("relu_output", "no es una salida válida"),
])
def test_real_variant_drawing_marks_the_defect(graded, variant, fragment):
    out, _ = graded
    arch = section((out / variant / "report.html").read_text(encoding="utf-8"), "architecture")
    assert fragment in arch
    assert "⚠" in arch


@pytest.mark.slow
def test_real_not_compiled_points_at_the_failing_fit(graded):
    out, results = graded
    html = (out / "not_compiled" / "report.html").read_text(encoding="utf-8")
    assert "Errores al ejecutar tu código" in html and "ValueError" in html
    assert "Dónde: not_compiled.py, línea 14" in html
    no_model = (out / "no_model" / "report.html").read_text(encoding="utf-8")
    assert 'id="architecture"' not in no_model and "Modelo construido" in no_model
