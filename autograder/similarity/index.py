"""Pairs through an inverted index of fingerprints: only submissions that share a fingerprint are ever compared."""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import Sequence

from autograder.similarity.types import Fingerprints


def inverted_index(prints: Sequence[Fingerprints]) -> dict[int, list[int]]:
    """fingerprint -> positions (in ``prints``) of the submissions that have it."""
    index: dict[int, list[int]] = defaultdict(list)
    for position, fp in enumerate(prints):
        for h in fp.hashes:
            index[h].append(position)
    return index


def common_limit(class_size: int, fraction: float, min_count: int) -> int:
    """A fingerprint held by more submissions than this is what everybody writes."""
    return max(min_count, int(fraction * class_size))


def shared_counts(prints: Sequence[Fingerprints], limit: int) -> tuple[Counter[tuple[int, int]], Counter[int]]:
    """(shared fingerprints per pair of positions, common fingerprints per position).

    Fingerprints held by more than ``limit`` submissions are skipped (and counted per submission, so that
    they leave its denominator too); the work is the sum of the squared posting-list lengths under the limit,
    not the number of pairs in the class.
    """
    pairs: Counter[tuple[int, int]] = Counter()
    common: Counter[int] = Counter()
    for holders in inverted_index(prints).values():
        if len(holders) > limit:
            common.update(holders)
            continue
        for i, a in enumerate(holders):
            for b in holders[i + 1:]:
                pairs[(a, b)] += 1
    return pairs, common
