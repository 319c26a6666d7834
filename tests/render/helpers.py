"""Hand-built GradeResults and checkers shared by the render tests."""
from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser
from urllib.parse import urlparse

from autograder.assignment import load_assignment
from autograder.types import (
    CheckResult,
    CompileSpec,
    ErrorInfo,
    FitCall,
    GradeResult,
    LayerSpec,
    ModelSpec,
    RegularizerSpec,
    SourceLocation,
    StudentError,
    TrainingResult,
)

ASSIGNMENT = load_assignment("l2-dropout")
CHECK_IDS = ASSIGNMENT.check_ids
POINTS = ASSIGNMENT.points
L2 = RegularizerSpec("L2", l2=0.01)
HINTS_WITHOUT_CODE: set[tuple[str, str]] = set()  # every hint of a failing check carries a code line


def at(line: int, cell: int | None = 2) -> SourceLocation:
    return SourceLocation(cell=cell, line=line, file=None if cell else "alumno.py")


def dense(name: str, units: int, activation: str | None = "relu", reg: RegularizerSpec | None = L2,
          line: int = 7, **kw) -> LayerSpec:
    return LayerSpec("Dense", name, units=units, activation=activation, kernel_regularizer=reg, created_at=at(line), **kw)


def dropout(name: str, rate: float = 0.5, line: int = 8) -> LayerSpec:
    return LayerSpec("Dropout", name, rate=rate, created_at=at(line))


REFERENCE_LAYERS = (
    dense("dense", 64, line=7), dropout("dropout", line=8),
    dense("dense_1", 64, line=9), dropout("dropout_1", line=10),
    dense("dense_2", 1, "sigmoid", None, line=11),
)


def model(layers=REFERENCE_LAYERS, **kw) -> ModelSpec:
    base = dict(kind="sequential", class_name="Sequential", name="sequential", selected_by="fit", layers=tuple(layers),
                input_shape=(None, 30), compile=CompileSpec("Adam", "binary_crossentropy", metrics=("accuracy",)),
                fit_calls=(FitCall(epochs_requested=50, epochs_run=2, validation_split=0.2, loss=(0.9, 0.7)),))
    base.update(kw)
    return ModelSpec(**base)


def checks(statuses: dict[str, str] | None = None, messages: dict[str, str] | None = None,
           hints: dict[str, str] | None = None) -> tuple[CheckResult, ...]:
    statuses, messages, hints = statuses or {}, messages or {}, hints or {}
    out = []
    for spec in ASSIGNMENT.checks:
        cid = spec.id
        status = statuses.get(cid, "pass")
        out.append(CheckResult(cid, status, POINTS[cid] if status == "pass" else 0.0, POINTS[cid],
                               messages.get(cid, f"mensaje de {cid}"), hints.get(cid), kind=spec.kind,
                               rules=dict(spec.params)))
    return tuple(out)


def result(statuses: dict[str, str] | None = None, messages=None, hints=None, **kw) -> GradeResult:
    """A graded result shaped like the reference solution's, with the given check statuses."""
    cs = checks(statuses, messages, hints)
    base = dict(id="alumno", assignment="l2-dropout", source="entregas/alumno.ipynb", sha256="ab" * 32, status="graded",
                error=None, score=sum(c.points for c in cs), max_score=10.0, checks=cs, model=model(),
                training=TrainingResult(epochs=5, loss=(0.9, 0.8, 0.7, 0.65, 0.6), val_loss=(0.85, 0.8, 0.72, 0.7, 0.66)),
                lang="es", elapsed_s=3.25, isolation="bwrap", grader_version="0.1.0", output="Epoch 1/2\nEpoch 2/2\n")
    base.update(kw)
    return GradeResult(**base)


def missing_dropout_result(lang: str = "es") -> GradeResult:
    layers = REFERENCE_LAYERS[:3] + REFERENCE_LAYERS[4:]
    return result({"dropout": "fail"},
                  messages={"dropout": "Después de la capa oculta 'dense_1' (celda 2, línea 9) viene Dense en lugar de una capa Dropout."},
                  hints={"dropout": "Añade una capa Dropout justo después de cada capa oculta: `Dropout(0.5)`."},
                  model=model(layers), id="sin_dropout", lang=lang)


def error_result(lang: str = "es") -> GradeResult:
    statuses = {cid: "skipped" for cid in CHECK_IDS}
    statuses["model_built"] = "error"
    return result(statuses, id="roto", status="error", model=None, training=None, output="",
                  error=ErrorInfo("corrupt_notebook", "El cuaderno está dañado y no se puede leer (JSON)."), lang=lang,
                  isolation="none")


def crashing_result() -> GradeResult:
    """A notebook whose cell 3 raised, with a long printed output and a run cut short."""
    err = StudentError("NameError", "name 'X_tren' is not defined", at(4, cell=3),
                       ("celda 3, línea 4, en <module>: model.fit(X_tren, y_train)",))
    long_output = "\n".join(f"línea {i} <b>no es html</b>" for i in range(500))
    return replace(result(), id="con_error", student_errors=(err,), output=long_output, output_dropped_bytes=2048,
                   cut_short="La ejecución se cortó al alcanzar el límite de 120 s; se evaluó el modelo que ya existía.")


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []
        self.tags: list[str] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._in_style = tag == "style"
        for name, value in attrs:
            if value and name in ("href", "src", "srcset", "action", "formaction", "poster", "data", "xlink:href",
                                  "background", "manifest", "ping", "cite"):
                self.refs.append((tag, name, value))
            if name == "style" and value:
                self.styles.append(value)

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


def external_references(html: str) -> list[str]:
    """Everything in a page that would load or point to another host: URLs with a scheme or ``//``, CSS imports."""
    parser = _Refs()
    parser.feed(html)
    found = []
    for tag, name, value in parser.refs:
        parsed = urlparse(value.strip())
        if parsed.scheme or parsed.netloc or value.strip().startswith("//"):
            found.append(f"<{tag} {name}={value}>")
    for css in parser.styles:
        found += [f"css {m}" for m in re.findall(r"url\([^)]*\)|@import[^;]*", css)]
    found += [f"<{t}>" for t in parser.tags if t in ("link", "img", "iframe", "object", "embed", "base")]
    found += [f"<script src>" for tag, name, _ in parser.refs if tag == "script" and name == "src"]
    return found


def markdown_html_tags(markdown: str) -> set[str]:
    """HTML tag names used in a Markdown document outside code blocks and code spans."""
    text = re.sub(r"(?ms)^(`{3,})[^\n]*\n.*?^\1\s*$", "", markdown)
    text = re.sub(r"`[^`\n]*`", "", text)
    return {m.lower() for m in re.findall(r"</?([A-Za-z][A-Za-z0-9-]*)[^>]*>", text)}


def markdown_links(markdown: str) -> list[str]:
    return re.findall(r"\]\(([^)]*)\)", markdown)
