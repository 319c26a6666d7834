"""k-gram hashes and winnowing (Schleimer, Wilkerson and Aiken, SIGMOD 2003), as MOSS and JPlag use them.

Every run of ``k`` normalized tokens is hashed; winnowing keeps the smallest hash of each window of ``window``
consecutive hashes, so any passage of ``k + window - 1`` tokens that two submissions share is guaranteed to
give them a common fingerprint, while only about ``2 / (window + 1)`` of the hashes are kept.
"""
from __future__ import annotations

import hashlib
from typing import Sequence

from autograder.similarity.types import CodeDoc, Fingerprints, Token


def kgram_hashes(tokens: Sequence[Token], k: int) -> list[int]:
    """One 64-bit hash per k-gram, in order (stable across runs and machines, unlike ``hash()``)."""
    texts = [t.text for t in tokens]
    return [int.from_bytes(hashlib.blake2b("\x1f".join(texts[i:i + k]).encode(), digest_size=8).digest(), "big")
            for i in range(len(texts) - k + 1)]


def winnow(hashes: Sequence[int], window: int) -> list[tuple[int, int]]:
    """(hash, position) of the fingerprints winnowing selects: the rightmost minimum of each window,
    each selection recorded once."""
    if not hashes:
        return []
    if len(hashes) <= window:
        low = min(hashes)
        position = max(i for i, h in enumerate(hashes) if h == low)
        return [(low, position)]
    chosen: list[tuple[int, int]] = []
    last = -1
    for start in range(len(hashes) - window + 1):
        block = hashes[start:start + window]
        low = min(block)
        position = start + max(i for i, h in enumerate(block) if h == low)
        if position != last:
            chosen.append((low, position))
            last = position
    return chosen


def covered_tokens(hashes: Sequence[int], count: int, k: int, boilerplate: frozenset[int]) -> list[bool]:
    """Which tokens lie inside some k-gram of the boilerplate (JPlag's base code)."""
    covered = [False] * count
    for i, h in enumerate(hashes):
        if h in boilerplate:
            covered[i:i + k] = [True] * k
    return covered


def own_kgrams(doc: CodeDoc, k: int, boilerplate: frozenset[int]) -> list[tuple[int, int]]:
    """(hash, position) of every k-gram that is not made only of boilerplate tokens.

    A k-gram that straddles two boilerplate passages (the starter's ``Input(...)`` line, then a ``Dense``
    line as the published solution writes it) is boilerplate too, though neither source holds it whole."""
    hashes = kgram_hashes(doc.tokens, k)
    covered = covered_tokens(hashes, len(doc.tokens), k, boilerplate)
    return [(h, i) for i, h in enumerate(hashes) if not all(covered[i:i + k])]


def fingerprints(doc: CodeDoc, k: int, window: int, boilerplate: frozenset[int]) -> Fingerprints:
    """A submission's winnowed fingerprints without the boilerplate's (starter notebook, published solution)."""
    hashes = kgram_hashes(doc.tokens, k)
    covered = covered_tokens(hashes, len(doc.tokens), k, boilerplate)
    return Fingerprints(id=doc.id, hashes=frozenset(h for h, i in winnow(hashes, window) if not all(covered[i:i + k])))


def boilerplate_hashes(docs: Sequence[CodeDoc], k: int) -> frozenset[int]:
    """Every k-gram hash of the boilerplate, not just the winnowed ones: a student's fingerprint that appears
    anywhere in the starter code is the starter's, whichever window chose it."""
    return frozenset(h for doc in docs for h in kgram_hashes(doc.tokens, k))


def shared_lines(doc: CodeDoc, other: frozenset[int], k: int, boilerplate: frozenset[int]) -> tuple[tuple[int, int], ...]:
    """(cell, line) of ``doc`` covered by one of its own k-grams whose hash is in ``other`` (for highlighting)."""
    covered: set[tuple[int, int]] = set()
    for h, i in own_kgrams(doc, k, boilerplate):
        if h in other:
            covered.update((t.cell, t.line) for t in doc.tokens[i:i + k])
    return tuple(sorted(covered))
