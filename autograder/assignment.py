"""Load an assignment (rubric points, rules, default data, language) from its folder."""
from __future__ import annotations

import base64
import hashlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder.types import RunLimits

ASSIGNMENTS_DIR = Path(__file__).resolve().parent.parent / "assignments"
DEFAULT_ASSIGNMENT = "l2-dropout"


@dataclass(frozen=True)
class Assignment:
    id: str
    version: str
    title: str
    lang: str
    points: dict[str, float]
    rules: dict[str, Any]
    run: dict[str, Any]
    training: dict[str, Any]
    data: bytes = field(repr=False)
    """The default data as an .npz file's bytes (input_dim, X_train, y_train, X_test, y_test)."""
    folder: Path | None = None

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
        for part in (self.id, self.version, repr(sorted(self.points.items())), repr(sorted(self.rules.items())),
                     repr(sorted(self.training.items()))):
            digest.update(part.encode())
        digest.update(self.data)
        return digest.hexdigest()[:16]

    def limits(self, timeout_s: float | None = None) -> RunLimits:
        return RunLimits(
            timeout_s=float(timeout_s or self.run.get("timeout_s", 120)),
            memory_mb=int(self.run.get("memory_mb", 6144)),
            fit_epochs_cap=int(self.run.get("fit_epochs_cap", 2)),
        )

    def training_limits(self) -> RunLimits:
        return RunLimits(timeout_s=float(self.training.get("timeout_s", 60)),
                         memory_mb=int(self.run.get("memory_mb", 6144)))


def load_assignment(name_or_path: str | Path = DEFAULT_ASSIGNMENT) -> Assignment:
    """Read ``assignments/<name>/assignment.toml`` (or a folder/toml path) into an Assignment."""
    path = Path(name_or_path)
    if not path.exists():
        path = ASSIGNMENTS_DIR / str(name_or_path)
    if path.is_dir():
        path = path / "assignment.toml"
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    folder = path.parent
    return Assignment(
        id=raw["id"],
        version=str(raw.get("version", "1")),
        title=raw.get("title", raw["id"]),
        lang=raw.get("lang", "es"),
        points={k: float(v) for k, v in raw["points"].items()},
        rules=dict(raw.get("rules", {})),
        run=dict(raw.get("run", {})),
        training=dict(raw.get("training", {})),
        data=(folder / raw["data"]["file"]).read_bytes(),
        folder=folder,
    )
