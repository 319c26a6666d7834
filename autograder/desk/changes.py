"""A reviewer's change from the desk, applied to the review store; then the run's files are rewritten.

One function per form the submission page posts. Every change names the token's reviewer, the content it
was made on (``sha256``) and the review version the page showed: a regrade or another reviewer's change in
between is refused (``VersionConflict`` / ``ReviewError``) and nothing is applied.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable, Mapping

from autograder.review import Review, ReviewError, ReviewStore

MAX_FIELD = 10_000


def _field(form: Mapping[str, str], name: str, required: bool = True) -> str:
    value = str(form.get(name, "") or "")
    if required and not value.strip():
        raise ReviewError(f"the form needs a {name}")
    if len(value) > MAX_FIELD:
        raise ReviewError(f"the {name} is longer than {MAX_FIELD} characters")
    return value


def _int(form: Mapping[str, str], name: str) -> int:
    try:
        return int(_field(form, name))
    except ValueError:
        raise ReviewError(f"{name} must be a whole number") from None


def _override(store, sid, sha, form, by, version) -> Review:
    return store.set_override(sid, sha, _field(form, "check"), _field(form, "points"), _field(form, "comment", False),
                              by=by, expected_version=version)


def _clear_check(store, sid, sha, form, by, version) -> Review:
    return store.clear(sid, sha, by=by, check_id=_field(form, "check"), expected_version=version)


def _adjust(store, sid, sha, form, by, version) -> Review:
    return store.add_adjustment(sid, sha, _field(form, "points"), _field(form, "reason"), by=by,
                                expected_version=version)


def _remove_adjustment(store, sid, sha, form, by, version) -> Review:
    return store.remove_adjustment(sid, sha, _int(form, "adjustment"), by=by, expected_version=version)


def _comment(store, sid, sha, form, by, version) -> Review:
    return store.comment(sid, sha, _field(form, "text"), by=by, expected_version=version)


def _confirm(store, sid, sha, form, by, version) -> Review:
    return store.confirm(sid, sha, by=by, expected_version=version)


def _clear(store, sid, sha, form, by, version) -> Review:
    return store.clear(sid, sha, by=by, expected_version=version)


CHANGES: dict[str, Callable[..., Review]] = {
    "override": _override, "clear-check": _clear_check, "adjust": _adjust, "remove-adjustment": _remove_adjustment,
    "comment": _comment, "confirm": _confirm, "clear": _clear,
}
PERMISSION = {"override": "override", "clear-check": "clear", "adjust": "adjust", "remove-adjustment": "adjust",
              "comment": "comment", "confirm": "confirm", "clear": "clear"}
"""The permission (``autograder.desk.auth.allowed``) each change needs."""


class Changes:
    """Applies changes to one output folder's review store, one at a time, and refreshes its files after each."""

    def __init__(self, out: Path, refresh: Callable[[Path, list[str] | None], object] | None = None):
        self.out = Path(out)
        self.store = ReviewStore.in_folder(self.out)
        self._refresh = refresh
        self._lock = threading.Lock()

    def apply(self, action: str, sid: str, form: Mapping[str, str], by: str) -> Review:
        """Apply one change; raises ReviewError (VersionConflict included) without changing anything."""
        change = CHANGES.get(action)
        if change is None:
            raise ReviewError(f"unknown change {action!r}")
        version = _int(form, "version")
        sha = _field(form, "sha256")
        with self._lock:
            review = change(self.store, sid, sha, form, by, version)
            self.refresh([sid])
        return review

    def refresh(self, ids: list[str] | None = None) -> None:
        """Rewrite grades.csv, the LMS files, the summary and the ``review`` of these ids' result.json
        (default: all), each file atomically (``autograder.review.outputs``)."""
        if self._refresh is None:
            from autograder.review.outputs import refresh_outputs

            cache: dict = {}  # the desk lives long: unchanged results are not read again on every change
            self._refresh = lambda out, ids: refresh_outputs(out, ids, cache)
        self._refresh(self.out, ids)

    def last_change_by(self, sid: str) -> str:
        history = self.store.history(sid)
        return history[-1]["by"] if history else ""

    def close(self) -> None:
        self.store.close()
