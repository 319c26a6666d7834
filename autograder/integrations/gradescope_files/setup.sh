#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder image.
# It installs Python (3.11 or newer), the grader and its dependencies into /autograder/venv.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

apt-get update -qq
# bubblewrap isolates each submission when the container allows user namespaces;
# without it the grader still runs every submission with resource limits.
apt-get install -y -qq bubblewrap >/dev/null || echo "note: bubblewrap not installed; grading uses limits only"

PYTHON=""
for candidate in python3.11 python3.12 python3.13; do
  if command -v "$candidate" >/dev/null 2>&1; then PYTHON="$candidate"; break; fi
done
if [ -z "$PYTHON" ]; then
  apt-get install -y -qq python3.11 python3.11-venv >/dev/null
  PYTHON=python3.11
fi
if ! "$PYTHON" -m venv /autograder/venv; then
  apt-get install -y -qq "${PYTHON}-venv" >/dev/null
  "$PYTHON" -m venv /autograder/venv
fi
/autograder/venv/bin/pip install -q --upgrade pip
/autograder/venv/bin/pip install -q /autograder/source/autograder
/autograder/venv/bin/autograder --version
