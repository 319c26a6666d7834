from dataclasses import replace

from autograder.checks.base import Evidence
from autograder.checks.frozen_base import frozen_base
from autograder.checks.new_head import new_head
from autograder.checks.pretrained_base import pretrained_base
from autograder.types import BaseSpec
from tests.checks.factory import dense, layer, model, output

VGG = BaseSpec("VGG16", include_top=False, weights="imagenet", loaded=True, trainable_at_compile=False,
               last_layer="block5_pool")


def base_layers():
    return (layer("Conv2D"), layer("MaxPooling2D"), replace(layer("MaxPooling2D"), name="block5_pool"))


def ev(*head, base=VGG):
    head = head or (layer("Flatten"), dense(256), output())
    spec = replace(model(*(base_layers() + tuple(head))), bases=(base,) if base else ())
    return Evidence(spec, {"weights": "imagenet"})


def test_the_course_model_passes_all_three():
    e = ev()
    assert [pretrained_base(e).status, frozen_base(e).status, new_head(e).status] == ["pass"] * 3
    assert new_head(e).params["layers"] == "Flatten, Dense, Dense"


def test_random_weights_when_not_served_still_pass_and_say_so():
    assert pretrained_base(ev(base=replace(VGG, loaded=False))).message == "pretrained_base.ok_random"


def test_with_top_and_without_weights_fail_only_pretrained_base():
    for base, key in ((replace(VGG, include_top=True), "pretrained_base.with_top"),
                      (replace(VGG, weights=None), "pretrained_base.no_weights")):
        e = ev(base=base)
        assert pretrained_base(e).message == key
        assert frozen_base(e).status == new_head(e).status == "pass"


def test_trainable_at_compile_or_never_compiled():
    assert frozen_base(ev(base=replace(VGG, trainable_at_compile=True))).message == "frozen_base.trainable"
    assert frozen_base(ev(base=replace(VGG, trainable_at_compile=None))).message == "frozen_base.not_compiled"


def test_no_base_fails_all_three():
    e = ev(base=None)
    assert [f(e).status for f in (pretrained_base, frozen_base, new_head)] == ["fail"] * 3


def test_head_without_hidden_dense_or_without_flatten():
    assert new_head(ev(layer("Flatten"), output())).message == "new_head.no_dense"
    assert new_head(ev(dense(256), output())).message == "new_head.no_flatten"
    assert new_head(ev(dense(256), layer("Flatten"), output())).message == "new_head.no_dense"


def test_global_pooling_or_the_base_own_pooling_stands_for_flatten():
    assert new_head(ev(layer("GlobalAveragePooling2D"), layer("Dropout"), dense(64), output())).status == "pass"
    assert new_head(ev(dense(64), output(), base=replace(VGG, pooling="avg"))).status == "pass"
