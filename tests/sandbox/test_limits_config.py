"""Where the limits come from: defaults sized for TensorFlow on CPU, the assignment's [run]
section, and the command line (which wins)."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder import cli
from autograder.assignment import load_assignment
from autograder.types import RunLimits

REFERENCE = Path(__file__).resolve().parents[2] / "solutions" / "reference.py"


def test_the_assignment_sets_every_limit_and_cpu_follows_the_wall_clock():
    limits = load_assignment().limits()
    assert limits == RunLimits(timeout_s=120.0, memory_mb=6144, cpu_s=250, nproc=512, fsize_mb=64, nofile=256,
                               output_bytes=64 * 1024, output_limit_bytes=32 * 2**20, fit_epochs_cap=2)
    assert load_assignment().limits(timeout_s=15).cpu_s == 40


def test_training_runs_under_the_same_limits_with_its_own_timeout():
    assignment = load_assignment()
    training = assignment.training_limits()
    assert training.timeout_s == 60 and training.memory_mb == assignment.limits().memory_mb


def test_an_explicit_cpu_limit_is_kept():
    assignment = load_assignment().with_run_overrides(cpu_s=30)
    assert assignment.limits(timeout_s=100).cpu_s == 30


@pytest.mark.parametrize("key, value", [("memory_mb", 0), ("nproc", -1), ("timeout_s", "x"), ("nofile", True)])
def test_a_bad_limit_in_the_assignment_is_refused(key, value):
    assignment = load_assignment()
    with pytest.raises(ValueError, match=key):
        assignment.with_run_overrides(**{key: value})


def test_a_bad_run_section_in_the_toml_is_refused(tmp_path):
    folder = load_assignment().folder
    text = (folder / "assignment.toml").read_text().replace("memory_mb = 6144", "memory_mb = -5")
    (tmp_path / "assignment.toml").write_text(text)
    (tmp_path / "data.npz").write_bytes((folder / "data.npz").read_bytes())
    with pytest.raises(ValueError, match="memory_mb"):
        load_assignment(tmp_path)


def test_command_line_options_override_the_assignment(monkeypatch, tmp_path):
    seen = {}

    def fake_batch(subs, assignment, options, *args, **kwargs):
        seen["limits"] = assignment.limits(options.timeout_s)
        seen["isolation"] = options.isolation
        return []

    import autograder.batch
    import autograder.sandbox.startup

    # The CLI imports the batch stage lazily (after launching its first worker): patch it where it lives.
    monkeypatch.setattr(autograder.batch, "grade_batch", fake_batch)
    monkeypatch.setattr(autograder.sandbox.startup, "launch_first_worker", lambda *args, **kwargs: None)
    args = ["grade", str(REFERENCE), "--out", str(tmp_path), "--timeout", "20", "--memory-mb", "4096",
            "--cpu-s", "30", "--nproc", "64", "--fsize-mb", "8", "--nofile", "128", "--output-kept-kb", "16",
            "--output-limit-mb", "4", "--isolation", "process"]
    CliRunner().invoke(cli.main, args)
    assert seen["limits"] == RunLimits(timeout_s=20.0, memory_mb=4096, cpu_s=30, nproc=64, fsize_mb=8, nofile=128,
                                       output_bytes=16 * 1024, output_limit_bytes=4 * 2**20, fit_epochs_cap=2)
    assert seen["isolation"] == "process"


def test_an_out_of_range_limit_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli.main, ["grade", str(REFERENCE), "--out", str(tmp_path), "--memory-mb", "10"])
    assert result.exit_code == 2
    assert "--memory-mb" in result.output
