"""Fuzzing the loader: random and mutated notebooks and scripts never crash it, and what it returns is
well-formed (cells of text, or a LoadError). Bounded: a few hundred examples, well under a minute."""
from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograder.loading import load_submission, read_notebook, read_script
from autograder.types import LoadError, SourceCell

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow],
                derandomize=True)
NOTEBOOK_FUZZ = settings(FUZZ, max_examples=60)  # each goes through nbformat's schema validation

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=30)

cell_sources = st.one_of(
    st.text(max_size=200),
    st.lists(st.text(max_size=40), max_size=6),
    st.sampled_from(["%%time\nx = 1\n", "!pip install x\n%matplotlib inline\n", "def f(:\n", "x = '\x00'\n",
                     "\ufeffprint(1)\n", "\u202eimport os\n", "(" * 200 + ")" * 200, "[" * 5000]),
    json_values,
)
cells = st.lists(st.fixed_dictionaries({"cell_type": st.sampled_from(["code", "markdown", "raw", 7, None]),
                                        "source": cell_sources},
                                       optional={"metadata": json_values, "outputs": json_values,
                                                 "id": st.text(max_size=70), "execution_count": json_values}),
                 max_size=6)
notebooks = st.fixed_dictionaries({"cells": cells | json_values},
                                  optional={"nbformat": st.sampled_from([4, 3, 5, "4", None, -1]),
                                            "nbformat_minor": st.sampled_from([0, 5, 99, "x"]),
                                            "metadata": json_values, "worksheets": json_values})


def well_formed(result) -> None:
    found, *rest = result
    error = rest[-1]
    assert error is None or isinstance(error, LoadError)
    assert isinstance(found, tuple) and all(isinstance(c, SourceCell) and isinstance(c.source, str) for c in found)


def encode(text: str, how: str) -> bytes:
    if how == "utf-8":
        return text.encode("utf-8", "surrogatepass")
    if how == "bom":
        return b"\xef\xbb\xbf" + text.encode("utf-8", "surrogatepass")
    return text.encode(how, "replace")


@NOTEBOOK_FUZZ
@given(notebooks, st.sampled_from(["utf-8", "bom", "utf-16", "latin-1"]))
def test_mutated_notebooks(notebook, how):
    well_formed(read_notebook(encode(json.dumps(notebook), how)))


@NOTEBOOK_FUZZ
@given(json_values)
def test_valid_json_of_the_wrong_shape(value):
    well_formed(read_notebook(json.dumps(value).encode()))


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes_as_notebook_and_script(data):
    well_formed(read_notebook(data))
    well_formed(read_script(data, "s.py"))


@FUZZ
@given(st.text(max_size=300), st.sampled_from(["utf-8", "bom", "utf-16", "latin-1"]))
def test_random_scripts(text, how):
    well_formed(read_script(encode(text, how), "s.py"))


def test_huge_and_deeply_nested_cells(tmp_path):
    deep = {"cells": [{"cell_type": "code", "source": "x = 1"}]}
    value: object = deep
    for _ in range(2000):
        value = [value]
    nested = '{"cells": ' + "[" * 100_000 + "]" * 100_000 + "}"
    huge_cell = {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                 "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                            "id": "a", "source": "x = 1\n" * 50_000 + "y = (" * 300 + ")" * 300}]}
    cases = {"deep.ipynb": json.dumps({"cells": [], "metadata": {"x": None}}).replace("null", nested[10:-1]),
             "nested.ipynb": nested, "huge.ipynb": json.dumps(huge_cell),
             "nul.ipynb": json.dumps(huge_cell).replace("x = 1", "x = \\u0000"), "nul.py": "x = 1\x00\n"}
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        sub = load_submission(path)
        assert sub.load_error is None or isinstance(sub.load_error, LoadError), name
        assert all(isinstance(c.source, str) for c in sub.cells)
