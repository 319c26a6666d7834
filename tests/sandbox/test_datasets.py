"""Keras' datasets offline (the runner's ag_datasets, without TensorFlow): ``get_file`` is answered from
the instructor's folder laid out like ``~/.keras/datasets``, or refused at once with one clear exception;
every attempt is recorded, and what ``load_data()`` returned is counted in LOADED."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

INNER = Path(__file__).resolve().parents[2] / "autograder" / "sandbox" / "inner"
sys.path.insert(0, str(INNER))

import ag_datasets  # noqa: E402
import ag_sites  # noqa: E402

MNIST = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
FASHION = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "datasets"
    (root / "fashion-mnist").mkdir(parents=True)
    (root / "mnist.npz").write_bytes(b"npz")
    (root / "fashion-mnist" / "train-labels-idx1-ubyte.gz").write_bytes(b"gz")
    (root / "imdb_word_index.json").write_text("{}")
    return root


def server(tmp_path, folder):
    records = []
    sites = ag_sites.Sites({"<cell 2>": {"cell": 2}})
    return ag_datasets.Server(str(folder) if folder else None, str(tmp_path / "cache"), sites, records), records


def call_from_cell(func, *args, **kwargs):
    """Call ``func`` from code compiled as the student's cell 2, line 1."""
    namespace = {"func": func, "args": args, "kwargs": kwargs}
    exec(compile("result = func(*args, **kwargs)", "<cell 2>", "exec"), namespace)
    return namespace["result"]


def test_a_file_in_the_folder_is_served_from_it_and_recorded(tmp_path, folder):
    srv, records = server(tmp_path, folder)
    path = call_from_cell(srv.get_file, fname="mnist.npz", origin=MNIST, file_hash="731c5ac6")
    assert path == str(folder / "mnist.npz")
    assert records == [{"file": "mnist.npz", "origin": MNIST, "served": True, "dataset": None,
                        "location": {"cell": 2, "line": 1}}]


def test_a_file_under_its_cache_subfolder_is_served_and_so_is_one_put_flat(tmp_path, folder):
    srv, _ = server(tmp_path, folder)
    labels = srv.get_file("train-labels-idx1-ubyte.gz", origin=FASHION + "train-labels-idx1-ubyte.gz",
                          cache_subdir="datasets/fashion-mnist")
    assert labels == str(folder / "fashion-mnist" / "train-labels-idx1-ubyte.gz")
    index = srv.get_file(origin=FASHION + "imdb_word_index.json")  # name taken from the origin
    assert index == str(folder / "imdb_word_index.json")


def test_a_file_the_folder_lacks_is_refused_at_once_with_a_connection_error_naming_file_and_origin(tmp_path, folder):
    srv, records = server(tmp_path, folder)
    with pytest.raises(ConnectionError) as caught:
        call_from_cell(srv.get_file, "cifar-10-batches-py-target", origin="https://example.org/cifar-10-python.tar.gz",
                       extract=True)
    exc = caught.value
    assert isinstance(exc, ag_datasets.DatasetUnavailable)
    assert exc.file == "cifar-10-batches-py-target" and exc.origin == "https://example.org/cifar-10-python.tar.gz"
    assert "no network access while grading" in str(exc) and "does not have it" in str(exc)
    assert records[-1]["served"] is False and records[-1]["location"] == {"cell": 2, "line": 1}


def test_without_a_folder_the_refusal_says_how_to_give_one(tmp_path):
    srv, records = server(tmp_path, None)
    with pytest.raises(ag_datasets.DatasetUnavailable, match=r"--datasets DIR"):
        srv.get_file("mnist.npz", origin=MNIST)
    assert records[0]["file"] == "mnist.npz" and records[0]["served"] is False


def test_a_file_already_in_the_students_own_cache_dir_is_used(tmp_path, folder):
    own = tmp_path / "mine"
    (own / "datasets").mkdir(parents=True)
    (own / "datasets" / "reuters.npz").write_bytes(b"mine")
    srv, records = server(tmp_path, folder)
    assert srv.get_file("reuters.npz", origin="https://x/reuters.npz", cache_dir=str(own)) == str(
        own / "datasets" / "reuters.npz")
    assert records[0]["served"] is True


def test_an_extracted_folder_in_the_datasets_folder_is_served_as_is(tmp_path, folder):
    (folder / "cifar-10-batches-py-target" / "cifar-10-batches-py").mkdir(parents=True)
    srv, _ = server(tmp_path, folder)
    assert srv.get_file("cifar-10-batches-py-target", origin="https://x/cifar-10-python.tar.gz",
                        extract=True) == str(folder / "cifar-10-batches-py-target")


def test_cifar_cached_the_keras_2_way_is_served_through_its_parent_folder(tmp_path, folder):
    (folder / "cifar-10-batches-py").mkdir()
    srv, _ = server(tmp_path, folder)
    assert srv.get_file("cifar-10-batches-py-target", origin="https://x/cifar-10-python.tar.gz",
                        extract=True) == str(folder)


def test_a_loader_that_returned_arrays_is_counted_by_name_and_rows():
    del ag_datasets.LOADED[:]
    loader = ag_datasets.wrap_loader("mnist", lambda: ((list(range(60)), [0] * 60), (list(range(10)), [0] * 10)))
    (x_train, _), _ = loader()
    assert len(x_train) == 60
    assert ag_datasets.LOADED == [{"name": "mnist", "train_rows": 60, "test_rows": 10}]
    del ag_datasets.LOADED[:]
