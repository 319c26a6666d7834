from dataclasses import replace

from autograder.checks.augmentation import augmentation
from autograder.checks.base import Evidence
from autograder.i18n import translate
from autograder.types import FitCall, FlowSpec, GeneratorSpec, SourceLocation
from tests.checks.factory import dense, layer, model, output

RULES = {"min_transforms": 2}


def ev(*layers, flow=None, generators=()):
    fits = (FitCall(epochs_requested=50, epochs_run=2, generator=flow),)
    spec = replace(model(*(layers or (layer("Conv2D"), layer("Flatten"), dense(), output(10, "softmax")))),
                   fit_calls=fits, generators=tuple(generators))
    return Evidence(spec, RULES)


def test_a_generator_flow_with_four_transforms_passes():
    kinds = ("rotation", "width_shift", "height_shift", "horizontal_flip")
    f = augmentation(ev(flow=FlowSpec(0, kinds), generators=[GeneratorSpec(kinds, flows=1)]))
    assert (f.status, f.params["count"], f.params["how"]) == ("pass", 4, "by_flow")
    # The way is worded in the student's language, never shown as a catalog key (a report said "through
    # augmentation.by_flow").
    assert translate(f.message, "en", f.params).endswith("through an ImageDataGenerator's flow feeding fit.")
    assert "el flow de un ImageDataGenerator" in translate(f.message, "es", f.params)


def test_random_layers_in_the_model_pass():
    f = augmentation(ev(layer("RandomFlip"), layer("RandomRotation"), layer("Conv2D"), output(10, "softmax")))
    assert (f.status, f.params["kinds"], f.params["how"]) == ("pass", "flip, rotation", "by_layers")
    assert translate(f.message, "en", f.params).endswith("through Random* layers inside the model.")


def test_one_transform_is_too_few():
    f = augmentation(ev(flow=FlowSpec(0, ("horizontal_flip",))))
    assert (f.status, f.message, f.params["count"]) == ("fail", "augmentation.too_few", 1)
    assert augmentation(ev(layer("RandomFlip"), layer("RandomFlip"), output(10, "softmax"))).message == \
        "augmentation.too_few"


def test_a_generator_that_never_fed_fit():
    where = SourceLocation(cell=3, line=1)
    f = augmentation(ev(generators=[GeneratorSpec(("rotation", "zoom"), location=where)]))
    assert (f.message, f.params["where"]) == ("augmentation.generator_unused", where)


def test_nothing_at_all_and_a_generator_without_transforms():
    assert augmentation(ev()).message == "augmentation.missing"
    assert augmentation(ev(flow=FlowSpec(0, ()), generators=[GeneratorSpec((), flows=1)])).message == \
        "augmentation.missing"


def test_a_student_layer_named_like_keras_does_not_count():
    own = replace(layer("RandomFlip"), builtin=False)
    assert augmentation(ev(own, layer("RandomRotation"), output(10, "softmax"))).status == "fail"
