"""``autograder.check()`` from inside Jupyter: grade the model in the running kernel, show the feedback inline.

The live model is described with the sandbox's own describe code (``autograder/sandbox/inner``:
``ag_hooks.Tracker`` and ``ag_describe``), parsed by ``autograder.spec`` and checked by
``autograder.checks``, exactly as in a real grading. The ``trains`` check runs the grader's brief
training in this process, on a clone rebuilt from the model's config (``ag_trainer``), so the
student's own model and weights are untouched. Layer creation lines are unknown here (no hooks were
installed while the cells ran), and nothing is isolated: the official grade is the sandboxed run's. For the
unit's other assignments, callbacks, image generators and pretrained bases are read off what the live objects
kept (``kernel_evidence``); a failure that may only mean the kernel could not see them is skipped with a sentence.
"""
from __future__ import annotations

import html
import importlib
import os
import random
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autograder import __version__
from autograder.assignment import DEFAULT_ASSIGNMENT, Assignment, load_assignment
from autograder.checks import run_checks, training_wanted
from autograder.checks.base import Evidence
from autograder.grading import localize, train_with_insight
from autograder.integrations.messages import say
from autograder.spec import extract_model_spec
from autograder.types import CheckResult, ExecutionArtifact, GradeResult, ModelSpec, RunLimits

if TYPE_CHECKING:
    from autograder.integrations.kernel_evidence import KernelEvidence

INNER = Path(__file__).resolve().parent.parent / "sandbox" / "inner"


def inner_module(name: str):
    """One of the sandbox's inner modules (they import each other by bare name, hence the path entry)."""
    if str(INNER) not in sys.path:
        sys.path.append(str(INNER))
    return importlib.import_module(name)


class InProcessTrainer:
    """The ``Sandbox`` protocol's ``train``, run in this process (no isolation: the kernel is the student's)."""

    isolation = "kernel"

    def run(self, job: dict, limits: RunLimits) -> ExecutionArtifact:  # pragma: no cover - not used here
        raise NotImplementedError("student code already ran in the kernel")

    def train(self, request: dict, limits: RunLimits) -> dict:
        import numpy as np

        trainer = inner_module("ag_trainer")
        # The trainer seeds Python's and NumPy's global generators; give the student theirs back.
        py_state, np_state = random.getstate(), np.random.get_state()
        try:
            return trainer.train(request)
        except Exception as exc:
            return {"error": f"{type(exc).__name__}: {exc}"}
        finally:
            random.setstate(py_state)
            np.random.set_state(np_state)


def kernel_namespace() -> dict[str, Any]:
    """The notebook's global variables (IPython's user namespace, else ``__main__``)."""
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:
        shell = None
    if shell is not None:
        return shell.user_ns
    return vars(sys.modules["__main__"])


def find_model(namespace: dict[str, Any]) -> tuple[Any, bool]:
    """The notebook's model: the global ``model`` if it is one, else the last Keras model assigned.

    Returns (model or None, whether it was the global ``model``).
    """
    import keras

    if isinstance(namespace.get("model"), keras.Model):
        return namespace["model"], True
    models = [v for k, v in namespace.items() if not k.startswith("_") and isinstance(v, keras.Model)]
    return (models[-1] if models else None), False


def compile_record(model, describe) -> dict[str, Any] | None:
    """What the sandbox's compile hook records, read off a compiled live model."""
    if not getattr(model, "compiled", False):
        return None
    try:
        metrics = (model.get_compile_config() or {}).get("metrics")
    except Exception:
        metrics = None
    return {"optimizer": describe.describe_optimizer(getattr(model, "optimizer", None)),
            "loss": describe.describe_loss(getattr(model, "loss", None)),
            "metrics": describe.describe_metrics(metrics), "error": None,
            "optimizer_given": getattr(model, "optimizer", None) is not None, "site": None}


def fit_record(model) -> dict[str, Any] | None:
    """What the sandbox's fit hook records, read off the model's last History."""
    history = getattr(model, "history", None)
    epochs = getattr(history, "epoch", None)
    if history is None or not epochs:
        return None
    values = getattr(history, "history", {}) or {}
    params = getattr(history, "params", {}) or {}
    return {"epochs_requested": params.get("epochs") if isinstance(params.get("epochs"), int) else None,
            "epochs_run": len(epochs), "batch_size": None, "validation_split": None,
            "has_validation_data": any(str(k).startswith("val_") for k in values),
            "loss": [float(v) for v in values.get("loss", [])][:100], "error": None, "site": None}


def describe_live_model(model, is_global: bool, namespace: dict[str, Any] | None = None
                        ) -> tuple[ModelSpec | None, "KernelEvidence"]:
    """The live model as the sandbox would report it, parsed into a ModelSpec, with what the kernel could and
    could not show of its callbacks, image generators and pretrained bases (``kernel_evidence``)."""
    from autograder.integrations.kernel_evidence import kernel_evidence

    hooks = inner_module("ag_hooks")
    describe = inner_module("ag_describe")
    tracker = hooks.Tracker({}, 0, lambda: None)
    index = tracker.index_of(model)
    events = [["construct", index]]
    fit = fit_record(model)
    found = kernel_evidence(model, namespace or {}, fitted=fit is not None)
    recorded = inner_module("ag_evidence").bases_in(model)  # built under the sandbox's wrapper (its tests)
    if recorded:
        found.bases = recorded
        found.unknown.pop("pretrained_base", None)
    record = compile_record(model, describe)
    if record is not None:
        record["bases"] = found.bases  # as they are now: the kernel did not see them when compile ran
        tracker.compiles[index] = record
        events.append(["compile", index])
    if fit is not None:
        fit["callbacks"], fit["generator"] = found.callbacks, found.flow
        tracker.fits[index] = [fit]
        events.append(["fit", index])
    described = tracker.describe_model(index)
    described["bases"] = found.bases
    described["generators"] = described.get("generators") or found.generators
    state = {"events": events, "models": {str(index): described}, "models_seen": 1,
             "global_model": index if is_global else None}
    return extract_model_spec(ExecutionArtifact(outcome="completed", state=state, isolation="kernel")), found


def notebook_name() -> str:
    """The notebook's file name when the front end tells (Jupyter Server, VS Code), else ``notebook``."""
    for candidate in (os.environ.get("JPY_SESSION_NAME"), kernel_namespace().get("__vsc_ipynb_file__")):
        if isinstance(candidate, str) and candidate:
            return candidate
    return "notebook"


def assignment_of_notebook(name: str) -> str | None:
    """The assignment a notebook's file name names (``tarea_batch_norm.ipynb`` -> ``batch-norm``), or None."""
    from autograder.assignment import ASSIGNMENTS_DIR

    stem = Path(name).stem.lower().replace("-", "_")
    known = sorted((p.parent.name for p in ASSIGNMENTS_DIR.glob("*/assignment.toml")), key=len, reverse=True)
    return next((a for a in known if a.replace("-", "_") in stem), None)


def voided(checks: tuple[CheckResult, ...], findings: dict, found: "KernelEvidence", lang: str
           ) -> tuple[tuple[CheckResult, ...], list[str]]:
    """Failing checks whose failure may only mean the kernel could not see the evidence, skipped with the
    sentence saying so; and the notes for kinds whose verdict stands but whose evidence was partial."""
    from autograder.integrations.kernel_evidence import NOTES, VOIDS

    out, notes = [], []
    for c in checks:
        key = found.unknown.get(c.kind)
        if key and c.status == "fail" and findings[c.id].message in VOIDS.get(c.kind, ()):
            c = replace(c, status="skipped", points=0.0, message=say(key, lang), hint=None)
        elif key and c.kind in NOTES and say(key, lang) not in notes:
            notes.append(say(key, lang))
        out.append(c)
    return tuple(out), notes


def check_model(model=None, *, assignment: str | Path | Assignment | None = None, lang: str | None = None,
                train: bool = True, namespace: dict[str, Any] | None = None) -> GradeResult:
    """Grade a live Keras model (or the notebook's, when ``model`` is None) against the assignment's checks.

    ``assignment`` None: the one the notebook's file name names (``tarea_early_stopping.ipynb``), else l2-dropout.
    """
    import keras

    started = time.monotonic()
    namespace = kernel_namespace() if namespace is None else namespace
    guessed = assignment is None
    if guessed:
        assignment = assignment_of_notebook(notebook_name()) or DEFAULT_ASSIGNMENT
    task = assignment if isinstance(assignment, Assignment) else load_assignment(assignment)
    lang = lang or task.lang
    notes = [say("kernel_note", lang)]
    if guessed:
        notes.append(say("kernel_assignment_guessed", lang, assignment=task.id))
    is_global = False
    if model is None:
        model, is_global = find_model(namespace)
    elif not isinstance(model, keras.Model):
        raise TypeError(say("kernel_not_model", lang, kind=type(model).__name__))
    spec, found = describe_live_model(model, is_global, namespace) if model is not None else (None, None)
    if model is None:
        notes.append(say("kernel_no_model", lang))
    evidence = Evidence(model=spec)
    findings = run_checks(evidence, task.checks, only=lambda c: not c.needs_training)
    wanted = training_wanted(findings, task.checks)
    training, insight = train_with_insight(InProcessTrainer(), spec, ExecutionArtifact(outcome="completed", state={}),
                                           task) if train and wanted else (None, None)
    findings = run_checks(replace(evidence, training=training), task.checks, done=findings)
    checks = localize(findings, task, lang)
    if wanted and not train:  # skipped on request: say so instead of "the grader could not train"
        checks = tuple(replace(c, status="skipped", points=0.0, message=say("kernel_no_training", lang), hint=None)
                       if c.kind == "trains" else c for c in checks)
    if found is not None:
        checks, partial = voided(checks, findings, found, lang)
        notes.extend(partial)
    name = notebook_name()
    return GradeResult(
        id=Path(name).stem or "notebook", assignment=task.id, source=name, sha256="", status="graded", error=None,
        score=float(sum(c.points for c in checks)), max_score=task.max_score, checks=checks, model=spec,
        training=training, lang=lang, elapsed_s=round(time.monotonic() - started, 3), isolation="kernel",
        notes=tuple(notes), grader_version=__version__, filename=Path(name).name, insight=insight)


def feedback_bundle(result: GradeResult) -> dict[str, str]:
    """The MIME bundle shown in the notebook: the HTML report in a frame under a banner, and plain text."""
    from autograder.render import render_html, render_markdown

    banner = say("kernel_banner", result.lang, score=f"{result.score:g}", max_score=f"{result.max_score:g}")
    report = render_html(result)
    frame = (f'<iframe title="{html.escape(banner)}" srcdoc="{html.escape(report, quote=True)}" '
             'style="width:100%;height:640px;border:1px solid #ccc;border-radius:4px" '
             'onload="try{this.style.height=(this.contentWindow.document.documentElement.scrollHeight+20)+\'px\'}'
             'catch(e){}"></iframe>')
    note = (f'<p role="status" style="padding:.6em .8em;border-left:4px solid #b45309;background:#fff7ed;'
            f'color:#1f2937;margin:.4em 0">{html.escape(banner)}</p>')
    return {"text/html": note + frame, "text/plain": banner + "\n\n" + render_markdown(result)}


def grading_in_progress() -> bool:
    """True inside the grader's sandbox, where Keras is hooked: there the official grading is under way,
    and a practice check would only add a model of its own (and time) to the run."""
    keras = sys.modules.get("keras")
    fit = getattr(getattr(keras, "Model", None), "fit", None)
    code_file = getattr(getattr(fit, "__code__", None), "co_filename", "")
    return getattr(fit, "__module__", None) == "ag_hooks" or Path(code_file).name == "ag_hooks.py"


def check(model=None, *, assignment: str | Path | Assignment | None = None, lang: str | None = None,
          train: bool = True) -> None:
    """Grade the notebook's model (or ``model``) here and show the feedback below the cell.

    ``assignment``: ``l2-dropout``, ``early-stopping``, ``batch-norm``, ``data-augmentation``,
    ``transfer-learning`` (or a folder); None: the one the notebook's file name names, else l2-dropout.

    A practice check: the official grade comes from the sandboxed run of the whole notebook.
    """
    if grading_in_progress():
        print(say("kernel_skipped_in_grading", lang or "es"))
        return
    result = check_model(model, assignment=assignment, lang=lang, train=train)
    bundle = feedback_bundle(result)
    try:
        from IPython.display import display

        display(bundle, raw=True)
    except ImportError:
        print(bundle["text/plain"])
