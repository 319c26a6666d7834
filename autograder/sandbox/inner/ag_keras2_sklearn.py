"""``keras.wrappers.scikit_learn`` (Keras 2's ``KerasClassifier``/``KerasRegressor(build_fn=..., epochs=...)``),
removed in Keras 3, served in the sandboxed child so that ``cross_val_score`` and ``GridSearchCV`` over a
``build_fn`` still build, compile and fit the student's model (each ``fit`` goes through the grader's hooks).
Keras 3's own spelling is ``keras.wrappers.SKLearnClassifier``; ag_keras2 notes the import."""
from __future__ import annotations

import inspect
import sys
import types

import numpy as np

NAME = "keras.wrappers.scikit_learn"


def _accepted(function, params):
    """The items of ``params`` that ``function`` takes by name (all of them when it takes ``**kwargs``)."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return {}
    if any(p.kind is p.VAR_KEYWORD for p in signature.parameters.values()):
        return dict(params)
    return {k: v for k, v in params.items() if k in signature.parameters}


def make_module():
    """The module: ``BaseWrapper``, ``KerasClassifier`` and ``KerasRegressor`` built on scikit-learn's base."""
    import keras
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin

    class BaseWrapper(BaseEstimator):
        """Keras 2's wrapper: ``build_fn`` builds and compiles a model; the other parameters go to it or to fit."""

        def __init__(self, build_fn=None, **sk_params):
            self.build_fn = build_fn
            self.sk_params = sk_params

        def get_params(self, deep=True):
            return dict(self.sk_params, build_fn=self.build_fn)

        def set_params(self, **params):
            if "build_fn" in params:
                self.build_fn = params.pop("build_fn")
            self.sk_params.update(params)
            return self

        def __sklearn_clone__(self):
            return type(self)(build_fn=self.build_fn, **dict(self.sk_params))

        def build(self):
            return self.build_fn(**_accepted(self.build_fn, self.sk_params))

        def fit_model(self, x, y, **kwargs):
            self.model = self.build()
            options = _accepted(keras.Model.fit, self.sk_params)
            options.update(kwargs)
            for name in ("x", "y", "build_fn"):
                options.pop(name, None)
            self.history_ = self.model.fit(x, y, **options)
            return self

    class KerasClassifier(ClassifierMixin, BaseWrapper):
        def fit(self, x, y, **kwargs):
            y = np.asarray(y)
            if y.ndim == 2 and y.shape[1] > 1:
                self.classes_ = np.arange(y.shape[1])
            else:
                self.classes_, y = np.unique(y.reshape(-1), return_inverse=True)
            self.n_classes_ = len(self.classes_)
            return self.fit_model(x, y, **kwargs)

        def predict_proba(self, x, **kwargs):
            probs = np.asarray(self.model.predict(x, verbose=0, **kwargs))
            if probs.shape[-1] == 1:
                probs = np.hstack([1 - probs, probs])
            return probs

        def predict(self, x, **kwargs):
            return self.classes_[np.argmax(self.predict_proba(x, **kwargs), axis=-1)]

    class KerasRegressor(RegressorMixin, BaseWrapper):
        def fit(self, x, y, **kwargs):
            return self.fit_model(x, y, **kwargs)

        def predict(self, x, **kwargs):
            return np.squeeze(np.asarray(self.model.predict(x, verbose=0, **kwargs)), axis=-1)

    module = types.ModuleType(NAME, __doc__)
    for cls in (BaseWrapper, KerasClassifier, KerasRegressor):
        cls.__module__ = NAME
        setattr(module, cls.__name__, cls)
    return module


def install():
    """Register the module (once scikit-learn imports); Keras 3's ``keras.wrappers`` package stays as it is."""
    try:
        sys.modules[NAME] = make_module()
    except Exception:  # no scikit-learn: the import keeps failing as in Keras 3
        pass
