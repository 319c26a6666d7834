"""Message catalogs (Spanish and English) and the one function that puts findings into words."""
from __future__ import annotations

import functools
import json
import string
from pathlib import Path
from typing import Any

from autograder.types import SourceLocation

LANGUAGES = ("es", "en")
DEFAULTS = {"units": 64, "activation": "relu", "where": "", "dropout_where": "", "expected_layer": "Dropout",
            "rate_min": "0", "rate_max": "1"}


@functools.lru_cache(maxsize=None)
def catalog(lang: str) -> dict[str, str]:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
    # ``es.json`` holds the core messages; ``<area>.es.json`` files beside it hold one feature's each
    # (environment, insight, similarity ...). A key defined twice is a bug, refused here.
    folder = Path(__file__).parent
    merged: dict[str, str] = {}
    for path in [folder / f"{lang}.json", *sorted(folder.glob(f"*.{lang}.json"))]:
        for key, value in json.loads(path.read_text(encoding="utf-8")).items():
            if key in merged:
                raise ValueError(f"message key {key!r} is defined twice ({path.name})")
            merged[key] = value
    return merged


def format_location(loc: SourceLocation | None, lang: str) -> str:
    """`` (cell 3, line 5)`` in the report's language, or an empty string when unknown."""
    if loc is None or loc.line is None:
        return ""
    cat = catalog(lang)
    inner = cat["loc.cell"].format(cell=loc.cell, line=loc.line) if loc.cell is not None \
        else cat["loc.file"].format(file=loc.file or "?", line=loc.line)
    return cat["loc.wrap"].format(loc=inner)


class _Values(dict):
    def __missing__(self, key: str) -> Any:
        return DEFAULTS.get(key, "?")


class _Formatter(string.Formatter):
    def format_field(self, value: Any, spec: str) -> str:
        try:
            return super().format_field(value, spec)
        except (ValueError, TypeError):
            return str(value)


def translate(key: str, lang: str, params: dict[str, Any] | None = None) -> str:
    """The catalog's sentence for ``key``, with locations and values filled in."""
    template = catalog(lang).get(key)
    if template is None:
        return key
    values = _Values()
    for name, value in (params or {}).items():
        if isinstance(value, SourceLocation) or (value is None and name.endswith("where")):
            value = format_location(value, lang)
        elif name in ("rule", "kind", "how", "watched") and isinstance(value, str):
            value = catalog(lang).get(f"{name}.{value}", value)
        values[name] = value
    return _Formatter().vformat(template, (), values)


def check_title(check: Any, lang: str) -> str:
    """A check result's title: its own (an assignment may title a check), else the catalog's ``check.<id>``."""
    return getattr(check, "title", "") or translate(f"check.{check.id}", lang)
