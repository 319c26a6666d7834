"""What the desk reads from an output folder: each submission's result.json, its cells, the similarity leads.

Everything is read from files the grade run wrote (``OUT/<id>/result.json``, ``OUT/<id>/cells.json``,
``OUT/similarity.json``) and cached by modification time, so a page of a class of 2,000 re-reads only what a
regrade or a review changed. A submission id from a URL is only ever looked up among the ids found here;
it never becomes a path by itself.
"""
from __future__ import annotations

import json
import os
import stat
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder.integrations.result_file import result_from_dict
from autograder.types import GradeResult

CELLS_FILE = "cells.json"
RESCAN_S = 3.0
"""How long a scan of OUT is trusted when nothing in its signature changed."""
MAX_CELL_CHARS = 40_000
"""A cell's code shown past this is cut (a notebook of generated code must not hang the page)."""
MAX_CELLS = 500
MAX_OUTPUT_CHARS = 200_000
"""Printed output shown (the grader keeps 64 KB by default; a tampered or huge cells.json is cut here)."""


@dataclass(frozen=True)
class CheckCell:
    """One check of one submission, as the list needs it."""

    id: str
    status: str
    points: float
    max_points: float


@dataclass(frozen=True)
class Row:
    """One submission as the class list needs it (from its result.json and the similarity report)."""

    id: str
    sha256: str
    status: str
    score: float
    max_score: float
    checks: tuple[CheckCell, ...]
    source: str = ""
    error_kind: str = ""
    cut_short: str = ""
    environment: tuple[str, ...] = ()
    """Subjects of the environment problems (``wandb``, ``mnist.npz``)."""
    lead: float | None = None
    """The highest code similarity of this submission to another one, 0..1 (None: no reported pair)."""
    lead_with: tuple[str, ...] = ()
    published: bool = False
    """Flagged as close to the published solution."""

    @property
    def failing(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.checks if c.status != "pass")


@dataclass(frozen=True)
class Lead:
    """A similarity pair seen from one of its two submissions."""

    other: str
    code: float
    jaccard: float
    same_architecture: bool | None
    lines: tuple[tuple[int, int], ...] = ()
    """(cell, line) of this submission covered by a shared passage."""


@dataclass
class _Cached:
    stamp: tuple[int, int]
    value: Any


@dataclass
class ClassData:
    """The results of one output folder, cached by file modification time. Thread-safe."""

    out: Path
    _rows: dict[str, _Cached] = field(default_factory=dict)
    _similarity: _Cached | None = None
    _snapshot: tuple | None = None
    _lock: threading.RLock = field(default_factory=threading.RLock)

    def ids(self) -> list[str]:
        """Every submission with a result.json, sorted."""
        return sorted(self._scan())

    def folder(self, sid: str) -> Path | None:
        """``OUT/<sid>`` when ``sid`` is one of the submissions found, else None (never a path built from input)."""
        if not isinstance(sid, str) or sid in ("", ".", "..") or "/" in sid or "\\" in sid or "\0" in sid:
            return None
        if sid not in self._scan():
            return None
        return self.out / sid

    def rows(self) -> list[Row]:
        """One Row per submission, in id order (the same list objects until something changed)."""
        return self._scan_rows()[1]

    def _signature(self) -> tuple:
        """What changes when a run or a review rewrites OUT: the folder, grades.csv, similarity.json."""
        stamps = []
        for path in (self.out, self.out / "grades.csv", self.out / "similarity.json"):
            try:
                st = path.stat()
                stamps.append((st.st_mtime_ns, st.st_size))
            except OSError:
                stamps.append(None)
        return tuple(stamps)

    def _scan(self) -> dict[str, Row]:
        return self._scan_rows()[0]

    def _scan_rows(self) -> tuple[dict[str, Row], list[Row]]:
        """The rows, read again when OUT's signature changed or the last scan is older than ``RESCAN_S`` (a grade
        run rewrites result.json files before grades.csv); each result.json is parsed again only when it changed."""
        now = time.monotonic()
        with self._lock:
            signature = self._signature()
            if self._snapshot is not None and self._snapshot[0] == signature and now - self._snapshot[1] < RESCAN_S:
                return self._snapshot[2], self._snapshot[3]
            leads, published = self._leads_locked()
            found: dict[str, Row] = {}
            with os.scandir(self.out) as entries:
                for entry in entries:
                    if not entry.is_dir(follow_symlinks=False) or entry.name.startswith("."):
                        continue
                    path = os.path.join(entry.path, "result.json")
                    try:
                        st = os.stat(path, follow_symlinks=False)
                    except OSError:
                        continue
                    if not stat.S_ISREG(st.st_mode):
                        continue
                    stamp = (st.st_mtime_ns, st.st_size)
                    cached = self._rows.get(entry.name)
                    if cached is None or cached.stamp != stamp:
                        cached = _Cached(stamp, _row(entry.name, _read_json(Path(path))))
                        self._rows[entry.name] = cached
                    if cached.value is not None:
                        found[entry.name] = _with_leads(cached.value, leads.get(entry.name, ()), entry.name in published)
            for gone in set(self._rows) - set(found):
                del self._rows[gone]
            ordered = [found[sid] for sid in sorted(found)]
            self._snapshot = (signature, now, found, ordered)
            return found, ordered

    def document(self, sid: str) -> dict[str, Any] | None:
        """The submission's result.json as a dict (None when unknown or unreadable)."""
        folder = self.folder(sid)
        return None if folder is None else _read_json(folder / "result.json")

    def result(self, sid: str) -> GradeResult | None:
        doc = self.document(sid)
        if doc is None:
            return None
        try:
            return result_from_dict(doc)
        except (ValueError, KeyError, TypeError):
            return None

    def cells(self, sid: str) -> list[dict[str, Any]]:
        """The submission's code cells as it ran (``[{"index", "code"}]``); empty when the run did not keep them."""
        folder = self.folder(sid)
        raw = _read_json(folder / CELLS_FILE) if folder is not None else None
        cells = raw.get("cells") if isinstance(raw, dict) else None
        if not isinstance(cells, list):
            return []
        kept = []
        for cell in cells[:MAX_CELLS]:
            if isinstance(cell, dict) and isinstance(cell.get("code"), str):
                index = cell.get("index") if isinstance(cell.get("index"), int) else 0
                code = cell["code"]
                cut = max(0, len(code) - MAX_CELL_CHARS)
                kept.append({"index": index, "code": code[:MAX_CELL_CHARS], "cut_chars": cut})
        return kept

    def output(self, sid: str) -> dict[str, Any]:
        """The run's printed output as the grade run kept it: ``{"text", "dropped_bytes", "by_cell"}``, where
        ``by_cell`` maps a cell to its own output when the run marked where each cell's output starts (then
        ``text`` keeps only what came before the first cell, e.g. the environment's warnings)."""
        raw = _read_json(self.out / sid / CELLS_FILE) if self.folder(sid) is not None else None
        if not isinstance(raw, dict):
            return {"text": "", "dropped_bytes": 0, "by_cell": {}}
        text = raw.get("output") if isinstance(raw.get("output"), str) else ""
        dropped = raw.get("output_dropped_bytes") if isinstance(raw.get("output_dropped_bytes"), int) else 0
        if len(text) > MAX_OUTPUT_CHARS:
            dropped += len(text[MAX_OUTPUT_CHARS:].encode("utf-8"))
            text = text[:MAX_OUTPUT_CHARS]
        starts = [(c[0], c[1]) for c in raw.get("output_cells") or () if isinstance(c, list) and len(c) == 2
                  and all(isinstance(v, int) and not isinstance(v, bool) for v in c)]
        if not starts or any(b[1] < a[1] for a, b in zip(starts, starts[1:])):
            return {"text": text, "dropped_bytes": dropped, "by_cell": {}}
        by_cell: dict[int, str] = {}
        for number, (cell, at) in enumerate(starts):
            end = starts[number + 1][1] if number + 1 < len(starts) else len(text)
            by_cell[cell] = by_cell.get(cell, "") + text[at:end]
        return {"text": text[:starts[0][1]], "dropped_bytes": dropped, "by_cell": by_cell}

    def leads(self) -> tuple[dict[str, tuple[Lead, ...]], frozenset[str]]:
        """Per submission its similarity leads (best first), and the ids flagged as close to the published solution."""
        with self._lock:
            return self._leads_locked()

    def _leads_locked(self) -> tuple[dict[str, tuple[Lead, ...]], frozenset[str]]:
        path = self.out / "similarity.json"
        try:
            st = path.stat()
        except OSError:
            return {}, frozenset()
        stamp = (st.st_mtime_ns, st.st_size)
        if self._similarity is None or self._similarity.stamp != stamp:
            self._similarity = _Cached(stamp, _leads(_read_json(path)))
        return self._similarity.value


def _read_json(path: Path) -> Any:
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return None


def _number(value: Any, default: float = 0.0) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else default


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _row(sid: str, doc: Any) -> Row | None:
    """A Row from a result.json document; None when it is not one."""
    if not isinstance(doc, dict):
        return None
    checks = tuple(CheckCell(_text(c.get("id")), _text(c.get("status")), _number(c.get("points")),
                             _number(c.get("max_points")))
                   for c in doc.get("checks") or () if isinstance(c, dict))
    error = doc.get("error") if isinstance(doc.get("error"), dict) else {}
    env = tuple(_text(i.get("subject")) for i in doc.get("environment") or () if isinstance(i, dict))
    return Row(id=sid, sha256=_text(doc.get("sha256")), status=_text(doc.get("status")),
               score=_number(doc.get("score")), max_score=_number(doc.get("max_score")), checks=checks,
               source=_text(doc.get("source")), error_kind=_text(error.get("kind")),
               cut_short=_text(doc.get("cut_short")), environment=env)


def _with_leads(row: Row, leads: tuple[Lead, ...], published: bool) -> Row:
    if not leads and not published:
        return row
    from dataclasses import replace

    return replace(row, lead=leads[0].code if leads else None, lead_with=tuple(lead.other for lead in leads),
                   published=published)


def _leads(doc: Any) -> tuple[dict[str, tuple[Lead, ...]], frozenset[str]]:
    if not isinstance(doc, dict):
        return {}, frozenset()
    found: dict[str, list[Lead]] = {}
    for pair in doc.get("pairs") or ():
        if not isinstance(pair, dict) or not isinstance(pair.get("a"), str) or not isinstance(pair.get("b"), str):
            continue
        same = pair.get("same_architecture") if isinstance(pair.get("same_architecture"), bool) else None
        code, jaccard = _number(pair.get("code")), _number(pair.get("jaccard"))
        for me, other, lines in ((pair["a"], pair["b"], pair.get("shared_lines_a")),
                                 (pair["b"], pair["a"], pair.get("shared_lines_b"))):
            spots = tuple((int(x[0]), int(x[1])) for x in lines or () if isinstance(x, list) and len(x) == 2
                          and all(isinstance(v, int) for v in x))
            found.setdefault(me, []).append(Lead(other, code, jaccard, same, spots))
    published = frozenset(s["id"] for s in doc.get("submissions") or ()
                          if isinstance(s, dict) and isinstance(s.get("published"), dict)
                          and s["published"].get("flagged") is True and isinstance(s.get("id"), str))
    return {k: tuple(sorted(v, key=lambda lead: -lead.code)) for k, v in found.items()}, published
