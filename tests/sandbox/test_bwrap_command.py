"""The bubblewrap command line: what the sandbox can see, and what it cannot (no bwrap run here)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from autograder.sandbox import bwrap

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def command(monkeypatch):
    monkeypatch.setattr(bwrap, "bwrap_path", lambda: "/usr/bin/bwrap")
    monkeypatch.setattr(bwrap, "bwrap_options", lambda: "--size BYTES")
    return bwrap.bwrap_command(sys.executable)


def binds(command, option):
    """(source, target) for every ``option`` (e.g. --ro-bind) in the command."""
    return [(command[i + 1], command[i + 2]) for i, arg in enumerate(command) if arg == option]


def test_namespaces_are_unshared_and_the_sandbox_dies_with_the_grader(command):
    for flag in ("--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--die-with-parent",
                 "--new-session"):
        assert flag in command


def test_nothing_is_mounted_writable_and_tmp_is_a_fresh_bounded_ram_disk(command):
    assert not binds(command, "--bind") and not binds(command, "--dev-bind")
    i = command.index("--tmpfs", command.index("--proc"))
    assert command[i + 1] == "/tmp"
    assert command[i - 2] == "--size" and int(command[i - 1]) == bwrap.TMPFS_MB * 2**20


def test_the_graders_own_files_are_not_mounted(command):
    mounted = [source for source, _ in binds(command, "--ro-bind")]
    for secret in ("solutions", "tests", "assignments", "reports", "autograder", ".git"):
        assert not any(Path(m) == REPO / secret or Path(m) == REPO for m in mounted), secret
    # Only the runner's own folder of the package, and the interpreter, come from the repository.
    from_repo = [m for m in mounted if m.startswith(str(REPO) + "/")]
    assert all(m == str(bwrap.INNER_DIR) or m.startswith(sys.prefix) for m in from_repo), from_repo


def test_secrets_of_the_system_are_masked(command):
    masked = [target for source, target in binds(command, "--ro-bind") if source == "/dev/null"]
    if os.path.isfile("/etc/shadow"):
        assert "/etc/shadow" in masked


@pytest.mark.skipif(os.getuid() != 0, reason="capabilities are only dropped for a root sandbox")
def test_a_root_sandbox_keeps_only_the_capabilities_the_zygote_needs(command):
    assert command[command.index("--cap-drop") + 1] == "ALL"
    added = {command[i + 1] for i, arg in enumerate(command) if arg == "--cap-add"}
    assert added == set(bwrap.ZYGOTE_CAPS)
    assert "CAP_SYS_ADMIN" not in added and "CAP_NET_ADMIN" not in added


def test_older_bwrap_without_size_still_gets_a_tmpfs(monkeypatch):
    monkeypatch.setattr(bwrap, "bwrap_path", lambda: "/usr/bin/bwrap")
    monkeypatch.setattr(bwrap, "bwrap_options", lambda: "")
    command = bwrap.bwrap_command(sys.executable)
    assert "--size" not in command and "/tmp" in command


def test_the_process_fallback_may_read_the_system_and_interpreter_only():
    roots = bwrap.readable_roots()
    assert "/usr" in roots
    assert not any(Path(r) == REPO or (REPO / "solutions").is_relative_to(r) for r in roots)
