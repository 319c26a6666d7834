"""Each check with where it points and one plain-text sentence for it: what every CI format shows."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from autograder.checks.base import CheckSpec
from autograder.i18n import check_title, translate
from autograder.integrations.locations import FileLocation, blame, locate
from autograder.integrations.messages import say
from autograder.types import CheckResult, GradeResult


@dataclass(frozen=True)
class LocatedCheck:
    """A check of one submission, with the file and line it is about (for checks that did not pass)."""

    result: GradeResult
    check: CheckResult
    where: FileLocation
    title: str
    """The check's name in the report's language, e.g. ``Dropout``."""


def where_text(where: FileLocation, lang: str) -> str:
    """``Celda 3, línea 4`` / ``tarea.py, línea 7`` / ``Celda 3``, or empty when nothing is known."""
    if where.cell is not None and where.cell_line is not None:
        return say("cell_line", lang, cell=where.cell, line=where.cell_line)
    if where.cell is not None:
        return say("cell", lang, cell=where.cell)
    if where.line is not None:
        return say("file_line", lang, file=Path(where.path).name, line=where.line)
    return ""


def check_feedback(item: LocatedCheck, with_where: bool = True) -> str:
    """The check's message, prefixed by where it points, followed by the hint on its own line."""
    lang = item.result.lang
    text = item.check.message
    place = where_text(item.where, lang) if with_where else ""
    if place:
        text = f"{place}: {text}"
    if item.check.hint:
        text += f"\n{say('hint', lang)}: {item.check.hint}"
    return text


def located_checks(result: GradeResult, rules: Sequence[CheckSpec], root: Path | None = None,
                   line_maps: dict | None = None) -> list[LocatedCheck]:
    """Every check of ``result`` in contract order; the ones that did not pass carry their location."""
    maps = line_maps if line_maps is not None else {}
    items = []
    for check in result.checks:
        loc = blame(check, result, rules) if check.status != "pass" else None
        items.append(LocatedCheck(result=result, check=check, where=locate(loc, result, root, maps),
                                  title=check_title(check, result.lang)))
    return items


def points_text(check: CheckResult, lang: str) -> str:
    return say("points", lang, points=f"{check.points:g}", max_points=f"{check.max_points:g}")
