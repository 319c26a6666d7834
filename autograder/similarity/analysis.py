"""The similarity step: submissions' code and graded models in, a SimilarityReport out (pure, no files)."""
from __future__ import annotations

import time
from dataclasses import replace
from typing import Mapping, Sequence

from autograder.similarity.architecture import architecture, same_architecture
from autograder.similarity.fingerprint import boilerplate_hashes, fingerprints, own_kgrams, shared_lines
from autograder.similarity.index import common_limit, shared_counts
from autograder.similarity.normalize import code_doc, imported_names
from autograder.similarity.published import line_keys, published_match, reference_lines
from autograder.similarity.types import (Cluster, CodeDoc, Pair, SimilarityReport, SimilaritySettings,
                                         SubmissionSimilarity)
from autograder.types import ModelSpec, SourceCell, Submission


def cells_of(cells: Sequence[SourceCell]) -> list[tuple[int, str, str]]:
    return [(c.index, c.source, c.original) for c in cells]


def submission_doc(sub: Submission, kept: frozenset[str] = frozenset(), max_chars: int = 200_000) -> CodeDoc:
    """What ran of a submission: its notebook code cells in order, or its script (the first ``max_chars``
    characters: a megabyte of generated code must not hold up the class's report)."""
    cells, budget = [], max_chars
    for number, source, original in cells_of(sub.cells):
        if budget <= 0:
            break
        cut = source[:budget]
        cells.append((number, cut, original if cut == source else cut))
        budget -= len(cut)
    return code_doc(sub.id, cells, kept)


def shared_names(boilerplate: Sequence[Sequence[SourceCell]]) -> frozenset[str]:
    """Names imported by the starter notebook and the reference: kept as written in every submission."""
    return imported_names(c.source for cells in boilerplate for c in cells)


def clusters_of(pairs: Sequence[Pair]) -> tuple[Cluster, ...]:
    """Connected groups of three or more submissions (union-find over the reported pairs), largest first."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for pair in pairs:
        parent[root(pair.a)] = root(pair.b)
    groups: dict[str, list[str]] = {}
    for member in parent:
        groups.setdefault(root(member), []).append(member)
    found = []
    for members in groups.values():
        if len(members) < 3:
            continue
        inside = [p for p in pairs if p.a in members]
        found.append(Cluster(members=tuple(sorted(members)), pairs=len(inside),
                             min_code=min(p.code for p in inside), max_code=max(p.code for p in inside)))
    return tuple(sorted(found, key=lambda c: (-len(c.members), -c.max_code, c.members)))


def analyze(docs: Sequence[CodeDoc], models: Mapping[str, ModelSpec | None], starter: Sequence[CodeDoc],
            reference: CodeDoc | None, settings: SimilaritySettings = SimilaritySettings()) -> SimilarityReport:
    """Pairs, clusters and published-solution flags for a class.

    ``docs``: each submission's code; ``models``: its graded model (None when there was none);
    ``starter``: the code every student is given (boilerplate); ``reference``: the published solution.
    The starter's and the reference's passages count for no pair: what the exercise hands out or prints
    is not evidence that two students shared work (copying the reference is the published flag's job).
    """
    started = time.perf_counter()
    k, window = settings.k, settings.window
    boilerplate = boilerplate_hashes([*starter, *([reference] if reference else [])], k)
    prints = [fingerprints(doc, k, window, boilerplate) for doc in docs]
    limit = common_limit(len(docs), settings.common_fraction, settings.common_min_count)
    counts, common = shared_counts(prints, limit)
    sizes = [len(fp.hashes) - common[i] for i, fp in enumerate(prints)]
    compared = [size >= settings.min_fingerprints for size in sizes]
    arches = {doc.id: architecture(models.get(doc.id)) for doc in docs}

    pairs = []
    for (i, j), shared in counts.items():
        if not (compared[i] and compared[j]):
            continue
        code = shared / max(min(sizes[i], sizes[j]), settings.size_floor)
        if code < settings.threshold:
            continue
        a, b = sorted((docs[i].id, docs[j].id))
        pairs.append(Pair(a=a, b=b, code=round(code, 3), jaccard=round(shared / (sizes[i] + sizes[j] - shared), 3),
                          shared=shared, same_architecture=same_architecture(arches[a], arches[b])))
    pairs.sort(key=lambda p: (-p.code, -p.jaccard, p.a, p.b))

    by_id = {doc.id: doc for doc in docs}
    shown = [_with_passages(p, by_id[p.a], by_id[p.b], boilerplate, k) for p in pairs[:settings.max_pairs]]
    pairs = shown + pairs[settings.max_pairs:]

    published = ()
    if reference is not None:
        ref_lines = reference_lines(reference, starter)
        forced = frozenset(key for doc in starter for _, key in line_keys(doc))
        published = tuple(published_match(doc, ref_lines, forced, settings.published_threshold) for doc in docs)

    subs = tuple(SubmissionSimilarity(id=doc.id, fingerprints=sizes[i], compared=compared[i], architecture=arches[doc.id])
                 for i, doc in enumerate(docs))
    in_view = {p.a for p in shown} | {p.b for p in shown}
    return SimilarityReport(settings=settings, submissions=subs, pairs=tuple(pairs), clusters=clusters_of(pairs),
                            published=published, docs={i: by_id[i] for i in sorted(in_view)},
                            elapsed_s=round(time.perf_counter() - started, 3))


def _with_passages(pair: Pair, a: CodeDoc, b: CodeDoc, boilerplate: frozenset[int], k: int) -> Pair:
    """The pair with the lines of each side that a shared passage covers."""
    hashes_a = frozenset(h for h, _ in own_kgrams(a, k, boilerplate))
    hashes_b = frozenset(h for h, _ in own_kgrams(b, k, boilerplate))
    return replace(pair, shared_lines_a=shared_lines(a, hashes_b, k, boilerplate),
                   shared_lines_b=shared_lines(b, hashes_a, k, boilerplate))
