"""Find submissions on disk and read them into Submission values (no student code runs here).

Notebooks are read with nbformat; IPython magics and shell lines in notebooks and scripts are
turned into calls of ``get_ipython()``, which the sandbox answers harmlessly.
"""
from __future__ import annotations

import ast
import hashlib
import json
import warnings
from pathlib import Path

import nbformat

from autograder.types import LoadError, SourceCell, Submission

CODE_SUFFIXES = (".ipynb", ".py")
MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_FOLDER_BYTES = 200 * 1024 * 1024
MAX_FOLDER_FILES = 500
SKIP_DIRS = {".ipynb_checkpoints", "__pycache__", ".git", "__MACOSX", ".venv", "venv", "node_modules"}


def neutralise_magics(source: str) -> str:
    """Turn ``%magic``, ``%%cell magic`` and ``!shell`` lines into plain ``get_ipython()`` calls."""
    if not any(mark in source for mark in ("%", "!", "?")):
        return source
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        return TransformerManager().transform_cell(source)
    except Exception:
        lines = []
        for line in source.splitlines():
            stripped = line.lstrip()
            if stripped.startswith(("%", "!")):
                line = line[: len(line) - len(stripped)] + "pass  # " + stripped
            lines.append(line)
        return "\n".join(lines) + "\n"


def _decode_text(data: bytes) -> str | None:
    if b"\x00" in data:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def has_code(source: str) -> bool:
    """True when ``source`` holds at least one statement (blank lines and comments alone are no code).

    Code that does not parse counts as code: running it reports the student's syntax error.
    """
    try:
        return bool(ast.parse(source).body)
    except (SyntaxError, ValueError):
        return True


def read_notebook(data: bytes) -> tuple[tuple[SourceCell, ...], list[str], LoadError | None]:
    """Code cells of a notebook (any nbformat version nbformat can upgrade to 4).

    An empty file, or a notebook whose code cells hold no statement, gives no cells and no error: the
    contract grades it (there is no model). Only what cannot be read is a LoadError.
    """
    text = _decode_text(data)
    if text is None:
        return (), [], LoadError("binary_file", "")
    if not text.strip():
        return (), [], None
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError) as exc:  # RecursionError: nesting deeper than the parser allows
        return (), [], LoadError("corrupt_notebook", f"JSON: {str(exc)[:200]}")
    if not isinstance(raw, dict) or "cells" not in raw and "worksheets" not in raw:
        return (), [], LoadError("corrupt_notebook", "no 'cells'")
    notes: list[str] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            notebook = nbformat.reads(text, as_version=4)
    except Exception as exc:  # nbformat raises several kinds for broken structure
        return (), [], LoadError("corrupt_notebook", f"nbformat: {str(exc)[:300]}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # missing cell ids: normalize() below adds them
            _, notebook = nbformat.validator.normalize(notebook)
            notebook = nbformat.from_dict(notebook)
            nbformat.validate(notebook)
    except nbformat.ValidationError as exc:
        # Colab and old editors write slightly off-schema notebooks; their code is still readable.
        notes.append(f"notebook_invalid:{str(exc).splitlines()[0][:200]}")
    cells = []
    for number, cell in enumerate(notebook.get("cells", []), start=1):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(source)
        if not isinstance(source, str):
            continue
        cells.append(SourceCell(index=number, source=neutralise_magics(source), original=source))
    if not any(has_code(cell.source) for cell in cells):
        return (), notes, None
    return tuple(cells), notes, None


def read_script(data: bytes, filename: str) -> tuple[tuple[SourceCell, ...], LoadError | None]:
    """The script as one code unit; no units (and no error) when it holds no statement."""
    text = _decode_text(data)
    if text is None:
        return (), LoadError("binary_file", "")
    if not text.strip():
        return (), None
    source = neutralise_magics(text)
    try:
        if not ast.parse(source, filename=filename).body:
            return (), None
    except SyntaxError as exc:
        return (), LoadError("syntax_error",
                             f"{filename}:{exc.lineno}: {exc.msg}")
    except ValueError as exc:
        return (), LoadError("binary_file", str(exc))
    return (SourceCell(index=0, source=source, original=text),), None


def _folder_files(folder: Path) -> list[Path]:
    found = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part in SKIP_DIRS or part.startswith(".") for part in rel.parts):
            continue
        if path.is_file() and not path.is_symlink():
            found.append(path)
    return found


def choose_entry(files: list[Path], folder: Path) -> tuple[Path | None, list[str]]:
    """The file to grade in a folder: a notebook before a script, the top-most, then by name."""
    notes = []
    candidates = [f for f in files if f.suffix == ".ipynb"] or [f for f in files if f.suffix == ".py"]
    if not candidates:
        return None, notes
    candidates.sort(key=lambda f: (len(f.relative_to(folder).parts), f.name.lower()))
    # Scripts beside the graded notebook are named too: the student should know which file counted.
    others = [f for f in files if f.suffix in CODE_SUFFIXES and f != candidates[0]]
    others.sort(key=lambda f: (f.suffix != candidates[0].suffix, len(f.relative_to(folder).parts), f.name.lower()))
    if others:
        notes.append("chosen_file:" + str(candidates[0].relative_to(folder)) + ":" +
                     ",".join(str(c.relative_to(folder)) for c in others[:5]))
    return candidates[0], notes


def load_submission(path: Path, sub_id: str | None = None) -> Submission:
    """Read a notebook, a script or a folder holding one of them. Never raises for bad input."""
    shown = str(path)
    if path.is_symlink():
        return Submission(id=sub_id or path.stem, source=shown, kind="unknown", sha256="",
                          load_error=LoadError("symlink", str(path)))
    if path.is_dir():
        return _load_folder(path, sub_id or path.name)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return Submission(id=sub_id or path.stem, source=shown, kind="unknown", sha256="",
                              load_error=LoadError("too_large", f"{size // 2**20} MB > {MAX_FILE_BYTES // 2**20} MB"))
        data = path.read_bytes()
    except OSError as exc:
        return Submission(id=sub_id or path.stem, source=shown, kind="unknown", sha256="",
                          load_error=LoadError("unreadable", str(exc.strerror)))
    return _from_bytes(sub_id or path.stem, shown, path.name, data, hashlib.sha256(data).hexdigest(), ())


def _from_bytes(sub_id, shown, filename, data, digest, files, notes=()) -> Submission:
    notes = list(notes)
    if filename.endswith(".ipynb"):
        cells, nb_notes, error = read_notebook(data)
        notes += nb_notes
        kind = "notebook"
    elif filename.endswith(".py"):
        cells, error = read_script(data, filename)
        kind = "script"
    else:
        cells, kind = (), "unknown"
        error = LoadError("unsupported_file", filename)
    return Submission(id=sub_id, source=shown, kind=kind, sha256=digest, filename=filename, cells=cells,
                      files=tuple(files), load_error=error, notes=tuple(notes))


def _load_folder(folder: Path, sub_id: str) -> Submission:
    files = _folder_files(folder)
    entry, notes = choose_entry(files, folder)
    digest = hashlib.sha256()
    total = 0
    contents = []
    for f in files[:MAX_FOLDER_FILES]:
        try:
            data = f.read_bytes()
        except OSError:
            continue
        total += len(data)
        if total > MAX_FOLDER_BYTES:
            return Submission(id=sub_id, source=str(folder), kind="unknown", sha256="",
                              load_error=LoadError("too_large", f"> {MAX_FOLDER_BYTES // 2**20} MB"))
        rel = str(f.relative_to(folder))
        digest.update(rel.encode() + b"\0" + hashlib.sha256(data).digest())
        contents.append((rel, data))
    if entry is None:
        return Submission(id=sub_id, source=str(folder), kind="unknown", sha256=digest.hexdigest(),
                          load_error=LoadError("no_code", str(folder)))
    rel_entry = str(entry.relative_to(folder))
    entry_data = dict(contents)[rel_entry]
    return _from_bytes(sub_id, str(folder), rel_entry, entry_data, digest.hexdigest(), contents, notes)


def is_submission_folder(folder: Path) -> bool:
    """A folder is one submission when it holds code but no sub-folder that does, and
    at most one code file at its top level."""
    top_code = [p for p in folder.iterdir() if p.is_file() and p.suffix in CODE_SUFFIXES]
    sub_dirs = [p for p in folder.iterdir() if p.is_dir() and p.name not in SKIP_DIRS and not p.name.startswith(".")]
    if any(any(q.suffix in CODE_SUFFIXES for q in d.rglob("*")) for d in sub_dirs):
        return False
    return len(top_code) == 1


def discover(paths: list[Path]) -> list[Path]:
    """Expand the given paths into submission paths (files, or folders that are one submission)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir() and not path.is_symlink() and not is_submission_folder(path):
            for child in sorted(path.iterdir()):
                if child.name in SKIP_DIRS or child.name.startswith("."):
                    continue
                if child.is_dir() and not child.is_symlink():
                    found.extend(discover([child]) if not is_submission_folder(child) else [child])
                elif child.suffix in CODE_SUFFIXES or child.is_symlink():
                    found.append(child)
        else:
            found.append(path)
    return found


def unique_ids(paths: list[Path]) -> list[str]:
    """Submission ids: the file stem or folder name; repeats get -2, -3 ... in path order."""
    seen: dict[str, int] = {}
    ids = []
    for path in paths:
        base = path.name if path.is_dir() else path.stem
        seen[base] = seen.get(base, 0) + 1
        ids.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return ids
