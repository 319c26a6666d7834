"""Plain, frozen data of the similarity step: normalized code, fingerprints, pairs, clusters, the published flag."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SimilaritySettings:
    """The ``[similarity]`` section of an assignment; the defaults are what ``assignment.toml`` ships with."""

    threshold: float = 0.5
    """A pair is reported when its code similarity reaches this share of shared fingerprints."""
    k: int = 10
    """Tokens per k-gram: shared passages shorter than this are noise and never match."""
    window: int = 4
    """Winnowing window: any shared passage of ``k + window - 1`` tokens or more is always found."""
    min_fingerprints: int = 8
    """A submission with fewer fingerprints of its own (after boilerplate) is too small to compare."""
    size_floor: int = 20
    """The smaller submission counts as at least this many fingerprints in the code score: a short one that
    shares a few forced passages with a long one is not a near copy of it."""
    common_fraction: float = 0.2
    """A fingerprint in more than this share of the class (and more than ``common_min_count`` submissions)
    is what everybody writes, as MOSS's ``-m``: ignored."""
    common_min_count: int = 10
    published_threshold: float = 0.8
    """Share of the published solution's own lines found in a submission that raises the published flag."""
    max_chars: int = 200_000
    """Characters of code read per submission; the rest is left out of the comparison."""
    max_pairs: int = 50
    """Pairs shown with their side-by-side view (all reported pairs go to similarity.json)."""


@dataclass(frozen=True)
class Token:
    """One normalized token and where it came from in the submission."""

    text: str
    """``N`` for a name the student chose, ``L`` for a literal, else the token itself (keywords, operators,
    imported, attribute and keyword-argument names)."""
    cell: int
    """Notebook cell number (as Jupyter shows it), 0 for a script."""
    line: int
    """Line inside that cell (1-based)."""
    literal: str = ""
    """For ``L`` tokens, the literal as written (the published-solution flag compares literals)."""


@dataclass(frozen=True)
class CodeLine:
    """A line of the submission as shown in the side-by-side view."""

    cell: int
    line: int
    text: str


@dataclass(frozen=True)
class CodeDoc:
    """The code of one submission: what ran, in order, normalized and as written."""

    id: str
    tokens: tuple[Token, ...]
    lines: tuple[CodeLine, ...]


@dataclass(frozen=True)
class Fingerprints:
    """The winnowed fingerprints of one submission, boilerplate removed."""

    id: str
    hashes: frozenset[int]


@dataclass(frozen=True)
class Architecture:
    """What the graded model is, as compared across the class (from ModelSpec)."""

    layers: tuple[str, ...]
    """One short description per layer in data-flow order, InputLayer left out: ``Dense(64, relu, l2=0.01)``."""
    optimizer: str | None
    loss: str | None

    @property
    def text(self) -> str:
        return " → ".join(self.layers) + f" · {self.optimizer or '-'} · {self.loss or '-'}"


@dataclass(frozen=True)
class Pair:
    """Two submissions whose code shares more than the threshold."""

    a: str
    b: str
    code: float
    """Shared fingerprints over the smaller submission's fingerprints (overlap coefficient; the smaller one
    counts as at least ``size_floor``)."""
    jaccard: float
    """Shared fingerprints over all fingerprints of the two."""
    shared: int
    same_architecture: bool | None
    """None when either has no graded model."""
    shared_lines_a: tuple[tuple[int, int], ...] = ()
    """(cell, line) of ``a`` covered by a passage both share (filled in for the pairs shown)."""
    shared_lines_b: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Cluster:
    """Three or more submissions linked by reported pairs."""

    members: tuple[str, ...]
    pairs: int
    min_code: float
    max_code: float


@dataclass(frozen=True)
class PublishedMatch:
    """How close a submission is to the published reference solution, beyond what the exercise forces."""

    id: str
    flagged: bool
    closeness: float
    """Share of the reference's own lines (imports and starter-notebook lines left out) found in the submission,
    literals included: a copy that changed only names, comments or layout scores 1."""
    matched: int
    total: int
    missing: tuple[str, ...]
    """Reference lines the submission does not have, as the reference writes them."""
    extra: tuple[CodeLine, ...]
    """Lines of the submission's own that are not in the reference (first few)."""
    extra_count: int


@dataclass(frozen=True)
class SubmissionSimilarity:
    """What the similarity step knows of one submission."""

    id: str
    fingerprints: int
    compared: bool
    """False when too small to compare (or unreadable)."""
    architecture: Architecture | None


@dataclass(frozen=True)
class SimilarityReport:
    """The whole class: every submission, the reported pairs (best first), clusters and published-solution flags."""

    settings: SimilaritySettings
    submissions: tuple[SubmissionSimilarity, ...]
    pairs: tuple[Pair, ...]
    clusters: tuple[Cluster, ...]
    published: tuple[PublishedMatch, ...]
    docs: dict[str, CodeDoc] = field(default_factory=dict, compare=False)
    """Code of the submissions in the shown pairs, for the side-by-side views."""
    elapsed_s: float = 0.0
