"""The run's files after review: every export shows the final grade, ``result.json`` gains its ``review``.

``refresh_outputs(out_dir)`` rewrites, after any change, ``grades.csv``, the summaries, the Canvas and Moodle
gradebooks, the JUnit file the run wrote (if any) and each ``<id>/result.json``'s ``review`` object, every
file atomically (a temporary file in the same folder, then ``os.replace``) and one refresh at a time.
``RunReviews`` is the grading run's side: it applies the late policy and stored reviews as results are
written, and records what the run graded so a later refresh knows the current results.
"""
from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import json
import os
import sys
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

from autograder.atomic import write_bytes_atomic, write_text_atomic
from autograder.checks.base import CheckSpec
from autograder.inputs.roster import Student
from autograder.review.final import FinalGrade, Review, final_grade, final_view, review_document, review_from_document
from autograder.review.late import LatePolicy, late_penalty
from autograder.review.store import ReviewStore
from autograder.types import GradeResult

LOCK_FILE = ".review.lock"


@contextlib.contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """One writer of the run's files at a time (the desk, the command line and a grading run)."""
    with open(Path(out) / LOCK_FILE, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def finals_for(results: Iterable[GradeResult], reviews: Mapping[str, Review]) -> dict[str, FinalGrade]:
    return {r.id: final_grade(r, reviews.get(r.id)) for r in results}


def final_views(results: list[GradeResult], finals: Mapping[str, FinalGrade]) -> list[GradeResult]:
    """The results as the exports show them (final score and check points)."""
    return [final_view(r, finals[r.id]) if r.id in finals else r for r in results]


def load_current_results(out: Path, store: ReviewStore, cache: dict | None = None,
                         complete: set[str] | None = None) -> list[GradeResult]:
    """The run's current results: from the results table by their key, else from ``<id>/result.json``.
    ``cache``: a dict the caller keeps between calls (a long-running desk): results already read are taken
    from it when their id, content, key and file are unchanged (about half of a refresh's time on a class).
    ``complete``: gets the ids read from the results table, whole; ``result.json`` lacks what only the
    reports show (the printed output, the lines left out), so a report is never rebuilt from it."""
    from autograder.integrations.result_file import load_result
    from autograder.store import ResultKey, ResultStore

    results = []
    rows = store.current()
    results_store = None
    try:
        if any(row["key"] for row in rows.values()):
            results_store = ResultStore(store.path)
        for sid, row in sorted(rows.items()):
            result = None
            stamp = _cache_stamp(out, sid, row)
            if cache is not None and stamp in cache:
                result, whole = cache[stamp]
                results.append(result)
                if whole and complete is not None:
                    complete.add(sid)
                continue
            if row["key"] and results_store is not None:
                try:
                    result = results_store.get(ResultKey(**row["key"]))
                except (TypeError, ValueError):
                    result = None
            whole = result is not None
            if whole and complete is not None:
                complete.add(sid)
            if result is None:
                try:
                    result = load_result(out / sid / "result.json")
                except (OSError, ValueError, KeyError, TypeError) as exc:
                    print(f"autograder: cannot read the result of {sid}: {exc}", file=sys.stderr)
                    continue
            if cache is not None:
                cache[stamp] = (result, whole)
            results.append(result)
    finally:
        if results_store is not None:
            results_store.close()
    return results


def _cache_stamp(out: Path, sid: str, row: Mapping[str, Any]) -> tuple:
    try:
        mtime = (out / sid / "result.json").stat().st_mtime_ns if not row["key"] else 0
    except OSError:
        mtime = -1
    return sid, row["sha256"], json.dumps(row["key"], sort_keys=True), mtime


def write_review_object(out: Path, result: GradeResult, review: Review | None, final: FinalGrade,
                        reports: bool = True) -> None:
    """Replace ``<id>/result.json``'s ``review`` object (the automatic result in it stays as it is) and, when
    it changed and ``reports`` (``result`` is whole), the submission's reports first, so that what a student
    reads shows the final grade and why."""
    from autograder.render import write_reports

    path = out / result.id / "result.json"
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    new = review_document(review, final)
    if document.get("review") == new:
        return
    document["review"] = new
    if reports:
        write_reports(result, path.parent, new)
    write_text_atomic(path, json.dumps(document, ensure_ascii=False, indent=2))


def students_from(raw: Mapping[str, Any] | None) -> dict[str, Student]:
    known = {f.name for f in dataclasses.fields(Student)}
    return {sid: Student(**{k: v for k, v in (fields or {}).items() if k in known}) for sid, fields in (raw or {}).items()}


def write_final_run_files(out: Path, results: list[GradeResult], finals: Mapping[str, FinalGrade],
                          students: Mapping[str, Student], title: str, junit: Mapping[str, str] | None = None,
                          rules: Sequence[CheckSpec] = ()) -> None:
    """``grades.csv``, the summaries, the LMS gradebooks and the JUnit file, all with the final grades."""
    from autograder.exports import write_lms_exports
    from autograder.render import write_run_outputs

    views = final_views(results, finals)
    write_run_outputs(views, out, finals=dict(finals))
    write_lms_exports(views, students, out, title)
    if junit and junit.get("path"):
        from autograder.integrations.junit import junit_xml

        path = Path(junit["path"])
        if path.parent.is_dir():
            root = Path(junit["root"]) if junit.get("root") else None
            write_bytes_atomic(path, junit_xml(views, rules, root) + b"\n")


def refresh_outputs(out_dir: Path, ids: Iterable[str] | None = None, cache: dict | None = None
                    ) -> dict[str, FinalGrade]:
    """Rewrite the run's files with the final grades (``ids``: only these result.json files, default all).
    ``cache``: see ``load_current_results``. Returns id -> FinalGrade."""
    out = Path(out_dir)
    wanted = None if ids is None else set(ids)
    with output_lock(out), ReviewStore.in_folder(out) as store:
        complete: set[str] = set()
        results = load_current_results(out, store, cache, complete)
        reviews = store.reviews({r.id: r.sha256 for r in results})
        finals = finals_for(results, reviews)
        for result in results:
            if wanted is None or result.id in wanted:
                write_review_object(out, result, reviews.get(result.id), finals[result.id], result.id in complete)
        assignment = store.context("assignment", {})
        write_final_run_files(out, results, finals, students_from(store.context("students")),
                              str(assignment.get("title") or (results[0].assignment if results else "")),
                              store.context("junit"), rules_from(assignment.get("rules")))
    return finals


def rules_from(raw: Any) -> tuple[CheckSpec, ...]:
    """The assignment's checks as the run recorded them (plain data) for the JUnit file; () when unreadable."""
    try:
        return tuple(CheckSpec(**{**item, "depends_on": tuple(item.get("depends_on") or ())}) for item in raw or ())
    except TypeError:
        return ()


def record_run_outputs(out_dir: Path, junit: Path | None) -> None:
    """Remember the JUnit file a grading run wrote, so a refresh rewrites it with the final grades."""
    with ReviewStore.in_folder(out_dir) as store:
        store.set_context("junit", {"path": str(Path(junit).resolve()), "root": os.getcwd()} if junit else None)


def apply_reviews(out_dir: Path, results: list[GradeResult]) -> list[GradeResult]:
    """``results`` with their final grades (for the outputs written after the run: JUnit, GitHub)."""
    try:
        with ReviewStore.in_folder(out_dir) as store:
            reviews = store.reviews({r.id: r.sha256 for r in results})
    except Exception as exc:
        print(f"autograder: reviews unavailable ({type(exc).__name__}: {exc})", file=sys.stderr)
        return results
    return final_views(results, finals_for(results, reviews))


class RunReviews:
    """A grading run's reviews: the late policy applied and the ``review`` object made for each result as it is
    written, then the run's results and context recorded. Without a store (``--no-store``, an unusable disk)
    every result is unreviewed."""

    def __init__(self, out: Path, policy: LatePolicy | None, students: Mapping[str, Student], enabled: bool = True):
        self.policy = policy
        self.students = students
        self.store: ReviewStore | None = None
        self.reviews: dict[str, Review] = {}
        if enabled:
            try:
                self.store = ReviewStore.in_folder(out)
            except Exception as exc:
                print(f"autograder: reviews unavailable ({type(exc).__name__}: {exc})", file=sys.stderr)

    def review(self, result: GradeResult) -> Review | None:
        if self.store is None:
            return None
        if self.policy is not None and result.sha256:
            penalty = late_penalty(self.policy, result.max_score, self.students.get(result.id), result.lang)
            if penalty is not None:
                self.store.apply_late_penalty(result.id, result.sha256, penalty.points, penalty.reason)
        return self.store.reviews({result.id: result.sha256})[result.id]

    def document(self, result: GradeResult) -> dict[str, Any]:
        """``result.json``'s ``review`` object for ``result`` (applying the late policy first)."""
        try:
            review = self.review(result)
        except Exception as exc:  # a locked or broken store costs the review, never the result
            print(f"autograder: review of {result.id} unavailable ({type(exc).__name__}: {exc})", file=sys.stderr)
            review = None
        return review_document(review, final_grade(result, review))

    def close(self, results: list[GradeResult], keys: Mapping[str, Any], title: str, rules: Sequence[CheckSpec],
              folder: Path | None) -> tuple[list[GradeResult], dict[str, FinalGrade]]:
        """Record the run's results and context; the final views and grades for the run's files."""
        if self.store is None:
            return results, finals_for(results, {})
        try:
            self.store.record_current(
                (r.id, r.sha256, r.max_score, {c.id: c.max_points for c in r.checks},
                 dataclasses.asdict(keys[r.id]) if r.id in keys else None) for r in results)
            self.store.set_context("students", {sid: dataclasses.asdict(s) for sid, s in self.students.items()})
            self.store.set_context("assignment", {"title": title, "rules": [dataclasses.asdict(c) for c in rules],
                                                  "folder": str(folder) if folder else None})
            reviews = self.store.reviews({r.id: r.sha256 for r in results})
        except Exception as exc:
            print(f"autograder: reviews unavailable ({type(exc).__name__}: {exc})", file=sys.stderr)
            reviews = {}
        finally:
            self.store.close()
        self.reviews = reviews
        finals = finals_for(results, reviews)
        return final_views(results, finals), finals

    def settle(self, out: Path, results: list[GradeResult], finals: Mapping[str, FinalGrade]) -> None:
        """Each ``result.json``'s ``review`` (and its reports) as the store has it now: a reviewer's change
        made while the run wrote that submission's files is not undone by them. Call it holding ``output_lock``."""
        for result in results:
            if result.id in finals:
                try:
                    write_review_object(out, result, self.reviews.get(result.id), finals[result.id])
                except Exception as exc:  # one unwritable file costs its review object, never the others
                    print(f"autograder: review of {result.id} not written ({type(exc).__name__}: {exc})",
                          file=sys.stderr)


def with_file_review(result: GradeResult, path: Path) -> GradeResult:
    """``result`` with the final grade its ``result.json`` (``path``, or the folder holding one) records."""
    path = Path(path)
    found = sorted(path.glob("*/result.json")) or sorted(path.glob("result.json")) if path.is_dir() else [path]
    try:
        document = json.loads(found[0].read_text(encoding="utf-8")) if len(found) == 1 else {}
    except (OSError, ValueError):
        return result
    review = review_from_document(result, document.get("review") if isinstance(document, dict) else None)
    return result if review is None else final_view(result, final_grade(result, review))
