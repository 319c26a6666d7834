"""The insight skipped for data that does not fit the model: the sandbox sends the facts (shapes) as data and each
report words them in its own language (issue 23: a Spanish report once ended in an English parenthesis)."""
from __future__ import annotations

from dataclasses import replace

import pytest

from autograder.insight import insight_facts, insight_from_dict, insight_to_dict, skipped
from autograder.render import render_html, render_markdown
from tests.bulk.results import graded

FACTS = {"rows": {"why": "rows", "rows": [30], "input": [784]}, "labels": {"why": "labels", "units": 3},
         "mismatch": {"why": "mismatch", "x_rows": 10, "y_rows": 12}, "epochs": {"why": "epochs", "epochs": 4}}
SPANISH = {"rows": "(las filas de los datos tienen la forma (30,), y la entrada del modelo (784,))",
           "labels": "(las etiquetas no son las clases 0 a 2 de las 3 salidas del modelo)",
           "mismatch": "(los datos tienen 10 filas de entradas pero 12 de objetivos)",
           "epochs": "(solo corrieron 4 épocas en el tiempo que tiene)"}
ENGLISH_WORDS = ("the data's rows", "labels outside", "do not fit", "only 4 epochs", "do not match", "rows of inputs")


@pytest.mark.parametrize("why", sorted(FACTS))
def test_each_fact_is_worded_in_the_reports_language(why):
    reason = "timeout" if why == "epochs" else "no_data"
    insight = skipped(reason, why, facts=insight_facts(FACTS[why]))
    es = replace(graded("ana", lang="es"), insight=insight)
    md, html = render_markdown(es), render_html(es)
    assert SPANISH[why] in md and SPANISH[why].replace("'", "&#39;") in html
    assert not [w for w in ENGLISH_WORDS if w in md]
    en = render_markdown(replace(graded("ana", lang="en"), insight=insight))
    assert not [w for w in ("filas", "épocas", "etiquetas") if w in en]


def test_facts_round_trip_through_result_json_and_refuse_what_is_not_a_fact():
    insight = skipped("no_data", "rows", facts=insight_facts(FACTS["rows"]))
    assert insight_to_dict(insight)["facts"] == FACTS["rows"]
    assert insight_from_dict(insight_to_dict(insight)) == insight
    assert insight_facts({"why": "rows", "rows": "the data's rows (30,)", "input": [784]}) == ()
    assert insight_facts({"why": "anything", "text": "an English sentence"}) == ()
