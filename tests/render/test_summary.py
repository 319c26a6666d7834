"""summary.html / summary.md and write_run_outputs: the class summary of a run."""
from __future__ import annotations

import base64
import csv
import hashlib
import re
from dataclasses import replace

import pytest

from autograder.render import render_summary_html, render_summary_markdown, write_run_outputs
from autograder.render.summary_view import message_pattern, summary_view

from . import helpers as h
from .test_report_md import table_rows


def run_results():
    missing = h.missing_dropout_result()
    other_missing = replace(h.missing_dropout_result(), id="otra",
                            checks=tuple(replace(c, message=c.message.replace("'dense_1' (celda 2, línea 9)",
                                                                                "'capa_b' (otra.py, línea 14)"))
                                         for c in missing.checks))
    return [h.result(), missing, other_missing, h.error_result(), replace(h.result(), id="sp ace#1")]


def test_summary_view_numbers():
    view = summary_view(run_results())
    assert view["lang"] == "es" and view["stats"]["count"] == 5
    assert view["stats"]["all_pass"] == 2 and view["stats"]["errors"] == 1
    rates = {r["id"]: r for r in view["checks"]}
    assert rates["dropout"]["passed"] == 2 and rates["dropout"]["failed"] == 2 and rates["dropout"]["skipped"] == 1
    assert rates["model_built"]["percent"] == 80
    counts = {b.label: b.count for b in view["histogram"].bars}
    assert counts == {**{str(i): 0 for i in range(11)}, "0": 1, "8": 2, "10": 2}


def test_failures_group_across_students_and_link_to_reports():
    failures = summary_view(run_results())["failures"]
    top = failures[0]
    assert top["id"] == "dropout" and top["count"] == 2
    assert [s["id"] for s in top["submissions"]] == ["otra", "sin_dropout"]
    assert top["submissions"][0]["href"] == "otra/report.html"
    assert message_pattern("La capa 'a' (celda 3, línea 4) tiene rate=0.0.", "es") == "La capa '…' tiene rate=#."
    assert message_pattern("Layer 'a' (x.py, line 4) bad", "en") == "Layer '…' bad"


def test_summary_html_structure_sorting_and_links():
    html = render_summary_html(run_results())
    assert '<html lang="es">' in html and "<h1>Resumen de la clase</h1>" in html
    assert '<svg class="chart"' in html and html.count('<rect class="bar"') == 11
    table = re.search(r'<table class="sortable" id="submissions">(.*?)</table>', html, re.S).group(1)
    ids = re.findall(r'<td data-value="([^"]*)">', table)
    assert ids == sorted(ids) == ["alumno", "otra", "roto", "sin_dropout", "sp ace#1"]
    assert 'href="sp%20ace%231/report.html"' in table and 'href="sin_dropout/report.html"' in table
    assert 'data-sort="number"' in table
    assert "Sin superar" in table and "⚠" in table and "✔" in table


def test_summary_script_is_inline_pinned_by_csp_and_offline():
    html = render_summary_html(run_results())
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert len(scripts) == 1 and scripts[0][0] == ""
    digest = base64.b64encode(hashlib.sha256(scripts[0][1].encode()).digest()).decode()
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    assert f"script-src 'sha256-{digest}'" in csp and "default-src 'none'" in csp
    for word in ("fetch", "XMLHttpRequest", "WebSocket", "import(", "src", "location", "eval"):
        assert word not in scripts[0][1]
    assert h.external_references(html) == []


def test_summary_markdown():
    md = render_summary_markdown(run_results())
    assert md.startswith("# Resumen de la clase\n")
    assert h.markdown_html_tags(md) <= {"details", "summary"}
    rows = table_rows(md, "| Entrega | Nota |")
    assert [r[0] for r in rows] == ["alumno", "otra", "roto", "sin_dropout", "sp ace#1"]
    assert rows[3][4] == "[html](sin_dropout/report.html) · [md](sin_dropout/report.md)"
    by_score = md.split("<summary>Ordenadas por nota (de menor a mayor)</summary>")[1]
    assert [r[0] for r in table_rows(by_score, "| Entrega |")] == ["roto", "otra", "sin_dropout", "alumno", "sp ace#1"]
    assert not [l for l in h.markdown_links(md) if "://" in l]


def test_summary_in_english_and_empty_run():
    md = render_summary_markdown([h.error_result("en")])
    assert "# Class summary" in md and "could not run" in md
    empty = render_summary_html([])
    assert "No submissions were graded." in empty or "No se corrigió ninguna entrega." in empty


def test_write_run_outputs_writes_csv_and_both_summaries(tmp_path):
    write_run_outputs(run_results(), tmp_path)
    assert {p.name for p in tmp_path.iterdir()} == {"grades.csv", "summary.html", "summary.md"}
    with open(tmp_path / "grades.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["id"] for r in rows] == ["alumno", "otra", "roto", "sin_dropout", "sp ace#1"]
    assert "Resumen de la clase" in (tmp_path / "summary.html").read_text(encoding="utf-8")
    write_run_outputs(run_results(), tmp_path, lang="en")
    assert "Class summary" in (tmp_path / "summary.md").read_text(encoding="utf-8")


@pytest.mark.slow
def test_real_run_summary(graded):
    out, results = graded
    html = (out / "summary.html").read_text(encoding="utf-8")
    md = (out / "summary.md").read_text(encoding="utf-8")
    assert (out / "grades.csv").exists()
    assert h.external_references(html) == []
    for rid in results:
        assert f'href="{rid}/report.html"' in html
        assert (out / rid / "report.html").exists()
    rows = {r[0]: r for r in table_rows(md, "| Entrega | Nota |")}
    assert set(rows) == set(results)
    assert rows["reference"][1] == "10 / 10" and rows["missing_dropout"][3] == "Dropout"
    rates = {r[0]: r for r in table_rows(md, "| Comprobación | Superada |")}
    assert rates["Dropout (`dropout`)"][1].endswith(f"/{len(results)})")


def test_only_the_most_common_failures_are_listed_with_a_note_for_the_rest():
    words = ["alfa", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu"]
    results = [h.result({"compiled": "fail"}, messages={"compiled": f"pérdida {w}"}, id=w) for w in words]
    results.append(h.result({"compiled": "fail"}, messages={"compiled": "pérdida alfa"}, id="alfa2"))
    view = summary_view(results)
    assert len(view["failures"]) == 10 and view["failures"][0]["count"] == 2
    assert view["more_failures"].startswith("Hay 2 mensajes de fallo distintos más")
    assert view["more_failures"] in render_summary_markdown(results)
