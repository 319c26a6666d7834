"""Every label of the reports comes from the catalogs, in both languages: no raw key is ever shown."""
from __future__ import annotations

import re
from dataclasses import replace

import pytest

from autograder.i18n import LANGUAGES
from autograder.render import render_html, render_markdown, render_summary_html, render_summary_markdown

from . import helpers as h

RAW_KEY = re.compile(r"(?<![\w./-])(?:ui|arch|summary|check)\.[a-z_]+(?:\.[a-z_]+)*(?![\w/])")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_rendered_pages_show_no_raw_keys(lang):
    results = [replace(make(), lang=lang) for make in (h.result, h.missing_dropout_result, h.error_result,
                                                       h.crashing_result)]
    pages = [render_markdown(r) for r in results] + [render_html(r) for r in results]
    pages += [render_summary_html(results), render_summary_markdown(results)]
    for page in pages:
        text = re.sub(r"(?s)<style>.*?</style>|<script>.*?</script>", "", page)
        assert RAW_KEY.findall(text) == []


def test_languages_differ():
    es = render_html(h.missing_dropout_result("es"))
    en = render_html(h.missing_dropout_result("en"))
    assert "Arquitectura de tu modelo" in es and "Dropout esperado aquí" in es
    assert "Your model&#39;s architecture" in en and "Dropout expected here" in en
    assert "Arquitectura" not in en and "esperado" not in en
