"""The grader's check vocabulary: each kind an assignment may name, as one pure function plus its parameters.

Like a Great Expectations expectation type, a kind is a name backed by one function (``Evidence -> Finding``),
a JSON schema for its parameters (validated with the assignment file, before anything runs), the kinds it
depends on and whether it needs the grader's own training. Which checks an assignment has, with which ids,
points and parameters, is data: its ``[[check]]`` tables.

Adding a kind: write its pure function (``Evidence -> Finding``, parameters read from ``ev.rules``, message
keys in one catalog family), add a ``Kind`` below (parameter schemas with a ``description`` that reads as an
expectation, defaults, the kinds it depends on), and its sentences in ``autograder/i18n/*.json``;
``tests/checks/test_vocabulary.py`` then checks its defaults and that every family a check names is complete.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from autograder.checks.architecture import ACTIVATION_LAYERS
from autograder.checks.base import Evidence, Finding
from autograder.checks.compiled import compiled
from autograder.checks.dropout import after_each_hidden
from autograder.checks.hidden_layers import hidden_dense_count
from autograder.checks.l2_regularization import kernel_regularizer
from autograder.checks.model_built import model_built
from autograder.checks.output_layer import OUTPUT_KINDS, output_layer
from autograder.checks.trains import trains
from autograder.checks.augmentation import augmentation
from autograder.checks.early_stopping import early_stopping
from autograder.checks.frozen_base import frozen_base
from autograder.checks.new_head import new_head
from autograder.checks.pretrained_base import pretrained_base
from autograder.checks.validation import validation


@dataclass(frozen=True)
class Kind:
    """A check kind: what an assignment's ``kind = "..."`` names."""

    name: str
    run: Callable[[Evidence], Finding]
    summary: str
    """One line for ``autograder assignments`` and the README."""
    params: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Parameter name -> JSON schema (its ``description`` says what is expected, for error messages)."""
    defaults: dict[str, Any] = field(default_factory=dict)
    depends_on: tuple[str, ...] = ("model_built",)
    """Kinds whose checks (in the same assignment) must pass first."""
    needs_training: bool = False
    messages: str = ""
    """The catalog family of its messages when the check does not name one (``hidden_dense`` -> ``hidden_dense.ok``)."""
    native: str = ""
    """The family its function writes its keys in (rewritten to the check's family when they differ)."""


def _number(minimum: float | None = None, text: str = "a number") -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "number", "description": text}
    if minimum is not None:
        schema["minimum"] = minimum
    return schema


def _names(values: tuple[str, ...] | None = None, text: str = "a list of layer class names") -> dict[str, Any]:
    item = {"type": "string", "minLength": 1} if values is None else {"enum": list(values)}
    return {"type": "array", "items": item, "minItems": 1, "uniqueItems": True, "description": text}


STANDING_BETWEEN = ["BatchNormalization", *ACTIVATION_LAYERS]
"""What may stand between a hidden Dense and its follower by default (the contract's dropout rule)."""

VOCABULARY: dict[str, Kind] = {k.name: k for k in (
    Kind("model_built", model_built, "a Keras model could be obtained from the submission", depends_on=(),
         messages="model_built", native="model_built"),
    Kind("hidden_dense", hidden_dense_count, "exactly `count` hidden Dense layers, each with a non-linear activation",
         params={"count": {"type": "integer", "minimum": 0, "description": "an integer >= 0 (hidden Dense layers)"},
                 "example": {"type": "string", "minLength": 1,
                             "description": "a line of code for one hidden layer, shown in hints"}},
         defaults={"count": 2}, messages="hidden_dense", native="hidden_layers"),
    Kind("kernel_regularizer", kernel_regularizer,
         "every hidden Dense has a kernel regularizer with each factor of `kinds` above `min_factor`",
         params={"kinds": _names(("l1", "l2"), 'a list of "l1" and/or "l2"'),
                 "min_factor": _number(0, "a number >= 0 (factors must be above it)")},
         defaults={"kinds": ["l2"], "min_factor": 0.0}, messages="kernel_regularizer", native="l2_regularization"),
    Kind("after_each_hidden", after_each_hidden,
         "each hidden Dense is followed by a `layer` (only `between` layers between), its rate within bounds",
         params={"layer": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$",
                           "description": "a Keras layer class name (Dropout, BatchNormalization ...)"},
                 "between": _names(text="a list of layer class names that may stand between"),
                 "rate_min": _number(text="a number (the rate must be above it)"),
                 "rate_max": _number(text="a number (the rate must be below it)"),
                 "example": {"type": "string", "minLength": 1, "description": "a line of code, shown in hints"}},
         defaults={"layer": "Dropout", "between": STANDING_BETWEEN}, messages="after_each_hidden", native="dropout"),
    Kind("output_layer", output_layer, "the last layer is a Dense output of one of `kinds`",
         params={"kinds": _names(OUTPUT_KINDS, 'a list of "sigmoid", "softmax", "linear"')},
         defaults={"kinds": list(OUTPUT_KINDS)}, messages="output_layer", native="output_layer"),
    Kind("compiled", compiled, "compiled with an optimizer and a loss that fits the output layer",
         messages="compiled", native="compiled"),
    Kind("trains", trains, "its fit is reached, and the grader's brief training lowers a finite loss",
         depends_on=("model_built", "compiled"), needs_training=True, messages="trains", native="trains"),
    # The unit's other exercises (early stopping, data augmentation, transfer learning); batch normalization
    # is ``after_each_hidden`` with ``layer = "BatchNormalization"``.
    Kind("early_stopping", early_stopping,
         "a `callback` reaches the graded model's fit, monitoring a quantity that starts with `monitor_prefix`, "
         "patience >= `patience_min`",
         params={"callback": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$",
                              "description": "a Keras callback class name (EarlyStopping)"},
                 "monitor_prefix": {"type": "string", "description": "a prefix of the monitored quantity (val_)"},
                 "patience_min": {"type": "integer", "minimum": 0, "description": "an integer >= 0"}},
         defaults={"callback": "EarlyStopping", "monitor_prefix": "val_", "patience_min": 1},
         messages="early_stopping", native="early_stopping"),
    Kind("validation", validation,
         "the graded model's fit (the one given `callback`, else the last) validates: validation_split > 0 or "
         "validation_data",
         params={"callback": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$",
                              "description": "a Keras callback class name: its fit is the one judged"}},
         defaults={"callback": "EarlyStopping"}, messages="validation", native="validation"),
    Kind("augmentation", augmentation,
         "at least `min_transforms` kinds of random image transform reach the graded model's training (Random* "
         "layers in the model, or an ImageDataGenerator's flow feeding its fit)",
         params={"min_transforms": {"type": "integer", "minimum": 1, "description": "an integer >= 1"}},
         defaults={"min_transforms": 2}, messages="augmentation", native="augmentation"),
    Kind("pretrained_base", pretrained_base,
         "a keras.applications network inside the graded model, include_top=False, with `weights` asked for",
         params={"weights": {"enum": ["imagenet"], "description": '"imagenet"'}},
         defaults={"weights": "imagenet"}, messages="pretrained_base", native="pretrained_base"),
    Kind("frozen_base", frozen_base, "the pretrained base was not trainable when the model was compiled",
         messages="frozen_base", native="frozen_base"),
    Kind("new_head", new_head,
         "after the pretrained base: Flatten or global pooling, then at least one Dense before the output",
         messages="new_head", native="new_head"),
)}


def kind_schema(kind: Kind) -> dict[str, Any]:
    """The JSON schema of one ``[[check]]`` table of this kind: the common keys and the kind's parameters."""
    return {
        "type": "object",
        "required": ["kind", "id", "points"],
        "additionalProperties": False,
        "properties": {
            "kind": {"enum": sorted(VOCABULARY), "description": "one of: " + ", ".join(sorted(VOCABULARY))},
            "id": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$",
                   "description": "a lowercase identifier (letters, digits, _)"},
            "points": _number(0, "a number >= 0"),
            "depends_on": {"type": "array", "items": {"type": "string"}, "uniqueItems": True,
                           "description": "a list of ids of earlier checks"},
            "messages": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$",
                         "description": "a message family of the catalogs (e.g. \"dropout\")"},
            "title": {"type": "object", "additionalProperties": {"type": "string", "minLength": 1},
                      "propertyNames": {"enum": ["es", "en"]},
                      "description": 'a table of titles by language, e.g. {es = "...", en = "..."}'},
            **kind.params,
        },
    }
