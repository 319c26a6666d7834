"""The store's grader fingerprint covers what decides a result by construction (issue 23): a change to any
grade-deciding module of a copy of the package (crosscheck.py and insight.py were once left off a hand-kept
list) makes the cached result of that run unusable; a change to a renderer keeps it."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from autograder.store import PACKAGE, PRESENTATION, grading_files
from tests.conftest import ROOT

SCRIPT = textwrap.dedent("""
    import sys
    from pathlib import Path
    import autograder
    from autograder.assignment import load_assignment
    from autograder.batch import BatchOptions, load_all, plan, result_key
    from autograder.store import ResultStore
    from tests.bulk.results import graded

    mode, sub_path, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    subs = load_all([sub_path])
    assignment = load_assignment("l2-dropout")
    options = BatchOptions(out_dir=out)
    with ResultStore.in_folder(out) as store:
        if mode == "put":
            store.put(result_key(subs[0], assignment, options), graded(subs[0].id), store.start_run(1, 0))
        print(autograder.__file__, "cached", len(plan(subs, assignment, options, store).cached))
""")


def cached_with(package_root: Path, sub: Path, out: Path, mode: str = "plan") -> int:
    """How many stored results a run of the package at ``package_root`` would reuse (in its own process)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(package_root), str(ROOT)]))
    proc = subprocess.run([sys.executable, "-c", SCRIPT, mode, str(sub), str(out)], capture_output=True, text=True,
                          env=env, cwd=package_root, timeout=120)
    assert proc.returncode == 0, proc.stderr
    imported, _, count = proc.stdout.split()[-3:]
    assert imported.startswith(str(package_root)), imported  # the copy really is the package that ran
    return int(count)


@pytest.fixture
def copy(tmp_path):
    root = tmp_path / "copy"
    shutil.copytree(PACKAGE, root / "autograder", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "assignments", root / "assignments")  # found beside the package
    sub = tmp_path / "ana.py"
    sub.write_text("print('hola')\n", encoding="utf-8")
    return root, sub, tmp_path / "out"


@pytest.mark.parametrize("module", ["crosscheck.py", "insight.py", "sandbox/inner/ag_causes.py"])
def test_a_change_to_a_grade_deciding_module_is_not_served_from_the_cache(copy, module):
    root, sub, out = copy
    assert cached_with(root, sub, out, "put") == 1
    assert cached_with(root, sub, out) == 1  # unchanged: the stored result is reused
    target = root / "autograder" / module
    target.write_text(target.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert cached_with(root, sub, out) == 0


def test_a_change_to_a_renderer_keeps_the_cached_result(copy):
    root, sub, out = copy
    assert cached_with(root, sub, out, "put") == 1
    target = root / "autograder" / "render" / "view.py"
    target.write_text(target.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert cached_with(root, sub, out) == 1


def test_every_module_but_the_presentation_ones_is_covered():
    covered = {p.relative_to(PACKAGE).as_posix() for p in grading_files()}
    modules = {p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts}
    left_out = {m for m in modules - covered}
    assert {"crosscheck.py", "insight.py", "memo.py", "sandbox/leaks.py", "sandbox/inner/ag_outputs.py"} <= covered
    assert left_out and all(any(m == p or m.startswith(p) for p in PRESENTATION) for m in left_out)
