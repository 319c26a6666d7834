"""Keras 2 idioms around TensorFlow (ag_keras2_tf, ag_keras2_sklearn), in a process of their own (they patch Keras):
TensorFlow functions as activations take Keras' name, a bare metrics string and a TF1 optimizer compile, and
Keras 2's KerasClassifier cross-validates a build_fn; each with its note."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

INNER = Path(__file__).resolve().parents[2] / "autograder" / "sandbox" / "inner"
pytestmark = pytest.mark.slow

CODE = f"""
import json, sys
sys.path.insert(0, {str(INNER)!r})
import numpy as np
import tensorflow as tf
import keras
import ag_keras2, ag_sites
records = []
ag_keras2.install(ag_sites.Sites({{"<cell 1>": {{"cell": 1}}}}), records, lambda obj: False)
ns = {{}}
exec(compile('''
import numpy as np
import tensorflow as tf
from keras.wrappers.scikit_learn import KerasClassifier
from sklearn.model_selection import cross_val_score
model = tf.keras.Sequential([tf.keras.layers.Input((4,)), tf.keras.layers.Dense(8, activation=tf.nn.relu),
                             tf.keras.layers.Dense(3, activation=tf.nn.softmax)])
model.compile(optimizer=tf.compat.v1.train.MomentumOptimizer(0.05, 0.9, use_nesterov=True),
              loss='sparse_categorical_crossentropy', metrics='accuracy')
def build():
    m = tf.keras.Sequential([tf.keras.layers.Input((4,)), tf.keras.layers.Dense(1, activation='sigmoid')])
    m.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])
    return m
X = np.random.default_rng(0).normal(size=(30, 4)).astype('float32')
y = (X[:, 0] > 0).astype('int32')
scores = cross_val_score(KerasClassifier(build_fn=build, epochs=1, verbose=0), X, y, cv=2)
''', '<cell 1>', 'exec'), ns)
m = ns["model"]
print(json.dumps({{"activations": [l.get_config()["activation"] for l in m.layers],
                  "optimizer": type(m.optimizer).__name__, "momentum": float(m.optimizer.momentum),
                  "nesterov": bool(m.optimizer.nesterov), "metrics": m._compile_config.config["metrics"],
                  "scores": len(ns["scores"]), "notes": [(r["idiom"], r["modern"], r["location"]) for r in records]}}))
"""


def test_tensorflow_idioms_and_the_scikit_learn_wrapper_are_mapped_with_notes():
    proc = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, timeout=300)
    facts = json.loads(proc.stdout.strip().splitlines()[-1])
    assert facts["activations"] == ["relu", "softmax"]
    assert (facts["optimizer"], facts["momentum"], facts["nesterov"]) == ("SGD", 0.9, True)
    assert facts["metrics"] == ["accuracy"] and facts["scores"] == 2
    notes = {idiom: modern for idiom, modern, _ in facts["notes"]}
    assert notes == {"keras.wrappers.scikit_learn": "keras.wrappers.SKLearnClassifier",
                     "activation=tf.nn.relu": "activation='relu'", "activation=tf.nn.softmax": "activation='softmax'",
                     "tf.compat.v1.train.MomentumOptimizer(...)": "keras.optimizers.SGD(...)",
                     "compile(metrics='accuracy')": "compile(metrics=['accuracy'])"}
    assert all(location["cell"] == 1 for _, _, location in facts["notes"])
