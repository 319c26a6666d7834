"""Helpers for the install tests: a wheel of this checkout, scratch virtualenvs that reuse .venv's packages.

Building a second TensorFlow environment costs minutes and gigabytes; these virtualenvs cost seconds:
their own ``site-packages`` holds only what a test installs (an old Keras, the wheel), and a ``.pth`` file
puts the main virtualenv's ``site-packages`` after it, so TensorFlow and the rest are the main ones.
"""
from __future__ import annotations

import atexit
import functools
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAIN_SITE = Path(sysconfig.get_paths()["purelib"])
"""The site-packages of the interpreter running the tests (the main virtualenv's)."""


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def oldest_keras() -> str:
    """The lowest Keras that pyproject.toml admits (its ``keras>=X`` bound)."""
    [spec] = [d for d in pyproject()["project"]["dependencies"] if re.match(r"keras\s*[><=!~]", d)]
    return re.search(r">=\s*([0-9][0-9.]*)", spec).group(1)


def run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    kwargs.setdefault("timeout", 600)
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, **kwargs)


def site_packages(venv: Path) -> Path:
    return venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"


def make_venv(venv: Path, *, reuse_main: str | None = "site", with_pip: bool = True) -> Path:
    """A virtualenv (same Python as the tests). ``reuse_main``: ``"site"`` adds the main site-packages with its
    own .pth files (the editable grader included), ``"path"`` adds the site-packages folders the tests see, without
    processing their .pth files (so the editable grader is not importable), None adds nothing. Returns its python."""
    proc = run([sys.executable, "-m", "venv", venv] + ([] if with_pip else ["--without-pip"]))
    assert proc.returncode == 0, proc.stderr
    if reuse_main == "site":
        line = f"import site; site.addsitedir({str(MAIN_SITE)!r})\n"
    elif reuse_main == "path":  # every site-packages the tests see, in order (an old Keras's first)
        line = "".join(f"{p}\n" for p in sys.path if p.endswith("site-packages"))
    else:
        line = ""
    if line:
        (site_packages(venv) / "_main_venv.pth").write_text(line, encoding="utf-8")
    return venv / "bin" / "python"


def tracked_files() -> list[Path]:
    """The checkout's files as a clone would have them (tracked, plus new files not ignored)."""
    proc = run(["git", "-C", ROOT, "ls-files", "--cached", "--others", "--exclude-standard", "-z"])
    assert proc.returncode == 0, proc.stderr
    return [ROOT / name for name in proc.stdout.split("\0") if name and (ROOT / name).is_file()]


@functools.lru_cache(maxsize=1)
def checkout_wheel() -> Path:
    """A wheel of this checkout, built as pip builds ``git+https://...`` (from a clean copy, isolated build)."""
    work = Path(tempfile.mkdtemp(prefix="autograder-wheel-"))
    atexit.register(shutil.rmtree, work, ignore_errors=True)
    source = work / "src"
    for path in tracked_files():
        target = source / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    proc = run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", work / "dist", source])
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    [wheel] = (work / "dist").glob("autograder-*.whl")
    return wheel


def installed(venv: Path) -> dict[str, str]:
    """{normalized name: version} of the distributions in a virtualenv's own site-packages."""
    found = {}
    for info in site_packages(venv).glob("*.dist-info"):
        name, _, version = info.name[: -len(".dist-info")].partition("-")
        found[re.sub(r"[-_.]+", "-", name).lower()] = version
    return found
