"""The augmentation insight's replay of an ``ImageDataGenerator`` (in the trainer's sandboxed child, where no
student code runs): the generator rebuilt from plain, bounded settings only, and each epoch's training rows
drawn anew through its ``flow``.

Standard library at import: the grader bounds the recorded settings with the same ``replay_settings``
(``autograder/spec.py``), so one table says what may reach the generator. Keras and NumPy are imported by the
functions that run in the child.
"""
from __future__ import annotations

import math

RANGES = {
    # setting -> (lowest, highest) of a number, or of both ends of a [lower, upper] pair
    "rotation_range": (0.0, 360.0),
    "width_shift_range": (0.0, 4096.0),
    "height_shift_range": (0.0, 4096.0),
    "shear_range": (0.0, 360.0),
    "channel_shift_range": (0.0, 1000.0),
    "rescale": (-1e4, 1e4),
    "zoom_range": (0.01, 10.0),
    "brightness_range": (0.0, 10.0),
}
PAIRS = ("zoom_range", "brightness_range")
WHOLE = ("width_shift_range", "height_shift_range")
"""Settings whose int stays an int: Keras reads an int shift as whole pixels, a float below 1 as a share."""
FLAGS = ("horizontal_flip", "vertical_flip")
FILL_MODES = ("constant", "nearest", "reflect", "wrap")
KEYS = tuple(RANGES) + FLAGS + ("fill_mode",)
"""Every setting the replay may pass to ``ImageDataGenerator``: nothing else ever is."""
NOT_RANDOM = ("rescale", "fill_mode")
"""Settings that transform no image at random on their own (a replay of only these has nothing to compare)."""
NO_TRANSFORM = {"zoom_range": [1.0, 1.0], "fill_mode": "nearest"}
"""Values that mean what leaving the setting out means (the generator's defaults)."""


def _number(value, low, high, whole=False):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if not math.isfinite(value) or not low <= value <= high:
        return None
    return value if whole and isinstance(value, int) else float(value)


def replay_settings(raw):
    """The settings an ``ImageDataGenerator`` is rebuilt from, out of untrusted data: only ``KEYS``, each a
    finite number within its range (a pair of them for zoom and brightness, lower first), a boolean, or a known
    fill mode. Anything else is dropped, and so are settings that change nothing (0, False, ``[1, 1]``)."""
    if not isinstance(raw, dict):
        return {}
    out = {}
    for key in KEYS:
        value = raw.get(key)
        if key in FLAGS:
            kept = True if value is True else None
        elif key == "fill_mode":
            kept = value if isinstance(value, str) and value in FILL_MODES and value != NO_TRANSFORM[key] else None
        elif key in PAIRS:
            ends = [_number(v, *RANGES[key]) for v in value] if isinstance(value, (list, tuple)) and len(value) == 2 \
                else [None]
            kept = ends if None not in ends and ends[0] <= ends[1] and ends != NO_TRANSFORM.get(key) else None
        else:
            kept = _number(value, *RANGES[key], whole=key in WHOLE) or None
        if kept is not None:
            out[key] = kept
    return out


def replays_anything(settings):
    """True when the settings transform images at random (not only rescale them)."""
    return any(key not in NOT_RANDOM for key in replay_settings(settings))


def generator(settings):
    """A fresh ``ImageDataGenerator`` from ``replay_settings(settings)`` alone (no callable, no other keyword)."""
    from keras.src.legacy.preprocessing.image import ImageDataGenerator

    return ImageDataGenerator(**replay_settings(settings))


class Epochs:
    """Each epoch's training rows through the generator's ``flow`` (in order, all rows at once, transformed
    anew every epoch; seeded as ``flow`` seeds its batches, so a run replays exactly). ``image_shape``: the
    rows' shape as images when the model takes them otherwise (flat): transformed as images, given back as
    the model takes them."""

    def __init__(self, settings, x, seed, image_shape=None):
        import numpy as np

        self.np, self.shape = np, x.shape
        images = np.asarray(x, dtype="float32").reshape((x.shape[0],) + tuple(image_shape or x.shape[1:]))
        self.flow = generator(settings).flow(images, batch_size=int(x.shape[0]), shuffle=False, seed=int(seed))

    def take(self, count):
        """The next ``count`` epochs' rows: (count, rows, ...) float32, shaped as the rows given."""
        epochs = [next(self.flow).reshape(self.shape) for _ in range(int(count))]
        return self.np.stack(epochs).astype("float32")


def rescale_of(settings):
    """The generator's ``rescale`` (1.0 when none): the insight scales every row by it, both models'
    and the validation rows, since it is preprocessing, not augmentation."""
    return float(replay_settings(settings).get("rescale", 1.0))
