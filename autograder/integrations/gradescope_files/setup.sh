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
# The grader with TensorFlow ([grader]) at the versions it was tested with (constraints.txt, the lock),
# then the libraries the assignment's notebooks may import (its [environment] list).
SOURCE=/autograder/source/autograder
BIN=/autograder/venv/bin
"$BIN/pip" install -q --upgrade pip
"$BIN/pip" install -q -c "$SOURCE/constraints.txt" "$SOURCE[grader]"
cd /
for assignment in "$SOURCE"/assignments/*/; do
  "$BIN/python" -m autograder.environment "$assignment"
done > /tmp/autograder-environment.txt
"$BIN/pip" install -q -c "$SOURCE/constraints.txt" -r /tmp/autograder-environment.txt
"$BIN/autograder" --version
