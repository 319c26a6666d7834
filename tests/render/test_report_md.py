"""report.md: the same content as report.html, as Markdown with tables and <details> as the only HTML."""
from __future__ import annotations

import re
from dataclasses import replace

import pytest

from autograder.render import render_markdown

from . import helpers as h
from .conftest import EXPECTED

ALLOWED_TAGS = {"details", "summary"}
HINTS_WITHOUT_CODE = h.HINTS_WITHOUT_CODE


def table_rows(markdown: str, header_start: str) -> list[list[str]]:
    """The rows of the table whose header line starts with ``header_start``, split into cells."""
    lines = markdown.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header_start))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]])
    return rows


def test_reference_markdown_sections():
    md = render_markdown(h.result())
    assert md.startswith("# Informe de corrección: alumno\n")
    for heading in ("## Comprobaciones", "## Arquitectura de tu modelo", "## Entrenamiento del corrector",
                    "## Tu llamada a fit"):
        assert f"\n{heading}\n" in md
    assert "**✔ Nota: 10 / 10**" in md
    assert len(table_rows(md, "| | Comprobación")) == 7


def test_failing_check_row_has_message_and_hint():
    md = render_markdown(h.missing_dropout_result())
    rows = {r[1]: r for r in table_rows(md, "| | Comprobación")}
    row = rows["Dropout (`dropout`)"]
    assert row[0] == "✘" and row[2] == "no superada" and row[3] == "0/2"
    assert "viene Dense en lugar de una capa Dropout" in row[4]
    assert row[5].endswith("`Dropout(0.5)`.")


def test_architecture_table_has_pointers_and_missing_row():
    md = render_markdown(h.missing_dropout_result())
    rows = table_rows(md, "| # | Capa")
    assert [r[1].split("**")[1] for r in rows] == ["Entrada", "Capa oculta 1 · Dense", "Dropout",
                                                    "Capa oculta 2 · Dense", "Dropout esperado aquí", "Salida · Dense"]
    assert rows[3][3] == "celda 2, línea 9"
    assert "Unidades: 64 · Activación: relu · Regularizador (kernel): L2 = 0.01" == rows[3][2]
    assert rows[4][0] == "5 ⚠" and rows[4][5] == "`Dropout(0.5),`"
    assert "'dense_1' (celda 2, línea 9)" in rows[4][4]


def test_only_details_html_and_fenced_output():
    md = render_markdown(h.crashing_result())
    assert h.markdown_html_tags(md) <= ALLOWED_TAGS
    assert "<details><summary>Salida impresa (500 líneas)</summary>" in md
    block = re.search(r"(?s)<details><summary>Salida impresa.*?</details>", md).group(0)
    assert "```text\nlínea 0 <b>no es html</b>" in block  # raw inside a code block, where it is inert
    assert "## Errores al ejecutar tu código" in md and "Dónde: celda 3, línea 4" in md
    assert "celda 3, línea 4, en <module>" in md.split("## Errores")[1].split("```")[1]


def test_output_containing_fences_cannot_break_out():
    md = render_markdown(replace(h.result(), output="```\n# not a heading\n````"))
    assert "`````text\n```\n# not a heading\n````\n`````" in md


def test_pipes_and_newlines_in_messages_stay_in_their_cell():
    r = h.result({"compiled": "fail"}, messages={"compiled": "a | b\nc <i>"}, hints={"compiled": "usa `x|y`"})
    md = render_markdown(r)
    rows = {row[1]: row for row in table_rows(md, "| | Comprobación")}
    assert rows["Compilación (`compiled`)"][4] == "a \\| b c &lt;i&gt;"
    assert h.markdown_html_tags(md) <= ALLOWED_TAGS


def test_error_result_markdown():
    md = render_markdown(h.error_result("en"))
    assert "# Grading report: roto" in md and "**⚠ Score: 0 / 10**" in md
    assert "## Your model's architecture" not in md


@pytest.mark.parametrize("make", [h.result, h.missing_dropout_result, h.error_result, h.crashing_result])
def test_no_external_links(make):
    md = render_markdown(make())
    assert not [link for link in h.markdown_links(md) if "://" in link or link.startswith("//")]
    assert "http://" not in md and "https://" not in md
    assert h.markdown_html_tags(md) <= ALLOWED_TAGS


@pytest.mark.slow
@pytest.mark.parametrize("variant", sorted(EXPECTED.keys() - {"_about"}))
def test_real_variant_markdown(graded, variant):
    out, results = graded
    md = (out / variant / "report.md").read_text(encoding="utf-8")
    assert md == render_markdown(results[variant])
    assert h.markdown_html_tags(md) <= ALLOWED_TAGS
    assert not [link for link in h.markdown_links(md) if "://" in link]
    rows = {r[1].rsplit("(`", 1)[1].rstrip("`)"): r for r in table_rows(md, "| | Comprobación")}
    for check_id, status in EXPECTED[variant].items():
        icon = {"pass": "✔", "fail": "✘", "skipped": "–", "error": "?"}[status]
        assert rows[check_id][0] == icon, (variant, check_id)
        if status == "fail":
            assert rows[check_id][5], f"{variant}: no hint for {check_id}"
            if (variant, check_id) not in HINTS_WITHOUT_CODE:
                assert "`" in rows[check_id][5], f"{variant}: the hint for {check_id} shows no code"
    if results[variant].model is not None:
        arch = table_rows(md, "| # | Capa")
        where = [r[3] for r in arch if r[3]]
        assert len(where) == len(results[variant].model.layers)
        assert all(w.startswith(f"{variant}.py, línea ") for w in where)


def test_blank_lines_collapse_outside_code_but_not_inside():
    md = render_markdown(replace(h.result(), output="a\n\n\n\nb"))
    assert "\n\n\n" not in md.split("```text")[0]
    assert "a\n\n\n\nb" in md


def test_failed_fit_is_explained():
    from autograder.types import FitCall

    r = h.result({"compiled": "fail"}, model=h.model(fit_calls=(FitCall(50, 2, error="ValueError: compile first"),)))
    md = render_markdown(r)
    assert "Pediste 50 épocas, pero la llamada a fit falló." in md and "ValueError: compile first" in md
