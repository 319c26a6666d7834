""""The published solution, unchanged": how much of the contract's reference solution a submission holds.

Compared line by line on normalized lines that keep literals: renaming, comments and blank lines do not
hide a copy, but different units, factors, rates or epochs count as the student's own choices. Imports
and lines of the starter notebook are what the exercise forces: they are left out of the measure.
"""
from __future__ import annotations

from collections import Counter
from itertools import groupby
from typing import Iterable

from autograder.similarity.types import CodeDoc, CodeLine, PublishedMatch

LineKey = tuple[str, ...]
TRIVIAL = frozenset("()[]{},:;")
MAX_EXTRA = 8


def line_keys(doc: CodeDoc) -> list[tuple[tuple[int, int], LineKey]]:
    """((cell, line), normalized tokens with literals) of each line that says something, in order."""
    keyed = []
    for where, tokens in groupby(doc.tokens, key=lambda t: (t.cell, t.line)):
        key = tuple(t.literal if t.text == "L" else t.text for t in tokens)
        while key and key[-1] == ",":
            key = key[:-1]
        if not key or key[0] in ("import", "from") or all(part in TRIVIAL for part in key):
            continue
        keyed.append((where, key))
    return keyed


def reference_lines(reference: CodeDoc, forced: Iterable[CodeDoc]) -> list[tuple[LineKey, str]]:
    """The reference's own lines (key, text as written): not imports, not in the starter notebook."""
    forced_keys = {key for doc in forced for _, key in line_keys(doc)}
    text = {(line.cell, line.line): line.text.strip() for line in reference.lines}
    return [(key, text.get(where, " ".join(key))) for where, key in line_keys(reference) if key not in forced_keys]


def published_match(doc: CodeDoc, reference: list[tuple[LineKey, str]], forced_keys: frozenset[LineKey],
                    threshold: float) -> PublishedMatch:
    """How close ``doc`` is to the reference; flagged at ``threshold`` or more."""
    own = [(where, key) for where, key in line_keys(doc) if key not in forced_keys]
    available = Counter(key for _, key in own)
    missing: list[str] = []
    matched = 0
    for key, text in reference:
        if available[key] > 0:
            available[key] -= 1
            matched += 1
        else:
            missing.append(text)
    reference_keys = Counter(key for key, _ in reference)
    text = {(line.cell, line.line): line.text for line in doc.lines}
    extra = []
    for where, key in own:
        if reference_keys[key] > 0:
            reference_keys[key] -= 1
        else:
            extra.append(CodeLine(where[0], where[1], text.get(where, " ".join(key))))
    total = len(reference)
    closeness = matched / total if total else 0.0
    return PublishedMatch(id=doc.id, flagged=total > 0 and closeness >= threshold, closeness=round(closeness, 3),
                          matched=matched, total=total, missing=tuple(missing), extra=tuple(extra[:MAX_EXTRA]),
                          extra_count=len(extra))
