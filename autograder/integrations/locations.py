"""Where a check that did not pass points in the student's files: the line that made the offending layer.

Two steps, both plain data: ``blame`` picks the SourceLocation (cell and line inside the cell, or line of
a script) from the GradeResult's ModelSpec, re-running the check's pure function to learn which layer
it objected to; ``locate`` turns it into a path and a line of the submitted file. For a notebook the
line is the one of the raw ``.ipynb`` file (JSON) that holds that code line, which is where GitHub puts
an annotation on the file and its diff.
"""
from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from json.decoder import scanstring
from pathlib import Path
from typing import Any, Callable, Sequence

from autograder.checks import plan, run_one
from autograder.checks.base import CheckSpec, Evidence
from autograder.checks.architecture import hidden_dense, output_dense
from autograder.types import CheckResult, GradeResult, SourceLocation

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


@dataclass(frozen=True)
class FileLocation:
    """A place in a file of the repository, as annotations and test reports name it."""

    path: str
    """Path of the submitted file, relative to the repository (or working) folder, with ``/``."""
    line: int | None = None
    """1-based line of that file, or None when only the file is known."""
    cell: int | None = None
    """For a notebook: the cell (1-based, as Jupyter counts them)."""
    cell_line: int | None = None
    """For a notebook: the line inside the cell."""


def _first_located(layers) -> SourceLocation | None:
    return next((layer.created_at for layer in layers if layer.created_at is not None), None)


def _declared(check: CheckResult, rules: Sequence[CheckSpec]) -> CheckSpec | None:
    """The check as the assignment declares it (``rules``), else as its result recorded it."""
    found = next((spec for spec in rules or () if spec.id == check.id), None)
    if found is None and check.kind:
        found = CheckSpec(id=check.id, kind=check.kind, points=check.max_points, params=dict(check.rules))
    return found


def blame(check: CheckResult, result: GradeResult, rules: Sequence[CheckSpec]) -> SourceLocation | None:
    """The student's line that a non-passing check is about, or None when nothing points anywhere.

    ``rules`` are the assignment's checks (``Assignment.rules``); the check's kind decides where to look."""
    spec = result.model
    if spec is None:
        # The student's own errors first; an environment's (or a follower) only when there is nothing else.
        ranked = sorted(result.student_errors, key=lambda e: e.environment is not None or e.follows_from is not None)
        located = [e.location for e in ranked if e.location is not None]
        return located[0] if located else None
    declared = _declared(check, rules)
    kind = declared.kind if declared is not None else check.id
    if kind in ("compiled", "trains"):
        # The compile call; when there is none, the end of the model's definition (compile goes after it).
        site = spec.compile.location if spec.compile else None
        return site or _first_located(reversed(spec.layers))
    if declared is not None and kind != "model_built":
        try:
            params = run_one(plan([declared])[0], Evidence(model=spec)).params
        except Exception:  # the check crashed when grading too; fall back to the model's first layer
            params = {}
        for key in ("dropout_where", "where"):
            if isinstance(params.get(key), SourceLocation):
                return params[key]
    if kind == "hidden_dense":
        hidden = hidden_dense(spec)
        expected = int(declared.params.get("count", 2))
        extra = [u.layer for u in hidden[expected:]]
        return _first_located(extra) or _first_located(spec.layers)
    if kind == "output_layer":
        use = output_dense(spec)
        return (use.layer.created_at if use else None) or _first_located(reversed(spec.layers))
    return _first_located(spec.layers)


# -- notebooks: cell and line -> line of the .ipynb file ------------------------------------------------

def _walk(text: str, pos: int, path: tuple, found: Callable[[tuple, int, str], None]) -> int:
    """Parse one JSON value at ``pos``, reporting every string with its path and offset; returns the end."""
    pos = _WS.match(text, pos).end()
    char = text[pos]
    if char == '"':
        value, end = scanstring(text, pos + 1)
        found(path, pos, value)
        return end
    if char in "[{":
        closing = "]" if char == "[" else "}"
        pos = _WS.match(text, pos + 1).end()
        index = 0
        while text[pos] != closing:
            if index:
                if text[pos] != ",":
                    raise ValueError(f"expected ',' at offset {pos}")
                pos = _WS.match(text, pos + 1).end()
            key: Any = index
            if char == "{":
                key, pos = scanstring(text, pos + 1)
                pos = _WS.match(text, pos).end()
                if text[pos] != ":":
                    raise ValueError(f"expected ':' at offset {pos}")
                pos += 1
            pos = _WS.match(text, _walk(text, pos, path + (key,), found)).end()
            index += 1
        return pos + 1
    _, end = _DECODER.raw_decode(text, pos)
    return end


def notebook_line_map(text: str) -> dict[tuple[int, int], int]:
    """``{(cell, line in cell): line of the .ipynb file}`` for every code line of an nbformat-4 notebook.

    Works on the text as written (any indentation, sources as a string or a list of lines); an
    unparsable file gives an empty map.
    """
    pieces: dict[int, list[tuple[int, str]]] = {}

    def found(path: tuple, offset: int, value: str) -> None:
        if len(path) >= 3 and path[0] == "cells" and path[2] == "source" and isinstance(path[1], int):
            pieces.setdefault(path[1] + 1, []).append((offset, value))

    try:
        _walk(text, 0, (), found)
    except (ValueError, IndexError):
        return {}
    newlines = [i for i, ch in enumerate(text) if ch == "\n"]
    mapping: dict[tuple[int, int], int] = {}
    for cell, parts in pieces.items():
        line_in_cell = 1
        at_line_start = True
        for offset, value in parts:
            file_line = bisect.bisect_left(newlines, offset) + 1
            # A JSON string never spans file lines, so every code line that starts in it is on file_line.
            for i, ch in enumerate(value):
                if at_line_start:
                    mapping.setdefault((cell, line_in_cell), file_line)
                    at_line_start = False
                if ch == "\n":
                    line_in_cell += 1
                    at_line_start = True
    return mapping


# -- paths ------------------------------------------------------------------------------------------------

def submitted_file(result: GradeResult) -> Path:
    """The notebook or script that was graded (inside the folder for a folder submission)."""
    source = Path(result.source)
    if not result.filename or source.name == result.filename:
        return source
    is_folder = source.is_dir() if source.exists() else source.suffix not in (".ipynb", ".py")
    return source / result.filename if is_folder else source


def repo_relative(path: Path, root: Path | None) -> str:
    """``path`` relative to ``root`` (the repository) when it lies inside it, with ``/`` separators."""
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except (OSError, ValueError):
            pass
    text = path.as_posix()
    return text[2:] if text.startswith("./") else text


def locate(loc: SourceLocation | None, result: GradeResult, root: Path | None = None,
           line_maps: dict[Path, dict] | None = None) -> FileLocation:
    """A SourceLocation made concrete: the submitted file's repository path and the line in it.

    ``line_maps`` caches each notebook's map between calls.
    """
    file = submitted_file(result)
    path = repo_relative(file, root)
    if loc is None or loc.line is None:
        return FileLocation(path=path, cell=loc.cell if loc else None)
    if loc.cell is None:
        return FileLocation(path=path, line=loc.line)
    cache = line_maps if line_maps is not None else {}
    if file not in cache:
        try:
            cache[file] = notebook_line_map(file.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError):
            cache[file] = {}
    return FileLocation(path=path, line=cache[file].get((loc.cell, loc.line)), cell=loc.cell, cell_line=loc.line)
