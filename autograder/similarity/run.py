"""The similarity step of a graded run: read the assignment's [similarity] section, compare the class,
hand the report to the renderer. Code always comes from the Submission values read this run (never from
stored results), models from the GradeResults."""
from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any, Mapping, Sequence

from autograder.similarity.analysis import analyze, cells_of, shared_names, submission_doc
from autograder.similarity.normalize import code_doc
from autograder.similarity.types import CodeDoc, SimilarityReport, SimilaritySettings
from autograder.types import GradeResult, SourceCell, Submission

REFERENCE_ID = "reference"


def settings_from(section: Mapping[str, Any]) -> SimilaritySettings:
    """SimilaritySettings from an assignment's [similarity] section; ValueError for a bad value."""
    values = {}
    for f in fields(SimilaritySettings):
        if f.name not in section:
            continue
        value = section[f.name]
        kind = int if f.type in ("int", int) else float
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ValueError(f"[similarity] {f.name} must be a number >= 0, not {value!r}")
        values[f.name] = kind(value)
    settings = SimilaritySettings(**values)
    if settings.k < 2 or settings.window < 1:
        raise ValueError("[similarity] k must be at least 2 and window at least 1")
    return settings


def starter_cells(folder: Path | None, section: Mapping[str, Any]) -> list[tuple[SourceCell, ...]]:
    """The code cells of the starter files every student gets (``starter`` paths, relative to the assignment)."""
    from autograder.loading import load_submission

    if folder is None:
        return []
    found = []
    for name in section.get("starter", []):
        path = folder / name
        if path.is_file():
            sub = load_submission(path)
            if sub.load_error is None:
                found.append(sub.cells)
    return found


def hint_cells(cells: Sequence[SourceCell]) -> list[tuple[SourceCell, ...]]:
    """Code the starter shows in its comments (``# TODO: ... por ejemplo: history = model.fit(...)``), one
    cell per comment (and per text after a colon): following a hint is not copying a classmate."""
    import io
    import tokenize

    hints = []
    for cell in cells:
        try:
            comments = [t.string.lstrip("#").strip() for t in tokenize.generate_tokens(io.StringIO(cell.source).readline)
                        if t.type == tokenize.COMMENT]
        except (tokenize.TokenError, SyntaxError):
            continue
        for body in comments:
            for text in {body, body.rsplit(": ", 1)[-1]}:
                hints.append((SourceCell(index=cell.index, source=text + "\n", original=text + "\n"),))
    return hints


def reference_cells(section: Mapping[str, Any]) -> tuple[SourceCell, ...]:
    text = str(section.get("published_solution", "")).strip("\n")
    return (SourceCell(index=0, source=text + "\n", original=text + "\n"),) if text.strip() else ()


def class_similarity(subs: Sequence[Submission], results: Sequence[GradeResult], folder: Path | None,
                     section: Mapping[str, Any]) -> SimilarityReport:
    """Compare every readable submission of the class with the others and with the published solution."""
    settings = settings_from(section)
    starter = starter_cells(folder, section)
    starter += [hint for cells in starter for hint in hint_cells(cells)]
    reference = reference_cells(section)
    kept = shared_names([*starter, *([reference] if reference else [])])
    starter_docs = [code_doc(f"starter-{i}", cells_of(cells), kept) for i, cells in enumerate(starter)]
    reference_doc: CodeDoc | None = code_doc(REFERENCE_ID, cells_of(reference), kept) if reference else None
    models = {r.id: r.model for r in results}
    docs = [submission_doc(sub, kept, settings.max_chars) for sub in sorted(subs, key=lambda s: s.id)
            if sub.load_error is None and sub.cells]
    return analyze(docs, models, starter_docs, reference_doc, settings)


def write_class_similarity(subs: Sequence[Submission], results: Sequence[GradeResult], folder: Path | None,
                           section: Mapping[str, Any], out_dir: Path, lang: str | None = None) -> SimilarityReport:
    """Compare the class and write ``similarity.html``, ``.md`` and ``.json`` into ``out_dir``."""
    from autograder.render.similarity_view import write_similarity_outputs
    from autograder.render.summary_view import summary_lang

    report = class_similarity(subs, results, folder, section)
    version = next((r.grader_version for r in results if r.grader_version), "?")
    write_similarity_outputs(report, out_dir, summary_lang(list(results), lang), version)
    return report
