"""Light optimizer steps for the grader's traced trainings (runs in the trainer's sandboxed child).

Keras' ``apply_gradients`` builds, in a traced function, some twenty-five operations per variable for an
Adam step (its bias corrections are recomputed for every variable, behind ``tf.distribute`` calls):
about a third of the trace of a small model. Here the plain Adam, SGD and RMSprop steps are written
with Keras' own formulas, in its order of operations (the losses come out the same), with the step's
shared terms computed once, on all of a model's variables as one flat vector. Anything else (a
schedule, clipping, weight decay, EMA, accumulation, loss scaling, AMSGrad, a constraint, a variable
that is not float32, an option this module does not know) keeps Keras' own step.
"""
from __future__ import annotations

import math

COMMON = {"name", "learning_rate", "weight_decay", "clipnorm", "global_clipnorm", "clipvalue", "use_ema",
          "ema_momentum", "ema_overwrite_frequency", "loss_scale_factor", "gradient_accumulation_steps"}
"""Options every Keras 3 optimizer has; those that change the step must be off."""
OWN = {"Adam": {"beta_1", "beta_2", "epsilon", "amsgrad"}, "SGD": {"momentum", "nesterov"},
       "RMSprop": {"rho", "momentum", "epsilon", "centered"}}


def plain_config(keras, optimizer):
    """The optimizer's config when its step is one this module writes, else None."""
    kind = type(optimizer).__name__
    if kind not in OWN or type(optimizer) is not getattr(keras.optimizers, kind, None):
        return None
    config = optimizer.get_config()
    if set(config) - COMMON - OWN[kind]:
        return None
    if not isinstance(config.get("learning_rate"), (int, float)):  # a schedule
        return None
    if any(config.get(key) for key in ("weight_decay", "clipnorm", "global_clipnorm", "clipvalue", "use_ema",
                                       "loss_scale_factor", "gradient_accumulation_steps", "amsgrad")):
        return None
    return config


class LightStep:
    """``apply(grads)`` for one model's trainable variables; its state lives in ``variables``.

    The step works on all the variables at once, as one flat vector (the gradients concatenated, one
    slot vector per moment): the same element-wise operations in the same order as Keras' per-variable
    step, so the same numbers, in a few operations per model instead of a score per variable."""

    def __init__(self, tf, kind, config, targets):
        self.tf, self.kind, self.config, self.targets = tf, kind, config, list(targets)
        self.sizes = [math.prod(v.shape) for v in self.targets]
        self.step = tf.Variable(0.0, trainable=False, dtype=tf.float32)
        zeros = lambda: [tf.Variable(tf.zeros([sum(self.sizes)], tf.float32), trainable=False)]
        self.first = self.second = self.third = []
        if kind == "Adam":
            self.first, self.second = zeros(), zeros()
        elif kind == "SGD" and config["momentum"] != 0:
            self.first = zeros()
        elif kind == "RMSprop":
            self.second = zeros()
            self.first = zeros() if config["momentum"] > 0 else []
            self.third = zeros() if config["centered"] else []
        self.variables = [self.step] + self.first + self.second + self.third

    def apply(self, grads):
        tf, c = self.tf, self.config
        lr = tf.constant(c["learning_rate"], tf.float32)
        g = tf.concat([tf.reshape(grad, [-1]) for grad in grads], 0) if len(grads) > 1 else tf.reshape(grads[0], [-1])
        getattr(self, "_" + self.kind.lower())(tf, c, lr, g)
        self.step.assign_add(1.0)

    def _update(self, tf, delta, method):
        """``var.assign_sub`` (or ``assign_add``) of each variable's part of the flat ``delta``."""
        parts = tf.split(delta, self.sizes) if len(self.sizes) > 1 else [delta]
        for var, part in zip(self.targets, parts):
            getattr(var, method)(tf.reshape(part, var.shape))

    def _adam(self, tf, c, lr, g):
        local_step = self.step + 1
        beta_1_power = tf.pow(tf.constant(c["beta_1"], tf.float32), local_step)
        beta_2_power = tf.pow(tf.constant(c["beta_2"], tf.float32), local_step)
        alpha = lr * tf.sqrt(1 - beta_2_power) / (1 - beta_1_power)
        (m,), (v,) = self.first, self.second
        m.assign_add((g - m) * (1 - c["beta_1"]))
        v.assign_add((tf.square(g) - v) * (1 - c["beta_2"]))
        self._update(tf, (m * alpha) / (tf.sqrt(v) + c["epsilon"]), "assign_sub")

    def _sgd(self, tf, c, lr, g):
        if not self.first:
            self._update(tf, g * lr, "assign_sub")
            return
        momentum = tf.constant(c["momentum"], tf.float32)
        (m,) = self.first
        m.assign(m * momentum - g * lr)
        self._update(tf, m * momentum - g * lr if c["nesterov"] else m.read_value(), "assign_add")

    def _rmsprop(self, tf, c, lr, g):
        rho = c["rho"]
        (velocity,) = self.second
        velocity.assign(rho * velocity + (1 - rho) * tf.square(g))
        if self.third:
            (average,) = self.third
            average.assign(rho * average + (1 - rho) * g)
            denominator = velocity - tf.square(average) + c["epsilon"]
        else:
            denominator = velocity + c["epsilon"]
        increment = (lr * g) / tf.sqrt(denominator)
        if self.first:
            (momentum,) = self.first
            momentum.assign(c["momentum"] * momentum + increment)
            self._update(tf, momentum.read_value(), "assign_sub")
        else:
            self._update(tf, increment, "assign_sub")


def light_step(keras, tf, optimizer, variables):
    """A LightStep for ``optimizer`` over ``variables``, or None (then Keras' own step is used)."""
    config = plain_config(keras, optimizer)
    if config is None or any(getattr(v, "constraint", None) is not None for v in variables):
        return None
    if not variables or any(str(v.dtype) != "float32" or not all(isinstance(d, int) for d in v.shape)
                            for v in variables):
        return None
    return LightStep(tf, type(optimizer).__name__, config, variables)
