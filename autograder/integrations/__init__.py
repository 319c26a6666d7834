"""Where students and instructors already are: GitHub Actions and Classroom, JUnit, Gradescope, Jupyter.

Each module here is one output format or one host: a function from GradeResult values to that
format's document (or, for ``notebook_check``, from a live Keras model to a GradeResult).
"""
