"""Build ModelSpec values by hand, so each check is tested on plain data in milliseconds."""
from __future__ import annotations

from autograder.types import CompileSpec, FitCall, LayerSpec, ModelSpec, RegularizerSpec, SourceLocation, TrainingResult

_counter = {"n": 0}


def _name(prefix: str) -> str:
    _counter["n"] += 1
    return f"{prefix}_{_counter['n']}"


def dense(units=64, activation="relu", l2=0.01, l1=0.0, reg_class=None, bias_l2=None, builtin=True, line=None):
    reg = None
    if l2 or l1:
        reg = RegularizerSpec(reg_class or ("L1L2" if (l1 and l2) else "L2" if l2 else "L1"), l1=l1, l2=l2)
    bias = RegularizerSpec("L2", l2=bias_l2) if bias_l2 else None
    return LayerSpec("Dense", _name("dense"), builtin=builtin, units=units, activation=activation,
                     kernel_regularizer=reg, bias_regularizer=bias,
                     created_at=SourceLocation(cell=2, line=line) if line else None)


def dropout(rate=0.5):
    return LayerSpec("Dropout", _name("dropout"), rate=rate)


def layer(class_name, activation=None):
    return LayerSpec(class_name, _name(class_name.lower()), activation=activation)


def output(units=1, activation="sigmoid"):
    return dense(units, activation, l2=0.0)


def reference_layers():
    return (dense(), dropout(), dense(), dropout(), output())


def model(*layers, loss="binary_crossentropy", optimizer="Adam", from_logits=False, compiled=True, compile_error=None,
          fitted=True):
    comp = CompileSpec(optimizer=optimizer, loss=loss, from_logits=from_logits, error=compile_error) if compiled else None
    fits = (FitCall(epochs_requested=50, epochs_run=2, validation_split=0.2),) if fitted else ()
    return ModelSpec(kind="sequential", class_name="Sequential", name="sequential",
                     selected_by="fit" if fitted else "compile",
                     layers=tuple(layers) if layers else reference_layers(), input_shape=(None, 30), compile=comp,
                     fit_calls=fits)


def training(*losses):
    return TrainingResult(epochs=len(losses), loss=tuple(float(v) for v in losses))


def l2_dropout_rules(check_id: str) -> dict:
    """The parameters the l2-dropout assignment gives one of its checks (its ``[[check]]`` table)."""
    from autograder.assignment import load_assignment

    return next(dict(c.params) for c in load_assignment("l2-dropout").checks if c.id == check_id)
