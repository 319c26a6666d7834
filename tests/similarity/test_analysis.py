"""The class-level step: pairs through the index, clusters, architecture identity, the published flag."""
from __future__ import annotations

import re
from dataclasses import replace

import pytest

from autograder.assignment import load_assignment
from autograder.similarity.analysis import analyze, clusters_of
from autograder.similarity.architecture import architecture, same_architecture
from autograder.similarity.index import common_limit, shared_counts
from autograder.similarity.run import class_similarity, settings_from
from autograder.similarity.types import Fingerprints, Pair, SimilaritySettings
from autograder.types import CompileSpec, LayerSpec, ModelSpec, RegularizerSpec

from .helpers import doc, submission

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]
REFERENCE = (ROOT / "solutions" / "reference.py").read_text()

OWN_A = """import numpy as np
from sklearn.datasets import make_classification
X, y = make_classification(n_samples=500, n_features=input_dim, random_state=0)
perm = np.random.RandomState(0).permutation(len(X))
X, y = X[perm], y[perm]
cut = int(0.8 * len(X))
X_train, X_test, y_train, y_test = X[:cut], X[cut:], y[:cut], y[cut:]
for name, part in (('train', y_train), ('test', y_test)):
    print(name, part.mean().round(3), len(part))
"""
OWN_B = """import matplotlib.pyplot as plt
fig, axes = plt.subplots(1, 2, figsize=(10, 4))
for ax, key in zip(axes, ['loss', 'accuracy']):
    ax.plot(history.history[key], label='train')
    ax.plot(history.history['val_' + key], label='validation')
    ax.set_title(key)
    ax.legend()
plt.tight_layout()
plt.show()
"""


def test_a_renamed_copy_pairs_and_an_unrelated_submission_does_not():
    copy = re.sub(r"(?<![.\w])perm\b", "order", re.sub(r"(?<![.\w])cut\b", "split", OWN_A)).replace("name,", "label,")
    docs = [doc("ana", OWN_A, REFERENCE), doc("copia", copy, REFERENCE), doc("otro", OWN_B)]
    report = analyze(docs, {}, [], doc("reference", REFERENCE))
    assert [(p.a, p.b, p.code) for p in report.pairs] == [("ana", "copia", 1.0)]
    assert report.pairs[0].shared_lines_a and report.pairs[0].shared_lines_b
    assert report.clusters == ()


def test_the_published_solution_is_no_evidence_between_two_students():
    docs = [doc("a", REFERENCE), doc("b", REFERENCE.replace("model", "m"))]
    report = analyze(docs, {}, [], doc("reference", REFERENCE))
    assert report.pairs == ()
    assert [s.compared for s in report.submissions] == [False, False]
    assert [m.flagged for m in report.published] == [True, True]


def test_without_the_reference_the_same_two_are_a_pair():
    docs = [doc("a", REFERENCE, OWN_B), doc("b", REFERENCE.replace("model", "m"), OWN_B)]
    assert [(p.a, p.b) for p in analyze(docs, {}, [], None).pairs] == [("a", "b")]


def test_the_starter_code_does_not_count():
    docs = [doc("a", OWN_B, "x = 1"), doc("b", OWN_B, "y = 2")]
    report = analyze(docs, {}, [doc("starter", OWN_B)], None)
    assert report.pairs == () and not any(s.compared for s in report.submissions)


def test_a_short_submission_inside_a_long_one_is_not_a_near_copy():
    short = "\n".join(OWN_B.splitlines()[:4]) + "\n"
    docs = [doc("short", short), doc("long", OWN_A, short)]
    settings = SimilaritySettings()
    size = next(s.fingerprints for s in analyze(docs, {}, [], None, settings).submissions if s.id == "short")
    assert settings.min_fingerprints <= size < settings.size_floor
    high = analyze(docs, {}, [], None, replace(settings, size_floor=1)).pairs
    assert [p.code for p in high] == [1.0]
    assert analyze(docs, {}, [], None, replace(settings, threshold=0.95)).pairs == ()


def test_only_submissions_sharing_a_fingerprint_are_counted():
    prints = [Fingerprints("a", frozenset({1, 2, 3})), Fingerprints("b", frozenset({3, 4})),
              Fingerprints("c", frozenset({5}))]
    pairs, common = shared_counts(prints, limit=10)
    assert dict(pairs) == {(0, 1): 1} and not common


def test_fingerprints_everybody_has_are_skipped_and_counted():
    prints = [Fingerprints(str(i), frozenset({7, i + 100})) for i in range(5)]
    pairs, common = shared_counts(prints, limit=3)
    assert not pairs and dict(common) == {i: 1 for i in range(5)}
    assert common_limit(30, 0.2, 10) == 10 and common_limit(500, 0.2, 10) == 100


def pair(a: str, b: str, code: float) -> Pair:
    return Pair(a=a, b=b, code=code, jaccard=code, shared=1, same_architecture=None)


def test_clusters_are_connected_groups_of_three_or_more():
    pairs = [pair("a", "b", 0.9), pair("b", "c", 0.7), pair("d", "e", 0.8), pair("f", "g", 0.6), pair("g", "h", 0.6),
             pair("h", "i", 0.55)]
    found = clusters_of(pairs)
    assert [(c.members, c.pairs, c.min_code, c.max_code) for c in found] == [
        (("f", "g", "h", "i"), 3, 0.55, 0.6), (("a", "b", "c"), 2, 0.7, 0.9)]


def dense(units, activation, l2=None) -> LayerSpec:
    return LayerSpec("Dense", f"dense_{units}", units=units, activation=activation,
                     kernel_regularizer=RegularizerSpec("L2", l2=l2) if l2 else None)


def model(*layers, optimizer="Adam", loss="binary_crossentropy", kind="sequential") -> ModelSpec:
    return ModelSpec(kind=kind, class_name="Sequential", name="m", selected_by="fit", layers=tuple(layers),
                     compile=CompileSpec(optimizer=optimizer, loss=loss))


def test_architecture_identity_ignores_names_input_layers_and_the_api_used():
    seq = model(LayerSpec("InputLayer", "in"), dense(64, "relu", 0.01), LayerSpec("Dropout", "d", rate=0.5),
                dense(1, "sigmoid"))
    functional = replace(model(dense(64, "relu", 0.01), LayerSpec("Dropout", "x", rate=0.5), dense(1, "sigmoid")),
                         kind="functional", class_name="Functional")
    assert architecture(seq).layers == ("Dense(64, relu, l2=0.01)", "Dropout(0.5)", "Dense(1, sigmoid)")
    assert same_architecture(architecture(seq), architecture(functional)) is True
    other_rate = model(dense(64, "relu", 0.01), LayerSpec("Dropout", "d", rate=0.4), dense(1, "sigmoid"))
    other_loss = replace(seq, compile=CompileSpec(optimizer="Adam", loss="mse"))
    assert same_architecture(architecture(seq), architecture(other_rate)) is False
    assert same_architecture(architecture(seq), architecture(other_loss)) is False
    assert same_architecture(architecture(seq), architecture(None)) is None
    assert "Adam" in architecture(seq).text


def test_pairs_carry_architecture_identity_from_the_models():
    docs = [doc("a", OWN_A), doc("b", OWN_A)]
    same = model(dense(8, "relu", 0.1), dense(1, "sigmoid"))
    report = analyze(docs, {"a": same, "b": same}, [], None)
    assert report.pairs[0].same_architecture is True
    report = analyze(docs, {"a": same, "b": model(dense(9, "relu", 0.1), dense(1, "sigmoid"))}, [], None)
    assert report.pairs[0].same_architecture is False


def test_the_assignment_section_and_its_published_solution():
    assignment = load_assignment()
    section = assignment.similarity
    assert section["published_solution"].strip() == REFERENCE.strip()
    assert settings_from(section) == SimilaritySettings()  # the toml states the defaults
    with pytest.raises(ValueError):
        settings_from({"threshold": "high"})
    with pytest.raises(ValueError):
        settings_from({"k": 1})


def test_class_similarity_reads_the_starter_and_skips_unreadable_submissions():
    from autograder.types import LoadError

    assignment = load_assignment()
    broken = replace(submission("rota", "x = 1"), cells=(), load_error=LoadError("corrupt_notebook"))
    report = class_similarity([submission("a", REFERENCE), broken], [], assignment.folder, assignment.similarity)
    assert [s.id for s in report.submissions] == ["a"]
    assert report.published[0].flagged and report.published[0].closeness == 1.0


def test_a_huge_submission_is_read_up_to_max_chars():
    from autograder.similarity.analysis import submission_doc

    huge = submission("enorme", "x = 1\n" * 50_000, "y = 2\n")
    d = submission_doc(huge, max_chars=600)
    assert len(d.lines) == 100 and {line.cell for line in d.lines} == {1}
