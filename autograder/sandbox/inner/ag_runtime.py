"""TensorFlow runtime settings for a job's forked child (never the zygote: setting them before the fork
is harmless, but nothing in the zygote may start TensorFlow's runtime, whose threads a fork would lose).

Grappler's graph rewrites cost more than they save on this exercise's small models and pipelines: the
trainer's traced graph, and the ``tf.data`` pipeline Keras builds for every epoch of a student's ``fit``
(each new iterator instantiates its functions, ~25 ms each with the rewrites, ~9 ms without). The
numbers are the same either way: eager ops are never rewritten, and the pipeline only slices and
shuffles rows."""
from __future__ import annotations


def skip_graph_rewrites() -> None:
    try:
        import tensorflow as tf

        tf.config.optimizer.set_experimental_options({"disable_meta_optimizer": True})
    except Exception:  # an old or stripped TensorFlow: run with its defaults
        pass
