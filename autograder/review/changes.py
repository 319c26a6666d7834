"""One change to the review store as one transaction: the version check, the change, the bookkeeping of
which content a review belongs to (``review_heads``, ``review_marks``) and the audit log row; and the checks
every value of a change passes first."""
from __future__ import annotations

import json
from datetime import timezone
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from autograder.review.store import ReviewStore

MAX_TEXT = 10_000
"""Longest comment or reason kept (characters)."""


class ReviewError(ValueError):
    """A change that cannot be made (unknown submission or check, points out of range); one sentence."""


class VersionConflict(ReviewError):
    """Somebody changed the submission's review since the caller read it."""

    def __init__(self, submission_id: str, expected: int, found: int):
        self.submission_id, self.expected, self.found = submission_id, expected, found
        super().__init__(f"the review of {submission_id!r} was changed by someone else (version {found}, "
                         f"you had {expected}): reload it and try again")


class Transaction:
    def __init__(self, store: ReviewStore):
        self.store = store

    def __enter__(self) -> None:
        self.store._lock.acquire()
        self.store._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind, value, tb) -> None:
        try:
            self.store._db.execute("ROLLBACK" if kind else "COMMIT")
        finally:
            self.store._lock.release()


class Change(Transaction):
    """One change: the version check, the change itself (the ``with`` body, given the time), the head and
    mark bookkeeping and the log row, all in one transaction."""

    def __init__(self, store: ReviewStore, sid: str, sha: str, action: str, by: str, expected: int | None,
                 detail: dict, mark: bool):
        super().__init__(store)
        self.sid, self.sha, self.action, self.by, self.expected, self.detail, self.mark = \
            sid, sha, action, by, expected, detail, mark

    def __enter__(self) -> str:  # type: ignore[override]
        super().__enter__()
        db = self.store._db
        try:
            head = db.execute("SELECT sha256, version FROM review_heads WHERE submission_id = ?", (self.sid,)).fetchone()
            self.version = head[1] if head else 0
            if self.expected is not None and int(self.expected) != self.version:
                raise VersionConflict(self.sid, int(self.expected), self.version)
            self.at = self.store.clock().astimezone(timezone.utc).isoformat(timespec="seconds")
            if head is None:
                db.execute("INSERT INTO review_heads VALUES (?, ?, 0)", (self.sid, self.sha))
            elif head[0] != self.sha and self.action != "late_policy":
                reviewed = db.execute("SELECT 1 FROM review_marks WHERE submission_id = ? AND sha256 = ?",
                                      (self.sid, head[0])).fetchone()
                if not reviewed:  # nothing waits on the earlier content: the review moves to this one
                    db.execute("UPDATE review_heads SET sha256 = ? WHERE submission_id = ?", (self.sha, self.sid))
            db.execute("UPDATE review_heads SET version = ? WHERE submission_id = ?", (self.version + 1, self.sid))
            db.execute("INSERT INTO review_log (submission_id, sha256, action, reviewer, at, version, detail) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?)", (self.sid, self.sha, self.action, self.by, self.at,
                                                        self.version + 1, json.dumps(self.detail, ensure_ascii=False)))
        except BaseException:
            super().__exit__(RuntimeError, None, None)
            raise
        return self.at

    def __exit__(self, kind, value, tb) -> None:
        if kind is None and self.mark:
            self.store._db.execute("INSERT OR REPLACE INTO review_marks VALUES (?, ?, ?, ?)",
                                   (self.sid, self.sha, self.by, self.at))
        super().__exit__(kind, value, tb)


def number(value: Any, what: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ReviewError(f"{what} must be a number, not {value!r}") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ReviewError(f"{what} must be a finite number, not {value!r}")
    return number


def text(value: Any, what: str, required: bool) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ReviewError(f"the {what} must not be empty")
    if len(text) > MAX_TEXT:
        raise ReviewError(f"the {what} is longer than {MAX_TEXT} characters")
    return text


