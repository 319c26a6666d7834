"""Keras 2 file names for saving, mapped in the sandboxed child: ``save_weights('w.h5')`` writes
``w.weights.h5`` (Keras 3 requires that suffix) and ``model.save('folder')`` (a TF SavedModel folder in
Keras 2) writes ``folder.keras``; loading under the old name finds the file saved under the new one.
Each use gives a note with the modern spelling (``notes`` is ag_keras2's ``Notes``)."""
from __future__ import annotations

import os
import sys

import keras


def weights_path(filepath):
    """``w.h5`` -> ``w.weights.h5`` (what Keras 3's ``save_weights`` requires), else None."""
    if isinstance(filepath, str) and filepath.endswith(".h5") and not filepath.endswith(".weights.h5"):
        return filepath[:-3] + ".weights.h5"
    return None


def model_path(filepath):
    """``'my_model'`` (a TF SavedModel folder in Keras 2) -> ``'my_model.keras'``, else None."""
    if isinstance(filepath, str) and filepath and not os.path.splitext(filepath.rstrip("/"))[1]:
        return filepath.rstrip("/") + ".keras"
    return None


def install(notes):
    """``save_weights('w.h5')`` writes ``w.weights.h5`` and ``model.save('folder')`` writes ``folder.keras``;
    loading the old name finds the file saved under the new one."""
    Model = keras.Model
    save_weights, load_weights, save = Model.save_weights, Model.load_weights, Model.save

    def new_save_weights(self, filepath, *args, **kwargs):
        mapped = weights_path(filepath)
        if mapped is not None:
            notes.add("save_weights('...h5')", "save_weights('....weights.h5')")
            filepath = mapped
        return save_weights(self, filepath, *args, **kwargs)

    def new_load_weights(self, filepath, *args, **kwargs):
        mapped = weights_path(filepath)
        if mapped is not None and not os.path.exists(filepath) and os.path.exists(mapped):
            filepath = mapped
        return load_weights(self, filepath, *args, **kwargs)

    def new_save(self, filepath, *args, **kwargs):
        mapped = model_path(filepath)
        if mapped is not None:
            notes.add("model.save('folder')", "model.save('folder.keras')")
            filepath = mapped
            kwargs.pop("save_format", None)
        return save(self, filepath, *args, **kwargs)

    Model.save_weights, Model.load_weights, Model.save = new_save_weights, new_load_weights, new_save

    try:  # a private module: a Keras without it keeps its own load_model
        from keras.src.saving import saving_api
    except ImportError:
        return
    original = saving_api.load_model

    def load_model(filepath, *args, **kwargs):
        mapped = model_path(filepath)
        if mapped is not None and not os.path.exists(filepath) and os.path.exists(mapped):
            filepath = mapped
        return original(filepath, *args, **kwargs)

    load_model.__doc__ = original.__doc__
    for module in list(sys.modules.values()):  # keras.models, keras.saving, tf.keras.models ... bind it by name
        try:
            if vars(module).get("load_model") is original:
                module.load_model = load_model
        except TypeError:
            continue
