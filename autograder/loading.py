"""Find submissions on disk and read them into Submission values (no student code runs here).

Notebooks are read with nbformat; IPython magics and shell lines in notebooks and scripts are
turned into calls of ``get_ipython()``, which the sandbox answers harmlessly.
"""
from __future__ import annotations

import ast
import hashlib
import json
import warnings
from dataclasses import replace
from pathlib import Path

import nbformat

from autograder.program import EntryRules, choose_entry
from autograder.types import EntryChoice, LoadError, SourceCell, Submission

CODE_SUFFIXES = (".ipynb", ".py")
MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_FOLDER_BYTES = 200 * 1024 * 1024
MAX_FOLDER_FILES = 500
SKIP_DIRS = {".ipynb_checkpoints", "__pycache__", ".git", ".github", "__MACOSX", ".venv", "venv", "env", "virtualenv",
             "node_modules", "site-packages"}


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


def is_plumbing(folder: Path) -> bool:
    """A folder that is the repository's or the environment's, never the student's program: version
    control, caches, checkpoints, virtualenvs (by name, or any folder holding ``pyvenv.cfg``)."""
    return (folder.name in SKIP_DIRS or folder.name.startswith(".") or (folder / "pyvenv.cfg").is_file())


def _folder_files(folder: Path) -> list[Path]:
    found = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part in SKIP_DIRS or part.startswith(".") for part in rel.parts):
            continue
        if any((folder.joinpath(*rel.parts[:i]) / "pyvenv.cfg").is_file() for i in range(1, len(rel.parts))):
            continue  # inside a virtualenv with another name
        if path.is_file() and not path.is_symlink():
            found.append(path)
    return found


def entry_note(choice: EntryChoice) -> str | None:
    """The report's note naming the file that counted (and those left, and the modules it ran with),
    as ``entry:<json>`` for ``grading.localized_notes``; None when the folder held only that file."""
    if choice.reason == "only" and not choice.modules and not choice.ignored:
        return None
    return "entry:" + json.dumps({"entry": choice.entry, "reason": choice.reason, "pattern": choice.pattern,
                                  "left": list(choice.left[:5]), "more": max(0, len(choice.left) - 5),
                                  "modules": list(choice.modules[:8])}, ensure_ascii=False)


def load_submission(path: Path, sub_id: str | None = None, rules: EntryRules | None = None) -> Submission:
    """Read a notebook, a script or a folder holding a program (``rules`` refine which file is its
    entry, see ``autograder.program``). Never raises for bad input."""
    shown = str(path)
    if path.is_symlink():
        return Submission(id=sub_id or path.stem, source=shown, kind="unknown", sha256="",
                          load_error=LoadError("symlink", str(path)))
    if path.is_dir():
        return _load_folder(path, sub_id or path.name, rules)
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


def _load_folder(folder: Path, sub_id: str, rules: EntryRules | None = None) -> Submission:
    files = _folder_files(folder)
    digest = hashlib.sha256()  # every file of the program: the entry, its modules, its data
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
        rel = f.relative_to(folder).as_posix()
        digest.update(rel.encode() + b"\0" + hashlib.sha256(data).digest())
        contents.append((rel, data))
    choice = choose_entry(dict(contents), rules)
    if choice is None:
        held = ", ".join(rel for rel, _ in contents[:5]) + (" ..." if len(contents) > 5 else "") if contents else "—"
        return Submission(id=sub_id, source=str(folder), kind="unknown", sha256=digest.hexdigest(),
                          load_error=LoadError("no_code", held))
    note = entry_note(choice)
    sub = _from_bytes(sub_id, str(folder), choice.entry, dict(contents)[choice.entry], digest.hexdigest(), contents,
                      [note] if note else [])
    return replace(sub, entry=choice)


def is_submission_folder(folder: Path) -> bool:
    """True when ``folder``, given as it is, is one student's program (see ``autograder.inputs.layout``)."""
    from autograder.inputs.layout import folder_role

    return folder_role(folder, given=True) == "student"


def discover(paths: list[Path]) -> list[Path]:
    """Expand the given paths into submission paths (files, or folders that are one student's)."""
    from autograder.inputs.layout import student_paths

    return [path for given in paths for path in student_paths(given)]


def unique_ids(paths: list[Path]) -> list[str]:
    """Submission ids: the file stem or folder name; repeats get -2, -3 ... in path order."""
    seen: dict[str, int] = {}
    ids = []
    for path in paths:
        base = path.name if path.is_dir() else path.stem
        seen[base] = seen.get(base, 0) + 1
        ids.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return ids
