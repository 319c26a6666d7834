"""Check kind ``augmentation``: random image transforms reach the graded model's training, through ``Random*``
preprocessing layers inside the model or an ``ImageDataGenerator``'s ``flow`` feeding its ``fit``, with at least
the rule's number of kinds of transform."""
from autograder.checks.base import Evidence, Finding
from autograder.checks.fit_calls import called_fits
from autograder.checks.trains import fit_name

LAYER_TRANSFORMS = {"RandomFlip": "flip", "RandomRotation": "rotation", "RandomZoom": "zoom",
                    "RandomTranslation": "translation", "RandomContrast": "contrast",
                    "RandomBrightness": "brightness", "RandomCrop": "crop", "RandomHeight": "height",
                    "RandomWidth": "width", "RandomShear": "shear", "RandomColorJitter": "color_jitter",
                    "RandomGrayscale": "grayscale", "RandomHue": "hue", "RandomSaturation": "saturation",
                    "RandomSharpness": "sharpness", "RandomPosterization": "posterization",
                    "RandomInvert": "invert", "RandomElasticTransform": "elastic", "RandomErasing": "erasing",
                    "RandomGaussianBlur": "blur", "RandomPerspective": "perspective",
                    "RandAugment": "rand_augment", "AugMix": "aug_mix"}


def layer_transforms(ev: Evidence) -> list[str]:
    kinds = []
    for layer in ev.model.layers if ev.model is not None else ():
        kind = LAYER_TRANSFORMS.get(layer.class_name) if layer.builtin else None
        if kind and kind not in kinds:
            kinds.append(kind)
    return kinds


def augmentation(ev: Evidence) -> Finding:
    minimum = int(ev.rules.get("min_transforms", 2))
    name = fit_name(ev.model)
    in_layers = layer_transforms(ev)
    fed = [f for f in called_fits(ev.model) if f.generator is not None]
    from_flow = list(fed[-1].generator.transforms) if fed else []
    kinds = in_layers + [k for k in from_flow if k not in in_layers]
    params = {"name": name, "min": minimum, "count": len(kinds), "kinds": ", ".join(kinds) or "-"}
    if not kinds:
        built = ev.model.generators if ev.model is not None else ()
        if built and not fed:  # the generator exists but fit received the raw arrays
            return Finding("fail", "augmentation.generator_unused", {**params, "where": built[-1].location},
                           hint="augmentation.hint_flow")
        return Finding("fail", "augmentation.missing", params, hint="augmentation.hint")
    if len(kinds) < minimum:
        return Finding("fail", "augmentation.too_few", params, hint="augmentation.hint_more")
    how = "by_layers" if in_layers else "by_flow"  # worded by the catalogs' how.*
    return Finding("pass", "augmentation.ok", {**params, "how": how})
