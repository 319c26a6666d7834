"""similarity.html / .md / .json: both scores, clusters, side-by-side views, student text escaped, no script."""
from __future__ import annotations

import json
import re

import pytest

from autograder.render.similarity_view import (SCHEMA, render_similarity_html, render_similarity_markdown,
                                               similarity_view, write_similarity_outputs)
from autograder.similarity.analysis import analyze

from .helpers import doc
from .test_analysis import OWN_A, OWN_B, REFERENCE

HOSTILE = "print('<script>alert(1)</script>')  # </td></tr><img src=x onerror=alert(2)>\n"


@pytest.fixture(scope="module")
def report():
    docs = [doc("ana", OWN_A, HOSTILE), doc("beto", OWN_A.replace("perm ", "p "), HOSTILE), doc("<b>carla</b>", OWN_A),
            doc("dora", OWN_B), doc("pub", REFERENCE)]
    return analyze(docs, {}, [], doc("reference", REFERENCE))


def test_view_has_pairs_clusters_and_published(report):
    view = similarity_view(report, "es")
    assert [(p["a"], p["b"]) for p in view["pairs"]][:1] == [("ana", "beto")]
    assert all(p["code"] >= 50 for p in view["pairs"]) and {"jaccard", "arch"} <= set(view["pairs"][0])
    assert [c["size"] for c in view["clusters"]] == [3]
    assert [m["id"] for m in view["published"]] == ["pub"]
    left = view["pairs"][0]["left"]
    assert [b["title"] for b in left] == ["Celda 1", "Celda 2"]
    assert any(line["shared"] for block in left for line in block["lines"])


def test_html_escapes_student_text_and_loads_nothing(report):
    page = render_similarity_html(report, "es")
    assert "<script" not in page and "onerror=alert" not in page.replace("onerror=alert(2)&gt;", "")
    assert "&lt;script&gt;" in page and "&lt;b&gt;carla&lt;/b&gt;" in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    anchors = re.findall(r'<details class="pair" id="(pair-\d+)"', page)
    assert anchors and all(f'href="#{a}"' in page for a in anchors)
    assert page.count('class="shared"') >= 2


def test_markdown_has_no_raw_html_from_students(report):
    text = render_similarity_markdown(report, "en")
    assert "<script" not in text and "<b>carla" not in text
    assert "# Similarity between submissions" in text and "| # | Pair | Code | Jaccard | Architecture |" in text


def test_json_has_every_submission_and_pair(report, tmp_path):
    write_similarity_outputs(report, tmp_path, "es", "test")
    data = json.loads((tmp_path / "similarity.json").read_text(encoding="utf-8"))
    assert data["schema"] == SCHEMA
    assert {s["id"] for s in data["submissions"]} == {"ana", "beto", "<b>carla</b>", "dora", "pub"}
    assert {(p["a"], p["b"]) for p in data["pairs"]} == {(p.a, p.b) for p in report.pairs}
    assert next(s for s in data["submissions"] if s["id"] == "pub")["published"]["flagged"] is True
    assert sorted(p.name for p in tmp_path.iterdir()) == ["similarity.html", "similarity.json", "similarity.md"]


def test_english_page_is_english(report):
    page = render_similarity_html(report, "en")
    assert "Most similar pairs" in page and "Parejas" not in page
