"""Review and final grades: a reviewer's overrides, adjustments and comments over the automatic results.

``final`` (the pure final-grade computation), ``store`` (the review tables in ``results.sqlite``),
``outputs`` (rewrites the run's files after a change), ``late`` (the ``[policy]`` late penalty),
``release`` (feedback for students).
"""
from autograder.review.final import Adjustment, Comment, FinalGrade, Override, Review, final_grade, final_view
from autograder.review.store import ReviewError, ReviewStore, VersionConflict, reviews

__all__ = ["Adjustment", "Comment", "FinalGrade", "Override", "Review", "ReviewError", "ReviewStore",
           "VersionConflict", "final_grade", "final_view", "reviews"]
