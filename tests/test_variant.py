"""The README's "Write your own exercise": its TOML block, as printed there, is a valid assignment, and grading
against it (real CLI, real TensorFlow, one run) judges three hidden layers with L1, not the l2-dropout rules."""
from __future__ import annotations

import csv
import re
import shutil

import pytest

from tests.conftest import ROOT, read_results, run_cli

BLOCK = re.compile(r"<!-- variant:start -->\n```toml\n(.*?)```\n<!-- variant:end -->", re.S)
HEAD = """import tensorflow as tf
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense
from tensorflow.keras.regularizers import {fn}

"""
# Written like the contract's reference solution (solutions/reference.py), with the variant's layers.
THREE_L1 = HEAD.format(fn="l1") + """model = Sequential([
    Dense(64, activation='relu', kernel_regularizer=l1(0.001), input_shape=(input_dim,)),
    Dense(64, activation='relu', kernel_regularizer=l1(0.001)),
    Dense(32, activation='relu', kernel_regularizer=l1(0.001)),
    Dense(1, activation='sigmoid')
])
model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])
model.fit(X_train, y_train, epochs=50, validation_split=0.2)
"""
THREE_L2 = THREE_L1.replace("l1", "l2")


def readme_variant() -> str:
    found = BLOCK.search((ROOT / "README.md").read_text(encoding="utf-8"))
    assert found, "README.md lost its variant block"
    return found.group(1)


def test_the_readme_variant_is_short_and_valid(tmp_path):
    text = readme_variant()
    assert len(text.strip("\n").splitlines()) < 30
    folder = tmp_path / "l1-three"
    folder.mkdir()
    (folder / "assignment.toml").write_text(text, encoding="utf-8")
    shutil.copy(ROOT / "assignments" / "l2-dropout" / "data.npz", folder)
    proc = run_cli("assignments", str(folder))
    assert proc.returncode == 0, proc.stderr
    assert "l1-three  Tres capas ocultas con regularización L1  (10 points, 5 checks, lang es)" in proc.stdout
    assert re.search(r"^  l1_regularization +kernel_regularizer +3  kinds=l1 min_factor=0$", proc.stdout, re.M)


@pytest.mark.slow
def test_grading_against_the_readme_variant(tmp_path):
    folder = tmp_path / "l1-three"
    folder.mkdir()
    (folder / "assignment.toml").write_text(readme_variant(), encoding="utf-8")
    shutil.copy(ROOT / "assignments" / "l2-dropout" / "data.npz", folder)
    subs = tmp_path / "entregas"
    subs.mkdir()
    (subs / "tres_l1.py").write_text(THREE_L1, encoding="utf-8")
    (subs / "tres_l2.py").write_text(THREE_L2, encoding="utf-8")
    shutil.copy(ROOT / "solutions" / "reference.py", subs / "referencia_l2.py")
    out = tmp_path / "out"
    proc = run_cli("grade", str(subs), "--assignment", str(folder), "--out", str(out), "--jobs", "1",
                   "--no-similarity")
    assert proc.returncode == 1, proc.stdout[-2000:] + proc.stderr[-2000:]
    results = read_results(out)
    verdicts = {sid: {c["id"]: c["status"] for c in r["checks"]} for sid, r in results.items()}
    ids = ["model_built", "hidden_layers", "l1_regularization", "compiled", "trains"]
    assert verdicts["tres_l1"] == dict.fromkeys(ids, "pass") and results["tres_l1"]["score"] == 10.0
    assert verdicts["tres_l2"] == dict(dict.fromkeys(ids, "pass"), l1_regularization="fail")
    assert verdicts["referencia_l2"] == dict(dict.fromkeys(ids, "pass"), hidden_layers="fail",
                                             l1_regularization="fail")
    checks = {c["id"]: c for c in results["referencia_l2"]["checks"]}
    assert checks["hidden_layers"]["message"].startswith("Se esperaban 3 capas ocultas Dense y se encontraron 2")
    assert "kernel_regularizer=l1(0.001)" in checks["hidden_layers"]["hint"]
    assert "usa solo regularización L2 (l2=0.01); se pedía L1." in checks["l1_regularization"]["message"]
    assert "from tensorflow.keras.regularizers import l1" in checks["l1_regularization"]["hint"]
    rules = {c["id"]: c for c in results["referencia_l2"]["check_rules"]}
    assert rules["hidden_layers"]["title"] == "Tres capas ocultas" and rules["hidden_layers"]["rules"]["count"] == 3
    assert results["referencia_l2"]["max_score"] == 10
    with open(out / "grades.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["id", "score", "max_score", "status", *ids, "auto_score", "review"]
    assert {r["id"]: r["score"] for r in rows} == {"tres_l1": "10", "tres_l2": "7", "referencia_l2": "4"}
    report = (out / "referencia_l2" / "report.md").read_text(encoding="utf-8")
    assert "Regularización L1" in report and "Tres capas ocultas" in report and "Dos capas ocultas" not in report
