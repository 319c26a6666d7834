"""``autograder.check()`` on the oldest Keras 3 that pyproject.toml admits, beside the pinned TensorFlow.

The second environment is cheap: ``.venv-keras-<version>/`` (git-ignored, kept between runs) holds only
that Keras (and what it needs that .venv lacks); everything else comes from .venv through a .pth file.
The check's own tests (test_notebook_check.py, nbclient and a real kernel) then run in it.
"""
from __future__ import annotations

import os
import re

import pytest

from tests.integrations.installs import ROOT, installed, make_venv, oldest_keras, run

pytestmark = pytest.mark.slow


def keras_venv(version: str):
    """``.venv-keras-<version>``'s python, built on first use."""
    venv = ROOT / f".venv-keras-{version}"
    python = venv / "bin" / "python"
    if installed(venv).get("keras") != version or not python.exists():
        python = make_venv(venv, reuse_main="site")
        # pip warns that the pinned TensorFlow asks for a newer Keras: on purpose, that is the test.
        proc = run([python, "-m", "pip", "install", "-q", f"keras=={version}"])
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return python


@pytest.fixture(scope="module")
def oldest():
    if os.environ.get("AUTOGRADER_KERAS_UNDER_TEST"):
        pytest.skip("already inside the oldest-Keras run")
    version = oldest_keras()
    return version, keras_venv(version)


def test_the_checks_tests_pass_on_the_oldest_keras(oldest):
    version, python = oldest
    env = dict(os.environ, AUTOGRADER_KERAS_UNDER_TEST=version, TF_CPP_MIN_LOG_LEVEL="3")
    # All of the check's tests but the starter's install (one run of it, on the pinned Keras, is enough).
    # test_check_shows_the_feedback_inline asserts that its kernel imported this Keras and the main TensorFlow.
    proc = run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=",
                "tests/integrations/test_notebook_check.py", "-k", "not starter_notebook"],
               cwd=ROOT, env=env, timeout=900)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    summary = proc.stdout.strip().splitlines()[-1]
    passed = int(re.search(r"(\d+) passed", summary).group(1))
    assert passed >= 4 and "failed" not in summary and "skipped" not in summary, summary
