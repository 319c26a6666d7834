from dataclasses import replace

from autograder.checks.base import Evidence
from autograder.checks.early_stopping import early_stopping
from autograder.checks.validation import validation
from autograder.types import CallbackSpec, FitCall
from tests.checks.factory import model

RULES = {"callback": "EarlyStopping", "monitor_prefix": "val_", "patience_min": 1}


def es(monitor="val_loss", patience=5, restore=None, name="EarlyStopping"):
    return CallbackSpec(name, monitor=monitor, patience=patience, restore_best_weights=restore)


def fitted(*fits):
    return Evidence(replace(model(), fit_calls=tuple(fits)), RULES)


def fit(*callbacks, split=0.2, data=False, called=True):
    return FitCall(epochs_requested=100, epochs_run=2, validation_split=split, has_validation_data=data,
                   callbacks=tuple(callbacks), called=called)


def test_the_course_example_passes_both():
    ev = fitted(fit(es()))
    assert early_stopping(ev).status == "pass" and validation(ev).status == "pass"
    assert validation(ev).params["split"] == "0.2"


def test_restore_best_weights_is_said():
    assert early_stopping(fitted(fit(es(restore=True)))).message == "early_stopping.ok_restore"


def test_a_training_quantity_fails_only_early_stopping():
    ev = fitted(fit(es(monitor="loss")))
    assert (early_stopping(ev).status, early_stopping(ev).message) == ("fail", "early_stopping.monitor")
    assert validation(ev).status == "pass"


def test_no_validation_fails_only_validation():
    ev = fitted(fit(es(), split=None))
    assert early_stopping(ev).status == "pass"
    assert (validation(ev).status, validation(ev).message) == ("fail", "validation.missing")


def test_validation_data_counts():
    assert validation(fitted(fit(es(), split=None, data=True))).message == "validation.ok_data"


def test_patience_below_the_minimum():
    assert early_stopping(fitted(fit(es(patience=0)))).message == "early_stopping.patience"
    assert early_stopping(Evidence(fitted(fit(es(patience=2))).model, {**RULES, "patience_min": 3})).status == "fail"


def test_missing_callback_names_what_was_given():
    f = early_stopping(fitted(fit(es(name="ModelCheckpoint"))))
    assert (f.message, f.params["others"]) == ("early_stopping.missing", "ModelCheckpoint")


def test_the_fit_given_the_callback_counts_over_a_later_one():
    ev = fitted(fit(es()), fit(split=None))
    assert early_stopping(ev).status == "pass" and validation(ev).status == "pass"


def test_no_fit_that_ran():
    ev = fitted(fit(es(), called=False))
    assert early_stopping(ev).message == "early_stopping.no_fit" and validation(ev).message == "validation.no_fit"
    assert early_stopping(fitted()).status == "fail"


def test_monitor_default_is_val_loss():
    assert early_stopping(fitted(fit(es(monitor=None)))).status == "pass"


def test_only_what_acts_as_keras_early_stopping_counts():
    """A class of the student's own named EarlyStopping (whatever module it claims, the sandbox records the Keras
    class it derives from: Callback) fails with its own sentence; a subclass keeping Keras' behaviour passes."""
    impostor = replace(es(), builtin=True, keras_class="Callback")
    finding = early_stopping(fitted(fit(impostor)))
    assert (finding.status, finding.message) == ("fail", "early_stopping.not_keras")
    own_defaults = replace(es(name="ParadaTemprana"), builtin=False, keras_class="EarlyStopping")
    assert early_stopping(fitted(fit(own_defaults))).status == "pass"
    overridden = replace(es(), builtin=False, keras_class=None)  # a subclass redefining on_epoch_end
    assert early_stopping(fitted(fit(overridden))).message == "early_stopping.not_keras"
    recorded_before = replace(es(), builtin=True, keras_class=None)  # a result stored before keras_class was
    assert early_stopping(fitted(fit(recorded_before))).status == "pass"
