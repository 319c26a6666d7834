"""Small builders for the similarity tests: submissions from code text, without the sandbox."""
from __future__ import annotations

from autograder.similarity.normalize import code_doc
from autograder.similarity.types import CodeDoc
from autograder.types import SourceCell, Submission


def submission(sub_id: str, *cells: str) -> Submission:
    """A notebook-like submission whose code cells are ``cells`` (numbered 1, 2, ... as Jupyter would)."""
    return Submission(id=sub_id, source=f"{sub_id}.ipynb", kind="notebook", sha256=sub_id,
                      cells=tuple(SourceCell(index=i, source=c, original=c) for i, c in enumerate(cells, start=1)))


def doc(doc_id: str, *cells: str) -> CodeDoc:
    return code_doc(doc_id, [(i, c, c) for i, c in enumerate(cells, start=1)])


def texts(d: CodeDoc) -> list[str]:
    return [t.text for t in d.tokens]
