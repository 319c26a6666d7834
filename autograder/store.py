"""The results store: one SQLite database (WAL mode) in the output folder.

A result is stored, and committed, the moment its submission is graded, keyed by what can change it:
the submission (id and sha256), the assignment (``Assignment.fingerprint``), the grader (its version
and the digest of its grading code) and the run's settings that change a grade (language, limits,
isolation). A rerun takes every result it finds under the same key instead of grading again; a run
killed at any point (even by SIGKILL) keeps everything it had committed, and nothing is stored twice.

What is stored is the contract's ``result.json`` document plus the few report-only fields it leaves
out (printed output, skipped magics, file name), so reports and ``grades.csv`` can be rebuilt.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from autograder import __version__
from autograder.assignment import Assignment
from autograder.integrations.result_file import result_from_dict
from autograder.render.result_json import result_to_dict
from autograder.sandbox.worker import output_cells
from autograder.types import GradeResult, TrainingResult

DB_NAME = "results.sqlite"
SCHEMA_VERSION = "1"
PACKAGE = Path(__file__).resolve().parent
PRESENTATION = ("render/", "render_process.py", "cli.py", "__main__.py", "exports/", "integrations/", "progress.py",
                "desk/", "review/", "assignments_command.py")
"""The package's parts that cannot change a stored result: they render, export, serve or drive results the grading
produced (reports and exports are written again from the stored result on every run). Every other file of the
package is part of the grader's fingerprint by construction: a new module decides grades until listed here."""
NOT_STORED_ERRORS = ("sandbox",)
"""Results that say the grader itself failed are not kept: the next run tries again."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS results (
    submission_id TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    assignment TEXT NOT NULL,
    grader TEXT NOT NULL,
    settings TEXT NOT NULL,
    status TEXT NOT NULL,
    score REAL NOT NULL,
    max_score REAL NOT NULL,
    result TEXT NOT NULL,
    extra TEXT NOT NULL,
    run_id TEXT NOT NULL,
    graded_at REAL NOT NULL,
    PRIMARY KEY (submission_id, sha256, assignment, grader, settings)
);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    started_at REAL NOT NULL,
    finished_at REAL,
    submissions INTEGER NOT NULL,
    cached INTEGER NOT NULL,
    graded INTEGER NOT NULL DEFAULT 0
);
"""


def grading_files(package: Path = PACKAGE) -> list[Path]:
    """Every file of the package that may decide a result: all but PRESENTATION (and compiled caches)."""
    files = []
    for path in package.rglob("*"):
        rel = path.relative_to(package).as_posix()
        if not path.is_file() or "__pycache__" in path.parts or path.suffix in (".pyc", ".pyo"):
            continue
        if any(rel == part or (part.endswith("/") and rel.startswith(part)) for part in PRESENTATION):
            continue
        files.append(path)
    return sorted(files)


@functools.lru_cache(maxsize=4)
def grader_fingerprint(package: Path = PACKAGE) -> str:
    """``<version>+<digest of the grading code>``: changes with any edit that can change a grade."""
    digest = hashlib.sha256(__version__.encode())
    for path in grading_files(package):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:12]}"


def settings_fingerprint(assignment: Assignment, lang: str | None, timeout_s: float | None, isolation: str) -> str:
    """Digest of the run's settings that change a result: report language, limits, isolation."""
    settings = {"lang": lang or assignment.lang, "limits": dataclasses.asdict(assignment.limits(timeout_s)),
                "training_limits": dataclasses.asdict(assignment.training_limits()), "isolation": isolation}
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class ResultKey:
    """Everything a stored result depends on."""

    submission_id: str
    sha256: str
    assignment: str
    grader: str
    settings: str


def result_extras(result: GradeResult) -> dict:
    """The fields of a GradeResult that ``result.json`` leaves out but the reports show."""
    return {"output": result.output, "output_dropped_bytes": result.output_dropped_bytes,
            "ignored": list(result.ignored), "filename": result.filename,
            "models_seen": result.model.models_seen if result.model else None,
            "training_elapsed_s": result.training.elapsed_s if result.training else None,
            "output_cells": [list(cell) for cell in result.output_cells]}


def rebuild_result(document: dict, extra: dict) -> GradeResult:
    """A GradeResult from its stored ``result.json`` document and extras."""
    result = result_from_dict(document)
    model, training = result.model, result.training
    if model is not None and extra.get("models_seen"):
        model = dataclasses.replace(model, models_seen=int(extra["models_seen"]))
    if isinstance(training, TrainingResult) and extra.get("training_elapsed_s") is not None:
        training = dataclasses.replace(training, elapsed_s=float(extra["training_elapsed_s"]))
    return dataclasses.replace(
        result, model=model, training=training, output=str(extra.get("output") or ""),
        output_dropped_bytes=int(extra.get("output_dropped_bytes") or 0),
        ignored=tuple(extra.get("ignored") or ()), filename=str(extra.get("filename") or result.filename),
        output_cells=output_cells(extra.get("output_cells")))


def storable(result: GradeResult) -> bool:
    return not (result.status == "error" and result.error is not None and result.error.kind in NOT_STORED_ERRORS)


class ResultStore:
    """The store of one output folder. Thread-safe: grading threads put results as they finish."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(self.path), timeout=30.0, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")  # a committed result survives a crash of the machine too
        self._db.executescript(SCHEMA)
        self._db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        found = self._db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()[0]
        if found != SCHEMA_VERSION:
            raise sqlite3.DatabaseError(f"{self.path}: results store schema {found}, this grader reads {SCHEMA_VERSION}")

    @classmethod
    def in_folder(cls, out_dir: Path) -> "ResultStore":
        return cls(Path(out_dir) / DB_NAME)

    def get(self, key: ResultKey) -> GradeResult | None:
        """The stored result for exactly this key, or None."""
        with self._lock:
            row = self._db.execute(
                "SELECT result, extra FROM results WHERE submission_id=? AND sha256=? AND assignment=? "
                "AND grader=? AND settings=?", dataclasses.astuple(key)).fetchone()
        if row is None:
            return None
        try:
            return rebuild_result(json.loads(row[0]), json.loads(row[1]))
        except (ValueError, KeyError, TypeError):
            return None  # unreadable: grade again

    def put(self, key: ResultKey, result: GradeResult, run_id: str) -> bool:
        """Store and commit ``result``; False when it is not kept (the grader itself failed)."""
        if not storable(result):
            return False
        document = json.dumps(result_to_dict(result), ensure_ascii=False)
        extra = json.dumps(result_extras(result), ensure_ascii=False)
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute(
                    "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (*dataclasses.astuple(key), result.status, result.score, result.max_score, document, extra,
                     run_id, time.time()))
                self._db.execute("UPDATE runs SET graded = graded + 1 WHERE run_id = ?", (run_id,))
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        return True

    def start_run(self, submissions: int, cached: int) -> str:
        run_id = uuid.uuid4().hex
        with self._lock:
            self._db.execute("INSERT INTO runs (run_id, started_at, submissions, cached) VALUES (?, ?, ?, ?)",
                             (run_id, time.time(), submissions, cached))
        return run_id

    def finish_run(self, run_id: str) -> None:
        with self._lock:
            self._db.execute("UPDATE runs SET finished_at = ? WHERE run_id = ?", (time.time(), run_id))

    def history(self, submission_id: str) -> list[tuple[str, str, float]]:
        """(sha256, run id, time) of every stored grading of a submission, oldest first."""
        with self._lock:
            return self._db.execute("SELECT sha256, run_id, graded_at FROM results WHERE submission_id = ? "
                                    "ORDER BY graded_at", (submission_id,)).fetchall()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> "ResultStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
