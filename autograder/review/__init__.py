"""Review and final grades: a reviewer's overrides, adjustments and comments over the automatic results.

``final`` (the pure final-grade computation), ``store`` (the review tables in ``results.sqlite``),
``outputs`` (rewrites the run's files after a change), ``late`` (the ``[policy]`` late penalty),
``release`` (feedback for students), ``commands`` (``autograder override`` and ``release``).
Names are loaded on first use, so ``autograder --help`` and the grading start stay light.
"""
from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {"Adjustment": "final", "Comment": "final", "FinalGrade": "final", "Override": "final", "Review": "final",
            "final_grade": "final", "final_view": "final", "review_document": "final",
            "ReviewError": "store", "ReviewStore": "store", "VersionConflict": "store", "reviews": "store",
            "refresh_outputs": "outputs"}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'autograder.review' has no attribute {name!r}")
    return getattr(importlib.import_module(f"autograder.review.{_EXPORTS[name]}"), name)
