"""An exception raised by the student's code as plain data: where it happened, the student's own
frames (cell or file, line, function, code), the names its statement would have bound, and what
the outside needs to explain it (the undefined name, the refused download)."""
from __future__ import annotations

import linecache
import os
import re
import traceback

import ag_causes
import ag_state

MAX_FRAMES = 15
CONTEXT = {"standins": [], "runner_file": ag_causes.is_runner_file(os.path.dirname(os.path.abspath(__file__)))}
"""What ``cause`` needs from the run: its stood-in module records (set by ``watch``)."""
UNDEFINED = re.compile(r"name '([^']+)' is not defined|local variable '([^']+)' referenced|"
                       r"cannot access local variable '([^']+)'")


def short(text, limit):
    text = str(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def undefined_name(exc):
    """The missing name of a NameError (or UnboundLocalError), else None."""
    if not isinstance(exc, NameError):
        return None
    name = getattr(exc, "name", None)
    if isinstance(name, str) and name:
        return name
    match = UNDEFINED.search(str(exc))
    return next((g for g in match.groups() if g), None) if match else None


def download_refused(exc):
    """{"file", "origin"} when the exception (or one it came from) is the offline download refusal."""
    seen = 0
    while exc is not None and seen < 10:
        if type(exc).__name__ == "DatasetUnavailable" and hasattr(exc, "origin"):
            return {"file": str(getattr(exc, "file", "")), "origin": str(getattr(exc, "origin", ""))}
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


def frame_code(frame):
    """The code of a frame: its line, or all the lines of an expression written over several
    (``pd.read_csv(\n    "https://...")``), joined, so the report and the diagnosis see all of it."""
    first = frame.line or ""
    end = getattr(frame, "end_lineno", None) or frame.lineno
    if not first or end <= frame.lineno or end - frame.lineno > 20:
        return short(first, 200)
    lines = [linecache.getline(frame.filename, n).strip() for n in range(frame.lineno, end + 1)]
    return short(" ".join(line for line in lines if line), 200)


def student_frames(exc, sites):
    frames = []
    for frame in traceback.extract_tb(exc.__traceback__):
        loc = sites.location(frame.filename, frame.lineno)
        if loc is None:
            continue
        entry = dict(loc, name=short(frame.name, 120), code=frame_code(frame))
        if frames and frames[-1] == entry:  # a line magic runs its statement at the same cell line
            continue
        frames.append(entry)
    if isinstance(exc, SyntaxError):
        loc = sites.location(exc.filename, exc.lineno)
        if loc is not None:
            frames.append(dict(loc, name="<module>", code=short((exc.text or "").strip(), 200)))
    return frames[-MAX_FRAMES:]


def message_of(exc):
    try:
        return short(exc, 1000)
    except BaseException:  # a student's exception whose __str__ fails
        return f"<{type(exc).__name__} whose message cannot be shown>"


def fill_code(record, where, source):
    """Give frames of ``where`` (a cell) without code their line of ``source`` (a magic's body)."""
    lines = source.splitlines()
    for frame in record["frames"]:
        if not frame.get("code") and all(frame.get(k) == v for k, v in where.items()) \
                and 0 < frame.get("line", 0) <= len(lines):
            frame["code"] = short(lines[frame["line"] - 1].strip(), 200)


def watch(standins):
    """Errors recorded from now on are checked against these stood-in module records (the runner's list)."""
    CONTEXT["standins"] = standins


def error_record(exc, sites, fallback, defines=()):
    """The record the outside reads (see the runner's report): type, message, location, frames,
    defines, name, download, and ``cause`` when the grading environment caused it (``ag_causes``)."""
    frames = student_frames(exc, sites)
    location = None
    if frames:
        location = {k: v for k, v in frames[-1].items() if k in ("cell", "file", "line")}
    return ag_state.new(ag_state.Error, type=type(exc).__name__, message=message_of(exc),
                        location=location or fallback, frames=frames, defines=list(defines)[:50],
                        name=undefined_name(exc), download=download_refused(exc),
                        cause=ag_causes.cause_of(exc, sites, CONTEXT["standins"], CONTEXT["runner_file"]))
