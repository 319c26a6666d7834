# Two commands do all the set-up on a fresh machine with Python 3.11:
#   make grade   -> grades solutions/ into reports/
#   make test    -> runs the whole test suite (slow tests included)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup system-deps bytecode grade test test-fast bench clean lock

setup: system-deps $(STAMP) bytecode

# The checkout's own modules, compiled once: every grader, worker and render process reads them instead of
# compiling ~12k lines again (0.25 s of CPU each where PYTHONDONTWRITEBYTECODE is set, as on CI images).
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q -j 0 autograder

# System packages: bubblewrap (sandbox) and Chromium (report screenshots in tests).
# Best effort: installed with apt-get when we are root on Debian/Ubuntu; otherwise the grader
# falls back to a limits-only sandbox and the browser test is skipped with a reason.
system-deps:
	@missing=""; \
	command -v bwrap >/dev/null 2>&1 || missing="$$missing bubblewrap"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium chromium-driver"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing:$$missing"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	      || echo "warning: could not install$$missing"; \
	  else echo "note: not installed:$$missing (need root and apt-get)"; fi; \
	fi

# Everything is installed with -c constraints.txt, the lock: the exact versions the tests passed on
# (make lock), so make, CI, the student workflow, Dask workers and Gradescope grade in one environment.
# pyproject.toml keeps ranges only ([grader] adds TensorFlow); the students' environment (seaborn,
# SciPy, ...) is each assignment's [environment] list, printed by `python -m autograder.environment`.
CONSTRAINTS := constraints.txt
ENVIRONMENT := $(VENV)/environment.txt

$(STAMP): pyproject.toml $(CONSTRAINTS) $(wildcard assignments/*/assignment.toml)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -c $(CONSTRAINTS) -e ".[grader,dev,dask,desk]"
	for a in assignments/*/; do $(BIN)/python -m autograder.environment "$$a" || exit 1; done > $(ENVIRONMENT)
	$(BIN)/pip install -q -c $(CONSTRAINTS) -r $(ENVIRONMENT)
	touch $(STAMP)

# Rewrite the lock from .venv as it is now (after installing and testing a change there): pip freeze,
# without the grader itself.
lock:
	@test -x $(BIN)/pip || { echo "no $(VENV): run make setup first"; exit 1; }
	{ echo "# The lock: every package of the tested grading environment. Written by make lock"; \
	  echo "# (pip freeze of .venv); install with pip install -c constraints.txt ..."; \
	  $(BIN)/pip freeze --exclude-editable | grep -viE '^(autograder|pip|setuptools|wheel)( |=|@)'; } > $(CONSTRAINTS)

# Exit code 1 only says some submission failed a check: expected here, the variants are wrong on purpose.
grade: setup
	$(BIN)/autograder grade solutions/ --out reports/ || [ $$? -eq 1 ]
	@echo "reports/: open reports/summary.html and reports/<id>/report.html"

test: setup
	$(BIN)/pytest -q

test-fast: setup
	$(BIN)/pytest -q -m "not slow"

bench: setup
	$(BIN)/python bench/grade_vs_nbconvert.py

clean:
	rm -rf $(VENV) .venv-*/ reports/*/ reports/*.csv
