"""Message catalogs: Spanish and English hold the same keys and placeholders, and every key the code uses exists."""
from __future__ import annotations

import ast
import json
import re
import string
from pathlib import Path

import pytest

from autograder.assignment import load_assignment
from autograder.checks.vocabulary import VOCABULARY
from autograder.i18n import LANGUAGES, catalog

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "autograder"
CATALOG_DIR = PACKAGE / "i18n"
TEMPLATES = PACKAGE / "render" / "templates"
FILE_SUFFIXES = (".html", ".md", ".json", ".csv", ".py", ".ipynb", ".j2", ".js", ".css", ".toml", ".txt", ".log")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def prefixes() -> set[str]:
    return {key.split(".")[0] for key in catalog("es")}


def python_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "sandbox" not in p.parts)


def load_error_kinds() -> set[str]:
    tree = ast.parse((PACKAGE / "loading.py").read_text(encoding="utf-8"))
    return {node.args[0].value for node in ast.walk(tree) if isinstance(node, ast.Call)
            and getattr(node.func, "id", None) == "LoadError" and node.args and isinstance(node.args[0], ast.Constant)}


def dynamic_values() -> dict[str, set[str]]:
    """Values that fill the code's f-string keys (``f"check.{c.id}"``), by the key's constant prefix."""
    from autograder.grading import LIMIT_OUTCOMES

    return {
        "check.": set(load_assignment("l2-dropout").check_ids),
        "check_kind.": set(VOCABULARY),
        "ui.status.": {"pass", "fail", "error", "skipped"},
        "ui.result.": {"graded", "error"},
        "ui.isolation.": {"bwrap", "process", "none", "kernel"},
        "arch.order.": {"observed", "attributes"},
        "error.": load_error_kinds() | set(LIMIT_OUTCOMES) | {"sandbox"},
        "cut_short.": set(LIMIT_OUTCOMES),
        "note.": {"notebook_invalid", "renamed_id", "chosen_file"},
        "rule.": {"fit", "compile", "global", "construct"},
        "kind.": {"sequential", "functional", "subclassed"},
        # the regularization insight (autograder/insight.py, autograder/render/insight_view.py)
        "insight.verdict.": {"reduced", "not_reduced", "increased", "no_overfit", "no_regularization"},
        "insight.skipped.": {"not_trained", "custom_layers", "no_data", "failed", "timeout", "not_finite"},
        "insight.data.": {"student", "assignment"},
        "insight.facts.": {"rows", "labels", "mismatch", "epochs"},
        "insight.series.": {f"{side}_{part}" for side in ("model", "twin") for part in ("train", "val")},
        "student_fit.source.": {"predefined", "own"},
        # the unit's other techniques (autograder/insight_techniques.py, [insight] compare)
        "insight.": {f"{c}.{part}" for c in ("batch_norm", "early_stopping", "augmentation")
                     for part in ("title", "setup", "chart")}
        | {f"{c}.{part}" for c in ("batch_norm", "augmentation") for part in ("series_train", "series_val")}
        | {f"batch_norm.{v}" for v in ("faster", "slower", "same_speed", "no_technique.absent", "epochs_model",
                                      "epochs_twin", "val_model", "val_twin")}
        | {f"early_stopping.{v}" for v in ("helped", "no_gain", "not_stopped", "no_technique.absent",
                                          "stopped_epoch", "val_kept", "val_end", "best_val")}
        | {f"augmentation.{v}" for v in ("reduced", "not_reduced", "increased", "no_overfit", "no_technique.absent",
                                        "no_technique.by_flow")},
        "insight.technique.": {"batch_norm", "early_stopping", "augmentation"},
        "summary.insight_title_": {"batch_norm", "early_stopping", "augmentation"},
        "summary.insight_counts_": {"batch_norm", "early_stopping", "augmentation"},
        "insight.other.skipped.": {"not_trained", "custom_layers", "no_data", "failed", "timeout", "not_finite",
                                   "too_large", "functional", "monitor", "monitor_not_logged"},
    }


def keys_in_python() -> tuple[set[str], set[tuple[str, str]]]:
    """String constants that look like catalog keys, and the constant prefixes of f-string keys (with their file)."""
    known = prefixes()
    constants, dynamic = set(), set()
    for path in python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                value = node.value
                # A constant ending in "_" is a prefix the code completes ("compiled.hint_" + kind).
                if (re.fullmatch(r"[a-z0-9_]+(\.[a-z0-9_]+)+", value) and value.split(".")[0] in known
                        and not value.endswith(FILE_SUFFIXES) and not value.endswith("_")):
                    constants.add(value)
            elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
                head = node.values[0].value
                if re.fullmatch(r"[a-z_]+\.([a-z_]+\.)*", head) and head.split(".")[0] in known:
                    dynamic.add((head, path.relative_to(ROOT).as_posix()))
    return constants, dynamic


def keys_in_templates() -> set[str]:
    keys = set()
    for path in TEMPLATES.glob("*.j2"):
        text = path.read_text(encoding="utf-8")
        keys |= {f"ui.{k}" for k in re.findall(r"\bui\.([a-z_]+)", text)}
        keys |= {f"ui.{k}" for k in re.findall(r"\bui\[\"([a-z_.]+)\"\]", text)}
        if path.name.startswith("summary"):
            keys |= {f"summary.{k}" for k in re.findall(r"\bs\.([a-z_]+)", text)}
    return keys


def test_both_catalogs_have_the_same_keys():
    es, en = catalog("es"), catalog("en")
    assert sorted(set(es) - set(en)) == [] and sorted(set(en) - set(es)) == []


def catalog_files() -> list[Path]:
    """The core catalogs (``es.json``) and each feature's own (``insight.es.json`` ...)."""
    return sorted(p for lang in LANGUAGES for p in [CATALOG_DIR / f"{lang}.json", *CATALOG_DIR.glob(f"*.{lang}.json")])


@pytest.mark.parametrize("path", catalog_files(), ids=lambda p: p.name)
def test_catalog_files_are_sorted_and_complete(path):
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    assert list(data) == sorted(data), "keep the catalog sorted by key"
    assert text.rstrip("\n") == json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
    assert [k for k, v in data.items() if not isinstance(v, str) or not v.strip()] == []


def test_same_placeholders_in_both_languages():
    es, en = catalog("es"), catalog("en")
    assert {k: (placeholders(es[k]), placeholders(en[k])) for k in es if placeholders(es[k]) != placeholders(en[k])} == {}


def test_every_constant_key_in_the_code_exists():
    constants, _ = keys_in_python()
    assert constants, "the scan found no keys at all"
    assert sorted(k for k in constants if k not in catalog("es")) == []


def test_every_dynamic_key_in_the_code_exists():
    _, dynamic = keys_in_python()
    values = dynamic_values()
    missing, unknown = [], []
    for head, path in sorted(dynamic):
        if head not in values:
            unknown.append((head, path))
            continue
        missing += [head + v for v in sorted(values[head]) if head + v not in catalog("es")]
    assert missing == []
    # The renderers' own dynamic keys must all be listed above; other packages' are checked when listed.
    assert [u for u in unknown if u[1].startswith("autograder/render/")] == []


def test_every_key_in_the_templates_exists():
    keys = keys_in_templates()
    assert len(keys) > 30
    assert sorted(k for k in keys if k not in catalog("es")) == []
