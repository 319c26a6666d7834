"""Normalization: what a renamer or a reformatter can change does not count; what the Keras code is, does."""
from __future__ import annotations

from autograder.similarity.normalize import imported_names

from .helpers import doc, texts

MODEL = """from tensorflow.keras.layers import Dense, Dropout
from tensorflow.keras.regularizers import l2
model = Sequential()
model.add(Dense(64, activation='relu', kernel_regularizer=l2(0.01)))
model.add(Dropout(0.5))
history = model.fit(X_train, y_train, epochs=50)
"""


def test_renaming_variables_changes_no_token():
    renamed = MODEL.replace("model", "red").replace("history", "registro").replace("X_train", "xs")
    assert texts(doc("a", MODEL)) == texts(doc("b", renamed))


def test_comments_blank_lines_and_layout_are_dropped():
    noisy = "# mi modelo\n\n" + MODEL.replace("model.add(Dropout(0.5))", "model.add(  Dropout( 0.5 ) )  # apaga la mitad\n\n")
    assert texts(doc("a", MODEL)) == texts(doc("b", noisy))


def test_literals_become_L_but_keep_their_text():
    tokens = doc("a", "from keras.layers import Dense\nx = Dense(64, activation='relu')\n").tokens[6:]
    assert [t.text for t in tokens] == ["N", "=", "Dense", "(", "L", ",", "activation", "=", "L", ")"]
    assert [t.literal for t in tokens if t.text == "L"] == ["64", "'relu'"]


def test_imported_attribute_keyword_and_builtin_names_are_kept():
    got = texts(doc("a", "import numpy as np\nvalues = np.zeros(3)\nprint(len(values), sep=' ')\n"))
    assert got == ["import", "numpy", "as", "np", "N", "=", "np", ".", "zeros", "(", "L", ")",
                   "print", "(", "len", "(", "N", ")", ",", "sep", "=", "L", ")"]


def test_an_assignment_is_not_a_keyword_argument():
    assert texts(doc("a", "units = 3\nf(units=units)\n")) == ["N", "=", "L", "N", "(", "units", "=", "N", ")"]


def test_names_imported_in_one_cell_are_kept_in_all_cells():
    got = texts(doc("a", "from keras import layers", "x = layers.Dense(2)"))
    assert "layers" in got[5:] and got[4] == "N"


def test_broken_code_keeps_what_tokenizes_and_never_raises():
    got = texts(doc("a", "x = 1\ny = 'unterminated\nz = (", "ok = 2\n"))
    assert got[:3] == ["N", "=", "L"] and got[-3:] == ["N", "=", "L"]


def test_positions_point_at_the_cell_and_line():
    d = doc("a", "x = 1", "\n\ny = f(2)")
    assert {(t.cell, t.line) for t in d.tokens} == {(1, 1), (2, 3)}
    assert [(line.cell, line.line, line.text) for line in d.lines][-1] == (2, 3, "y = f(2)")


def test_imported_names_of_statements_only():
    assert imported_names(["import numpy as np", "from a.b import C, D as E\nx = importlib", "if y:\n    import os"]) \
        == {"numpy", "np", "a", "b", "C", "D", "E", "os"}
