"""autograder: a safe, fast grader for the Keras L2 + Dropout exercise."""

__version__ = "0.1.0"
