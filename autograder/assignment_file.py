"""Read and validate an ``assignment.toml`` before anything runs: its checks against the vocabulary's schemas.

A malformed file is refused with one ``AssignmentError`` naming the file, the ``[[check]]`` table (its
number and id) and key, and what was expected. The schemas are JSON Schema (``jsonschema``): each kind's
parameters are data in ``autograder.checks.vocabulary``, so checking a table is one library call, and the
error carries the failing key's path and schema, from which the sentence is built.
"""
from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import jsonschema

from autograder.checks.base import CheckSpec
from autograder.checks.vocabulary import VOCABULARY, kind_schema

FILE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "check", "data"],
    "properties": {
        "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]*$",
               "description": "a lowercase name (letters, digits, - and _)"},
        "version": {"type": ["string", "integer"], "description": "a string"},
        "title": {"type": "string", "description": "a string"},
        "lang": {"enum": ["es", "en"], "description": '"es" or "en"'},
        "check": {"type": "array", "minItems": 1, "items": {"type": "object"},
                  "description": "one or more [[check]] tables"},
        "data": {"type": "object", "required": ["file"], "description": "a [data] table with file = \"....npz\""},
        "points": {"not": {}, "description": "no [points] table: each [[check]] has its own points"},
        "rules": {"not": {}, "description": "no [rules] table: each [[check]] holds its own parameters"},
    },
}


INSIGHT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "enabled": {"type": "boolean", "description": "true or false"},
        "compare": {"enum": ["regularization", "batch_norm", "early_stopping", "augmentation"],
                    "description": 'what the insight compares: "regularization", "batch_norm", "early_stopping" '
                                   'or "augmentation"'},
        "epochs": {"type": "integer", "minimum": 1, "description": "a whole number of epochs, at least 1"},
        "batch_size": {"type": "integer", "minimum": 0, "description": "0 (full batch) or a batch size"},
        "validation_share": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1,
                             "description": "a share between 0 and 1 (both excluded)"},
        "samples": {"type": "integer", "minimum": 1, "description": "a whole number of rows, at least 1"},
        "max_sample_kb": {"type": "integer", "minimum": 1, "description": "a whole number of kilobytes, at least 1"},
        "seed": {"type": "integer", "description": "a whole number"},
        "timeout_s": {"type": "number", "exclusiveMinimum": 0, "description": "a positive number of seconds"},
        "budget": {"type": "number", "minimum": 0, "description": "a number of weight uses, 0 or more"},
        "min_samples": {"type": "integer", "minimum": 1, "description": "a whole number of rows, at least 1"},
        "min_epochs": {"type": "integer", "minimum": 1, "description": "a whole number of epochs, at least 1"},
    },
}
"""``[insight]``: the "does it help?" comparison's switch, technique and budget (``autograder.insight``)."""


class AssignmentError(ValueError):
    """A malformed assignment file; the message says where and what was expected."""

    def __init__(self, file: Path, where: str, expected: str, found: Any = None) -> None:
        self.file, self.where, self.expected, self.found = file, where, expected, found
        shown = "" if found is None else f", found {found!r}"
        super().__init__(f"{file}: {where}: expected {expected}{shown}")


def _expected(error: jsonschema.ValidationError) -> str:
    """What the failing key should hold: its schema's description, else what the schema allows."""
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "additionalProperties":
        allowed = ", ".join(schema.get("properties", {}))
        return f"one of the keys this table may have ({allowed})"
    if error.validator == "required":
        return "this key, which is required"
    if "description" in schema:
        return schema["description"]
    if "enum" in schema:
        return "one of " + ", ".join(repr(v) for v in schema["enum"])
    return error.message


def _key_path(path: list) -> str:
    """``kinds[0]``, ``data.file``: a TOML key as an instructor would point at it."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _raise_first(file: Path, errors, where_of) -> None:
    """AssignmentError for the outermost schema error (the key nearest the table), if any."""
    error = min(errors, key=lambda e: (len(e.absolute_path), str(e.absolute_path)), default=None)
    if error is None:
        return
    path = list(error.absolute_path)
    found = None if error.validator in ("required", "additionalProperties", "not") else error.instance
    if error.validator == "additionalProperties":
        known = set(error.schema.get("properties", {}))
        path = path + sorted(set(error.instance) - known)[:1]
    elif error.validator == "required":
        missing = [k for k in error.validator_value if k not in error.instance]
        path = path + missing[:1]
    raise AssignmentError(file, where_of(path), _expected(error), found)


def _top_where(path: list) -> str:
    return "key " + _key_path(path) if path else "the file"


def read_checks(file: Path, raw: dict[str, Any]) -> tuple[CheckSpec, ...]:
    """The ``[[check]]`` tables as CheckSpecs, or AssignmentError for the first thing that is wrong."""
    _raise_first(file, jsonschema.Draft202012Validator(FILE_SCHEMA).iter_errors(raw), _top_where)
    specs: list[CheckSpec] = []
    for number, table in enumerate(raw["check"], start=1):
        label = f"[[check]] #{number}" + (f" (id {table['id']!r})" if isinstance(table.get("id"), str) else "")

        def where(path: list, label=label) -> str:
            return label + (", key " + _key_path(path) if path else "")

        kind = VOCABULARY.get(table.get("kind")) if isinstance(table.get("kind"), str) else None
        schema = kind_schema(kind) if kind else kind_schema(next(iter(VOCABULARY.values())))
        if kind is None:  # report the kind (or a missing required key) before parameters of an unknown kind
            schema = {**schema, "additionalProperties": True}
        _raise_first(file, jsonschema.Draft202012Validator(schema).iter_errors(table), where)
        if table["id"] in {s.id for s in specs}:
            raise AssignmentError(file, where(["id"]), "an id no other [[check]] uses", table["id"])
        known = {s.id for s in specs}
        for dep in table.get("depends_on", ()):
            if dep not in known:
                raise AssignmentError(file, where(["depends_on"]), "ids of checks declared before this one", dep)
        params = {**kind.defaults, **{k: v for k, v in table.items() if k in kind.params}}
        specs.append(CheckSpec(id=table["id"], kind=kind.name, points=float(table["points"]), params=params,
                               depends_on=tuple(table.get("depends_on", ())), title=dict(table.get("title", {})),
                               messages=table.get("messages", "")))
    built = [s for s in specs if s.kind == "model_built"]
    if len(built) != 1 or built[0].id != "model_built":
        raise AssignmentError(file, "[[check]] tables",
                              'exactly one check of kind "model_built", with id "model_built"',
                              [s.id for s in built] or None)
    return tuple(specs)


def read_toml(file: Path) -> dict[str, Any]:
    """The file's TOML as a dict; AssignmentError (with the parser's line and column) when it is not TOML."""
    try:
        with open(file, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise AssignmentError(file, "TOML syntax", f"valid TOML ({exc})") from None


def read_insight(file: Path, raw: dict[str, Any]) -> dict[str, Any]:
    """The ``[insight]`` table, or AssignmentError naming its key and what was expected."""
    table = raw.get("insight", {})
    if not isinstance(table, dict):
        raise AssignmentError(file, "[insight]", "a table", table)

    def where(path: list) -> str:
        return "[insight]" + (", key " + _key_path(path) if path else "")

    errors = [e for e in jsonschema.Draft202012Validator(INSIGHT_SCHEMA).iter_errors(table)]
    # TOML booleans are not numbers here (jsonschema counts True as an integer, the grader would not)
    for key, value in table.items():
        if isinstance(value, bool) and key != "enabled" and key in INSIGHT_SCHEMA["properties"]:
            raise AssignmentError(file, where([key]), INSIGHT_SCHEMA["properties"][key]["description"], value)
    _raise_first(file, errors, where)
    return dict(table)
