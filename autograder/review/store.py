"""The review store: overrides, adjustments, comments and their audit log, in the run's ``results.sqlite``.

Its own tables beside ``results`` (which it never writes): an output folder written before reviews existed
just works (the tables are created, the current results read from ``grades.csv`` and ``<id>/result.json``).

Reviews belong to a submission's content (``sha256``). Regrading the same content keeps them; new content
makes the review ``stale`` (``review_heads`` remembers which content was reviewed) until a reviewer confirms
(the overrides, manual adjustments and comments are carried over) or clears it. Every change bumps the
submission's version (optimistic concurrency: ``expected_version``) and adds a row to ``review_log``;
nothing is deleted from the log, and removed adjustments stay in their table, marked removed.
"""
from __future__ import annotations

import csv
import json
import sqlite3
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from autograder.review.changes import Change, ReviewError, Transaction, VersionConflict
from autograder.review.changes import number as _number, text as _text
from autograder.review.final import POLICY, Adjustment, Comment, Override, Review
from autograder.store import DB_NAME

SCHEMA = """
CREATE TABLE IF NOT EXISTS review_heads (
    submission_id TEXT PRIMARY KEY, sha256 TEXT NOT NULL, version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS review_marks (
    submission_id TEXT NOT NULL, sha256 TEXT NOT NULL, reviewer TEXT NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (submission_id, sha256));
CREATE TABLE IF NOT EXISTS review_overrides (
    submission_id TEXT NOT NULL, sha256 TEXT NOT NULL, check_id TEXT NOT NULL, points REAL NOT NULL,
    comment TEXT NOT NULL, reviewer TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (submission_id, sha256, check_id));
CREATE TABLE IF NOT EXISTS review_adjustments (
    id INTEGER PRIMARY KEY AUTOINCREMENT, submission_id TEXT NOT NULL, sha256 TEXT NOT NULL, points REAL NOT NULL,
    reason TEXT NOT NULL, kind TEXT NOT NULL, reviewer TEXT NOT NULL, at TEXT NOT NULL,
    removed_by TEXT, removed_at TEXT);
CREATE TABLE IF NOT EXISTS review_comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT, submission_id TEXT NOT NULL, sha256 TEXT NOT NULL, text TEXT NOT NULL,
    reviewer TEXT NOT NULL, at TEXT NOT NULL, removed_by TEXT, removed_at TEXT);
CREATE TABLE IF NOT EXISTS review_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, submission_id TEXT NOT NULL, sha256 TEXT NOT NULL, action TEXT NOT NULL,
    reviewer TEXT NOT NULL, at TEXT NOT NULL, version INTEGER NOT NULL, detail TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS review_current (
    submission_id TEXT PRIMARY KEY, sha256 TEXT NOT NULL, max_score REAL NOT NULL, checks TEXT NOT NULL,
    result_key TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS review_context (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class ReviewStore:
    """The review tables of one output folder. Thread-safe; every change is one transaction."""

    def __init__(self, path: Path, clock: Callable[[], datetime] = utc_now):
        self.path = Path(path)
        self.out_dir = self.path.parent
        self.clock = clock
        self._lock = threading.RLock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(self.path), timeout=30.0, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA)

    @classmethod
    def in_folder(cls, out_dir: Path, clock: Callable[[], datetime] = utc_now) -> "ReviewStore":
        return cls(Path(out_dir) / DB_NAME, clock)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> "ReviewStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- the current results -------------------------------------------------------------------------------

    def record_current(self, rows: Iterable[tuple[str, str, float, Mapping[str, float], dict | None]]) -> None:
        """The run's results: (id, sha256, max_score, {check id: max points}, result key as a dict or None)."""
        with self._tx():
            self._db.execute("DELETE FROM review_current")
            self._db.executemany("INSERT INTO review_current VALUES (?, ?, ?, ?, ?)",
                                 [(sid, sha, float(top), json.dumps(list(checks.items())), json.dumps(key or {}))
                                  for sid, sha, top, checks, key in rows])

    def current(self) -> dict[str, dict[str, Any]]:
        """Submission id -> ``{"sha256", "max_score", "checks": {id: max points}, "key": {...}}``."""
        with self._lock:
            rows = self._db.execute("SELECT * FROM review_current ORDER BY submission_id").fetchall()
        if not rows:
            rows = self._current_from_files()
        return {sid: {"sha256": sha, "max_score": top, "checks": dict(json.loads(checks)), "key": json.loads(key)}
                for sid, sha, top, checks, key in rows}

    def _current_from_files(self) -> list[tuple]:
        """An output folder written before reviews existed: the ids of ``grades.csv``, their result.json."""
        rows = []
        try:
            with open(self.out_dir / "grades.csv", newline="", encoding="utf-8") as fh:
                ids = [row["id"] for row in csv.DictReader(fh) if row.get("id")]
        except (OSError, KeyError, csv.Error):
            ids = sorted(p.parent.name for p in self.out_dir.glob("*/result.json"))
        for sid in ids:
            sid = sid.lstrip("'")  # grades.csv guards a leading formula character with a quote
            if sid in ("", ".", "..") or "/" in sid or "\\" in sid:
                continue  # not a folder of this output folder
            try:
                doc = json.loads((self.out_dir / sid / "result.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            checks = [(c["id"], float(c.get("max_points", 0))) for c in doc.get("checks") or [] if "id" in c]
            rows.append((str(doc.get("id", sid)), str(doc.get("sha256", "")), float(doc.get("max_score", 0)),
                         json.dumps(checks), "{}"))
        return rows

    def set_context(self, key: str, value: Any) -> None:
        with self._tx():
            self._db.execute("INSERT OR REPLACE INTO review_context VALUES (?, ?)", (key, json.dumps(value)))

    def context(self, key: str, default: Any = None) -> Any:
        with self._lock:
            row = self._db.execute("SELECT value FROM review_context WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    # -- reading -------------------------------------------------------------------------------------------

    def review(self, submission_id: str, sha256: str | None = None) -> Review:
        """The review of the submission's content ``sha256`` (default: its current content)."""
        sha256 = sha256 if sha256 is not None else self._target(submission_id)["sha256"]
        return self._reviews({submission_id: sha256})[submission_id]

    def reviews(self, current: Mapping[str, str] | None = None) -> dict[str, Review]:
        """Submission id -> Review for ``current`` ({id: sha256}; default: the run's current results)."""
        if current is None:
            current = {sid: row["sha256"] for sid, row in self.current().items()}
        return self._reviews(dict(current))

    def _reviews(self, current: dict[str, str]) -> dict[str, Review]:
        with self._lock:
            heads = {r[0]: (r[1], r[2]) for r in self._db.execute("SELECT * FROM review_heads")}
            marks = {(r[0], r[1]) for r in self._db.execute("SELECT submission_id, sha256 FROM review_marks")}
            overrides: dict[tuple[str, str], list[Override]] = {}
            for sid, sha, check, points, comment, by, at in self._db.execute(
                    "SELECT * FROM review_overrides ORDER BY at, check_id"):
                overrides.setdefault((sid, sha), []).append(Override(check, points, comment, by, at))
            adjustments: dict[tuple[str, str], list[Adjustment]] = {}
            for aid, sid, sha, points, reason, kind, by, at in self._db.execute(
                    "SELECT id, submission_id, sha256, points, reason, kind, reviewer, at FROM review_adjustments "
                    "WHERE removed_at IS NULL ORDER BY id"):
                adjustments.setdefault((sid, sha), []).append(Adjustment(aid, points, reason, by, at, kind))
            comments: dict[tuple[str, str], list[Comment]] = {}
            for cid, sid, sha, text, by, at in self._db.execute(
                    "SELECT id, submission_id, sha256, text, reviewer, at FROM review_comments "
                    "WHERE removed_at IS NULL ORDER BY id"):
                comments.setdefault((sid, sha), []).append(Comment(cid, text, by, at))

        def records(sid: str, sha: str, state: str, version: int, previous: Review | None = None) -> Review:
            key = (sid, sha)
            return Review(sid, sha, state, tuple(overrides.get(key, ())), tuple(adjustments.get(key, ())),
                          tuple(comments.get(key, ())), version, previous)  # type: ignore[arg-type]

        out = {}
        for sid, sha in current.items():
            head_sha, version = heads.get(sid, (sha, 0))
            if head_sha != sha and (sid, head_sha) in marks:
                out[sid] = records(sid, sha, "stale", version, records(sid, head_sha, "reviewed", version))
            else:
                out[sid] = records(sid, sha, "reviewed" if (sid, sha) in marks else "none", version)
        return out

    def history(self, submission_id: str | None = None) -> list[dict[str, Any]]:
        """The audit log (every change, oldest first), of one submission or of all."""
        query = "SELECT seq, submission_id, sha256, action, reviewer, at, version, detail FROM review_log"
        args: tuple = ()
        if submission_id is not None:
            query, args = query + " WHERE submission_id = ?", (submission_id,)
        with self._lock:
            rows = self._db.execute(query + " ORDER BY seq", args).fetchall()
        return [{"seq": seq, "submission_id": sid, "sha256": sha, "action": action, "by": by, "at": at,
                 "version": version, "detail": json.loads(detail)}
                for seq, sid, sha, action, by, at, version, detail in rows]

    # -- changing ------------------------------------------------------------------------------------------

    def set_override(self, submission_id: str, sha256: str | None, check_id: str, points: float, comment: str,
                     by: str, expected_version: int | None = None) -> Review:
        """Set one check's points (0 to its max points) with a comment."""
        target = self._target(submission_id, sha256)
        sha = target["sha256"]
        maxima = target["checks"]
        if check_id not in maxima:
            raise ReviewError(f"{check_id!r} is not a check of {submission_id!r} (its checks: {', '.join(maxima)})")
        points = _number(points, "points")
        if not 0 <= points <= maxima[check_id]:
            raise ReviewError(f"points for {check_id} must be between 0 and {maxima[check_id]:g}, not {points:g}")
        comment = _text(comment, "comment", required=False)
        with self._change(submission_id, sha, "override", by, expected_version,
                          {"check": check_id, "points": points, "comment": comment}) as at:
            self._db.execute("INSERT OR REPLACE INTO review_overrides VALUES (?, ?, ?, ?, ?, ?, ?)",
                             (submission_id, sha, check_id, points, comment, by, at))
        return self.review(submission_id, sha)

    def add_adjustment(self, submission_id: str, sha256: str | None, points: float, reason: str, by: str,
                       kind: str = "manual", expected_version: int | None = None) -> Review:
        """Add signed points to the whole submission, with a reason."""
        target = self._target(submission_id, sha256)
        sha = target["sha256"]
        if kind not in ("manual", "late"):
            raise ReviewError(f"an adjustment is 'manual' or 'late', not {kind!r}")
        points = _number(points, "an adjustment")
        if abs(points) > max(target["max_score"], 0.0) * 10 + 1000:
            raise ReviewError(f"an adjustment of {points:g} points is out of proportion to the maximum score")
        reason = _text(reason, "reason", required=True)
        with self._change(submission_id, sha, "adjust", by, expected_version,
                          {"points": points, "reason": reason, "kind": kind}) as at:
            cursor = self._db.execute(
                "INSERT INTO review_adjustments (submission_id, sha256, points, reason, kind, reviewer, at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)", (submission_id, sha, points, reason, kind, by, at))
            self._log_detail_update({"id": cursor.lastrowid})
        return self.review(submission_id, sha)

    def remove_adjustment(self, submission_id: str, sha256: str | None, adjustment_id: int, by: str,
                          expected_version: int | None = None) -> Review:
        """Remove an adjustment (it stays in its table, marked removed; a removed late penalty stays removed)."""
        sha = self._target(submission_id, sha256)["sha256"]
        with self._lock:
            row = self._db.execute("SELECT points, reason, kind FROM review_adjustments WHERE id = ? AND "
                                   "submission_id = ? AND sha256 = ? AND removed_at IS NULL",
                                   (adjustment_id, submission_id, sha)).fetchone()
        if row is None:
            raise ReviewError(f"{submission_id!r} has no adjustment {adjustment_id}")
        with self._change(submission_id, sha, "remove_adjustment", by, expected_version,
                          {"id": adjustment_id, "points": row[0], "reason": row[1], "kind": row[2]}) as at:
            self._db.execute("UPDATE review_adjustments SET removed_by = ?, removed_at = ? WHERE id = ?",
                             (by, at, adjustment_id))
        return self.review(submission_id, sha)

    def comment(self, submission_id: str, sha256: str | None, text: str, by: str,
                expected_version: int | None = None) -> Review:
        """Add a comment for the student (released with the report)."""
        sha = self._target(submission_id, sha256)["sha256"]
        text = _text(text, "comment", required=True)
        with self._change(submission_id, sha, "comment", by, expected_version, {"text": text}) as at:
            self._db.execute("INSERT INTO review_comments (submission_id, sha256, text, reviewer, at) "
                             "VALUES (?, ?, ?, ?, ?)", (submission_id, sha, text, by, at))
        return self.review(submission_id, sha)

    def clear(self, submission_id: str, sha256: str | None, by: str, check_id: str | None = None,
              expected_version: int | None = None) -> Review:
        """Without ``check_id``: back to the automatic grade (overrides, manual adjustments and comments go, a
        stale review is dismissed; the late policy's adjustment stays). With it: that check's override goes."""
        target = self._target(submission_id, sha256)
        sha = target["sha256"]
        if check_id is not None and check_id not in target["checks"]:
            raise ReviewError(f"{check_id!r} is not a check of {submission_id!r} "
                              f"(its checks: {', '.join(target['checks'])})")
        if check_id is not None:
            with self._change(submission_id, sha, "clear", by, expected_version, {"check": check_id}):
                self._db.execute("DELETE FROM review_overrides WHERE submission_id = ? AND check_id = ? AND "
                                 "sha256 IN (?, (SELECT sha256 FROM review_heads WHERE submission_id = ?))",
                                 (submission_id, check_id, sha, submission_id))
            return self.review(submission_id, sha)
        with self._change(submission_id, sha, "clear", by, expected_version, {"check": None}, mark=False) as at:
            self._db.execute("DELETE FROM review_overrides WHERE submission_id = ? AND sha256 = ?", (submission_id, sha))
            self._db.execute("UPDATE review_adjustments SET removed_by = ?, removed_at = ? WHERE submission_id = ? "
                             "AND sha256 = ? AND kind = 'manual' AND removed_at IS NULL", (by, at, submission_id, sha))
            self._db.execute("UPDATE review_comments SET removed_by = ?, removed_at = ? WHERE submission_id = ? "
                             "AND sha256 = ? AND removed_at IS NULL", (by, at, submission_id, sha))
            self._db.execute("DELETE FROM review_marks WHERE submission_id = ? AND sha256 = ?", (submission_id, sha))
            self._db.execute("UPDATE review_heads SET sha256 = ? WHERE submission_id = ?", (sha, submission_id))
        return self.review(submission_id, sha)

    def confirm(self, submission_id: str, sha256: str | None, by: str, expected_version: int | None = None) -> Review:
        """Mark the content reviewed; a stale review's overrides, manual adjustments and comments are carried
        over to this content (an override this content already has wins)."""
        target = self._target(submission_id, sha256)
        sha = target["sha256"]
        before = self.review(submission_id, sha)
        carried = before.previous if before.state == "stale" else None
        detail = {"from": carried.sha256 if carried else None}
        with self._change(submission_id, sha, "confirm", by, expected_version, detail):
            if carried is not None:
                have = {o.check_id for o in before.overrides}
                for o in carried.overrides:
                    if o.check_id in target["checks"] and o.check_id not in have:
                        points = min(o.points, target["checks"][o.check_id])
                        self._db.execute("INSERT INTO review_overrides VALUES (?, ?, ?, ?, ?, ?, ?)",
                                         (submission_id, sha, o.check_id, points, o.comment, o.by, o.at))
                for a in carried.adjustments:
                    if a.kind == "manual":
                        self._db.execute(
                            "INSERT INTO review_adjustments (submission_id, sha256, points, reason, kind, reviewer, "
                            "at) VALUES (?, ?, ?, ?, ?, ?, ?)", (submission_id, sha, a.points, a.reason, a.kind,
                                                                 a.by, a.at))
                for c in carried.comments:
                    self._db.execute("INSERT INTO review_comments (submission_id, sha256, text, reviewer, at) "
                                     "VALUES (?, ?, ?, ?, ?)", (submission_id, sha, c.text, c.by, c.at))
                self._db.execute("UPDATE review_heads SET sha256 = ? WHERE submission_id = ?", (sha, submission_id))
        return self.review(submission_id, sha)

    def apply_late_penalty(self, submission_id: str, sha256: str, points: float, reason: str) -> bool:
        """The late policy's adjustment for this content: added once, updated when the policy's figure changes,
        never brought back once a reviewer removed it. True when something changed."""
        with self._lock:
            rows = self._db.execute("SELECT id, points, reason, removed_at FROM review_adjustments WHERE "
                                    "submission_id = ? AND sha256 = ? AND kind = 'late' AND reviewer = ? ORDER BY id",
                                    (submission_id, sha256, POLICY)).fetchall()
        if any(r[3] is not None for r in rows):
            return False  # a reviewer removed it: that sticks
        live = rows[-1] if rows else None
        if live is not None and abs(live[1] - points) < 1e-9 and live[2] == reason:
            return False
        if live is None and points == 0:
            return False
        detail = {"points": points, "reason": reason, "kind": "late", "replaces": live[0] if live else None}
        with self._change(submission_id, sha256, "late_policy", POLICY, None, detail, mark=False) as at:
            if live is not None:  # the policy's own earlier figure (not a reviewer's removal)
                self._db.execute("DELETE FROM review_adjustments WHERE id = ?", (live[0],))
            if points != 0:
                self._db.execute(
                    "INSERT INTO review_adjustments (submission_id, sha256, points, reason, kind, reviewer, at) "
                    "VALUES (?, ?, ?, ?, 'late', ?, ?)", (submission_id, sha256, points, reason, POLICY, at))
        return True

    # -- machinery -----------------------------------------------------------------------------------------

    def _target(self, submission_id: str, sha256: str | None = None) -> dict[str, Any]:
        row = self.current().get(submission_id)
        if row is None:
            raise ReviewError(f"there is no submission {submission_id!r} in {self.out_dir}")
        if sha256 is not None and sha256 != row["sha256"]:
            raise ReviewError(f"the submission {submission_id!r} was handed in again and regraded since: reload it")
        return row

    def _tx(self):
        return Transaction(self)

    def _change(self, submission_id: str, sha: str, action: str, by: str, expected: int | None, detail: dict,
                mark: bool = True) -> Change:
        by = str(by or "").strip()
        if not by:
            raise ReviewError("every change needs the name of who makes it")
        if len(by) > 200 or any(ord(ch) < 32 for ch in by):
            raise ReviewError("a reviewer's name is at most 200 characters, on one line")
        return Change(self, submission_id, sha, action, by, expected, detail, mark)

    def _log_detail_update(self, extra: dict) -> None:
        row = self._db.execute("SELECT seq, detail FROM review_log ORDER BY seq DESC LIMIT 1").fetchone()
        self._db.execute("UPDATE review_log SET detail = ? WHERE seq = ?", (json.dumps({**json.loads(row[1]), **extra}),
                                                                            row[0]))


def reviews(out: Path) -> dict[str, Review]:
    """Submission id -> Review for the current results of the output folder ``out``."""
    with ReviewStore.in_folder(out) as store:
        return store.reviews()
