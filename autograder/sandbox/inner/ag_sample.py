"""A bounded sample of the student's training arrays, for the regularization insight.

Taken in the student's child when ``fit`` receives arrays, saved as two ``.npy`` files in the job's
folder, read back (bounded, no symlinks, regular files only) by the zygote after the child ended and
carried as opaque bytes; only the trainer's sandboxed child parses them, with ``allow_pickle=False``,
after checking the header against the byte count. The grader itself never parses them.
"""
from __future__ import annotations

import base64
import io
import os
import stat

import numpy as np

FOLDER = ".ag_fit"
NUMERIC_KINDS = "biuf"
"""bool, signed and unsigned integers, floats: anything else (objects, strings) is refused."""


def as_array(value):
    """A NumPy view of arrays, tensors, DataFrames and lists of numbers; None for anything else."""
    if value is None or isinstance(value, (dict, str, bytes)):
        return None
    if not hasattr(value, "shape") and not isinstance(value, (list, tuple)):
        return None
    try:
        array = np.asarray(value)
    except Exception:
        return None
    if array.dtype.kind not in NUMERIC_KINDS or array.ndim < 1 or array.shape[0] < 1:
        return None
    return array


def take(x, y, max_rows, max_bytes, seed=0):
    """Up to ``max_rows`` rows of (x, y), fewer when a row is large, chosen at random (sorted);
    None when the data is not a pair of numeric arrays with the same number of rows."""
    xa, ya = as_array(x), as_array(y)
    if xa is None or ya is None or xa.shape[0] != ya.shape[0]:
        return None
    if xa.dtype.kind == "f" and xa.dtype.itemsize > 4:
        xa = xa.astype("float32", copy=False)
    if ya.dtype.kind == "f" and ya.dtype.itemsize > 4:
        ya = ya.astype("float32", copy=False)
    row_bytes = max(1, (xa.nbytes + ya.nbytes) // xa.shape[0])
    rows = min(int(max_rows), xa.shape[0], int(max_bytes) // row_bytes)
    if rows < 2:
        return None
    if rows < xa.shape[0]:
        index = np.sort(np.random.default_rng(seed).choice(xa.shape[0], rows, replace=False))
        xa, ya = xa[index], ya[index]
    return np.ascontiguousarray(xa), np.ascontiguousarray(ya)


def write(folder, model_index, x, y):
    """Save a sample as ``<folder>/.ag_fit/m<index>_x.npy`` and ``_y.npy`` (a later fit replaces it)."""
    target = os.path.join(folder, FOLDER)
    os.makedirs(target, exist_ok=True)
    for part, array in (("x", x), ("y", y)):
        np.save(os.path.join(target, f"m{int(model_index)}_{part}.npy"), array, allow_pickle=False)


def read_bounded(path, max_bytes):
    """A regular file's bytes (no symlink followed, no FIFO opened for long), or None past ``max_bytes``."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > max_bytes:
            return None
        chunks, left = [], max_bytes + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        return data if len(data) <= max_bytes else None
    finally:
        os.close(fd)


def read(folder, indices, max_bytes):
    """The samples the child left for these model indices: {index: {"x": b64, "y": b64}}, bounded."""
    out = {}
    budget = int(max_bytes)
    for index in indices:
        try:
            index = int(index)
        except (TypeError, ValueError):
            continue
        parts = {}
        for part in ("x", "y"):
            data = read_bounded(os.path.join(folder, FOLDER, f"m{index}_{part}.npy"), budget)
            if data is None:
                break
            parts[part] = data
        if len(parts) == 2 and len(parts["x"]) + len(parts["y"]) <= budget:
            out[str(index)] = {part: base64.b64encode(data).decode("ascii") for part, data in parts.items()}
    return out


def load(b64, max_bytes):
    """Parse one ``.npy`` (base64) safely: numeric dtype only, header consistent with the byte count."""
    data = base64.b64decode(b64, validate=True)
    if len(data) > max_bytes:
        raise ValueError("sample too large")
    stream = io.BytesIO(data)
    version = np.lib.format.read_magic(stream)
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(stream)
    elif version in ((2, 0), (3, 0)):
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(stream)
    else:
        raise ValueError(f"unsupported .npy version {version}")
    if dtype.hasobject or dtype.kind not in NUMERIC_KINDS or dtype.fields is not None:
        raise ValueError(f"refused dtype {dtype}")
    count = 1
    for dim in shape:
        count *= int(dim)
    if count * dtype.itemsize != len(data) - stream.tell():
        raise ValueError("the header does not match the data")
    stream.seek(0)
    return np.load(stream, allow_pickle=False)


def to_npy_b64(array):
    """An array as base64 ``.npy`` bytes (the assignment's data travels the same way as a sample)."""
    stream = io.BytesIO()
    np.save(stream, np.asarray(array), allow_pickle=False)
    return base64.b64encode(stream.getvalue()).decode("ascii")
