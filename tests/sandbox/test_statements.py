"""Statement-level execution data (the runner's ag_statements and ag_errors, no TensorFlow): the names a
failed top-level statement would have bound, and error records as the outside reads them."""
from __future__ import annotations

import ast
import linecache
import sys
from pathlib import Path

import pytest

INNER = Path(__file__).resolve().parents[2] / "autograder" / "sandbox" / "inner"
sys.path.insert(0, str(INNER))

import ag_errors  # noqa: E402
import ag_sites  # noqa: E402
import ag_state  # noqa: E402
from ag_statements import bound_names, statements  # noqa: E402

SITES = ag_sites.Sites({"<cell 3>": {"cell": 3}, "tarea.py": {"file": "tarea.py"}})


def names(source):
    return bound_names(ast.parse(source).body[0])


@pytest.mark.parametrize("source, expected", [
    ("model = Sequential()", ["model"]),
    ("(x_train, y_train), (x_test, y_test) = mnist.load_data()", ["x_train", "y_train", "x_test", "y_test"]),
    ("a = b = f()", ["a", "b"]),
    ("first, *rest = values", ["first", "rest"]),
    ("total += 1", ["total"]),
    ("epochs: int = 50", ["epochs"]),
    ("import seaborn as sns", ["sns"]),
    ("import os.path", ["os"]),
    ("import numpy as np, pandas as pd", ["np", "pd"]),
    ("from keras.layers import Dense, Dropout as Drop", ["Dense", "Drop"]),
    ("from keras.layers import *", []),
    ("def build(units=64):\n    inner = 1\n    return inner", ["build"]),
    ("@register\nclass Net(Model):\n    layer = Dense(1)", ["Net"]),
    ("for i, (x, y) in enumerate(pairs):\n    last = x", ["i", "x", "y", "last"]),
    ("with open('f') as fh, lock:\n    data = fh.read()", ["fh", "data"]),
    ("try:\n    import seaborn as sns\nexcept ImportError as err:\n    sns = None", ["sns", "err"]),
    ("if ready:\n    model = build()\nelse:\n    model = other()", ["model"]),
    ("while (n := next_value()) > 0:\n    count = n", ["n", "count"]),
    ("squares = [k * k for k in range(3)]", ["squares"]),
    ("scorer = lambda z: z + 1", ["scorer"]),
    ("model.fit(X_train, y_train)", []),
    ("data[0] = 1", []),
    ("del old", ["old"]),
])
def test_the_names_a_top_level_statement_would_bind(source, expected):
    assert names(source) == expected


def test_a_cell_splits_into_its_top_level_statements_with_first_lines_and_names():
    source = "import numpy as np\nx = 1\n\ndef f():\n    return 2\n\nmodel = (\n    f())\n"
    parts = statements("<cell 3>", source)
    assert [(line, defines) for line, _, defines in parts] == [(1, ["np"]), (2, ["x"]), (4, ["f"]), (7, ["model"])]
    namespace = {}
    for _, tree, _ in parts:
        exec(compile(tree, "<cell 3>", "exec"), namespace)
    assert namespace["model"] == 2


def test_a_statement_that_parses_but_does_not_compile_fails_alone():
    parts = statements("<cell 3>", "x = 1\nreturn x\ny = 2\n")
    compiled = []
    for _, tree, _ in parts:
        try:
            compiled.append(compile(tree, "<cell 3>", "exec"))
        except SyntaxError:
            compiled.append(None)
    assert [c is not None for c in compiled] == [True, False, True]


def test_a_cell_that_does_not_parse_raises_syntax_error():
    with pytest.raises(SyntaxError):
        statements("<cell 3>", "model = Sequential(\n")


def raise_in(source, filename="<cell 3>"):
    """Run ``source`` as the runner does (its text registered for tracebacks); the exception it raised."""
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = {}
    try:
        exec(compile(source, filename, "exec"), namespace)
    except BaseException as exc:  # noqa: BLE001
        return exc
    raise AssertionError("no exception")


def test_a_name_error_record_carries_frames_defines_and_the_missing_name():
    exc = raise_in("x = 1\nmodel = Sequential([Dense(4)])\n")
    record = ag_errors.error_record(exc, SITES, {"cell": 3, "line": 2}, ["model"])
    assert record == ag_state.new(
        ag_state.Error, type="NameError", message="name 'Sequential' is not defined", location={"cell": 3, "line": 2},
        frames=[{"cell": 3, "line": 2, "name": "<module>", "code": "model = Sequential([Dense(4)])"}],
        defines=["model"], name="Sequential", download=None, cause=None)
    assert "traceback" not in record


def test_frames_keep_only_the_students_own_code_and_name_the_function():
    exc = raise_in("import json\ndef load():\n    return json.loads('{')\nresult = load()\n", "tarea.py")
    record = ag_errors.error_record(exc, SITES, {"file": "tarea.py", "line": 4})
    assert [(f["file"], f["line"], f["name"]) for f in record["frames"]] == [("tarea.py", 4, "<module>"),
                                                                             ("tarea.py", 3, "load")]
    assert record["location"] == {"file": "tarea.py", "line": 3}
    assert record["name"] is None and record["type"] == "JSONDecodeError"


def test_an_unbound_local_names_its_variable():
    exc = raise_in("def f():\n    total += 1\nf()\n")
    assert ag_errors.error_record(exc, SITES, None)["name"] == "total"


def test_a_syntax_error_points_at_the_students_line_with_its_text():
    try:
        compile("x = 1\nmodel = Sequential(\n", "<cell 3>", "exec")
    except SyntaxError as exc:
        record = ag_errors.error_record(exc, SITES, {"cell": 3})
    assert record["location"]["cell"] == 3 and record["location"]["line"] >= 2
    assert record["frames"][-1]["code"].startswith("model = Sequential(")


def test_the_offline_download_refusal_is_recognised_through_chained_exceptions():
    class DatasetUnavailable(ConnectionError):
        def __init__(self):
            super().__init__("mnist.npz cannot be downloaded")
            self.file, self.origin = "mnist.npz", "https://example.org/mnist.npz"

    try:
        try:
            raise DatasetUnavailable()
        except ConnectionError as inner:
            raise RuntimeError("loading failed") from inner
    except RuntimeError as exc:
        record = ag_errors.error_record(exc, SITES, None)
    assert record["download"] == {"file": "mnist.npz", "origin": "https://example.org/mnist.npz"}


def test_an_exception_whose_message_cannot_be_made_still_gives_a_record():
    class Broken(Exception):
        def __str__(self):
            raise ValueError("no")

    record = ag_errors.error_record(Broken(), SITES, {"cell": 3, "line": 1})
    assert record["type"] == "Broken" and "cannot be shown" in record["message"]


def test_a_magic_bodys_line_gets_its_code_from_the_body_when_the_cell_text_lacks_it():
    record = {"frames": [{"cell": 3, "line": 3, "name": "<module>", "code": ""},
                         {"cell": 4, "line": 1, "name": "<module>", "code": ""}]}
    ag_errors.fill_code(record, {"cell": 3}, "\nimport os\nboom = 1 / 0\n")
    assert [f["code"] for f in record["frames"]] == ["boom = 1 / 0", ""]


def test_a_line_magic_that_runs_at_its_cells_line_gives_one_frame_not_two():
    source = "x = 1\ny = undefined_name\n"
    linecache.cache["<cell 3>"] = (len(source), None, source.splitlines(True), "<cell 3>")
    namespace = {"run": lambda: exec(compile("\n" + "y = undefined_name", "<cell 3>", "exec"), {})}
    try:
        exec(compile("x = 1\nrun()\n", "<cell 3>", "exec"), namespace)
    except NameError as exc:
        frames = ag_errors.error_record(exc, SITES, None)["frames"]
    assert [(f["line"], f["code"]) for f in frames] == [(2, "y = undefined_name")]
