"""Check kind ``new_head``: after the pretrained base, a Flatten or global pooling layer (or the base's own
``pooling``), then at least one Dense layer before the output layer."""
from autograder.checks.architecture import is_dense, output_dense
from autograder.checks.base import Evidence, Finding
from autograder.checks.pretrained_base import graded_base

FLATTENING = {"Flatten", "GlobalAveragePooling2D", "GlobalMaxPooling2D", "GlobalAveragePooling1D",
              "GlobalMaxPooling1D", "GlobalAveragePooling3D", "GlobalMaxPooling3D"}


def new_head(ev: Evidence) -> Finding:
    base = graded_base(ev)
    if base is None or ev.model is None:
        return Finding("fail", "new_head.no_base", hint="pretrained_base.hint")
    layers = ev.model.layers
    names = [layer.name for layer in layers]
    start = names.index(base.last_layer) + 1 if base.last_layer in names else 0
    head = layers[start:]
    output = output_dense(ev.model)
    params = {"network": base.network, "layers": ", ".join(l.class_name for l in head) or "-"}
    flat_at = 0 if base.pooling else next((i + 1 for i, l in enumerate(head) if l.class_name in FLATTENING), None)
    if flat_at is None:
        return Finding("fail", "new_head.no_flatten", params, hint="new_head.hint")
    dense = [l for l in head[flat_at:] if is_dense(l)]
    hidden = [l for l in dense if output is None or l is not output.layer]
    if not hidden:
        return Finding("fail", "new_head.no_dense", params, hint="new_head.hint")
    return Finding("pass", "new_head.ok", {**params, "units": hidden[0].units})
