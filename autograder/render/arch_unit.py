"""The drawing's blocks for the unit's other assignments: a pretrained base collapsed into one block, random
transforms and the ImageDataGenerator that feeds ``fit``, and what their failing checks say is missing.

Like ``arch_view``, problems are drawn only for a check that did not pass, placed where its rule wants the
layer; the rule itself is the check's (its kind and parameters in the result), never decided again here.
"""
from __future__ import annotations

from autograder.checks.augmentation import LAYER_TRANSFORMS, layer_transforms
from autograder.checks.base import Evidence
from autograder.checks.fit_calls import called_fits
from autograder.checks.new_head import FLATTENING
from autograder.checks.trains import fit_name
from autograder.i18n import format_location, translate
from autograder.render.arch_blocks import Block
from autograder.types import BaseSpec, CheckResult, LayerSpec, ModelSpec

AUGMENTATION_FIX = "RandomFlip('horizontal'), RandomRotation(0.1),"
"""Two kinds of random transform, as the course's example asks for."""
MORE_TRANSFORMS = {"flip": "RandomFlip('horizontal'),", "rotation": "RandomRotation(0.1),",
                   "zoom": "RandomZoom(0.1),", "translation": "RandomTranslation(0.1, 0.1),"}


def failed(check: CheckResult | None) -> bool:
    return check is not None and check.status == "fail"


def is_augmentation(layer: LayerSpec) -> bool:
    return layer.builtin and layer.class_name in LAYER_TRANSFORMS


def option_settings(layer: LayerSpec) -> tuple[tuple[str, str], ...]:
    """A layer's recorded options (``factor: 0.1``, ``mode: horizontal``), labelled by their config keys."""
    return tuple(layer.options)


def _count(number: int) -> str:
    return f"{number:,}".replace(",", " ")


def _weights_text(base: BaseSpec, lang: str) -> str:
    if base.weights == "imagenet":
        return translate("arch.weights.imagenet" if base.loaded else "arch.weights.imagenet_random", lang)
    if base.weights is None:
        return translate("arch.weights.none", lang)
    if base.weights == "file":
        return translate("arch.weights.file", lang)
    return translate("arch.weights.unknown" if base.weights == "unknown" else "arch.weights.other", lang)


def _state_text(base: BaseSpec, lang: str) -> str:
    if base.trainable_at_compile is None:
        return translate("arch.state.not_compiled", lang)
    return translate("arch.state.trainable" if base.trainable_at_compile else "arch.state.frozen", lang)


def shape_text(shape) -> str:
    """A shape as Python writes a tuple: ``(30,)``, ``(224, 224, 3)``."""
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def base_constructor(network: str, spec: ModelSpec, weights: str = "imagenet") -> str:
    """``VGG16(weights='imagenet', include_top=False, input_shape=(224, 224, 3))`` for a corrected line."""
    shape = spec.input_shape[1:] if spec.input_shape and len(spec.input_shape) > 1 else (224, 224, 3)
    return f"{network or 'VGG16'}(weights='{weights}', include_top=False, input_shape={shape_text(shape)})"


def base_block(base: BaseSpec, spec: ModelSpec, pretrained: CheckResult | None, frozen: CheckResult | None,
               lang: str) -> Block:
    """One block for a whole ``keras.applications`` network: its name, size, weights and whether it was frozen."""
    settings = []
    if base.layer_count is not None:
        settings.append((translate("arch.base_layers", lang), str(base.layer_count)))
    if base.params is not None:
        settings.append((translate("arch.base_params", lang), _count(base.params)))
    settings.append((translate("arch.base_weights", lang), _weights_text(base, lang)))
    settings.append(("include_top", str(base.include_top)))
    if base.pooling:
        settings.append(("pooling", base.pooling))
    settings.append((translate("arch.base_state", lang), _state_text(base, lang)))
    problems, fixes = [], []
    weights = str(pretrained.rules.get("weights", "imagenet")) if pretrained is not None else "imagenet"
    if failed(pretrained):
        if base.include_top:
            problems.append(translate("arch.base_with_top", lang))
        if base.weights != weights:
            problems.append(translate("arch.base_no_weights", lang, {"weights": str(base.weights)}))
        if problems:
            fixes.append(f"base_model = {base_constructor(base.network, spec, weights)}")
    if failed(frozen) and base.trainable_at_compile is not False:
        key = "arch.base_not_compiled" if base.trainable_at_compile is None else "arch.base_trainable"
        problems.append(translate(key, lang))
        fixes.append("base_model.trainable = False")
    where = format_location(base.location, lang).strip(" ()")
    return Block("base", translate("arch.base", lang, {"network": base.network}), base.name, tuple(settings), where,
                 tuple(problems), "; ".join(fixes))


def head_insertions(spec: ModelSpec, spans: dict[int, tuple[BaseSpec, int]], head: CheckResult | None,
                    output_at: int | None, lang: str) -> dict[int, list[Block]]:
    """The new head's missing Flatten (or pooling) and Dense, where ``new_head`` wants them."""
    if not failed(head) or not spans:
        return {}
    base, end = spans[max(spans)]
    if base.pooling is None and not any(l.class_name in FLATTENING for l in spec.layers[end + 1:]):
        return {end + 1: [Block("missing", translate("arch.missing_flatten", lang),
                                problems=(translate("arch.missing_flatten_detail", lang, {"network": base.network}),),
                                fix="Flatten(),")]}
    at = output_at if output_at is not None and output_at > end else len(spec.layers)
    return {at: [Block("missing", translate("arch.missing_head_dense", lang),
                       problems=(translate("arch.missing_head_dense_detail", lang),),
                       fix="Dense(256, activation='relu'),")]}


def missing_base(spec: ModelSpec, pretrained: CheckResult | None, lang: str) -> dict[int, list[Block]]:
    """A base block drawn first when ``pretrained_base`` failed for want of any base."""
    if not failed(pretrained) or spec.bases:
        return {}
    weights = str(pretrained.rules.get("weights", "imagenet"))
    return {0: [Block("missing", translate("arch.missing_base", lang),
                      problems=(translate("arch.missing_base_detail", lang),),
                      fix=f"base_model = {base_constructor('VGG16', spec, weights)}")]}


def flow_block(spec: ModelSpec, check: CheckResult | None, lang: str) -> Block | None:
    """The ImageDataGenerator whose ``flow`` fed the graded model's last fit so fed, as a block before the
    input; marked when ``augmentation`` failed for too few kinds of transform."""
    fed = [f for f in called_fits(spec) if f.generator is not None]
    if not fed:
        return None
    transforms, location = fed[-1].generator.transforms, fed[-1].location
    problems, fix = (), ""
    minimum = int(check.rules.get("min_transforms", 2)) if check is not None else 0
    kinds = set(transforms) | set(layer_transforms(Evidence(model=spec)))
    if failed(check) and len(kinds) < minimum:
        problems = (translate("arch.more_augmentation_detail", lang, {"count": len(kinds), "min": minimum}),)
        fix = "datagen = ImageDataGenerator(rotation_range=20, width_shift_range=0.2, horizontal_flip=True)"
    return Block("augmentation", translate("arch.flow", lang),
                 settings=((translate("arch.transforms", lang), ", ".join(transforms) or "-"),),
                 where=format_location(location, lang).strip(" ()") if location else "", problems=problems, fix=fix)


def augmentation_insertions(spec: ModelSpec, check: CheckResult | None, lang: str
                            ) -> tuple[list[Block], dict[int, list[Block]]]:
    """What ``augmentation`` says is missing: blocks before the input (a generator not used by ``fit``), and
    blocks at layer positions (random transforms at the model's start, or one more after the last)."""
    if not failed(check):
        return [], {}
    minimum = int(check.rules.get("min_transforms", 2))
    in_layers = layer_transforms(Evidence(model=spec))
    fed = [f for f in called_fits(spec) if f.generator is not None]
    from_flow = list(fed[-1].generator.transforms) if fed else []
    kinds = in_layers + [k for k in from_flow if k not in in_layers]
    params = {"count": len(kinds), "min": minimum, "name": fit_name(spec)}
    if not kinds and spec.generators and not fed:
        return [Block("missing", translate("arch.generator_unused", lang),
                      problems=(translate("arch.generator_unused_detail", lang),),
                      fix=f"{params['name']}.fit(datagen.flow(X_train, y_train, batch_size=32), epochs=10)")], {}
    if not kinds:
        return [], {0: [Block("missing", translate("arch.missing_augmentation", lang),
                              problems=(translate("arch.missing_augmentation_detail", lang, params),),
                              fix=AUGMENTATION_FIX)]}
    if len(kinds) >= minimum or fed:
        return [], {}  # enough kinds, or more are to be added to the generator (its block shows them)
    last = max(i for i, layer in enumerate(spec.layers) if is_augmentation(layer))
    fix = next((line for kind, line in MORE_TRANSFORMS.items() if kind not in kinds), "RandomZoom(0.1),")
    return [], {last + 1: [Block("missing", translate("arch.more_augmentation", lang),
                                 problems=(translate("arch.more_augmentation_detail", lang, params),), fix=fix)]}
