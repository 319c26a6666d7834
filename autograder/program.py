"""Which file of a student's folder is the program: the folder's import graph and the documented entry order.

A folder is a program, not a file. Its entry is the notebook or script that no other code file of the
folder imports; the modules it imports (siblings, packages with ``__init__.py``) come with it. Tests,
``__init__.py`` and setup files are never entries. When several entries remain, ``ENTRY_ORDER`` decides:

1. ``pinned``: the instructor's ``--entry GLOB`` (matched against the path inside the folder and the name);
2. ``assignment``: the assignment's ``[submission] entry`` patterns, the first pattern that matches wins;
3. ``exercise``: a file inside a folder named after the assignment (``students/<name>/<exercise>/``);
4. ``notebook``: a notebook before a script;
5. ``top``: the top-most file (fewest folders deep);
6. ``not_draft``: a name not marked as a draft or a copy (``draft``, ``borrador``, ``old``, ``copy`` ...);
7. ``main_name``: a name marked as the program (``main``, ``final``, ``solution``, ``entrega``, ``tarea`` ...);
8. ``name``: the first by name.

No student code runs here: sources are only parsed (``ast``).
"""
from __future__ import annotations

import ast
import fnmatch
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from autograder.types import EntryChoice

CODE_SUFFIXES = (".ipynb", ".py")
SETUP_FILES = frozenset({"setup.py", "conftest.py", "noxfile.py", "fabfile.py", "conf.py", "__init__.py"})
TEST_DIRS = frozenset({"tests", "test", "testing"})
TEST_NAME = re.compile(r"^(test_.*|.*_tests?|tests?)\.py$", re.IGNORECASE)
DRAFT_WORDS = ("draft", "borrador", "old", "copy", "copia", "backup", "bak", "untitled", "sin-titulo",
               "sintitulo", "scratch", "prueba", "tmp", "temp", "viejo", "antiguo", "v1")
MAIN_WORDS = ("main", "final", "solution", "solucion", "submission", "entrega", "tarea", "assignment", "run")
ENTRY_ORDER = ("pinned", "assignment", "exercise", "notebook", "top", "not_draft", "main_name", "name")


@dataclass(frozen=True)
class EntryRules:
    """What refines the entry order: the instructor's pin, the assignment's patterns and its id."""

    pin: str | None = None
    """``--entry GLOB``: the file that counts, wherever the order would put it."""
    patterns: tuple[str, ...] = ()
    """The assignment's ``[submission] entry`` globs, in order of preference."""
    exercise: str = ""
    """The assignment's id: a folder named after it (``students/ana/l2-dropout/``) is the exercise's."""


def compact(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def never_entry(rel: str) -> bool:
    """Tests, ``__init__.py`` and setup files: code that is never the program a student runs."""
    path = PurePosixPath(rel)
    if path.name in SETUP_FILES:
        return True
    if any(part.lower() in TEST_DIRS for part in path.parts[:-1]):
        return True
    return path.suffix == ".py" and bool(TEST_NAME.match(path.name))


# -- the import graph ----------------------------------------------------------------------------------
def _source_of(rel: str, data: bytes) -> str:
    """The code of a script, or of a notebook's code cells (magics turned into plain Python)."""
    from autograder.loading import neutralise_magics, read_notebook

    if rel.endswith(".ipynb"):
        cells, _, _ = read_notebook(data)
        return "\n".join(cell.source for cell in cells)
    try:
        return neutralise_magics(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return ""


def references(source: str) -> tuple[set[tuple[int, str]], set[str]]:
    """What a source imports: ``(level, dotted name)`` pairs (level > 0 for relative imports), and the
    files it runs with ``%run`` (``get_ipython().run_line_magic('run', 'helpers.py')`` once neutralised)."""
    modules: set[tuple[int, str]] = set()
    files: set[str] = set()
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        # Unparsable code still names its imports: read them line by line.
        for line in source.splitlines():
            match = re.match(r"\s*(?:from\s+(\.*)([\w.]*)\s+import\s+([\w, ]+)|import\s+([\w., ]+))", line)
            if match and match[4]:
                modules |= {(0, name.strip().split(" ")[0]) for name in match[4].split(",") if name.strip()}
            elif match:
                base = match[2]
                modules.add((len(match[1]), base))
                modules |= {(len(match[1]), f"{base}.{n.strip()}".strip(".")) for n in match[3].split(",")}
        return modules, files
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {(0, alias.name) for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            modules.add((node.level, base))
            modules |= {(node.level, f"{base}.{alias.name}".strip(".")) for alias in node.names if alias.name != "*"}
        elif isinstance(node, ast.Call) and node.args and all(isinstance(a, ast.Constant) for a in node.args[:2]):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            values = [a.value for a in node.args[:2]]
            if name in ("import_module", "__import__") and isinstance(values[0], str):
                modules.add((0, values[0]))
            elif name == "run_line_magic" and values[0] == "run" and len(values) > 1 and isinstance(values[1], str):
                words = [w for w in values[1].split() if not w.startswith("-")]
                if words:
                    files.add(words[0].strip("'\""))
    return modules, files


def _module_files(dotted: str, base: PurePosixPath, present: set[str]) -> list[str]:
    """The folder's files that importing ``dotted`` from ``base`` loads (each package on the way too)."""
    found = []
    parts = [p for p in dotted.split(".") if p]
    for depth in range(1, len(parts) + 1):
        stem = base.joinpath(*parts[:depth])
        for candidate in (f"{stem}.py", f"{stem}/__init__.py", f"{stem}.ipynb"):
            candidate = str(PurePosixPath(candidate))
            if candidate in present:
                found.append(candidate)
    return found


def import_graph(sources: dict[str, str]) -> dict[str, set[str]]:
    """For each code file, the folder's code files it imports or runs. A module is looked for where the
    importer's ``sys.path`` would find it: the importer's own folder, each folder above it, the top."""
    present = set(sources)
    graph: dict[str, set[str]] = {}
    for rel, source in sources.items():
        here = PurePosixPath(rel).parent
        bases = [here, *here.parents]
        modules, files = references(source)
        targets: set[str] = set()
        for level, dotted in modules:
            if level:
                base = here
                for _ in range(level - 1):
                    base = base.parent
                targets.update(_module_files(dotted, base, present))
            else:
                for base in bases:
                    targets.update(_module_files(dotted, base, present))
        for name in files:
            for base in bases:
                candidate = str(base / name) if str(base) != "." else name
                for option in (candidate, candidate + ".py", candidate + ".ipynb"):
                    if option in present:
                        targets.add(option)
        targets.discard(rel)
        graph[rel] = targets
    return graph


def reached(graph: dict[str, set[str]], start: str) -> list[str]:
    """The files ``start`` imports, directly or through others, in path order."""
    seen, todo = {start}, [start]
    while todo:
        for target in graph.get(todo.pop(), ()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return sorted(seen - {start})


def entry_candidates(sources: dict[str, str], graph: dict[str, set[str]] | None = None) -> list[str]:
    """Code files that no other code file imports and that may be a program (not a test or setup file)."""
    graph = import_graph(sources) if graph is None else graph
    # What only a test or a setup file imports is still a program (tests import the code they test).
    imported = {target for rel, targets in graph.items() for target in targets
                if target != rel and (not never_entry(rel) or rel.endswith("__init__.py"))}
    return sorted(rel for rel in sources if rel not in imported and not never_entry(rel))


# -- the order -----------------------------------------------------------------------------------------
def _matches(pattern: str, rel: str) -> bool:
    name = PurePosixPath(rel).name
    return fnmatch.fnmatch(rel.lower(), pattern.lower()) or fnmatch.fnmatch(name.lower(), pattern.lower())


def _has_word(stem: str, words: tuple[str, ...]) -> bool:
    pieces = [p for p in re.split(r"[^a-z0-9]+", stem.lower()) if p]
    return any(word in pieces for word in words) or any(compact(stem).startswith(w) for w in words if len(w) > 3)


def order_key(rel: str, rules: EntryRules) -> tuple:
    """The file's place in ENTRY_ORDER (smaller first), one item per rule."""
    path = PurePosixPath(rel)
    pattern_rank = next((i for i, p in enumerate(rules.patterns) if _matches(p, rel)), len(rules.patterns))
    exercise = compact(rules.exercise)
    in_exercise = bool(exercise) and any(exercise in compact(part) for part in path.parts[:-1])
    return (
        not (rules.pin and _matches(rules.pin, rel)),
        pattern_rank,
        not in_exercise,
        path.suffix != ".ipynb",
        len(path.parts),
        _has_word(path.stem, DRAFT_WORDS),
        not _has_word(path.stem, MAIN_WORDS),
        rel.lower(),
    )


def choose_entry(files: dict[str, bytes], rules: EntryRules | None = None) -> EntryChoice | None:
    """The folder's program: its entry, why it was chosen, the entries left, the modules it imports.
    ``files`` maps each path inside the folder to its bytes; None when no code file may be an entry."""
    rules = rules or EntryRules()
    sources = {rel: _source_of(rel, data) for rel, data in files.items() if rel.endswith(CODE_SUFFIXES)}
    graph = import_graph(sources)
    candidates = entry_candidates(sources, graph)
    if rules.pin:  # the instructor's word: any code file, even one the rules would never pick
        pinned = sorted((rel for rel in sources if _matches(rules.pin, rel)), key=lambda r: order_key(r, rules))
        if pinned and pinned[0] not in candidates:
            candidates.append(pinned[0])
    if not candidates:
        return None
    ranked = sorted(candidates, key=lambda r: order_key(r, rules))
    chosen = ranked[0]
    if len(ranked) == 1:
        reason = "only"
    else:
        first, second = order_key(chosen, rules), order_key(ranked[1], rules)
        reason = next(rule for rule, a, b in zip(ENTRY_ORDER, first, second) if a != b)
    pattern = ""
    if reason == "pinned":
        pattern = rules.pin or ""
    elif reason == "assignment":
        pattern = rules.patterns[order_key(chosen, rules)[1]]
    ignored = tuple(sorted(rel for rel in sources if never_entry(rel) and rel != chosen))
    return EntryChoice(entry=chosen, reason=reason, pattern=pattern, left=tuple(ranked[1:]),
                       modules=tuple(reached(graph, chosen)), ignored=ignored)
