"""A class folder as instructors have it, every layout at once (see README, "One student, one row").

Layouts modelled on public material (found with the search tool; the code below is our own):
- Coursera / DeepLearning.AI lab folders: a notebook beside ``utils.py``, ``lab_utils_common.py``,
  ``public_tests.py`` and ``deeplearning.mplstyle`` that the helpers load with ``plt.style.use('./deeplearning.mplstyle')``
  (e.g. duybaohuynhtan/Machine-Learning-Specialization, zhangxijing97/MachineLearning).
- GitHub Classroom: ``gh classroom clone student-repos`` writes ``<assignment>-submissions/<assignment>-<username>/``
  git clones (with ``.github/`` and the starter's ``tests/``); the roster ``classroom_roster.csv`` has
  ``identifier, github_username, github_id, name`` (shanep/ghclass, github/gh-classroom, a public gist checking
  out submissions by that roster).
- A class repository's ``students/<name>/<exercise>/``, section folders, loose files, unzipped hand-ins.
"""
from __future__ import annotations

import json
from pathlib import Path

REFERENCE = (Path(__file__).resolve().parents[2] / "solutions" / "reference.py").read_text(encoding="utf-8")

HELPERS = '''"""Modelo y datos de la tarea (lo importa main.py)."""
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import StandardScaler
from tensorflow import keras
from tensorflow.keras import layers, regularizers


def load_data():
    data = load_breast_cancer()
    return StandardScaler().fit_transform(data.data).astype("float32"), data.target.astype("float32")


def build(n_features, units=64, l2=0.01, rate=0.5):
    model = keras.Sequential([
        keras.Input(shape=(n_features,)),
        layers.Dense(units, activation="relu", kernel_regularizer=regularizers.l2(l2)),
        layers.Dropout(rate),
        layers.Dense(units, activation="relu", kernel_regularizer=regularizers.l2(l2)),
        layers.Dropout(rate),
        layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model
'''

MAIN = '''"""Entrena el modelo de helpers.py."""
from helpers import build, load_data


def main():
    X, y = load_data()
    model = build(X.shape[1])
    history = model.fit(X, y, epochs=50, validation_split=0.2, verbose=0)
    print("val_loss:", history.history["val_loss"][-1])


if __name__ == "__main__":
    main()
'''

LAB_UTILS_COMMON = '''"""Shared plotting helpers of the lab (style and colours)."""
import matplotlib.pyplot as plt

plt.style.use("./deeplearning.mplstyle")
dlc = dict(dlblue="#0096ff", dlorange="#FF9300", dldarkred="#C00000", dlmagenta="#FF40FF")


def plot_history(history):
    fig, ax = plt.subplots()
    ax.plot(history.history["loss"], color=dlc["dlblue"], label="train")
    ax.plot(history.history.get("val_loss", []), color=dlc["dlorange"], label="val")
    ax.legend()
    return fig
'''

UTILS = '''"""Data for the lab."""
import numpy as np
from sklearn.datasets import load_breast_cancer

__all__ = ["load_dataset", "np"]


def load_dataset():
    data = load_breast_cancer()
    x = (data.data - data.data.mean(axis=0)) / data.data.std(axis=0)
    return x.astype("float32"), data.target.astype("float32")
'''

PUBLIC_TESTS = '''"""Checks the lab runs on the student's model."""


def test_model(target):
    dense = [layer for layer in target.layers if type(layer).__name__ == "Dense"]
    assert len(dense) == 3, f"expected 3 Dense layers, found {len(dense)}"
    print("\\033[92mAll tests passed!")
'''

MPLSTYLE = "axes.titlesize : 12\naxes.labelsize : 10\nlines.linewidth : 2\nfigure.figsize : 6, 4\n"

LAB_CELLS = [
    "import numpy as np\nimport matplotlib.pyplot as plt\nfrom utils import *\n"
    "from lab_utils_common import dlc, plot_history\nfrom public_tests import test_model\n"
    "import tensorflow as tf\nfrom tensorflow.keras import Sequential\n"
    "from tensorflow.keras.layers import Dense, Dropout\nfrom tensorflow.keras.regularizers import l2\n"
    "%matplotlib inline",
    "X_tr, y_tr = load_dataset()\nprint(X_tr.shape)",
    "# UNQ_C1\n# GRADED CELL: build_model\ndef build_model(n):\n    model = Sequential([\n"
    "        Dense(64, activation='relu', kernel_regularizer=l2(0.01), input_shape=(n,)),\n        Dropout(0.5),\n"
    "        Dense(64, activation='relu', kernel_regularizer=l2(0.01)),\n        Dropout(0.5),\n"
    "        Dense(1, activation='sigmoid'),\n    ])\n"
    "    model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])\n    return model",
    "model = build_model(X_tr.shape[1])\ntest_model(model)",
    "history = model.fit(X_tr, y_tr, epochs=40, validation_split=0.2)\nplot_history(history)",
]

SRC_MODEL = '''from tensorflow import keras

from .config import L2, RATE, UNITS


def build_model(n_features):
    model = keras.Sequential([keras.Input(shape=(n_features,))])
    for _ in range(2):
        model.add(keras.layers.Dense(UNITS, activation="relu", kernel_regularizer=keras.regularizers.L2(L2)))
        model.add(keras.layers.Dropout(RATE))
    model.add(keras.layers.Dense(1, activation="sigmoid"))
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy", metrics=["accuracy"])
    return model
'''

SRC_DATA = '''import numpy as np


def split(X, y, share=0.2, seed=0):
    order = np.random.default_rng(seed).permutation(len(X))
    cut = int(len(X) * (1 - share))
    return X[order[:cut]], y[order[:cut]], X[order[cut:]], y[order[cut:]]
'''

SRC_TRAIN = '''import sys

from src.data import split
from src.model import build_model

X_tr, y_tr, X_val, y_val = split(X_train, y_train)
model = build_model(X_tr.shape[1])
model.fit(X_tr, y_tr, epochs=30, validation_data=(X_val, y_val), batch_size=32)
print(model.evaluate(X_test, y_test), file=sys.stderr)
'''

DRAFT = "from tensorflow.keras import Sequential\nfrom tensorflow.keras.layers import Dense\n" \
        "model = Sequential([Dense(8, input_shape=(input_dim,)), Dense(1)])\n# TODO: regularizar\n"

MODEL_UTILS = '''from tensorflow.keras import Sequential
from tensorflow.keras.layers import Dense, Dropout
from tensorflow.keras.regularizers import l2


def make_model(input_dim):
    model = Sequential([
        Dense(64, activation="relu", kernel_regularizer=l2(0.01), input_shape=(input_dim,)),
        Dropout(0.5),
        Dense(64, activation="relu", kernel_regularizer=l2(0.01)),
        Dropout(0.5),
        Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model
'''

HEAVY_CNN = '''"""CIFAR-10 style CNN with a large fully connected head (two Dense(4096) layers), L2 and Dropout."""
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers, regularizers

rng = np.random.default_rng(0)
X = rng.random((96, 32, 32, 3), dtype=np.float32)
y = keras.utils.to_categorical(rng.integers(0, 10, 96), 10)

model = keras.Sequential([
    keras.Input(shape=(32, 32, 3)),
    layers.Conv2D(32, 3, padding="same", activation="relu"),
    layers.MaxPooling2D(),
    layers.Conv2D(64, 3, padding="same", activation="relu"),
    layers.MaxPooling2D(),
    layers.Flatten(),
    layers.Dense(4096, activation="relu", kernel_regularizer=regularizers.l2(1e-4)),
    layers.Dropout(0.5),
    layers.Dense(4096, activation="relu", kernel_regularizer=regularizers.l2(1e-4)),
    layers.Dropout(0.5),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(X, y, epochs=30, batch_size=32, validation_split=0.2)
'''
"""A legitimate but heavy model: a CIFAR-10 style CNN whose head has two Dense(4096) layers (~34 M weights),
on a small random sample of its own (cheap to run, yet its weights make the grader's training costly)."""

CLASSROOM_TEST = "import subprocess\n\n\ndef test_runs():\n    subprocess.run(['python', 'tarea.py'], check=True)\n"
ROSTER = ("identifier,github_username,github_id,name\n"
          "ines.ruiz@uni.es,inesr,1001,Inés Ruiz\n"
          "juan.castro@uni.es,juan-c,1002,Juan Castro\n"
          "c@uni.es,c,1003,Carolina C\n"
          "pablo@uni.es,,,Pablo Sin Cuenta\n")

STUDENTS = ("ana", "beto", "nora", "carla", "diego", "elena", "fer", "gabi", "hugo", "l2-dropout-inesr",
            "l2-dropout-juan-c", "kim", "leo", "mia")
"""Every student of the class, as the rows' ids: one row each."""
CORRECT = STUDENTS[:-1]
"""Every correct solution (split or not); ``mia`` handed in no code."""
ENTRIES = {"carla": "main.py", "diego": "C2_W1_Lab_Regularizacion.ipynb", "elena": "train.py",
           "fer": "final.ipynb", "l2-dropout-inesr": "notebook.ipynb", "l2-dropout-juan-c": "tarea.py",
           "kim": "main.py", "leo": "tarea.ipynb", "gabi": "tarea.ipynb", "hugo": "tarea.py"}


def notebook(*cells: str) -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
                       "cells": [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": None,
                                  "outputs": [], "source": cell} for i, cell in enumerate(cells)]}, ensure_ascii=False)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def build_class(root: Path) -> Path:
    """Write the class under ``root`` (and ``root/classroom_roster.csv`` beside it); returns the class folder."""
    clase = root / "clase"
    write(clase / "ana.ipynb", notebook("# Tarea L2 + Dropout", REFERENCE))                 # loose files
    write(clase / "beto.py", REFERENCE)
    write(clase / "nora.py", HEAVY_CNN)                                                       # ~34 M weights
    write(clase / "carla" / "main.py", MAIN)                                                  # split script
    write(clase / "carla" / "helpers.py", HELPERS)
    lab = clase / "diego"                                                                     # a Coursera-like lab
    write(lab / "C2_W1_Lab_Regularizacion.ipynb", notebook(*LAB_CELLS))
    write(lab / "utils.py", UTILS)
    write(lab / "lab_utils_common.py", LAB_UTILS_COMMON)
    write(lab / "public_tests.py", PUBLIC_TESTS)
    write(lab / "deeplearning.mplstyle", MPLSTYLE)
    write(clase / "elena" / "train.py", SRC_TRAIN)                                            # a src/ package
    write(clase / "elena" / "src" / "__init__.py", "")
    write(clase / "elena" / "src" / "model.py", SRC_MODEL)
    write(clase / "elena" / "src" / "data.py", SRC_DATA)
    write(clase / "elena" / "src" / "config.py", "UNITS = 64\nL2 = 0.01\nRATE = 0.5\n")
    write(clase / "elena" / "requirements.txt", "tensorflow\nnumpy\n")
    write(clase / "fer" / "draft.ipynb", notebook(DRAFT))                                     # two notebooks
    write(clase / "fer" / "final.ipynb", notebook(REFERENCE))
    write(clase / "seccion-b" / "gabi" / "tarea.ipynb", notebook(REFERENCE))                  # a section folder
    write(clase / "seccion-b" / "hugo" / "tarea.py", REFERENCE)
    repos = clase / "l2-dropout-submissions"                                                  # GitHub Classroom
    for user in ("inesr", "juan-c"):
        repo = repos / f"l2-dropout-{user}"
        write(repo / ".git" / "HEAD", "ref: refs/heads/main\n")
        write(repo / ".github" / "workflows" / "classroom.yml", "name: Autograding Tests\non: [push]\n")
        write(repo / "README.md", "# L2 + Dropout\n")
        write(repo / "tests" / "test_tarea.py", CLASSROOM_TEST)
    write(repos / "l2-dropout-inesr" / "notebook.ipynb",
          notebook("from model_utils import make_model", "model = make_model(input_dim)",
                   "model.fit(X_train, y_train, epochs=20, validation_split=0.2)"))
    write(repos / "l2-dropout-inesr" / "model_utils.py", MODEL_UTILS)
    write(repos / "l2-dropout-juan-c" / "tarea.py", REFERENCE)
    write(clase / "students" / "kim" / "l2-dropout" / "main.py", MAIN)                        # students/<name>/<exercise>/
    write(clase / "students" / "kim" / "l2-dropout" / "helpers.py", HELPERS)
    write(clase / "students" / "kim" / "early-stopping" / "es.py", "print('otro ejercicio')\n")
    write(clase / "students" / "leo" / "l2-dropout" / "tarea.ipynb", notebook(REFERENCE))
    (clase / "mia").mkdir(parents=True)                                                       # no code
    (clase / "mia" / "informe.pdf").write_bytes(b"%PDF-1.4 not code\n")
    write(clase / "data" / "compartido.csv", "x,y\n1,0\n")                                     # shared material
    write(root / "classroom_roster.csv", ROSTER)
    return clase
