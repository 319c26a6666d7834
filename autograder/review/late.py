"""Late work: the assignment's ``[policy]`` turned into an ordinary adjustment (kind ``late``, by ``policy``).

``[policy] due`` (ISO 8601 with an offset), ``late_penalty_per_day`` (a share of ``max_score`` per day late),
``max_late_days`` (past them the penalty takes the score to 0). Days late are rounded up: one minute late
is one day late. A student's ``extension_days`` (roster) move their due date. The submission time comes from
the roster's ``submitted_at`` column or Moodle's worksheet ("Last modified (submission)"); a time without an
offset is read in the due date's offset. Canvas's download names only say ``LATE`` without a time: that
counts as one day late (less any extension).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Mapping

from autograder.i18n import translate
from autograder.inputs.roster import Student

DAY = timedelta(days=1)
MOODLE_FORMATS = ("%A, %d %B %Y, %I:%M %p", "%A, %d %B %Y, %H:%M", "%d %B %Y, %I:%M %p", "%d %B %Y, %H:%M",
                  "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M", "%d/%m/%Y, %H:%M")
SPANISH = {"enero": "January", "febrero": "February", "marzo": "March", "abril": "April", "mayo": "May",
           "junio": "June", "julio": "July", "agosto": "August", "septiembre": "September", "setiembre": "September",
           "octubre": "October", "noviembre": "November", "diciembre": "December", "lunes": "Monday",
           "martes": "Tuesday", "miércoles": "Wednesday", "miercoles": "Wednesday", "jueves": "Thursday",
           "viernes": "Friday", "sábado": "Saturday", "sabado": "Saturday", "domingo": "Sunday"}


@dataclass(frozen=True)
class LatePolicy:
    due: datetime
    per_day: float
    """Share of ``max_score`` taken per day late (0.1: a tenth)."""
    max_days: int | None = None
    """Past this many days late, the penalty takes the score to 0 (None: no limit)."""


@dataclass(frozen=True)
class Penalty:
    points: float
    """Negative (or 0 when the submission was on time)."""
    reason: str
    days: int


def parse_policy(raw: Mapping[str, Any] | None) -> LatePolicy | None:
    """The ``[policy]`` section, or None when it sets no due date. ValueError with one sentence when it is wrong."""
    if not raw or "due" not in raw:
        return None
    due = raw["due"]
    if isinstance(due, str):
        try:
            due = datetime.fromisoformat(due)
        except ValueError:
            raise ValueError(f"[policy] due must be an ISO 8601 date and time with an offset, not {raw['due']!r}")
    if not isinstance(due, datetime) or due.tzinfo is None:
        raise ValueError(f"[policy] due must be a date and time with an offset (2026-03-01T23:59:00+01:00), "
                         f"not {raw['due']!r}")
    per_day = raw.get("late_penalty_per_day", 0)
    if isinstance(per_day, bool) or not isinstance(per_day, (int, float)) or not 0 <= per_day <= 1:
        raise ValueError(f"[policy] late_penalty_per_day must be a share of the maximum score between 0 and 1, "
                         f"not {per_day!r}")
    max_days = raw.get("max_late_days")
    if max_days is not None and (isinstance(max_days, bool) or not isinstance(max_days, int) or max_days < 0):
        raise ValueError(f"[policy] max_late_days must be a whole number of days, not {max_days!r}")
    return LatePolicy(due=due, per_day=float(per_day), max_days=max_days)


def parse_time(text: str, tz_of: datetime) -> datetime | None:
    """A submission time as an LMS or a roster writes it; None when there is none (``-``, empty) or unreadable.
    Without an offset it is read in the offset of ``tz_of`` (the due date)."""
    text = (text or "").strip()
    if not text or text in ("-", "—"):
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None:
        plain = re.sub(r"\bde\b", "", text.lower())
        plain = re.sub(r"\s+", " ", plain).strip()
        for spanish, english in SPANISH.items():
            plain = re.sub(rf"\b{spanish}\b", english, plain)
        plain = plain.replace("a. m.", "am").replace("p. m.", "pm")
        for fmt in MOODLE_FORMATS:
            try:
                moment = datetime.strptime(plain.title().replace("Am", "AM").replace("Pm", "PM"), fmt)
                break
            except ValueError:
                continue
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=tz_of.tzinfo)


def days_late(policy: LatePolicy, submitted: datetime, extension_days: float = 0.0) -> int:
    """Whole days after the (extended) due date, partial days rounded up; 0 when on time."""
    late = submitted - (policy.due + timedelta(days=extension_days))
    return max(0, math.ceil(late / DAY)) if late > timedelta(0) else 0


def late_penalty(policy: LatePolicy, max_score: float, student: Student | None, lang: str = "es") -> Penalty | None:
    """The late adjustment for a student's submission, its reason in ``lang``; None when nothing says when it
    was handed in."""
    if student is None:
        return None
    extension = float(student.extension_days or 0)
    submitted = parse_time(student.submitted_at, policy.due)
    if submitted is not None:
        days = days_late(policy, submitted, extension)
        when = translate("late.when_time", lang, {"when": submitted.isoformat(timespec="minutes")})
    elif student.late:
        days = max(0, 1 - math.floor(extension))
        when = translate("late.when_canvas", lang)
    else:
        return None
    words = {"when": when, "days": days, "due": policy.due.isoformat(timespec="minutes"), "share": f"{policy.per_day:g}",
             "max_score": f"{max_score:g}", "allowed": policy.max_days,
             "extension": translate("late.extension", lang, {"days": f"{extension:g}"}) if extension else ""}
    if days == 0:
        return Penalty(0.0, translate("late.on_time", lang, words), 0)
    if policy.max_days is not None and days > policy.max_days:
        return Penalty(-max_score, translate("late.too_late", lang, words), days)
    return Penalty(-round(days * policy.per_day * max_score, 6), translate("late.days", lang, words), days)
