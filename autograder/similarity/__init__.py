"""Similarity across the class and against the published solution (issue 15): fingerprints of what ran,
architecture identity, and the published-solution flag. Nothing here changes a score.

Stages: Submission -> CodeDoc (normalize) -> Fingerprints (winnowing, boilerplate removed) -> pairs through an
inverted index -> clusters; beside them, Architecture from ModelSpec and PublishedMatch against the reference.
"""
from autograder.similarity.analysis import analyze, submission_doc
from autograder.similarity.types import SimilarityReport, SimilaritySettings

__all__ = ["analyze", "submission_doc", "SimilarityReport", "SimilaritySettings"]
