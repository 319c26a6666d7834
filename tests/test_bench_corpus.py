"""bench/bulk.py's classes are what issue 24's figures are measured on: its --own-data notebooks must run
and must each train on data of their own (or the figure measures something else)."""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import bulk  # noqa: E402


def test_own_data_notebooks_make_data_of_their_own(tmp_path):
    kinds = bulk.build_corpus(3, tmp_path / "corpus", tmp_path / "baseline", tmp_path / "unused.npz",
                              distinct=True, own_data=True)
    assert len(kinds) == 3
    shapes = []
    for name in ("student-01.ipynb", "student-02.ipynb", "student-03.ipynb"):
        handed_in = nbformat.read(str(tmp_path / "corpus" / name), as_version=4)
        executed = nbformat.read(str(tmp_path / "baseline" / name), as_version=4)
        # nbconvert runs what the student handed in: no data cell of the grader's in front of it
        assert [c.source for c in executed.cells] == [c.source for c in handed_in.cells]
        first = next(c.source for c in handed_in.cells if c.cell_type == "code")
        namespace: dict = {}
        exec(compile(first, name, "exec"), namespace)
        x_train, y_train, x_test = namespace["X_train"], namespace["y_train"], namespace["X_test"]
        assert namespace["input_dim"] == x_train.shape[1] == x_test.shape[1]
        assert len(x_train) == len(y_train) > len(x_test) > 0
        assert set(map(float, y_train)) == {0.0, 1.0}
        shapes.append(x_train.shape)
    assert len(set(shapes)) == 3, shapes


def test_distinct_class_gives_every_notebook_its_own_first_layer(tmp_path):
    bulk.build_corpus(4, tmp_path / "corpus", tmp_path / "baseline", tmp_path / "unused.npz", distinct=True)
    firsts = []
    for path in sorted((tmp_path / "corpus").glob("*.ipynb")):
        code = "\n".join(c.source for c in nbformat.read(str(path), as_version=4).cells if c.cell_type == "code")
        firsts.append(bulk.re.search(r"Dense\((\d+)", code).group(1))
    assert len(set(firsts)) == 4, firsts
