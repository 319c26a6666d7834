"""Build the bubblewrap command line that isolates the warm worker and everything it forks."""
from __future__ import annotations

import functools
import os
import shutil
import site
import subprocess
import sys
from pathlib import Path

RUNNER_MOUNT = "/opt/autograder-runner"
DATASETS_MOUNT = "/ag/datasets"
"""Where the instructor's Keras datasets folder (``--datasets``) is seen, read-only, inside the sandbox."""
WORKROOT = "/tmp/ag"
INNER_DIR = Path(__file__).resolve().parent / "inner"
TMPFS_MB = 2048
"""Size of the sandbox's /tmp (a RAM disk): a hard cap under the per-job disk budget."""
CONTENT_MOUNT = "/content"
"""Colab's working folder, where notebooks save figures and models (and Drive's ``MyDrive``): a RAM disk of
the running job, emptied after it (``ag_outputs``)."""
CONTENT_MB = 512
SYSTEM_DIRS = ("/usr", "/etc", "/opt/conda", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
HIDDEN_FILES = ("/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-", "/etc/sudoers")
HIDDEN_DIRS = ("/etc/ssh", "/etc/sudoers.d", "/etc/ssl/private")
ZYGOTE_CAPS = ("CAP_SETUID", "CAP_SETGID", "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_KILL",
               "CAP_SYS_PTRACE")
"""What the zygote keeps when bwrap runs as root: switch to the sandbox user, own and remove job
folders, kill strays, read the memory use of job processes. Jobs keep none of them."""


@functools.lru_cache(maxsize=None)
def bwrap_path() -> str | None:
    """Path of a bwrap that works on this machine, or None (no binary, or namespaces forbidden)."""
    path = shutil.which("bwrap")
    if path is None:
        return None
    try:
        probe = subprocess.run(
            [path, "--unshare-pid", "--unshare-net", "--die-with-parent", "--ro-bind", "/", "/", "true"],
            capture_output=True, timeout=20,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return path if probe.returncode == 0 else None


@functools.lru_cache(maxsize=None)
def bwrap_options() -> str:
    """bwrap's help text, to use newer options (``--size``) only where they exist."""
    path = bwrap_path()
    if path is None:
        return ""
    try:
        return subprocess.run([path, "--help"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ""


def python_roots() -> list[str]:
    """Folders the sandboxed interpreter needs: its prefixes and site-packages, nothing else."""
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
             os.path.dirname(os.path.realpath(sys.executable))}
    try:
        roots.update(site.getsitepackages())
    except AttributeError:
        pass
    real = {os.path.realpath(r) for r in roots if r and os.path.isdir(r)} | {r for r in roots if r and os.path.isdir(r)}
    # Drop folders already inside another one; keep the list short and ordered.
    kept = []
    for root in sorted(real, key=len):
        if not any(root == k or root.startswith(k.rstrip("/") + "/") for k in kept):
            kept.append(root)
    return kept


def _system_binds() -> list[str]:
    args: list[str] = []
    for top in ("/usr", "/etc", "/opt/conda"):
        if os.path.isdir(top):
            args += ["--ro-bind", top, top]
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    return args


def readable_roots() -> list[str]:
    """What a job may read in the process sandbox (Landlock): the system and the interpreter."""
    roots = [d for d in SYSTEM_DIRS if os.path.isdir(d)]
    return roots + [r for r in python_roots() if not any(r == d or r.startswith(d + "/") for d in roots)]


def _hide_secrets() -> list[str]:
    args: list[str] = []
    for path in HIDDEN_FILES:
        if os.path.isfile(path):
            args += ["--ro-bind", "/dev/null", path]
    for path in HIDDEN_DIRS:
        if os.path.isdir(path) and not os.path.islink(path):
            args += ["--tmpfs", path]
    return args


def _bind_with_parents(path: str, target: str, made: set[str]) -> list[str]:
    """ro-bind ``path`` at ``target``, creating missing parents world-traversable (0755)."""
    args: list[str] = []
    parts = Path(target).parts[1:-1]
    current = ""
    for part in parts:
        current += "/" + part
        if current in made or current in ("/usr", "/etc", "/tmp", "/dev", "/proc"):
            continue
        made.add(current)
        args += ["--perms", "0755", "--dir", current]
    return args + ["--ro-bind", path, target]


def bwrap_command(python: str, workroot: str = WORKROOT, datasets_dir: str | None = None) -> list[str]:
    """The full command: bwrap with its mounts, then the zygote under the same interpreter.
    ``datasets_dir``: the instructor's Keras datasets folder, bound read-only at DATASETS_MOUNT."""
    binary = bwrap_path()
    if binary is None:
        raise RuntimeError("bubblewrap is not usable here")
    args = [binary, "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
            "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--hostname", "sandbox"]
    if os.getuid() == 0:  # bwrap would keep every capability for a root sandbox
        args += ["--cap-drop", "ALL"]
        for cap in ZYGOTE_CAPS:
            args += ["--cap-add", cap]
    args += _system_binds() + _hide_secrets()
    args += ["--dev", "/dev", "--proc", "/proc"]
    if "--size" in bwrap_options():
        args += ["--size", str(TMPFS_MB * 1024 * 1024)]
    args += ["--tmpfs", "/tmp"]
    if "--size" in bwrap_options():
        args += ["--size", str(CONTENT_MB * 1024 * 1024)]
    args += ["--perms", "0755", "--tmpfs", CONTENT_MOUNT]
    made: set[str] = set()
    for root in python_roots():
        if root.startswith(("/usr/", "/etc/")) or root in ("/usr", "/etc"):
            continue
        args += _bind_with_parents(root, root, made)
    args += _bind_with_parents(str(INNER_DIR), RUNNER_MOUNT, made)
    if datasets_dir:
        args += _bind_with_parents(os.path.realpath(datasets_dir), DATASETS_MOUNT, made)
    args += ["--chdir", "/tmp", python, "-I", "-B", f"{RUNNER_MOUNT}/ag_zygote.py", workroot]
    return args


def process_command(python: str, workroot: str) -> list[str]:
    """The fallback without namespaces: the same zygote, limits only."""
    return [python, "-I", "-B", str(INNER_DIR / "ag_zygote.py"), workroot]
