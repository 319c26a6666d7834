"""The cross-check on plain data: honest shapes are never flagged, forged claims are (milliseconds each)."""
from __future__ import annotations

from dataclasses import replace

import pytest

from autograder.crosscheck import cross_check, instructor_sentence
from autograder.loading import neutralise_magics
from autograder.types import (
    CompileSpec,
    FitCall,
    LayerSpec,
    ModelSpec,
    RegularizerSpec,
    ReportMismatch,
    SourceCell,
    SourceLocation,
    Submission,
)

L2 = RegularizerSpec("L2", l2=0.01)


def script(source: str, files=()) -> Submission:
    return Submission(id="s", source="s.py", kind="script", sha256="", filename="s.py",
                      cells=(SourceCell(0, neutralise_magics(source), source),), files=tuple(files))


def notebook(*cells: str) -> Submission:
    return Submission(id="n", source="n.ipynb", kind="notebook", sha256="", filename="n.ipynb",
                      cells=tuple(SourceCell(i, neutralise_magics(c), c) for i, c in enumerate(cells, start=1)))


def at(line, cell=None, file="s.py"):
    return SourceLocation(cell=cell, line=line, file=None if cell is not None else file)


def dense(line, units=64, activation="relu", reg=L2, cell=None, name="dense"):
    return LayerSpec("Dense", name, units=units, activation=activation, kernel_regularizer=reg,
                     created_at=at(line, cell))


def dropout(line, rate=0.5, cell=None):
    return LayerSpec("Dropout", "dropout", rate=rate, created_at=at(line, cell))


def spec(*layers, compile_at=None, fit_at=(), kind="sequential", selected_by="fit"):
    fits = tuple(replace(FitCall(epochs_requested=5, epochs_run=2), location=loc) for loc in fit_at)
    comp = CompileSpec(optimizer="Adam", loss="binary_crossentropy", location=compile_at) if compile_at else None
    return ModelSpec(kind=kind, class_name="Sequential", name="m", selected_by=selected_by, layers=tuple(layers),
                     compile=comp, fit_calls=fits)


REFERENCE = """import tensorflow as tf
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense, Dropout
from tensorflow.keras.regularizers import l2

model = Sequential([
    Dense(64, activation='relu', kernel_regularizer=l2(0.01), input_shape=(input_dim,)),
    Dropout(0.5),
    Dense(64, activation='relu', kernel_regularizer=l2(0.01)),
    Dropout(0.5),
    Dense(1, activation='sigmoid')
])
model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])
model.fit(X_train, y_train, epochs=50, validation_split=0.2)
"""


def reference_spec(**changes):
    layers = [dense(7), dropout(8), dense(9), dropout(10), dense(11, units=1, activation="sigmoid", reg=None)]
    for index, layer in changes.pop("layers", {}).items():
        layers[index] = layer
    return spec(*layers, compile_at=at(13), fit_at=(at(14),), **changes)


def test_the_reference_as_reported_is_accepted():
    assert cross_check(script(REFERENCE), reference_spec()) is None


# -- forged claims --------------------------------------------------------------------------------------
@pytest.mark.parametrize("forged, reason, field", [
    ({0: dense(9, units=32)}, "argument", "units"),  # a real Dense line, another unit count
    ({4: dense(11, units=1, activation="relu", reg=None)}, "argument", "activation"),
    ({1: dropout(8, rate=0.2)}, "argument", "rate"),
    ({4: dense(11, units=1, activation="sigmoid", reg=L2)}, "argument", "kernel_regularizer"),
    ({0: dense(7, reg=None)}, "argument", "kernel_regularizer"),
    ({0: dense(7, reg=RegularizerSpec("L2", l2=0.5))}, "argument", "kernel_regularizer.l2"),
    ({0: dense(7, reg=RegularizerSpec("L1L2", l1=0.01, l2=0.01))}, "argument", "kernel_regularizer.l1"),
    ({1: dropout(7)}, "not_constructed", ""),  # a Dropout said to be made on a Dense line
    ({1: dropout(13)}, "not_constructed", ""),  # ... on the compile line
    ({1: dropout(5)}, "not_constructed", ""),  # ... on a blank line
    ({1: dropout(1)}, "not_constructed", ""),  # ... on an import
    ({1: dropout(99)}, "no_code", ""),  # ... past the end of the code
    ({1: dropout(3, cell=7)}, "no_code", ""),  # ... in a notebook cell of a script
    ({1: replace(dropout(8), created_at=None)}, "no_site", ""),
])
def test_a_forged_layer_is_caught(forged, reason, field):
    found = cross_check(script(REFERENCE), reference_spec(layers=forged))
    assert found is not None and found.reason == reason and found.field == field


def test_forged_compile_and_fit_sites_are_caught():
    sub = script(REFERENCE)
    wrong = replace(reference_spec(), compile=CompileSpec("Adam", "binary_crossentropy", location=at(9)))
    assert cross_check(sub, wrong).reason == "compile_site"
    assert cross_check(sub, spec(*reference_spec().layers, compile_at=at(13), fit_at=(at(12),))).reason == "fit_site"
    assert cross_check(sub, spec(*reference_spec().layers, compile_at=at(13), fit_at=(at(2),))).reason == "fit_site"
    assert cross_check(sub, spec(*reference_spec().layers, compile_at=at(13), fit_at=(at(1, cell=3),))).reason \
        == "fit_site"


def test_a_call_with_no_student_frame_has_no_site_and_is_not_compared():
    """``threading.Thread(target=model.fit)``: no student frame on the stack, so no site is recorded."""
    sub = script(REFERENCE)
    assert cross_check(sub, replace(reference_spec(), compile=CompileSpec("Adam", "binary_crossentropy"))) is None
    assert cross_check(sub, spec(*reference_spec().layers, compile_at=at(13), fit_at=(None,))) is None


def test_the_fit_site_is_read_from_the_raw_state_when_the_spec_lacks_it():
    sub = script(REFERENCE)
    bare = replace(reference_spec(), fit_calls=(FitCall(5, 2),))
    state = {"events": [["fit", 0]], "models": {"0": {"fits": [{"site": {"file": "s.py", "line": 14}}]}}}
    assert cross_check(sub, bare, state) is None
    state["models"]["0"]["fits"][0]["site"]["line"] = 2
    assert cross_check(sub, bare, state).reason == "fit_site"


def test_the_instructor_sentence_names_the_layer_the_place_and_both_values():
    found = cross_check(script(REFERENCE), reference_spec(layers={0: dense(9, units=32, name="dense_7")}))
    text = instructor_sentence(found, "es")
    assert "dense_7" in text and "línea 9" in text and "32" in text and "64" in text
    assert "line 9" in instructor_sentence(found, "en")
    for reason in ("no_site", "no_code", "not_constructed", "argument", "compile_site", "fit_site"):  # every sentence
        for lang in ("es", "en"):
            assert "{" not in instructor_sentence(ReportMismatch(reason, where=at(3)), lang)


# -- honest shapes ------------------------------------------------------------------------------------
def test_values_from_names_are_not_compared():
    src = "from tensorflow.keras.layers import Dense\nU = 64\nA = 'relu'\nm.add(Dense(U, activation=A))\n"
    assert cross_check(script(src), spec(dense(4, units=7, activation="tanh", reg=None),
                                         selected_by="construct")) is None


def test_kwargs_and_star_args_hide_what_is_absent():
    src = "from keras.layers import Dense\np = dict(activation='relu')\nx = Dense(64, **p)\ny = Dense(*[64, 'relu'])\n"
    assert cross_check(script(src), spec(dense(3), dense(4), selected_by="construct")) is None


def test_positional_arguments_are_read_in_keras_order():
    src = "from keras.layers import Dense\nfrom keras.regularizers import l2\nd = Dense(64, 'relu', True, 'glorot_uniform', 'zeros', l2(0.01))\n"
    assert cross_check(script(src), spec(dense(3), selected_by="construct")) is None
    assert cross_check(script(src), spec(dense(3, activation="tanh"), selected_by="construct")).field == "activation"


@pytest.mark.parametrize("src", [
    "import tensorflow as tf\nd = tf.keras.layers.Dense(64, activation='relu', kernel_regularizer=tf.keras.regularizers.l2(0.01))\n",
    "from tensorflow.keras import layers as L, regularizers as R\nd = L.Dense(64, activation='relu', kernel_regularizer=R.L2(l2=0.01))\n",
    "from keras.layers.core import Dense as FC\nfrom keras.regularizers import l2 as ridge\nd = FC(64, activation='relu', kernel_regularizer=ridge(l=0.01))\n",
    "import keras\nD = keras.layers.Dense\nd = D(64, activation='relu', kernel_regularizer='l2')\n",
    "from tensorflow.keras.layers import *\nfrom tensorflow.keras.regularizers import *\nd = Dense(64, activation='relu', kernel_regularizer=l2(0.01))\n",
    "from functools import partial\nfrom keras import layers\nRD = partial(layers.Dense, kernel_regularizer=None)\nd = RD(64, activation='relu')\n",
    "def make(n):\n    return 0\nd = make(64)\n",  # a helper: whatever it builds
    "import mylib\nd = mylib.block(64)\n",  # a library
    "code = 'x'\nd = exec(code)\n",  # unseen code
    "import tensorflow as tf\nd = tf.keras.layers.Dense(64, activation='relu')\nd.kernel_regularizer = tf.keras.regularizers.l2(0.01)\n",
    "import tensorflow as tf\nd = tf.keras.layers.Dense(64, activation='relu')\nsetattr(d, 'kernel_' + 'regularizer', 1)\n",
    "from keras.layers import Dense as D\nd = D(64, activation='relu', kernel_regularizer=reg)\n",
])
def test_honest_ways_of_writing_one_dense_layer(src):
    line = next(n for n, text in enumerate(src.splitlines(), start=1) if text.startswith("d = "))
    assert cross_check(script(src), spec(dense(line), selected_by="construct")) is None


def test_a_layer_built_in_a_loop_or_comprehension_points_at_the_loop_line():
    src = ("from tensorflow.keras import layers\nm = []\nfor u in (64, 64):\n"
           "    m.append(layers.Dense(u, activation='relu', kernel_regularizer=R.l2(lam)))\n"
           "h = [layers.Dropout(r) for r in (0.5, 0.3)]\n")
    assert cross_check(script(src), spec(dense(4), dense(4), dropout(5), dropout(5, rate=0.3),
                                         selected_by="construct")) is None


def test_a_multi_line_call_is_matched_over_its_whole_span():
    src = "from keras.layers import Dense\nx = (Dense\n     (\n  64,\n  activation='relu'))\n"
    for line in (2, 3, 4, 5):
        assert cross_check(script(src), spec(dense(line, reg=None), selected_by="construct")) is None
    assert cross_check(script(src), spec(dense(4, units=8, reg=None), selected_by="construct")).field == "units"


def test_time_cell_magic_lines_are_the_cell_lines():
    cell = "%%time\nfrom keras.layers import Dense, Dropout\nd = Dense(64, activation='relu')\nr = Dropout(0.5)\n"
    sub = notebook("import keras", cell)
    assert cross_check(sub, spec(dense(3, cell=2, reg=None), dropout(4, cell=2), selected_by="construct")) is None
    found = cross_check(sub, spec(dropout(3, cell=2), selected_by="construct"))
    assert found is not None and found.reason == "not_constructed"


def test_a_line_magic_is_opaque():
    sub = notebook("import keras", "%time model.fit(X_train, y_train)")
    assert cross_check(sub, spec(dense(1, cell=2), compile_at=at(1, cell=2), fit_at=(at(1, cell=2),))) is None


def test_keras_aliases_and_subclasses():
    src = ("from keras.layers import Convolution2D, Dense\nc = Convolution2D(8, 3)\n"
           "class MyDense(Dense):\n    pass\nd = MyDense(64)\n")
    conv = LayerSpec("Conv2D", "c", created_at=at(2))
    mine = LayerSpec("MyDense", "d", builtin=False, units=3, created_at=at(5))
    assert cross_check(script(src), spec(conv, mine, selected_by="construct")) is None


def test_layers_made_by_keras_or_a_library_on_a_student_line():
    src = ("import keras\nbase = keras.applications.MobileNetV2(weights=None)\n"
           "model = keras.models.clone_model(base)\nx = keras.layers.add([a, b])\n")
    layers = (LayerSpec("Conv2D", "c", created_at=at(2)), LayerSpec("Dense", "d", created_at=at(3)),
              LayerSpec("Add", "a", created_at=at(4)), LayerSpec("InputLayer", "i", created_at=at(2)))
    assert cross_check(script(src), spec(*layers, selected_by="construct")) is None


def test_a_module_of_the_folder_and_a_file_written_at_run_time():
    helper = ("helpers.py", b"from keras.layers import Dropout\ndef block():\n    return Dropout(0.5)\n")
    sub = script("import helpers\nd = helpers.block()\n", files=[helper])
    assert cross_check(sub, spec(LayerSpec("Dropout", "x", rate=0.5, created_at=at(3, file="helpers.py")),
                                 selected_by="construct")) is None
    forged = LayerSpec("Dropout", "x", rate=0.1, created_at=at(3, file="helpers.py"))
    assert cross_check(sub, spec(forged, selected_by="construct")).field == "rate"
    unseen = LayerSpec("Dropout", "x", rate=0.1, created_at=at(3, file="written_by_the_notebook.py"))
    assert cross_check(sub, spec(unseen, selected_by="construct")) is None


def test_a_subclassed_model_may_have_layers_without_a_site():
    lazy = LayerSpec("Dense", "d", units=4, created_at=None)
    assert cross_check(script("import keras\n"), spec(lazy, kind="subclassed", selected_by="construct")) is None


def test_unparseable_or_missing_code_is_never_flagged():
    assert cross_check(script("this is not python (\n"), spec(dense(1), selected_by="construct")) is None
    assert cross_check(Submission(id="e", source="", kind="script", sha256=""), spec(dense(1))) is None
    assert cross_check(script(REFERENCE), None) is None
