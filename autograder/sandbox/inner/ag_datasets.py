"""Keras' datasets offline: ``keras.utils.get_file`` serves files from the instructor's folder (laid out
like ``~/.keras/datasets``) and refuses at once, with one clear exception, what is not there.

Every attempt is recorded ({"file", "origin", "served", "dataset", "location"}), and so is what each
``keras.datasets.X.load_data()`` returned, in ``LOADED`` (read by the hooks to name a fit's dataset).
"""
from __future__ import annotations

import os
import sys
import urllib.parse

import ag_state

DATASETS = ("mnist", "fashion_mnist", "cifar10", "cifar100", "imdb", "reuters", "boston_housing",
            "california_housing")
MAX_RECORDS = 100
LOADED: list[dict] = []
"""[{"name": "mnist", "train_rows": 60000, "test_rows": 10000}] for each load_data() that returned arrays."""


class DatasetUnavailable(ConnectionError):
    """A download the grader cannot make: no network while grading, and the file is not in the
    instructor's datasets folder."""

    def __init__(self, fname, origin, folder_given):
        self.file = fname
        self.origin = origin
        where = ("the instructor's datasets folder does not have it" if folder_given
                 else "no datasets folder was given to the grader (autograder grade --datasets DIR)")
        super().__init__(f"{fname} cannot be downloaded from {origin}: there is no network access while "
                         f"grading, and {where}.")


class Server:
    """Answers ``get_file`` from ``folder`` (read-only); extracts archives into ``cache`` (writable)."""

    def __init__(self, folder, cache, sites, records):
        self.folder = folder if folder and os.path.isdir(folder) else None
        self.folder_given = bool(folder)
        self.cache = cache
        self.sites = sites
        self.records = records

    def record(self, fname, origin, served):
        if len(self.records) >= MAX_RECORDS:
            return
        self.records.append(ag_state.new(ag_state.Download, file=fname, origin=origin, served=served,
                                         dataset=dataset_in_stack(), location=self.sites.site(sys._getframe(2))))

    def candidates(self, names, cache_subdir):
        """Paths in the instructor's folder where a file may be: under its cache subfolder, or flat."""
        if self.folder is None:
            return []
        subdir = cache_subdir or ""
        if os.path.isabs(subdir):
            subdir = ""
        if subdir == "datasets":
            subdir = ""
        elif subdir.startswith("datasets" + os.sep):
            subdir = subdir[len("datasets" + os.sep):]
        out = []
        for name in names:
            if not name:
                continue
            for base in ([os.path.join(self.folder, subdir)] if subdir else []) + [self.folder]:
                out.append(os.path.join(base, name))
        return out

    def get_file(self, fname=None, origin=None, untar=False, md5_hash=None, file_hash=None,
                 cache_subdir="datasets", hash_algorithm="auto", extract=False, archive_format="auto",
                 cache_dir=None, force_download=False):
        if origin is None:
            raise ValueError('Please specify the "origin" argument (URL of the file to download).')
        fname = os.fspath(fname) if fname else ""
        from_origin = os.path.basename(urllib.parse.urlsplit(origin).path)
        fname = fname or from_origin
        shown = fname or origin
        own = os.path.join(os.path.expanduser(cache_dir), cache_subdir or "") if cache_dir else None
        if extract or untar:
            stem = fname[: fname.find(".")] if "." in fname else fname
            extracted = stem if "." not in fname else f"{stem}_extracted"
            if own and os.path.isdir(os.path.join(own, extracted)):
                self.record(shown, origin, True)
                return os.path.join(own, extracted)
            for path in self.candidates([extracted], cache_subdir):
                if os.path.isdir(path):
                    self.record(shown, origin, True)
                    return path
            legacy = self.keras2_layout(stem, cache_subdir)
            if legacy:
                self.record(shown, origin, True)
                return legacy
            archives = [f"{stem}_archive", fname, from_origin]
            for path in ([os.path.join(own, a) for a in archives] if own else []) + self.candidates(archives,
                                                                                               cache_subdir):
                if os.path.isfile(path):
                    target = os.path.join(self.cache, cache_subdir or "datasets", extracted)
                    from keras.src.utils.file_utils import extract_archive

                    os.makedirs(target, exist_ok=True)
                    extract_archive(path, target, "tar" if untar else archive_format)
                    self.record(shown, origin, True)
                    return target
        else:
            paths = ([os.path.join(own, fname)] if own else []) + self.candidates([fname, from_origin], cache_subdir)
            for path in paths:
                if os.path.isfile(path):
                    self.record(shown, origin, True)
                    return path
        self.record(shown, origin, False)
        raise DatasetUnavailable(shown, origin, self.folder is not None or self.folder_given)

    def keras2_layout(self, stem, cache_subdir):
        """CIFAR as Keras 2 cached it (``cifar-10-batches-py/`` without the ``-target`` folder around it):
        the folder that holds it is what Keras 3's loader wants."""
        if not stem.endswith("-target"):
            return None
        inner = stem[: -len("-target")]
        for path in self.candidates([inner], cache_subdir):
            if os.path.isdir(path):
                return os.path.dirname(path)
        return None


def dataset_in_stack():
    """The Keras dataset module (``mnist`` ...) whose loader is on the stack, or None."""
    frame = sys._getframe(1)
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        if isinstance(name, str) and name.startswith("keras.src.datasets."):
            return name.rpartition(".")[2]
        frame = frame.f_back
    return None


def rows(value):
    try:
        return int(len(value))
    except Exception:
        return None


def wrap_loader(name, load_data):
    def wrapped(*args, **kwargs):
        result = load_data(*args, **kwargs)
        try:
            (x_train, _), (x_test, _) = result
            if len(LOADED) < MAX_RECORDS:
                LOADED.append({"name": name, "train_rows": rows(x_train), "test_rows": rows(x_test)})
        except Exception:
            pass
        return result

    wrapped.__name__ = getattr(load_data, "__name__", "load_data")
    wrapped.__doc__ = getattr(load_data, "__doc__", None)
    wrapped._ag_original = load_data
    return wrapped


def install(folder, cache, sites, records):
    """Patch ``get_file`` everywhere Keras holds it and wrap every dataset's ``load_data``."""
    import importlib

    from keras.src.utils import file_utils

    server = Server(folder, cache, sites, records)
    original = file_utils.get_file

    def get_file(*args, **kwargs):
        return server.get_file(*args, **kwargs)

    get_file.__doc__ = original.__doc__
    file_utils.get_file = get_file
    originals = {}
    for name in DATASETS:
        try:
            module = importlib.import_module(f"keras.src.datasets.{name}")
        except Exception:
            continue
        if getattr(module, "get_file", None) is original:
            module.get_file = get_file
        if hasattr(module, "load_data"):
            originals[module.load_data] = wrap_loader(name, module.load_data)
            module.load_data = originals[module.load_data]
    for module in list(sys.modules.values()):  # keras.utils, keras.datasets.mnist, tf.keras's copies ...
        module_name = getattr(module, "__name__", "")
        if not isinstance(module_name, str) or not module_name.startswith("keras"):
            continue
        try:
            namespace = vars(module)
        except TypeError:
            continue
        if namespace.get("get_file") is original:
            module.get_file = get_file
        loader = namespace.get("load_data")
        if callable(loader) and getattr(loader, "__hash__", None) and loader in originals:
            module.load_data = originals[loader]
    return server
