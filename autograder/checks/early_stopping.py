"""Check kind ``early_stopping``: an ``EarlyStopping`` callback reaches the graded model's ``fit``, monitoring a
validation quantity (``val_loss``, ``val_accuracy`` ...), with ``patience`` at least the rule's minimum."""
from autograder.checks.base import Evidence, Finding
from autograder.checks.fit_calls import callbacks_named, graded_fit, impostors_named
from autograder.checks.trains import fit_name


def early_stopping(ev: Evidence) -> Finding:
    callback_class = str(ev.rules.get("callback", "EarlyStopping"))
    prefix = str(ev.rules.get("monitor_prefix", "val_"))
    patience_min = int(ev.rules.get("patience_min", 1))
    name = fit_name(ev.model)
    fit = graded_fit(ev.model, callback_class)
    base = {"name": name, "callback": callback_class, "prefix": prefix, "patience_min": patience_min}
    if fit is None:
        return Finding("fail", "early_stopping.no_fit", base, hint="early_stopping.hint")
    found = callbacks_named(fit, callback_class)
    if not found and impostors_named(fit, callback_class):  # named like Keras' class, without its behaviour
        return Finding("fail", "early_stopping.not_keras", {**base, "where": fit.location},
                       hint="early_stopping.hint")
    if not found:
        others = ", ".join(c.class_name for c in fit.callbacks) or "-"
        return Finding("fail", "early_stopping.missing", {**base, "where": fit.location, "others": others},
                       hint="early_stopping.hint")
    callback = found[-1]
    monitor = callback.monitor if callback.monitor is not None else "val_loss"
    params = {**base, "where": fit.location, "monitor": monitor, "patience": callback.patience}
    if not monitor.startswith(prefix):
        return Finding("fail", "early_stopping.monitor", params, hint="early_stopping.hint_monitor")
    if callback.patience is None or callback.patience < patience_min:
        return Finding("fail", "early_stopping.patience", params, hint="early_stopping.hint_patience")
    return Finding("pass", "early_stopping.ok_restore" if callback.restore_best_weights else "early_stopping.ok",
                   params)
