"""Check kind ``frozen_base``: the pretrained base is not trainable when the model is compiled."""
from autograder.checks.base import Evidence, Finding
from autograder.checks.pretrained_base import base_params, graded_base


def frozen_base(ev: Evidence) -> Finding:
    base = graded_base(ev)
    if base is None:
        return Finding("fail", "frozen_base.missing", hint="pretrained_base.hint")
    params = base_params(base)
    if base.trainable_at_compile is None:
        return Finding("fail", "frozen_base.not_compiled", params, hint="frozen_base.hint")
    if base.trainable_at_compile:
        return Finding("fail", "frozen_base.trainable", params, hint="frozen_base.hint")
    return Finding("pass", "frozen_base.ok", params)
