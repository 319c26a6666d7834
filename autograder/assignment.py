"""Load an assignment (its checks as data, default data, language, limits) from its folder."""
from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from autograder.assignment_file import AssignmentError, read_checks, read_insight, read_toml
from autograder.checks.base import CheckSpec
from autograder.installed import assignments_dir
from autograder.types import RunLimits

ASSIGNMENTS_DIR = assignments_dir()  # the checkout's assignments/, else the copy a wheel installed
DEFAULT_ASSIGNMENT = "l2-dropout"


@dataclass(frozen=True)
class Assignment:
    id: str
    version: str
    title: str
    lang: str
    checks: tuple[CheckSpec, ...]
    """Its ``[[check]]`` tables, in order: kind, id, points, parameters."""
    run: dict[str, Any]
    training: dict[str, Any]
    data: bytes = field(repr=False)
    """The default data as an .npz file's bytes (input_dim, X_train, y_train, X_test, y_test)."""
    folder: Path | None = None
    keras_datasets: Path | None = None
    """A folder laid out like ``~/.keras/datasets`` served read-only to submissions (``[data] keras_datasets``
    or ``autograder grade --datasets``), so ``keras.datasets.*.load_data()`` works offline."""
    similarity: dict[str, Any] = field(default_factory=dict)
    """The ``[similarity]`` section (read by ``autograder.similarity.run``); it never changes a grade."""
    insight: dict[str, Any] = field(default_factory=dict)
    """The ``[insight]`` section: what the "does it help?" insight compares (``compare``) and its budget
    (``enabled = false`` turns it off)."""
    policy: dict[str, Any] = field(default_factory=dict)
    """The optional ``[policy]`` section: due date and late penalty (``autograder.review.late``); it never
    changes a grade, only adds a late adjustment to the final grade."""

    @property
    def points(self) -> dict[str, float]:
        """Check id -> points, in the assignment's order."""
        return {c.id: c.points for c in self.checks}

    @property
    def check_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.checks)

    @property
    def rules(self) -> tuple[CheckSpec, ...]:
        """The rules a submission is graded by: the checks as data (what reports and integrations read)."""
        return self.checks
    entry_patterns: tuple[str, ...] = ()
    """``[submission] entry``: globs naming a folder's graded file, in order of preference (``autograder.program``)."""
    entry_pin: str = ""
    """``autograder grade --entry GLOB``: the file of each folder that counts, before any other rule."""

    @property
    def max_score(self) -> float:
        return float(sum(self.points.values()))

    @property
    def data_b64(self) -> str:
        return base64.b64encode(self.data).decode("ascii")

    @property
    def fingerprint(self) -> str:
        """Changes whenever anything that can change a grade changes."""
        digest = hashlib.sha256()
        checks = json.dumps([[c.id, c.kind, c.points, c.params, c.depends_on, c.messages] for c in self.checks],
                            sort_keys=True, default=str)
        for part in (self.id, self.version, checks, repr(sorted(self.training.items()))):
            digest.update(part.encode())
        digest.update(self.data)
        digest.update(repr(sorted(self.insight.items())).encode())  # the insight is in the stored results
        if self.entry_patterns or self.entry_pin:  # which file of a folder is graded
            digest.update(repr((self.entry_patterns, self.entry_pin)).encode())
        if self.keras_datasets is not None:  # served data can change what a submission's own code does
            digest.update(str(self.keras_datasets).encode())
        return digest.hexdigest()[:16]

    def with_entry(self, pin: str | None) -> "Assignment":
        """A copy whose folders' graded file is the one matching ``pin`` (``None`` keeps the order)."""
        return self if not pin else replace(self, entry_pin=pin)

    def entry_rules(self):
        """What decides which file of a student's folder is the program (``autograder.program.EntryRules``)."""
        from autograder.program import EntryRules

        return EntryRules(pin=self.entry_pin or None, patterns=self.entry_patterns, exercise=self.id)

    def with_datasets(self, folder: str | Path | None) -> "Assignment":
        """A copy serving ``folder`` as the Keras datasets (``None`` keeps the assignment's own)."""
        return self if folder is None else replace(self, keras_datasets=datasets_folder(folder))

    def limits(self, timeout_s: float | None = None) -> RunLimits:
        """Limits for running a submission: the [run] section, ``timeout_s`` overriding its timeout."""
        return self._limits(float(timeout_s or self.run.get("timeout_s", 120)))

    def training_limits(self) -> RunLimits:
        """Limits for the grader's own training run: the [run] limits with the [training] timeout."""
        return self._limits(float(self.training.get("timeout_s", 60)))

    def _limits(self, timeout: float) -> RunLimits:
        values = {field: int(self.run[key] * scale) for key, (field, scale) in RUN_LIMITS.items()
                  if self.run.get(key)}
        values.setdefault("cpu_s", int(2 * timeout + 10))
        return RunLimits(timeout_s=timeout, **values)

    def with_run_overrides(self, **overrides: float | None) -> "Assignment":
        """A copy with some [run] settings replaced (``None`` leaves a setting as it is)."""
        run = dict(self.run)
        run.update({key: value for key, value in overrides.items() if value is not None})
        check_run_section(run)
        return replace(self, run=run)


RUN_LIMITS = {
    # [run] key -> (RunLimits field, multiplier); see assignments/*/assignment.toml
    "memory_mb": ("memory_mb", 1),
    "cpu_s": ("cpu_s", 1),
    "nproc": ("nproc", 1),
    "fsize_mb": ("fsize_mb", 1),
    "nofile": ("nofile", 1),
    "output_kept_kb": ("output_bytes", 1024),
    "output_limit_mb": ("output_limit_bytes", 2**20),
    "fit_epochs_cap": ("fit_epochs_cap", 1),
}


def check_run_section(run: dict[str, Any]) -> None:
    """Raise ValueError for a limit that is not a positive number (0 for ``cpu_s`` means automatic)."""
    for key in ("timeout_s", *RUN_LIMITS):
        if key not in run:
            continue
        value = run[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or \
                (value == 0 and key != "cpu_s"):
            raise ValueError(f"[run] {key} must be a positive number, not {value!r}")


def datasets_folder(folder: str | Path, base: Path | None = None) -> Path:
    """The Keras datasets folder as an absolute path (relative ones from ``base``); ValueError unless it is a folder."""
    path = Path(folder).expanduser()
    if not path.is_absolute() and base is not None:
        path = base / path
    if not path.is_dir():
        raise ValueError(f"the Keras datasets folder {str(folder)!r} is not a folder")
    return path.resolve()


def load_assignment(name_or_path: str | Path = DEFAULT_ASSIGNMENT) -> Assignment:
    """Read ``assignments/<name>/assignment.toml`` (or a folder/toml path) into an Assignment."""
    path = Path(name_or_path)
    if not path.exists():
        path = ASSIGNMENTS_DIR / str(name_or_path)
    if path.is_dir():
        path = path / "assignment.toml"
    raw = read_toml(path)
    checks = read_checks(path, raw)  # refuses a malformed file before anything runs
    insight = read_insight(path, raw)
    folder = path.parent
    try:
        check_run_section(raw.get("run", {}))
    except ValueError as exc:
        raise AssignmentError(path, "[run]", str(exc)) from None
    return Assignment(
        id=raw["id"],
        version=str(raw.get("version", "1")),
        title=raw.get("title", raw["id"]),
        lang=raw.get("lang", "es"),
        checks=checks,
        run=dict(raw.get("run", {})),
        training=dict(raw.get("training", {})),
        data=(folder / raw["data"]["file"]).read_bytes(),
        folder=folder,
        keras_datasets=datasets_folder(raw["data"]["keras_datasets"], folder)
        if raw["data"].get("keras_datasets") else None,
        similarity=dict(raw.get("similarity", {})),
        insight=insight,
        policy=dict(raw.get("policy", {})),
        entry_patterns=entry_patterns(raw.get("submission", {})),
    )


def entry_patterns(section: Any) -> tuple[str, ...]:
    """The ``[submission] entry`` globs; ValueError unless they are a list of strings."""
    raw = section.get("entry", []) if isinstance(section, dict) else section
    if not isinstance(raw, list) or not all(isinstance(p, str) and p.strip() for p in raw):
        raise ValueError(f"[submission] entry must be a list of file name patterns, not {raw!r}")
    return tuple(p.strip() for p in raw)
