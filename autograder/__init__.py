"""autograder: a safe, fast grader for the Keras L2 + Dropout exercise."""

__version__ = "0.1.0"


def check(model=None, **options) -> None:
    """From a Jupyter notebook: grade ``model`` (default: the notebook's) here and show the feedback inline.

    A practice check in the running kernel; the official grade comes from the sandboxed run.
    Options: ``assignment``, ``lang`` (``es``/``en``), ``train`` (False skips the brief training).
    Imported lazily so that ``import autograder`` stays cheap (no TensorFlow, no Jinja).
    """
    from autograder.integrations.notebook_check import check as check_in_kernel

    return check_in_kernel(model, **options)


__all__ = ["__version__", "check"]
